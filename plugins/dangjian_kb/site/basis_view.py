"""The 制度依据 parts of the site: an entry's 依据 with status (metadata card), the register page
listing every regulation with the entries resting on it, and the entries to re-check because a
regulation they cite was revised or repealed (review page)."""

from __future__ import annotations

from dangjian_kb.model import urls
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.knowledge_base import KnowledgeBase
from dangjian_kb.model.regulations import LEVELS, Register, Regulation, citation_target, split_reference
from dangjian_kb.model.rendering import Citation
from dangjian_kb.site.generated import ViewContext


def card_items(kb: KnowledgeBase, e: Entry) -> list[dict]:
    """Each regulation the entry cites (front matter first, then body), once, with its articles."""
    regs = kb.regulations
    seen: dict[str, list[str]] = {}
    for c in kb.citations.by_entry.get(e.id, []):
        arts = seen.setdefault(c.regulation, [])
        if c.article and c.article not in arts:
            arts.append(c.article)
    items = []
    for rid, arts in seen.items():
        reg = regs.by_id[rid]
        new = regs.successor(reg)
        items.append(
            {
                "name": reg.name,
                "articles": "、".join(arts),
                "status": reg.status,
                "current": reg.is_current,
                "href": urls.relative(e.url, urls.regulation(rid)),
                "successor": new.name if new else "",
            }
        )
    return items


def names(kb: KnowledgeBase, e: Entry) -> list[str]:
    """The 依据 as printed text: '《…》第八条（已修订）'; the free text as written without a register."""
    if kb.regulations is None:
        return e.meta.get("basis", [])
    return [i["name"] + i["articles"] + ("" if i["current"] else f"（{i['status']}）") for i in card_items(kb, e)]


def superseded(kb: KnowledgeBase) -> list[dict]:
    """Entries citing a regulation that is no longer 现行, each with what replaced it."""
    if kb.regulations is None:
        return []
    out = []
    for e in kb.entries:
        old = [
            r
            for rid in dict.fromkeys(c.regulation for c in kb.citations.by_entry.get(e.id, []))
            if not (r := kb.regulations.by_id[rid]).is_current
        ]
        if old:
            out.append({"entry": e, "regs": [_reg_row(kb, r) for r in old]})
    return out


def _reg_row(kb: KnowledgeBase, r: Regulation) -> dict:
    new = kb.regulations.successor(r)
    return {"reg": r, "successor": new, "anchor": "reg-" + r.id}


def _citing(kb: KnowledgeBase, reg_id: str) -> list[dict]:
    """Each entry citing the regulation once, with the articles it cites."""
    grouped: dict[str, list[str]] = {}
    for eid, article in kb.citations.by_regulation.get(reg_id, []):
        arts = grouped.setdefault(eid, [])
        if article and article not in arts:
            arts.append(article)
    return [{"entry": kb.by_id[eid], "article": "、".join(arts)} for eid, arts in grouped.items() if eid in kb.by_id]


def page(views: ViewContext) -> str:
    kb = views.kb
    groups = []
    for level in LEVELS:
        regs = [r for r in kb.regulations.regulations if r.level == level]
        if not regs:
            continue
        rows = []
        for r in regs:
            rows.append({**_reg_row(kb, r), "citing": _citing(kb, r.id)})
        groups.append({"level": level, "rows": rows})
    counts = {s: sum(r.status == s for r in kb.regulations.regulations) for s in ("现行", "已修订", "已废止")}
    return views.render(
        "basis.html", urls.BASIS, groups=groups, counts=counts, source=kb.regulations.source, review_url=urls.REVIEW
    )


def citer(regulations: Register | None):
    """The link a ``[[依据:id#条]]`` becomes, for the Markdown extension (model/rendering)."""

    def cite(target: str, text: str) -> Citation | None:
        ref = citation_target(target)
        if ref is None or regulations is None:
            return None
        key, article = split_reference(ref)
        reg = regulations.resolve(key)
        if reg is None:
            return None
        new = regulations.successor(reg)
        hint = f"{reg.name}{article} {reg.status}" + (f"，现行为{new.name}" if new else "")
        css = "kb-cite" if reg.is_current else "kb-cite kb-cite-old"
        status = "" if reg.is_current else f"（{reg.status}）"
        return Citation(urls.regulation(reg.id), hint, text or (reg.name + article), css, status)

    return cite
