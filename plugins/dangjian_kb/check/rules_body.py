"""Body rules: required headings (present, in order, non-empty), the ordered list of steps,
template prompts; and extraction of the links a body makes (checked in the second pass)."""

from __future__ import annotations

import re
import unicodedata

from dangjian_kb.model import syntax, yamlsafe
from dangjian_kb.model.collection import Collection
from dangjian_kb.model.entry import Heading, Link, section_lines
from dangjian_kb.model.findings import Collector

_ORDERED = re.compile(r"^\s{0,3}\d{1,9}\.[ \t]+\S")  # '1)' is no list to Python-Markdown: one paragraph
_ORDERED_CJK = re.compile(r"^\s*[(（]?(?:\d{1,3}|[一二三四五六七八九十]+)\s*[、．.）)]\s*\S|^\s*[①-⑳]\s*\S")


def scan_body(body: str, line0: int) -> tuple[list[Heading], list[Link], list[Link]]:
    """One pass over the body: headings, [[ID]] links and relative .md links, outside code."""
    if "`" not in body and "~" not in body:  # no code at all (most entries): whole-body scans
        return _scan_plain(body, line0)
    headings: list[Heading] = []
    wikilinks: list[Link] = []
    file_links: list[Link] = []
    for i, line, in_code in syntax.lines_outside_code(body):
        if not in_code:
            _scan_line(line, syntax.without_code_spans(line), line0 + i, headings, wikilinks, file_links)
    return headings, wikilinks, file_links


# Lines that may hold something scan_body collects: a heading, a wikilink or an inline link.
_INTERESTING = re.compile(r"^ {0,3}#|\[\[|\]\(", re.M)


def _scan_plain(body: str, line0: int) -> tuple[list[Heading], list[Link], list[Link]]:
    headings: list[Heading] = []
    wikilinks: list[Link] = []
    file_links: list[Link] = []
    line, at = line0, 0  # ``at``: where the line after the last one scanned starts
    for m in _INTERESTING.finditer(body):
        if m.start() < at:
            continue  # on a line scanned already
        start = body.rfind("\n", at, m.start()) + 1 or at  # never further back than ``at``: linear
        line += body.count("\n", at, start)
        end = body.find("\n", start)
        end = end if end >= 0 else len(body)
        text = body[start:end]
        _scan_line(text, text, line, headings, wikilinks, file_links)
        at, line = end + 1, line + 1
    return headings, wikilinks, file_links


def _scan_line(raw: str, text: str, lineno: int, headings: list, wikilinks: list, file_links: list) -> None:
    """``raw`` for the heading, ``text`` (code spans removed) for the links."""
    h = syntax.atx_heading(raw) if "#" in raw else None
    if h:
        headings.append(Heading(h[0], h[1], lineno))
    if "[[" in text:
        wikilinks.extend(
            Link(w[1].strip(), (w[2] or "").strip() or None, lineno) for w in syntax.WIKILINK.finditer(text)
        )
    if "](" in text:
        for ml in syntax.MD_LINK.finditer(text):
            path = ml.group(1).split("#", 1)[0]
            if path.lower().endswith((".md", ".markdown")) and "://" not in path:
                file_links.append(Link(path, None, lineno))


def prose_lines(body: str, line0: int) -> list[tuple[int, str]]:
    """The body's lines outside code (number, text without code spans), for line rules."""
    return [
        (line0 + i, syntax.without_code_spans(line)) for i, line, code in syntax.lines_outside_code(body) if not code
    ]


def check_sections(coll: Collection, body: str, line0: int, headings: list[Heading], out: Collector) -> None:
    if not coll.headings:
        return
    level2 = [h for h in headings if h.level == 2]
    lines = body.split("\n")
    positions: list[Heading] = []
    reported: set[int] = set()  # lines already named as a heading written another way
    by_name: dict[str, list[Heading]] = {}
    for h in level2:  # each heading's text normalized once, not once per required name
        by_name.setdefault(_bare(h.text), []).append(h)
    for name in coll.headings:
        matches = by_name.get(name, [])
        if len(matches) > 1:
            out.add(
                "KB022",
                matches[1].line,
                f"标题 '## {name}' 写了两次（第 {matches[0].line} 行已有）。请把两部分内容合并到一个标题下。",
            )
        found = matches[0] if matches else None
        if found is None:
            near = _near_heading(lines, name)
            if near is None:
                out.add("KB021", line0, f"缺少必需的二级标题 '## {name}'。请添加该标题并在其下填写内容。")
            else:
                reported.add(line0 + near[0])
                out.add(
                    "KB021",
                    line0 + near[0],
                    f"缺少二级标题 '## {name}'：找到的是 '{near[1]}'{_spaces_named(near[1])}。请改为 '## {name}'（两个 # 加半角空格）。",
                )
            continue
        if found.text != name:
            out.add("KB021", found.line, f"标题 '## {found.text}' 应写作 '## {name}'。请按模板的标题原样书写。")
        positions.append(found)
        content = section_lines(lines, line0, headings, found)
        if not any(t.strip() and not t.lstrip().startswith("#") for t in content):
            out.add("KB023", found.line, f"'## {name}' 下没有内容。请填写这一部分。")
        elif name == "实施步骤" and not any(_ORDERED.match(t) for t in content):
            cjk = next((t.strip() for t in content if _ORDERED_CJK.match(t)), None)
            fix = (
                f"'{cjk[:12]}…' 请写成 '1. …'（数字加半角句点和空格）"
                if cjk
                else "请写成有序列表：每步一行，以 '1. '、'2. ' 开头"
            )
            out.add("KB024", found.line, f"'## 实施步骤' 下应为编号的步骤列表。{fix}。")
    _heading_lookalikes(coll, body, line0, {h.line for h in level2} | reported, out)
    for prev, cur in zip(positions, positions[1:]):
        if cur.line < prev.line:
            order = " → ".join(f"## {n}" for n in coll.headings)
            out.add("KB022", cur.line, f"标题 '## {cur.text}' 应在 '## {prev.text}' 之后。正文标题的顺序为：{order}。")


# What a writer who meant [[ID]] types instead: full-width brackets (【【P-0012】】, ［［HB-2.2］］),
# one bracket short ([[P-0012] , [P-0012]]), nothing inside ([[]]). Only an id or a 依据: citation
# inside counts: 【【重要】】 is emphasis, not a link.
_LINKISH = r"\s*((?:[A-Za-zＡ-Ｚａ-ｚ]{1,2}[-－][0-9０-９][0-9０-９.．]*|依据[:：][^\[\]【】［］\n]{1,60}?))\s*"
_MALFORMED_LINK = re.compile(
    rf"[【［][【［\[]{_LINKISH}[】］\]]{{1,2}}|\[[【［]{_LINKISH}[】］\]]{{1,2}}"
    rf"|\[\[{_LINKISH}[】］]{{1,2}}|\[\[{_LINKISH}\](?!\])|(?<!\[)\[{_LINKISH}\]\]|\[\[\s*\]\]"
)
# [[P-0003|]] (no text), [[|文字]] (no id), [[P-0003||文字]] (two bars): published as written
_EMPTY_PART = re.compile(r"\[\[[^\[\]\n|]{0,60}\|\s*\]\]|\[\[\s*\|[^\[\]\n]{0,60}\]\]|\[\[[^\[\]\n|]{1,60}\|\|")
_LINK_MARKS = ("【【", "［［", "[[", "]]", "】】", "］］")


_MARK_LINE = re.compile(r"\[\[|\]\]|[【［][【［\[]|[】］\]][】］]|\[[【［]")


def _lines_with(body: str, rx: re.Pattern[str]) -> list[tuple[int, str]]:
    """(index, line) of each line where ``rx`` matches: linear, never a walk over every line of a
    file of half a million blank lines."""
    found: list[tuple[int, str]] = []
    index, at = 0, 0  # ``at``: where the line after the last one taken starts
    for m in rx.finditer(body):
        if m.start() < at:
            continue
        start = body.rfind("\n", at, m.start()) + 1 or at
        index += body.count("\n", at, start)
        end = body.find("\n", start)
        end = end if end >= 0 else len(body)
        found.append((index, body[start:end]))
        at, index = end + 1, index + 1
    return found


def _lines_outside_code_with(body: str, line0: int, rx: re.Pattern[str]) -> list[tuple[int, str]]:
    """Lines outside code where ``rx`` matches, code spans removed; the fence walk only for a body
    that has code."""
    if "`" not in body and "~" not in body:
        return [(line0 + i, text) for i, text in _lines_with(body, rx)]
    return [(n, t) for n, t in prose_lines(body, line0) if rx.search(t)]


_ODD_MARKS = ("【", "［", "】", "］", "|]]", "[[|", "||", "[[]]", "[[ ]]")


def _looks_well_formed(body: str) -> bool:
    """Every '[[' closed by ']]' and none of the marks a malformed link needs: a few substring
    counts instead of the pattern over the whole body (most bodies link with [[ID]])."""
    return body.count("[[") == body.count("]]") and not any(m in body for m in _ODD_MARKS)


def check_link_marks(body: str, line0: int, out: Collector) -> None:
    """KB047 for a wikilink written so that it is published as plain text (outside code)."""
    if not any(mark in body for mark in _LINK_MARKS):
        return
    if _looks_well_formed(body):
        return  # the usual body: its [[ID]] links are well formed; no regex, no line walk
    if _MALFORMED_LINK.search(body) is None and _EMPTY_PART.search(body) is None:
        return
    for lineno, text in _lines_outside_code_with(body, line0, _MARK_LINE):
        for m in _EMPTY_PART.finditer(text):
            out.add(
                "KB047",
                lineno,
                f"'{m[0]}' 不会显示为链接：竖线 | 两边应是编号和显示文字，各写一次。请写成 '[[P-0012]]' 或 '[[P-0012|显示文字]]'。",
            )
        for m in _MALFORMED_LINK.finditer(text):
            target = next((g for g in m.groups() if g), None)
            if target is None:
                out.add("KB047", lineno, "'[[]]' 是空的链接。请在方括号中写条目编号，如 '[[P-0012]]'，或删去。")
                continue
            meant = unicodedata.normalize("NFKC", target).strip()
            meant = meant if meant.startswith("依据") else meant.upper()
            out.add(
                "KB047",
                lineno,
                f"'{m[0].strip()}' 不会显示为链接（链接要用两对半角方括号）。是否想写 '[[{meant.replace('：', ':')}]]'？",
            )


def check_second_front_matter(body: str, line0: int, out: Collector) -> None:
    """KB048: a second '---' block at the top of the body (a header pasted twice) is published as
    a paragraph of 'id: … title: …'."""
    lines = body.lstrip("\n").split("\n", 3)
    if len(lines) >= 2 and lines[0].strip() in ("---", "+++") and yamlsafe.FULLWIDTH_KEY.match(lines[1]) is None:
        if re.match(r"^[A-Za-z_][\w-]*[ \t]*:", lines[1]):
            at = line0 + len(body) - len(body.lstrip("\n"))
            out.add(
                "KB048",
                at,
                f"正文开头又有一个 '{lines[0].strip()}' 头部（头部写了两次），它会作为正文文字显示。请把其中的字段合并到文件开头的头部，删去这一块。",
            )


_LOOKALIKE_START = re.compile(r"^[ \t\u3000]*(?:#+[^#\s]|＃)", re.M)
_HASH_LINE = re.compile(r"^[ \t\u3000]*[#＃]", re.M)
_LOOKALIKE = re.compile(r"^\s{0,3}[#＃]+\s*(.{1,20}?)\s*[#＃]*\s*$")


def _heading_lookalikes(coll: Collection, body: str, line0: int, headings: set[int], out: Collector) -> None:
    """A required heading written so that it is not one ('##解决建议', '＃＃ 解决建议'): published
    as a line of text, its section run into the one before. The line where it stands is named,
    whether or not the heading is also written correctly elsewhere."""
    if _LOOKALIKE_START.search(body) is None:  # no '#' glued to its text, no full-width '＃'
        return
    for i, text in _lines_with(body, _HASH_LINE):
        if line0 + i in headings or syntax.atx_heading(text):
            continue
        m = _LOOKALIKE.match(text)
        name = next((n for n in coll.headings if m and _same(m[1], n)), None)
        if name is not None:
            out.add(
                "KB021", line0 + i, f"'{text.strip()}' 不是标题（# 是半角、后面要有半角空格）。是否想写 '## {name}'？"
            )


def _bare(text: str) -> str:
    return text.replace(" ", "").replace("\u3000", "").rstrip(":：")


def _same(text: str, name: str) -> bool:
    return _bare(text) == name


def _spaces_named(text: str) -> str:
    """Say so when a quoted line holds a full-width space, which looks like the space it replaces."""
    return "（其中的空格是全角空格）" if "\u3000" in text else ""


def _near_heading(lines: list[str], name: str) -> tuple[int, str] | None:
    """A short line that holds the heading's words, written some other way ('### 问题描述', '**问题描述**')."""
    for i, text in enumerate(lines):
        stripped = text.strip()
        if name in stripped and len(stripped) <= len(name) + 8:
            return i, stripped
    return None


# Template prompts that `dangjian-kb new` writes: a body line or a front-matter value starting with
# the marker must be replaced by real text before the entry is published.
PROMPT_MARK = "待填写："
PROMPT_WORD = "待填写"  # no prompt in a file without it: callers skip the rule
_PROMPT = re.compile(r"\s*(?:>\s*|[-*+]\s+|\d{1,9}[.)、．]\s*)*(?:【待填写】|待填写\s*[:：])")


def is_prompt(text: str) -> bool:
    return PROMPT_WORD in text and _PROMPT.match(text) is not None


def check_prompts(data: dict | None, key_lines: dict[str, int], prose: list[tuple[int, str]], out: Collector) -> None:
    """KB038 for every prompt left in place (the field rules leave prompt values to this rule)."""
    for key, value in (data or {}).items():
        prompt = next(
            (v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and is_prompt(v)), None
        )
        if prompt is not None:
            line = key_lines.get(str(key), 1)
            out.add("KB038", line, f"未替换的模板提示 '{_short(str(key))}: {_short(prompt)}'。请把提示换成实际内容。")
    for lineno, text in prose:
        if is_prompt(text):
            out.add("KB038", lineno, f"未替换的模板提示 '{_short(text.strip())}'。请把这一行换成实际内容。")


def _short(text: str, limit: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
