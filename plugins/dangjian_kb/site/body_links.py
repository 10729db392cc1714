"""Rewrite an entry's body links for publishing: [[ID]] becomes a link titled with the
target's title (escaped), relative .md links point at the target's stable address."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from dangjian_kb.model.entry import Entry
from dangjian_kb.check.rules_body import INLINE_CODE, WIKILINK, lines_outside_code
from dangjian_kb.model.regulations import Register, citation_target, split_reference
from dangjian_kb.model.urls import regulation, relative

_MD_LINK = re.compile(r"(\]\(\s*<?)([^)\s>]+?\.(?:md|markdown))((?:#[^)\s>]*)?>?(?:\s+\"[^\"]*\")?\s*\))", re.I)


def rewrite(
    entry: Entry,
    by_id: dict[str, Entry],
    by_rel: dict[str, Entry],
    here: str | None = None,
    regulations: Register | None = None,
) -> str:
    """``here`` is the address the body is published at (the entry's own page by default)."""
    here = here or entry.url

    def wikilink(m: re.Match[str]) -> str:
        ref = citation_target(m[1].strip())
        if ref is not None:
            return cite(ref, (m[2] or "").strip(), here, regulations) or html.escape(m[0])
        target = by_id.get(m[1].strip())
        if target is None:
            return html.escape(m[0])
        text = (m[2] or "").strip() or target.title
        href = html.escape(relative(here, target.url), quote=True)
        return f'<a class="kb-ref" href="{href}" title="{html.escape(target.id)}">{html.escape(text)}</a>'

    def file_link(m: re.Match[str]) -> str:
        target = by_rel.get(entry.link_path(m[2]))
        if target is None:
            return m[0]
        return m[1] + relative(here, target.url) + m[3]

    return map_prose(entry.body, lambda text: _MD_LINK.sub(file_link, WIKILINK.sub(wikilink, text)))


def cite(ref: str, text: str, here: str, regulations: Register | None) -> str | None:
    """[[依据:id#条]] as a link to the regulation on the 制度依据 page; its status in the tooltip."""
    key, article = split_reference(ref)
    reg = regulations.resolve(key) if regulations is not None else None
    if reg is None:
        return None
    label = text or (reg.name + article)
    status = "" if reg.is_current else f"（{reg.status}）"
    new = regulations.successor(reg)
    hint = f"{reg.name}{article} {reg.status}" + (f"，现行为{new.name}" if new else "")
    href = html.escape(relative(here, regulation(reg.id)), quote=True)
    cls = "kb-cite" if reg.is_current else "kb-cite kb-cite-old"
    return f'<a class="{cls}" href="{href}" title="{html.escape(hint)}">{html.escape(label)}</a>{html.escape(status)}'


def map_prose(body: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to text outside fenced code blocks and inline code spans."""
    out: list[str] = []
    for _, line, in_code in lines_outside_code(body):
        if in_code or "[" not in line:
            out.append(line)
            continue
        parts, last = [], 0
        for span in INLINE_CODE.finditer(line):
            parts.append(fn(line[last : span.start()]))
            parts.append(span.group(0))
            last = span.end()
        parts.append(fn(line[last:]))
        out.append("".join(parts))
    return "\n".join(out)
