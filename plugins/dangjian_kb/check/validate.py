"""Load a knowledge base and validate it: the one entry point the plugin and the CLI call.

Pass 1 reads every file on its own (front matter, fields, body, template prompts, personal
data). Pass 2 looks across entries (duplicate ids, links to ids that must exist, near-duplicate
problems and cases) and builds the relation graph.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path

from dangjian_kb.check import neardup, privacy, rules_body, rules_fields, rules_links, sources, templates
from dangjian_kb.check.frontmatter import parse_file
from dangjian_kb.model import taxonomy as taxonomy_mod
from dangjian_kb.model.collection import id_sort_key
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.findings import Collector
from dangjian_kb.model.knowledge_base import KnowledgeBase
from dangjian_kb.model.taxonomy import Taxonomy


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Loading allocates many small objects that all stay alive; the cyclic collector would
    rescan the whole heap again and again (inside a large MkDocs build, superlinearly)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(root: Path, taxonomy_path: Path | None = None, today: dt.date | None = None) -> KnowledgeBase:
    """Read and validate everything under ``root``. Raises TaxonomyError only for a broken taxonomy file."""
    with gc_paused():
        return _load(Path(root), taxonomy_path, today)


def _load(root: Path, taxonomy_path: Path | None, today: dt.date | None) -> KnowledgeBase:
    tax = taxonomy_mod.load(taxonomy_path if taxonomy_path is not None else root / taxonomy_mod.DEFAULT_FILE)
    today = today or dt.date.today()
    scan = sources.scan(root)
    findings = list(scan.findings)
    entries: list[Entry] = []
    for src in scan.sources:
        out = Collector(src.rel)
        entry = _load_one(src, tax, today, out)
        findings.extend(out.items)
        if entry is not None:
            entries.append(entry)
    entries, cross = rules_links.check(entries, root)
    findings.extend(cross)
    findings.extend(neardup.check(entries))
    kb = KnowledgeBase(root, tax, sorted(entries, key=lambda e: id_sort_key(e.id)), sorted(set(findings)), scan.assets)
    kb.graph = rules_links.build_graph(kb.entries, kb.by_id, kb.by_rel)
    return kb


def _load_one(src: sources.Source, tax: Taxonomy, today: dt.date, out: Collector) -> Entry | None:
    parsed = parse_file(src.text, out)
    headings, wikilinks, file_links, prose = rules_body.scan_body(parsed.body, parsed.body_line)
    rules_body.check_unsafe(prose, out)
    privacy.check(src.text, parsed.data.get(rules_fields.PRIVACY_FIELD) if parsed.data else None, today, out)
    meta = None
    if parsed.data is not None:
        meta = rules_fields.check_fields(src.collection, src.rel, parsed.data, parsed.key_lines, tax, today, out)
        rules_body.check_sections(src.collection, parsed.body, parsed.body_line, headings, out)
        if src.collection.placeholders:
            templates.check(parsed.data, parsed.key_lines, src.text, parsed.body, parsed.body_line, meta, out)
    if rules_body.PROMPT_WORD in src.text:  # after the field rules: a prompt replaces their findings
        rules_body.check_prompts(parsed.data, parsed.key_lines, prose, out)
    if meta is None or "id" not in meta:
        return None
    return Entry(
        meta["id"],
        src.collection,
        src.rel,
        meta,
        parsed.key_lines,
        parsed.body,
        parsed.body_line,
        headings,
        wikilinks,
        file_links,
    )
