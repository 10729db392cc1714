"""The Markdown syntax the readers of a body need: fences, ATX headings, inline code spans,
``[[ID]]`` wikilinks and links. One module, used by the checker, the search index and the site.

Every scanner here runs in linear time: a contributor's file must never be able to stall a
build (a line of 1,000 backticks or a heading followed by 2,500 spaces once did).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# [[ID]] or [[ID|text]]: the classes exclude brackets, so a match never scans past the next bracket.
WIKILINK = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")
# ](target ...) of an inline link or image: the target, without <> and title.
MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_BACKTICKS = re.compile(r"`+")
_REMOTE = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.\-]*:|//)")


def is_remote(url: str) -> bool:
    """An absolute address (any scheme) or a protocol-relative one: not a file of the site."""
    return _REMOTE.match(url) is not None


def lines_outside_code(body: str) -> Iterator[tuple[int, str, bool]]:
    """Each body line with its index and whether it belongs to a fenced code block (fences included)."""
    fence: str | None = None
    for i, line in enumerate(body.split("\n")):
        first = line[:4].lstrip(" ")[:1]  # most lines cannot open or close a fence: skip the regex
        m = FENCE.match(line) if first == "`" or first == "~" else None
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end() :].strip():
                fence = None
            yield i, line, True
        elif m and not (m.group(1)[0] == "`" and "`" in line[m.end() :]):
            fence = m.group(1)
            yield i, line, True
        else:
            yield i, line, False


def atx_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line (CommonMark rules, without backtracking), or None."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("#"):
        return None
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    text = rest.strip(" \t")
    closing = text.rstrip("#")
    if closing != text and (not closing or closing[-1] in " \t"):
        text = closing.rstrip(" \t")
    return level, text


def code_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each inline code span: a run of n backticks up to the next run of exactly n."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    next_same: list[int | None] = [None] * len(runs)
    last_of_len: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        next_same[i] = last_of_len.get(length)
        last_of_len[length] = i
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        j = next_same[i]
        if j is None:
            i += 1
            continue
        spans.append((runs[i][0], runs[j][1]))
        i = j + 1
    return spans


def without_code_spans(line: str) -> str:
    if "`" not in line:
        return line
    parts, last = [], 0
    for start, end in code_spans(line):
        parts.append(line[last:start])
        last = end
    parts.append(line[last:])
    return "".join(parts)
