"""The loaded knowledge base: entries, findings, published assets and the relation graph."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dangjian_kb.model.entry import Entry
from dangjian_kb.model.findings import Finding
from dangjian_kb.model.graph import RelationGraph
from dangjian_kb.model.regulations import CitationIndex, Register, citation_target, split_reference
from dangjian_kb.model.standards import Standard
from dangjian_kb.model.syntax import WIKILINK
from dangjian_kb.model.taxonomy import Taxonomy


@dataclass
class KnowledgeBase:
    root: Path
    taxonomy: Taxonomy
    entries: list[Entry]
    findings: list[Finding]
    assets: list[str] = field(default_factory=list)
    graph: RelationGraph = field(default_factory=RelationGraph)
    regulations: Register | None = None  # None: no regulations.yml, basis stays free text
    citations: CitationIndex = field(default_factory=CitationIndex)
    standards: list[Standard] = field(default_factory=list)  # standards/*.yml, checked

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.entries}
        self.by_rel = {e.rel: e for e in self.entries}  # what relative .md links name

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    def link_words(self, text: str) -> str:
        """Text with its links as the page shows them: [[ID|text]] as text, [[ID]] as the
        target's title, [[依据:id#条]] as the regulation's name and article (search, Word files)."""

        def words(m: re.Match[str]) -> str:
            cited = citation_target(m[1].strip())
            if cited is not None:
                key, article = split_reference(cited)
                reg = self.regulations.resolve(key) if self.regulations is not None else None
                return m[2] or (reg.name + article if reg else "")
            target = self.by_id.get(m[1].strip())
            return m[2] or (target.title if target else m[1])

        return WIKILINK.sub(words, text)

    def of(self, collection: str) -> list[Entry]:
        return [e for e in self.entries if e.collection.name == collection]
