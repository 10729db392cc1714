"""One loaded entry: its front matter (as written), body and what the body links to."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from dangjian_kb.model.collection import Collection


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True)
class Link:
    target: str  # an entry id, or a relative .md path for file links
    text: str | None
    line: int


@dataclass
class Entry:
    id: str
    collection: Collection
    rel: str  # source path relative to the knowledge-base root
    meta: dict  # normalized front matter: only values that passed validation
    key_lines: dict[str, int]
    body: str
    body_line: int
    headings: list[Heading] = field(default_factory=list)
    wikilinks: list[Link] = field(default_factory=list)
    file_links: list[Link] = field(default_factory=list)
    citations: list[Link] = field(default_factory=list)  # [[依据:…]] in the body

    @property
    def title(self) -> str:
        return self.meta.get("title") or self.id

    @property
    def category(self) -> str | None:
        return self.meta.get("category")

    @property
    def topic(self) -> str | None:
        return self.meta.get("topic")

    @property
    def tags(self) -> list[str]:
        return self.meta.get("tags", [])

    @property
    def related(self) -> list[str]:
        return self.meta.get("related", [])

    @property
    def url(self) -> str:
        """Stable ASCII address relative to the site root (offline form)."""
        return f"{self.collection.name}/{self.id}.html"

    @property
    def src_uri(self) -> str:
        return f"{self.collection.name}/{self.id}.md"

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 0)

    def link_path(self, target: str) -> str:
        """Where a relative Markdown link of this entry's body points, relative to the root."""
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.rel), target))

    def section(self, heading: str) -> str:
        """The text under a level-2 heading, up to the next level-1/2 heading."""
        start = next((h for h in self.headings if h.level == 2 and h.text == heading), None)
        if start is None:
            return ""
        return "\n".join(section_lines(self.body.split("\n"), self.body_line, self.headings, start)).strip()


def section_lines(lines: list[str], line0: int, headings: list[Heading], start: Heading) -> list[str]:
    """The body lines under ``start`` up to the next level-1/2 heading (headings in code do not count)."""
    end = next((h.line for h in headings if h.line > start.line and h.level <= 2), line0 + len(lines))
    return lines[start.line - line0 + 1 : end - line0]
