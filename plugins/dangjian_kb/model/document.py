"""What a document template IS: declared fill-in fields, ``{{key}}`` placeholders, and the parts
of a 公文 (title, 主送 line, main text, 落款 and date) found in its body.

The validator, the page and the Word export all read a template through this module, so the
three agree on where the title ends and the signature begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dangjian_kb.model.syntax import atx_heading

KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PLACEHOLDER = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")
FIELD_KINDS = ("text", "date", "number", "choice")
# 文种 whose documents must have a title, a 主送 line, main text, a 落款 and a date.
NEEDS_PARTS = ("请示", "报告", "通知")
REQUEST_CLOSINGS = ("妥否", "请批示", "请审批", "请批复", "请予批准", "请予审批", "请审定")

# no two runs of spaces side by side: a long blank line would backtrack quadratically
_DATE_TEXT = re.compile(r"^(?:\d{4})?\s*年\s*(?:\d{1,2}\s*)?月\s*(?:\d{1,2}\s*)?日$")
_BLOCK_START = re.compile(r"^\s*(?:#|\||[-*+]\s|\d{1,9}[.)]\s|>|```|~~~)")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"
    example: str = ""
    options: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "example": self.example,
            "options": list(self.options),
        }


@dataclass(frozen=True)
class Document:
    """A template body cut into the parts a 公文 has; line numbers are the source file's."""

    title: str | None
    title_line: int
    recipient: str | None  # the 主送 line as written, colon included
    recipient_line: int
    main: str  # Markdown between the 主送 line (or title) and the signature block
    main_line: int
    signature: tuple[str, ...]  # 落款 lines, then the date line last
    signature_line: int

    @property
    def issuer_lines(self) -> tuple[str, ...]:
        return self.signature[:-1]


def segments(text: str) -> list[tuple[str, str | None]]:
    """``text`` as (literal, None) and (original, key) pieces, in order."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], None))
        out.append((m[0], m[1]))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def is_date_line(line: str, kinds: dict[str, str]) -> bool:
    """A lone date placeholder, a written date (2026年5月8日) or a blank one (    年  月  日)."""
    text = line.strip()
    m = PLACEHOLDER.fullmatch(text)
    if m:
        return kinds.get(m[1]) == "date"
    return bool(_DATE_TEXT.match(text))


def parse(body: str, line0: int, kinds: dict[str, str]) -> Document:
    """Cut ``body`` (starting at file line ``line0``) into title, 主送, main text and signature."""
    lines = body.split("\n")
    i, n = 0, len(lines)
    title, title_line = None, 0
    while i < n and not lines[i].strip():
        i += 1
    heading = atx_heading(lines[i]) if i < n and lines[i].startswith("#") else None  # at the margin
    if heading is not None and heading[0] == 1 and heading[1]:
        title, title_line = heading[1], line0 + i
        i += 1
    while i < n and not lines[i].strip():
        i += 1
    recipient, recipient_line = None, 0
    if i < n and _is_recipient(lines, i):
        recipient, recipient_line = lines[i].strip(), line0 + i
        i += 1
    end = n
    while end > i and not lines[end - 1].strip():
        end -= 1
    start = end
    while start > i and lines[start - 1].strip():
        start -= 1
    block = [ln.strip() for ln in lines[start:end]]
    signature: tuple[str, ...] = ()
    signature_line = 0
    if 1 <= len(block) <= 4 and is_date_line(block[-1], kinds) and not any(_BLOCK_START.match(b) for b in block):
        signature, signature_line = tuple(block), line0 + start
        end = start
    main = "\n".join(lines[i:end]).strip("\n")
    first = next((k for k in range(i, end) if lines[k].strip()), i)
    return Document(title, title_line, recipient, recipient_line, main, line0 + first, signature, signature_line)


def _is_recipient(lines: list[str], i: int) -> bool:
    text = lines[i].strip()
    single = i + 1 >= len(lines) or not lines[i + 1].strip()
    return single and text.endswith(("：", ":")) and len(text) <= 80 and not _BLOCK_START.match(text)
