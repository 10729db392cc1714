"""Stable site addresses (ASCII, from ids and slugs) and relative links between them."""

from __future__ import annotations

import posixpath
from functools import lru_cache

from dangjian_kb.model.taxonomy import slug_for

HOME = "index.html"
FINDER = "finder.html"
PROBLEMS = "problems/index.html"
CASES = "cases/index.html"
HANDBOOK = "handbook/index.html"
TEMPLATES = "templates/index.html"
TAGS = "tags/index.html"
STATS = "stats.html"
REVIEW = "review.html"
PRINT = "print.html"
ABOUT = "about.html"


def tag(name: str) -> str:
    return f"tags/{slug_for(name)}.html"


def category(slug: str) -> str:
    return f"categories/{slug}.html"


def src_of(url: str) -> str:
    """The Markdown source name MkDocs needs for a page address."""
    return url[: -len(".html")] + ".md"


def relative(from_url: str, to_url: str) -> str:
    """Link from one page to another that works from file:// as well as over http."""
    target, _, anchor = to_url.partition("#")
    rel = _relative(posixpath.dirname(from_url), target)
    return rel + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=65536)
def _relative(base: str, target: str) -> str:
    # Called for every link of every generated page: cached, and without relpath's os calls.
    base_parts = base.split("/") if base else []
    target_parts = target.split("/")
    common = 0
    while common < min(len(base_parts), len(target_parts) - 1) and base_parts[common] == target_parts[common]:
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + target_parts[common:])
