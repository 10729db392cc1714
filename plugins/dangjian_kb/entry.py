"""One loaded entry: its front matter (as written), body and what the body links to."""

from __future__ import annotations

from dataclasses import dataclass, field

from .collections import Collection


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

    def section(self, heading: str) -> str:
        """The text under a level-2 heading, up to the next level-1/2 heading."""
        lines = self.body.split("\n")
        start = next((h for h in self.headings if h.level == 2 and h.text == heading), None)
        if start is None:
            return ""
        i = start.line - self.body_line + 1
        out = []
        for ln in lines[i:]:
            if ln.startswith("# ") or ln.startswith("## "):
                break
            out.append(ln)
        return "\n".join(out).strip()
