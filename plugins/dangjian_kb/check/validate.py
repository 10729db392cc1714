"""Load a knowledge base and validate it: the one entry point the plugin and the CLI call.

Pass 1 reads every file on its own (front matter, fields, body, template prompts, personal
data). Pass 2 looks across entries (duplicate ids, links to ids that must exist, near-duplicate
problems and cases) and builds the relation graph.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
from collections.abc import Iterator
from pathlib import Path

from dangjian_kb.check import (
    neardup,
    privacy,
    register,
    rules_basis,
    rules_body,
    rules_fields,
    rules_html,
    rules_links,
    sources,
    templates,
)
from dangjian_kb.check import standards as standards_check
from dangjian_kb.check.frontmatter import parse_file
from dangjian_kb.model import synonyms
from dangjian_kb.model import taxonomy as taxonomy_mod
from dangjian_kb.model.collection import HANDBOOK, id_sort_key
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.findings import Collector, Finding
from dangjian_kb.model.knowledge_base import KnowledgeBase
from dangjian_kb.model.regulations import REGISTER_FILE, citation_target
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


def load(
    root: Path,
    taxonomy_path: Path | None = None,
    today: dt.date | None = None,
    regulations_path: Path | None = None,
    synonyms_path: Path | None = None,
) -> KnowledgeBase:
    """Read and validate everything under ``root``. Raises TaxonomyError only for a taxonomy file
    with nothing usable (its findings listed); other taxonomy findings are reported with the rest.
    ``regulations_path`` defaults to ``root/regulations.yml``; without that file ``basis`` stays free text.
    ``synonyms_path`` (the search vocabulary, checked with the content) defaults to ``root/synonyms.yml``."""
    with gc_paused():
        return _load(Path(root), taxonomy_path, today, regulations_path, synonyms_path)


def _load(
    root: Path,
    taxonomy_path: Path | None,
    today: dt.date | None,
    regulations_path: Path | None,
    synonyms_path: Path | None,
) -> KnowledgeBase:
    tax_path = taxonomy_path if taxonomy_path is not None else root / taxonomy_mod.DEFAULT_FILE
    tax, findings = taxonomy_mod.read(tax_path, _shown(root, tax_path, outside=str(tax_path)))
    today = today or dt.date.today()
    scan = sources.scan(root)
    findings += scan.findings
    entries: list[Entry] = []
    unloaded: list[rules_links.BodyLinks] = []  # the links of files that give no entry, checked too
    claimed: set[str] = set()  # ids named by files that give no entry: links to them are not reported
    for src in scan.sources:
        out = Collector(src.rel)
        entry = _load_one(src, tax, today, out, unloaded)
        findings.extend(out.items)
        if entry is not None:
            entries.append(entry)
        elif (named := _id_in_name(src)) is not None:
            claimed.add(named)
    findings.extend(_synonym_findings(root, synonyms_path or root / "synonyms.yml", entries))
    entries, cross = rules_links.check(entries, root, unloaded, claimed)
    findings.extend(cross)
    findings.extend(neardup.check(entries))
    regs, reg_findings = register.load(*_register_path(root, regulations_path))
    citations, cite_findings = rules_basis.check(entries, regs)
    findings += reg_findings + cite_findings
    stds, found = standards_check.load(
        root, {e.id for e in entries} | claimed, {e.id for e in entries if e.collection is HANDBOOK}
    )
    findings.extend(found + standards_check.check_entries(entries, stds, complete=not any(f.is_error for f in found)))
    kb = KnowledgeBase(root, tax, sorted(entries, key=lambda e: id_sort_key(e.id)), sorted(set(findings)), scan.assets)
    kb.regulations, kb.citations = regs, citations
    kb.standards = stds
    kb.graph = rules_links.build_graph(kb.entries, kb.by_id, kb.by_rel)
    return kb


def _register_path(root: Path, given: Path | None) -> tuple[Path, str]:
    path = Path(given) if given is not None else root / REGISTER_FILE
    return path, _shown(root, path, outside=str(path))


def _id_in_name(src: sources.Source) -> str | None:
    """The id a file's name gives (P-0001 for problems/P-0001-示例.md), when its front matter
    could not: the entry is broken, not missing, and its own findings say why."""
    name = src.rel.rsplit("/", 1)[-1]
    m = re.match(rf"{re.escape(src.collection.prefix)}-[0-9][0-9.]*", name)
    if m is None:
        return None
    found = m.group(0).rstrip(".")
    return found if src.collection.id_pattern.fullmatch(found) else None


def _load_one(
    src: sources.Source, tax: Taxonomy, today: dt.date, out: Collector, unloaded: list[rules_links.BodyLinks]
) -> Entry | None:
    """Every rule that can judge the file; the body rules also when its front matter is unusable
    (the collection is known from the folder), so fixing one error never reveals others."""
    parsed = parse_file(src.text, out)
    headings, wikilinks, file_links = rules_body.scan_body(parsed.body, parsed.body_line)
    rules_html.check_body(parsed.body, parsed.body_line, out)
    rules_html.check_wikilinks(wikilinks, out)
    privacy.check(src.text, parsed.data.get(rules_fields.PRIVACY_FIELD) if parsed.data else None, today, out)
    meta = None
    if parsed.data is not None:
        rules_html.check_fields(parsed.data, parsed.key_lines, out)
        prompts = rules_fields.prompt_keys(parsed.data) if rules_body.PROMPT_WORD in src.text else frozenset()
        meta = rules_fields.check_fields(
            src.collection, src.rel, parsed.data, parsed.key_lines, tax, today, out, prompts
        )
        if src.collection.placeholders:
            templates.check(parsed.data, parsed.key_lines, src.text, parsed.body, parsed.body_line, meta, out)
    rules_body.check_link_marks(parsed.body, parsed.body_line, out)
    if parsed.framed:  # the body is known (without a front matter the file is not an entry yet)
        rules_body.check_sections(src.collection, parsed.body, parsed.body_line, headings, out)
        rules_body.check_second_front_matter(parsed.body, parsed.body_line, out)
    if rules_body.PROMPT_WORD in src.text:  # most files hold no prompt: one substring test skips the rule
        rules_body.check_prompts(
            parsed.data, parsed.key_lines, rules_body.prose_lines(parsed.body, parsed.body_line), out
        )
    if meta is None or "id" not in meta:
        if wikilinks or file_links:
            unloaded.append(rules_links.BodyLinks(src.rel, wikilinks, file_links))
        return None
    citations = [w for w in wikilinks if citation_target(w.target) is not None]
    if citations:
        wikilinks = [w for w in wikilinks if citation_target(w.target) is None]
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
        citations,
    )


def _synonym_findings(root: Path, path: Path, entries: list[Entry]) -> list[Finding]:
    """The finder's synonyms file is data a maintainer edits: checked with the content."""
    if not path.is_file():
        return []
    vocabulary, findings = synonyms.read(path, _shown(root, path))
    return findings + _elsewhere_in_titles(_shown(root, path), vocabulary.elsewhere, entries)


def _shown(root: Path, path: Path, outside: str | None = None) -> str:
    """A data file as findings name it: relative to the knowledge base when it is inside, else
    ``outside`` (by default its name)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.name if outside is None else outside


def _elsewhere_in_titles(name: str, elsewhere: synonyms.Elsewhere, entries: list[Entry]) -> list[Finding]:
    """An `elsewhere` word in an entry's title or heading: a search for that entry's subject that
    names no Party organization would be sent to another department (KB045, one per word)."""
    out = []
    lines = ["\n".join([e.title, *(h.text for h in e.headings)]) for e in entries]
    everything = "\n".join(lines)  # one scan per word; the entry only for the words found
    for ask, words in elsewhere.topics:
        for word in words:
            if word not in everything:
                continue
            hit = next((e for e, text in zip(entries, lines) if word in text), None)
            if hit is not None:
                out.append(
                    Finding(
                        name,
                        0,
                        "KB045",
                        f"elsewhere 里转给{ask}的词 '{word}' 也出现在 {hit.id} 的标题或小标题里："
                        f"含这个词又不提党组织的检索会被转走，找不到 {hit.id}。"
                        f"请把这个词写得更具体，或确认无妨后保留。",
                    )
                )
    return out
