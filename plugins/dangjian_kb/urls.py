"""Stable site addresses (ASCII, from ids and slugs) and relative links between them."""

from __future__ import annotations

import posixpath

from .taxonomy import slug_for

HOME = "index.html"
FINDER = "finder.html"
PROBLEMS = "problems/index.html"
CASES = "cases/index.html"
HANDBOOK = "handbook/index.html"
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
    base = posixpath.dirname(from_url) or "."
    target, _, anchor = to_url.partition("#")
    rel = posixpath.relpath(target, base)
    return rel + (f"#{anchor}" if anchor else "")
