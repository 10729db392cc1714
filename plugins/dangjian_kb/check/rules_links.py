"""Second pass: rules that need every entry loaded (duplicate ids, links), and the relation graph."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from dangjian_kb.check.rules_fields import normalized_id
from dangjian_kb.check.suggest import ask_or
from dangjian_kb.model.collection import ALL, is_chapter
from dangjian_kb.model.entry import Entry, Link
from dangjian_kb.model.findings import Finding
from dangjian_kb.model.graph import RelationGraph


class BodyLinks(NamedTuple):
    """The links in the body of a file that gives no entry (its front matter or id unusable)."""

    rel: str
    wikilinks: list[Link]
    file_links: list[Link]


def check(
    entries: list[Entry],
    root: Path,
    unloaded: Sequence[BodyLinks] = (),
    claimed: frozenset[str] | set[str] = frozenset(),
) -> tuple[list[Entry], list[Finding]]:
    """Return the entries that keep their id (the first file of a duplicate pair) and the findings;
    the body links of ``unloaded`` files are checked like an entry's. Links to ``claimed`` ids (a
    file of that name exists but gives no entry) are not reported: that file's findings are."""
    findings: list[Finding] = []
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_id[e.id].append(e)
    for entry_id, group in by_id.items():
        if len(group) > 1:
            for e in group:
                others = "、".join(o.rel for o in group if o is not e)
                findings.append(
                    Finding(
                        e.rel,
                        e.line_of("id"),
                        "KB016",
                        f"编号 '{entry_id}' 重复：{others} 也使用了它。编号不可重复，请给新条目换一个未用过的编号。",
                    )
                )
    kept = [group[0] for group in by_id.values()]
    ids = {e.id for e in kept} | set(claimed)
    by_rel = {e.rel: e for e in kept}
    for e in kept:
        findings.extend(_check_entry_links(e, ids, by_rel))
    for body in unloaded:
        findings.extend(_body_links(body.rel, body.wikilinks, body.file_links, ids, by_rel))
    return kept, findings


def _check_entry_links(e: Entry, ids: set[str], by_rel: dict[str, Entry]) -> list[Finding]:
    out: list[Finding] = []
    for target in e.related:
        if target == e.id:
            out.append(
                Finding(e.rel, e.line_of("related"), "KB032", f"related 中列出了本条目自己 '{target}'。请删除。")
            )
        elif target not in ids:
            out.append(
                Finding(
                    e.rel, e.line_of("related"), "KB025", f"related 中的编号 '{target}' 不存在。{_fix(target, ids)}"
                )
            )
    out.extend(_body_links(e.rel, e.wikilinks, e.file_links, ids, by_rel))
    if e.collection.name == "handbook" and not is_chapter(e.id):
        chapter = e.id.split(".")[0]
        if chapter not in ids:
            out.append(
                Finding(
                    e.rel,
                    e.line_of("id"),
                    "KB035",
                    f"小节 '{e.id}' 所属的章 '{chapter}' 不存在。请添加 handbook/{chapter}.md 作为章首页。",
                )
            )
    return out


def _body_links(
    rel: str, wikilinks: list[Link], file_links: list[Link], ids: set[str], by_rel: dict[str, Entry]
) -> list[Finding]:
    out: list[Finding] = []
    fixes: dict[str, str] = {}  # a file may repeat one wrong id thousands of times
    for link in wikilinks:
        if link.target not in ids:
            fix = fixes.get(link.target) or fixes.setdefault(link.target, _fix(link.target, ids))
            out.append(Finding(rel, link.line, "KB026", f"链接 '[[{link.target}]]' 指向不存在的编号。{fix}"))
    for link in file_links:
        if posixpath.normpath(posixpath.join(posixpath.dirname(rel), link.target)) not in by_rel:
            out.append(
                Finding(
                    rel,
                    link.line,
                    "KB031",
                    f"链接 '{link.target}' 指向的文件不是知识库中的条目。请检查路径，或改用 [[编号]] 写法。",
                )
            )
    return out


def _fix(target: str, ids: set[str]) -> str:
    # Only a spelling that normalizes to an existing id is worth suggesting: 'HB-1.3' for a
    # missing 'HB-1.4' would send the writer to the wrong section.
    if "｜" in target:  # the display text after a full-width bar: the id is before it
        head, _, text = target.partition("｜")
        head = next((g for c in ALL if (g := normalized_id(head.strip(), c)) and g in ids), head.strip())
        if head in ids:
            return f"是否想写 '[[{head}|{text.strip()}]]'？（编号和显示文字之间用半角竖线 |）"
    guess = next((g for c in ALL if (g := normalized_id(target, c)) and g in ids), None)
    return ask_or(guess, "请检查编号，或先添加该条目。")


def build_graph(entries: list[Entry], by_id: dict[str, Entry], by_rel: dict[str, Entry]) -> RelationGraph:
    graph = RelationGraph()
    for e in entries:
        for target in e.related:
            if target in by_id:
                graph.add(e.id, target, declared=True)
        for target in (link.target for link in e.wikilinks):
            if target in by_id:
                graph.add(e.id, target)
        for link in e.file_links:
            other = by_rel.get(e.link_path(link.target))
            if other is not None:
                graph.add(e.id, other.id)
    return graph
