"""Heading anchors: one slug function for the pages (Markdown's toc, set by the plugin) and the
search index, so a result links to the section it quotes. Chinese is kept (``#换届要提前多久准备``),
not replaced by ``#_1``; duplicates get ``_1``, ``_2`` as Markdown's toc numbers them."""

from __future__ import annotations

import re
import unicodedata

# Markdown toc's own rule for a repeated or empty id (_1, _2 …), so the index numbers as the page does
from markdown.extensions.toc import unique

__all__ = ["slugify", "unique"]

_NOT_WORD = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[\s-]+")


def slugify(value: str, separator: str = "-") -> str:
    """NFKC, lower case, punctuation dropped (CJK and letters kept), spaces to ``separator``."""
    text = _NOT_WORD.sub("", unicodedata.normalize("NFKC", value).lower()).strip()
    return _SPACES.sub(separator, text).strip(separator)
