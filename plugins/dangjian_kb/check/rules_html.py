"""What would not be published as written (KB029, KB041, KB043): checked on the parsed document.

A body is rendered with the site's Markdown extensions and the result compared with the HTML
allowlist (model/html_policy), so raw tags, attr_list attributes (``{ onclick=… }``), unsafe
link schemes after entity decoding, reference definitions and autolinks are all seen as the
browser would see them. Bodies without a character that can make markup (``<``, ``{``, ``&``,
a link) skip the rendering: most entries are plain prose and ``check`` must stay fast.

Front-matter strings and wikilink texts are always shown as plain text; markup in them is
reported, because it would appear on the page as literal characters.
"""

from __future__ import annotations

import re
import unicodedata

from dangjian_kb.model import html_policy, syntax
from dangjian_kb.model.entry import Link
from dangjian_kb.model.findings import Collector

# A Markdown construct that can produce HTML beyond text: raw HTML or autolinks, attr_list,
# entities, inline links and reference definitions.
_MARKUP = re.compile(r"[<{&]|\]\(|\]:")
# Python-Markdown's raw-HTML and link handling grow quadratically with the number of '<' and '['
# (3,000 '[' take 2 s, 10,000 take 18 s): more than any entry needs, refused before rendering.
LIMITS = (("<", 3000), ("[", 1000))
MAX_LINE = 20_000
MAX_LINES = 20_000
# '{' never inside the braces' run: each try stops at the next '{', so a line of '{'s is linear
_TEXT_MARKUP = re.compile(r"<[A-Za-z!/?]|\]\(|!\[|\{\s*[:.#]|\{[^{}\n]*\bon[a-z]+\s*=|javascript\s*:", re.I)
_renderer = None


def _render(body: str) -> str:
    global _renderer  # one Markdown instance per process: building it costs more than a body
    if _renderer is None:
        from dangjian_kb.model import rendering  # Markdown and its extensions: only for bodies with markup

        _renderer = rendering.renderer()
    return _renderer(body)


def too_complex(body: str) -> str | None:
    """Why rendering ``body`` could stall a build (Chinese), or None. Counting is linear and cheap."""
    lines = body.count("\n")
    if lines > MAX_LINES:  # Python-Markdown's block parser is quadratic in the number of blocks
        return f"长达 {lines} 行"
    longest = max(map(len, body.split("\n")), default=0)
    if longest > MAX_LINE:
        return f"一行长达 {longest} 个字符"
    for char, limit in LIMITS:
        n = body.count(char)
        if n > limit:
            return f"含有 {n} 个 '{char}'"
    return None


# Written like script even where Markdown would print it as text (`<img/src=x/onerror=…>`, a tag
# after `<!-->`): the bounded gap keeps the search linear.
_SCRIPTISH = re.compile(r"<[a-zA-Z!/][^<>\n]{0,300}?(?:\bon[a-z]{2,}\s*=|(?:java|vb)script\s*:)", re.I)


# Comments that HTML parsers end differently (an empty comment closed at once, one closed by
# '--!>'): what a checker reads as a comment, a browser or the table of contents may not.
_ODD_COMMENT = re.compile(r"<!--->|<!-->|--!>")


def check_body(body: str, line0: int, out: Collector) -> None:
    complex_ = too_complex(body)
    if complex_:
        out.add("KB041", line0, f"正文过于复杂（{complex_}），无法安全发布。请删除粘贴进来的代码或乱码，正文只写文字。")
        return
    if not _MARKUP.search(body):
        return
    reported = _check_rendered(body, line0, out)
    for i, line, in_code in syntax.lines_outside_code(body):
        if in_code or line0 + i in reported or ("<" not in line and "--!>" not in line):
            continue
        text = syntax.without_code_spans(line)
        odd = _ODD_COMMENT.search(text)
        m = _SCRIPTISH.search(text)
        if odd:
            out.add(
                "KB029",
                line0 + i,
                f"HTML 注释写法 '{odd[0]}' 在浏览器和转换程序里含义不同，后面的内容可能被当作代码。"
                "注释请写成 '<!-- 说明 -->'，或删除。",
            )
        elif m:
            out.add("KB029", line0 + i, f"正文含有脚本写法 '{_short(m[0])}'。{_FIX}")


def _check_rendered(body: str, line0: int, out: Collector) -> set[int]:
    """KB029 for what the sanitizer would drop from the rendered body; the lines reported."""
    seen: set[tuple[int, str]] = set()
    try:
        rendered = _render(body)
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError, KeyError, AssertionError) as exc:
        global _renderer  # a Markdown instance that gave up may keep half a document: start afresh
        _renderer = None
        # Python-Markdown gives up on some nestings (md_in_html around everything, deep quotes):
        # the build would stop on the same body, so it is refused here with a plain explanation.
        out.add(
            "KB041",
            line0,
            f"正文的写法无法转换为网页（{type(exc).__name__}），常因 HTML 标签嵌套混乱。请删除正文中的 HTML 标签，只写文字。",
        )
        return {line0}
    for v in html_policy.violations(rendered):
        line = _line_of(body, line0, v.needle)
        if (line, v.what) not in seen:
            seen.add((line, v.what))
            out.add("KB029", line, f"正文含有{v.what}，发布时会被删除。{_FIX}")
    return {line for line, _ in seen}


_FIX = "内容只能是文字：请删除它；链接请写成 [文字](地址)，地址只能是站内文件、http(s) 或 mailto，图片请放入仓库。"


def check_wikilinks(links: list[Link], out: Collector) -> None:
    for link in links:
        if link.text and _TEXT_MARKUP.search(link.text):
            out.add(
                "KB029",
                link.line,
                f"链接文字 '{_short(link.text)}' 含有 HTML 或 Markdown 标记，页面上会原样显示。请只写文字。",
            )


def check_fields(data: dict, key_lines: dict[str, int], out: Collector) -> None:
    """Markup or control characters in any front-matter string (titles, tags, units …)."""
    strings = [(key, _strings(value)) for key, value in data.items()]
    # one test over all the strings first (most entries have nothing): joined by a space, which
    # is printable and starts no markup, so a clean whole means every string is clean
    whole = " ".join(text for _, texts in strings for text in texts)
    if whole.isprintable() and not _TEXT_MARKUP.search(whole):
        return
    for key, texts in strings:
        for text in texts:
            problem = _field_problem(text)
            if problem:
                out.add(
                    "KB043", key_lines.get(str(key), 1), f"字段 '{_short(str(key))}' 的值 '{_short(text)}' {problem}"
                )
                break


def _field_problem(text: str) -> str | None:
    bad = None if text.isprintable() else next((ch for ch in text if _is_control(ch)), None)  # C fast path
    if bad is not None:
        return f"含有看不见的控制字符（U+{ord(bad):04X}）。请删除后重新输入。"
    if _TEXT_MARKUP.search(text):
        return "含有 HTML 或 Markdown 标记：头部信息只能是纯文字，标记会原样显示。请删除标记。"
    return None


def _is_control(ch: str) -> bool:
    return ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch != "\u200d"


def _strings(value: object, depth: int = 0) -> list[str]:
    if isinstance(value, str):
        return [value]
    if depth > 4:
        return []
    if isinstance(value, list):
        return [s for item in value for s in _strings(item, depth + 1)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item, depth + 1)]
    return []


def _line_of(body: str, line0: int, needle: str) -> int:
    needle = needle.lower()
    for i, line in enumerate(body.split("\n")):
        if needle and needle in line.lower():
            return line0 + i
    for i, line in enumerate(body.split("\n")):
        if _MARKUP.search(line):
            return line0 + i
    return line0


def _short(text: str, limit: int = 30) -> str:
    text = "".join(ch if not _is_control(ch) else f"\\u{ord(ch):04x}" for ch in " ".join(text.split()))
    return text if len(text) <= limit else text[:limit] + "…"
