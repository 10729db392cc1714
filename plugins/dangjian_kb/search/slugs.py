"""Heading anchors: one slug function for the pages (Markdown's toc, set by the plugin) and the
search index, so a result links to the section it quotes. Chinese is kept (``#换届要提前多久准备``),
not replaced by ``#_1``; duplicates get ``_1``, ``_2`` as Markdown's toc numbers them."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[\s-]+")
_COUNTED = re.compile(r"^(.*)_([0-9]+)$")


def slugify(value: str, separator: str = "-") -> str:
    """NFKC, lower case, punctuation dropped (CJK and letters kept), spaces to ``separator``."""
    text = _NOT_WORD.sub("", unicodedata.normalize("NFKC", value).lower()).strip()
    return _SPACES.sub(separator, text).strip(separator)


def unique(slug: str, used: set[str]) -> str:
    """Markdown toc's rule for a repeated or empty id (markdown.extensions.toc.unique)."""
    while slug in used or not slug:
        m = _COUNTED.match(slug)
        slug = f"{m.group(1)}_{int(m.group(2)) + 1}" if m else f"{slug}_1"
    used.add(slug)
    return slug
