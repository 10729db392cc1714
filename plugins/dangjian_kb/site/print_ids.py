"""The printed handbook puts every section on one page: heading ids that are unique within a
section (``_1``, ``_2`` for headings the slugger cannot spell) would repeat across sections, so
each section's ids and in-page links are scoped by the section's id."""

from __future__ import annotations

import re

_ID = re.compile(r'(\sid=")([^"]*)(")')
_HREF = re.compile(r'(\shref="#)([^"]*)(")')


def scope(prefix: str, html: str) -> str:
    """``id="x"`` becomes ``id="<prefix>-x"`` and ``href="#x"`` follows it, for ids defined here."""
    own = set(m[2] for m in _ID.finditer(html))
    html = _ID.sub(lambda m: f"{m[1]}{prefix}-{m[2]}{m[3]}", html)
    return _HREF.sub(lambda m: f"{m[1]}{prefix}-{m[2]}{m[3]}" if m[2] in own else m[0], html)
