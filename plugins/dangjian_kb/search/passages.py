"""An entry (or a site page) cut into its sections: heading, anchor and plain text. The search
ranks sections and quotes the one that answers; the anchor is the one the page gets."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from dangjian_kb.check.frontmatter import parse_file
from dangjian_kb.check.sources import UNSAFE_NAME
from dangjian_kb.model.findings import Collector
from dangjian_kb.model.syntax import atx_heading, lines_outside_code
from dangjian_kb.search.search_text import plain
from dangjian_kb.search.slugs import slugify, unique

_ID_IN_ATTRS = re.compile(r"#([\w-]+)")
_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")  # no '[' or '(' inside: linear on runs of them
_INLINE = re.compile(r"<[^>]+>|[*_`~]+")


@dataclass(frozen=True)
class Section:
    heading: str  # "" for the text before the first heading
    anchor: str  # "" for the top of the page
    text: str  # plain text, whitespace collapsed


def heading_text(raw: str) -> str:
    """What Markdown shows of a heading (and slugs): link text, no emphasis or tags."""
    return _INLINE.sub("", _LINK.sub(r"\1", raw)).strip()


def split(body: str) -> list[Section]:
    """Sections at every heading outside code; the level-1 title of a site page is its top."""
    used: set[str] = set()
    out: list[Section] = []
    heading, anchor, lines = "", "", []
    for _, line, in_code in lines_outside_code(body):
        m = None if in_code or "#" not in line else atx_heading(line)
        if m is None:
            lines.append(line)
            continue
        out.append(Section(heading, anchor, _flat(lines)))
        level, raw = m
        raw, custom = _custom_id(raw)
        heading = heading_text(raw)
        anchor = custom or slugify(heading)
        anchor = unique(anchor, used)
        lines = []
        if level == 1:  # a page's own title: the top, not a section
            out.append(Section(heading, "", ""))
            heading, anchor = "", ""
    out.append(Section(heading, anchor, _flat(lines)))
    return [s for s in out if s.heading or s.text]


def _custom_id(raw: str) -> tuple[str, str | None]:
    """A heading without its trailing attribute block that sets an id ('{#id}', '{: #id .x}'),
    and that id. Found by position, not by one regular expression: a heading of many '{' made
    the expression backtrack for minutes."""
    body = raw.rstrip()
    if not body.endswith("}"):
        return raw, None
    start = body.find("{", body.rfind("}", 0, len(body) - 1) + 1)
    ids = _ID_IN_ATTRS.findall(body[start + 1 : -1]) if start >= 0 else []
    if not ids:
        return raw, None
    return body[:start].rstrip(), ids[-1]


def _flat(lines: list[str]) -> str:
    return re.sub(r"\s+", " ", plain("\n".join(lines))).strip()


@dataclass(frozen=True)
class SitePage:
    title: str
    url: str
    sections: list[Section]


def _published_markdown(docs_dir: Path) -> list[Path]:
    """The Markdown files of docs/ that may be published: no symlink (check refuses them, KB011;
    a link to /etc/passwd named leak.md must not reach the index either), no dot folder, no
    special file, no name the build refuses (KB044)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(docs_dir):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(filenames):
            path = here / name
            if name.endswith(".md") and not name.startswith(".") and not UNSAFE_NAME.search(name):
                if not path.is_symlink() and path.is_file():
                    found.append(path)
    return sorted(found)


def site_pages(docs_dir: Path | None) -> list[SitePage]:
    """The site's own Markdown pages (投稿指南 …): searchable like entries, unless their front
    matter says ``search: {exclude: true}`` as material's search understood it."""
    if docs_dir is None or not docs_dir.is_dir() or docs_dir.is_symlink():
        return []
    pages = []
    for path in _published_markdown(docs_dir):
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        parsed = parse_file(text.replace("\r\n", "\n"), Collector(path.name))
        meta = parsed.data if isinstance(parsed.data, dict) else {}
        search = meta.get("search")
        if isinstance(search, dict) and search.get("exclude") is True:
            continue  # the page asks to stay out of search (the home page lists other pages)
        sections = split(parsed.body if parsed.data is not None else text)
        titled = [s for s in sections if s.heading and not s.anchor]
        title = titled[0].heading if titled else path.stem
        url = path.relative_to(docs_dir).with_suffix(".html").as_posix()
        pages.append(SitePage(title, url, [s for s in sections if s.anchor or s.text]))
    return pages
