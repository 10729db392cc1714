"""Citations of regulations: every ``basis:`` item and ``[[依据:…]]`` must resolve in the register;
citing a revised or repealed regulation is a warning that names its successor."""

from __future__ import annotations

from dangjian_kb.check.rules_body import is_prompt
from dangjian_kb.check.suggest import ask_or, closest
from dangjian_kb.model.collection import id_sort_key
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.findings import Finding
from dangjian_kb.model.regulations import ARTICLE, Citation, CitationIndex, Register, citation_target, split_reference


def check(entries: list[Entry], register: Register | None) -> tuple[CitationIndex, list[Finding]]:
    index = CitationIndex()
    findings: list[Finding] = []
    if register is not None and register.broken:
        return index, findings  # KB050 says what to fix; one finding per citation would bury it
    for e in sorted(entries, key=lambda e: id_sort_key(e.id)):  # pages list citing entries in id order
        cites: list[Citation] = []
        basis_line = e.line_of("basis")
        if register is not None:
            # a scaffold prompt is reported once, as KB038, by the prompt rule
            for item in (i for i in e.meta.get("basis", []) if not is_prompt(str(i))):
                cites += _resolve(e, item, basis_line, False, register, findings)
        for link in e.citations:
            ref = citation_target(link.target) or ""
            if register is None:
                findings.append(
                    Finding(
                        e.rel,
                        link.line,
                        "KB053",
                        f"引用 '[[{link.target}]]' 无法解析：知识库根目录没有制度依据登记表 regulations.yml。请先登记制度。",
                    )
                )
                continue
            cites += _resolve(e, ref, link.line, True, register, findings)
        if cites:
            index.by_entry[e.id] = cites
            for c in dict.fromkeys((c.regulation, c.article) for c in cites):
                index.by_regulation.setdefault(c[0], []).append((e.id, c[1]))
    return index, findings


def _resolve(
    e: Entry, text: str, line: int, in_body: bool, register: Register, findings: list[Finding]
) -> list[Citation]:
    ref, article = split_reference(text)
    written = f"[[依据:{text}]]" if in_body else f"basis 中的 '{text}'"
    reg = register.resolve(ref)
    if reg is None and register.is_rejected(ref):
        return []  # the register's own finding (KB051) names what is wrong with this regulation
    if reg is None:
        findings.append(
            Finding(e.rel, line, "KB053", f"{written} 不在制度依据登记表 {register.source} 中。{_fix(ref, register)}")
        )
        return []
    if article and not ARTICLE.fullmatch(article):
        findings.append(
            Finding(
                e.rel,
                line,
                "KB055",
                f"{written} 的条款 '{article}' 写法不对。请写成 '{reg.id}#第八条'、'{reg.id}#第八条第二款' 或 '{reg.id}#第三章'。",
            )
        )
        article = ""
    if not reg.is_current:
        findings.append(Finding(e.rel, line, "KB054", _superseded(reg, register)))
    return [Citation(reg.id, article, line, in_body)]


def _superseded(reg, register: Register) -> str:
    new = register.successor(reg)
    if new is not None:
        return (
            f"依据 {reg.name}（'{reg.id}'）{reg.status}，现行文件为 {new.name}（'{new.id}'）。"
            f"请对照新文件复核本条目，并把依据改为 '{new.id}'。"
        )
    return f"依据 {reg.name}（'{reg.id}'）{reg.status}。请复核本条目，删除或更换这一依据。"


def _fix(ref: str, register: Register) -> str:
    by_title = {r.title: r.id for r in register.regulations}
    guess = closest(ref.removeprefix("《").removesuffix("》"), [*register.by_id, *by_title])
    return ask_or(
        by_title.get(guess, guess) if guess is not None else None,
        "请写登记表中的编号，如 'zhibu-tiaoli-2018'，或先在登记表中登记该文件。",
    )
