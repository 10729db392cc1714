"""A fast path for the front matter people actually write: top-level `key: value` lines with
plain values or flow lists of plain values. It returns exactly what the YAML loader would, or
None the moment anything needs YAML (quotes, nesting, comments, numbers other than plain
integers, booleans…) or a finding (a key written twice, full-width commas joining list items),
and the caller falls back to PyYAML. PyYAML's object construction is pure
Python and was half of `check`'s time at 10,000 entries."""

from __future__ import annotations

import re

_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*): (.*)")
# Characters that give a plain YAML scalar another meaning somewhere; any of them means "use YAML".
_UNSAFE = re.compile(
    # ('?' opens a key in a flow sequence, '=' and '<<' are the value and merge keys YAML refuses)
    r"""[:#'"\[\]{},&*!|>%@`\\\t?=<]|^-( |$)|^[-+.~]|^\s|\s$"""
    # YAML refuses control characters and reads NEL, LS and PS as line breaks
    r"|[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_INT = re.compile(r"[1-9][0-9]{0,17}")  # longer: YAML (and the int-size limit) decide
_DATE_LIKE = re.compile(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?")
_JOINED = re.compile("[，、；]")  # full-width separators: to YAML one item, to the writer several
_FULL_WIDTH_SEP = frozenset("，、；")
_OPENING = dict(zip("《〈（(“‘「『【〔", "》〉）)”’」』】〕", strict=True))
_SPECIAL = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def parse(text: str) -> dict | None:
    parsed = parse_lines(text.split("\n"), 1)
    return parsed[0] if parsed else None


def parse_lines(lines: list[str], line0: int) -> tuple[dict, dict[str, int]] | None:
    """The mapping and each key's first line (``line0`` is the first line's number), or None."""
    data: dict = {}
    key_lines: dict[str, int] = {}
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        m = _LINE.fullmatch(line)
        if m is None:
            return None
        value = _value(m.group(2).strip(" "))
        if value is _FALLBACK:
            return None
        key = m.group(1)
        if key in data:
            return None  # YAML keeps the last value; the slow path reports the key written twice
        data[key] = value
        key_lines[key] = line0 + i
    return (data, key_lines) if data else None


_FALLBACK = object()


def _value(raw: str) -> object:
    if raw.startswith("[") and raw.endswith("]"):
        inner = raw[1:-1].strip(" ")
        if not inner:
            return []
        if _JOINED.search(inner) and any(len(split_joined(part)) > 1 for part in inner.split(",")):
            return _FALLBACK  # one item to YAML, reported (and split) by the slow path
        items = [_scalar(part.strip(" ")) for part in inner.split(",")]
        return _FALLBACK if any(i is _FALLBACK or i == "" for i in items) else items
    return _scalar(raw)


def _scalar(raw: str) -> object:
    if not raw or _UNSAFE.search(raw) or raw.lower() in _SPECIAL:
        return _FALLBACK
    if raw[0].isdigit():
        if _INT.fullmatch(raw):
            return int(raw)
        return raw if _DATE_LIKE.fullmatch(raw) else _FALLBACK
    return raw


def split_joined(text: str) -> list[str]:
    """``text`` cut at each full-width comma, enumeration comma or semicolon outside brackets and
    quotes (one inside belongs to a title: 《关于党费收缴、使用和管理的规定》), pieces stripped, empty
    pieces dropped: the items a writer meant where YAML reads one."""
    if _FULL_WIDTH_SEP.isdisjoint(text):
        return [text]
    parts: list[str] = []
    closing: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if closing and ch == closing[-1]:
            closing.pop()
        elif ch in _OPENING:
            closing.append(_OPENING[ch])
        elif not closing and ch in _FULL_WIDTH_SEP:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]
