"""Stable site addresses (ASCII, from ids and slugs) and relative links between them."""

from __future__ import annotations

import posixpath
import re
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
TERMS = "terms.html"  # 换届提醒
CATEGORIES = "categories/index.html"
STANDARDS = "standards/index.html"
BASIS = "basis.html"  # 制度依据: the register of regulations and the entries resting on each


def tag(name: str) -> str:
    return f"tags/{slug_for(name)}.html"


def regulation(reg_id: str) -> str:
    return f"{BASIS}#reg-{reg_id}"


def category(slug: str) -> str:
    return f"categories/{slug}.html"


_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


class UnsafeAddress(ValueError):
    """A generated address that would leave the site folder (Chinese message)."""


def checked(address: str, ascii_only: bool = True) -> str:
    """``address`` if it stays inside the site folder; every generated page and asset passes here."""
    parts = address.split("/")
    if address.startswith("/") or "\\" in address or any(p in ("", ".", "..") for p in parts):
        raise UnsafeAddress(
            f"生成的网址 '{address}' 会写到网站目录之外，已拒绝。请检查 taxonomy.yml 的 slug 和文件名。"
        )
    if ascii_only and not all(_SAFE_SEGMENT.fullmatch(p) for p in parts[:-1]):
        raise UnsafeAddress(f"生成的网址 '{address}' 含有不允许的字符，已拒绝。网址只能用英文字母、数字、-、_ 和 .。")
    return address


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
