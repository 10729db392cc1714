"""The printed handbook puts every section on one page: heading ids that are unique within a
section (``_1``, ``_2`` for headings the slugger cannot spell) would repeat across sections, so
each section's ids and in-page links are scoped by the section's id."""

from __future__ import annotations

import re

# Heading ids only: they come from the slugger and repeat across sections; other ids (a standard's
# row ids such as DM-02) are unique by contract and are link targets from other pages.
_ID = re.compile(r'(<h[1-6]\b[^>]*\sid=")([^"]*)(")')
_HREF = re.compile(r'(\shref="#)([^"]*)(")')


def scope(prefix: str, html: str) -> str:
    """A heading's ``id="x"`` becomes ``id="<prefix>-x"``; ``href="#x"`` follows it, for ids defined here."""
    own = set(m[2] for m in _ID.finditer(html))
    html = _ID.sub(lambda m: f"{m[1]}{prefix}-{m[2]}{m[3]}", html)
    return _HREF.sub(lambda m: f"{m[1]}{prefix}-{m[2]}{m[3]}" if m[2] in own else m[0], html)
