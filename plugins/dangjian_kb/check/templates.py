"""Rules for document templates (templates/): the declared fields, the {{key}} placeholders of
the body, and the parts a 请示, 报告 or 通知 must have.

KB080 placeholder not declared · KB081 declared field not used · KB082 malformed placeholder ·
KB083 field declaration · KB084 required part missing · KB085 请示 without its closing request.
"""

from __future__ import annotations

import re

from dangjian_kb.check.suggest import ask_or, closest
from dangjian_kb.model import dates
from dangjian_kb.model import document as doc_mod
from dangjian_kb.model.document import FIELD_KINDS, KEY, Field
from dangjian_kb.model.findings import Collector
from dangjian_kb.model.syntax import lines_outside_code

_BRACED = re.compile(r"\{\{(.*?)\}\}")
_FIELD_KEYS = ("key", "label", "kind", "example", "options")
_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?")
_ITEM = re.compile(r"( *)-(?: |$)")
_WIDE_BRACED = re.compile(r"[｛{][｛{][^｛｝{}]*[｝}][｝}]")
MAX_FIELDS = 60


def check(
    meta: dict, key_lines: dict[str, int], text: str, body: str, body_line: int, ok: dict, out: Collector
) -> None:
    """Validate a template's ``fields``, ``basis`` and body; store the declared fields in ``ok``."""
    fields = check_fields(meta.get("fields"), key_lines.get("fields", 1), text, out)
    ok["fields"] = fields
    _check_basis(meta, key_lines, ok, out)
    value = meta.get("fields")
    written: list = value if isinstance(value, list) else []
    # a field whose declaration was refused (KB083 says why) is not also reported as undeclared
    refused = {str(i["key"]).strip() for i in written if isinstance(i, dict) and isinstance(i.get("key"), str)}
    refused |= {
        v for i in written if isinstance(i, dict) for k, (name, v) in _wide_colon_keys(i).items() if name == "key"
    }
    used = check_placeholders(body, body_line, fields, out, frozenset(refused - {f.key for f in fields}))
    by_key = {f.key: f for f in fields}
    for f in fields:
        if f.key not in used:
            out.add(
                "KB081",
                _item_line(text, key_lines.get("fields", 1), f.key),
                f"字段 '{f.key}'（{f.label}）已声明，但正文中没有使用。请在正文相应位置写 '{{{{{f.key}}}}}'，或从 fields 中删除这一项。",
            )
    doctype = ok.get("doctype")
    if doctype in doc_mod.NEEDS_PARTS:
        document = doc_mod.parse(body, body_line, {k: f.kind for k, f in by_key.items()})
        check_parts(doctype, document, body_line, out)


def _check_basis(meta: dict, key_lines: dict[str, int], ok: dict, out: Collector) -> None:
    value = meta.get("basis")
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        out.add(
            "KB013",
            key_lines.get("basis", 1),
            "'basis' 应为文字列表，每项一条依据，如 'basis: [《中国共产党支部工作条例（试行）》第十二条]'。",
        )
        return
    ok["basis"] = [v.strip() for v in value]


# -- the field list ---------------------------------------------------------------------------


def check_fields(value: object, line: int, text: str, out: Collector) -> tuple[Field, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        out.add(
            "KB083",
            line,
            "'fields' 应为列表，每项声明一个填写字段，如 '- {key: org_name, label: 党组织名称, kind: text, example: 第一党支部}'。",
        )
        return ()
    fields: list[Field] = []
    seen: set[str] = set()
    starts = _item_lines(text, line)
    for n, item in enumerate(value[:MAX_FIELDS], start=1):
        at = starts[n - 1] if len(starts) == len(value) else line
        field = _one_field(n, item, at, out)
        if field is None:
            continue
        if field.key in seen:
            out.add("KB083", at, f"字段 '{field.key}' 重复声明。每个字段只声明一次，请删除重复的一项。")
            continue
        seen.add(field.key)
        fields.append(field)
    if len(value) > MAX_FIELDS:
        out.add("KB083", line, f"字段过多（{len(value)} 个，上限 {MAX_FIELDS}）。请把文书拆成几个模板。")
    return tuple(fields)


def _one_field(n: int, item: object, at: int, out: Collector) -> Field | None:
    """The field declared by item ``n`` of the list, which starts on line ``at``, or None (reported)."""
    if not isinstance(item, dict):
        out.add(
            "KB083",
            at,
            f"fields 第 {n} 项应为 key、label、kind 等组成的映射，现在是 '{_short(item)}'。请写成 '- {{key: org_name, label: 党组织名称, kind: text}}'。",
        )
        return None
    wide = _wide_colon_keys(item)
    for written, (name, value) in wide.items():
        out.add(
            "KB083", at, f"fields 第 {n} 项的 '{_short(written)}' 用了全角冒号。是否想写 '{name}: {_short(value)}'？"
        )
    if wide:
        return None
    key = item.get("key")
    if key is None:
        out.add(
            "KB083",
            at,
            f"fields 第 {n} 项缺少 key。请加 'key: org_name'（英文字段名，正文里写成 '{{{{org_name}}}}'）。",
        )
        return None
    if not isinstance(key, str) or not KEY.fullmatch(key.strip()):
        fix = "字段名只能用英文字母、数字和下划线，且不以数字开头，如 'org_name'；中文名称写在 label 中。"
        out.add("KB083", at, f"fields 第 {n} 项的 key '{_short(key)}' 无效。{fix}")
        return None
    key = key.strip()
    for extra in item:
        if str(extra) not in _FIELD_KEYS:
            guess = closest(str(extra), list(_FIELD_KEYS), cutoff=0.6)
            fix = ask_or(guess, f"可用的键：{'、'.join(_FIELD_KEYS)}。")
            out.add("KB083", at, f"字段 '{key}' 中有未知的键 '{extra}'。{fix}")
    label = item.get("label")
    if not isinstance(label, str) or not label.strip() or "\n" in label.strip():
        out.add("KB083", at, f"字段 '{key}' 缺少 label（一行中文名称，显示在填写表单中）。请加 'label: …'。")
        return None
    kind = item.get("kind", "text")
    if kind not in FIELD_KINDS:
        guess = closest(str(kind), list(FIELD_KINDS), cutoff=0.5)
        fix = ask_or(guess, f"可选：{'、'.join(FIELD_KINDS)}。")
        out.add("KB083", at, f"字段 '{key}' 的 kind '{_short(kind)}' 无效。{fix}")
        return None
    options = _options(key, kind, item.get("options"), at, out)
    if options is None:
        return None
    example = _example(key, kind, item.get("example"), options, at, out)
    return Field(key, label.strip(), kind, example, options)


def _wide_colon_keys(item: dict) -> dict[str, tuple[str, str]]:
    """Keys written 'key：org_name' inside '{…}': YAML reads each as one key without a value."""
    found = {}
    for written in item:
        name, sep, value = str(written).partition("：")
        if sep and name.strip() in _FIELD_KEYS:
            found[str(written)] = (name.strip(), value.strip())
    return found


def _options(key: str, kind: str, value: object, at: int, out: Collector) -> tuple[str, ...] | None:
    if kind != "choice":
        if value is not None:
            out.add(
                "KB083", at, f"字段 '{key}' 的 kind 是 {kind}，不需要 options。请删除 options，或把 kind 改为 choice。"
            )
        return ()
    if not isinstance(value, list) or len(value) < 2 or not all(_scalar(v) for v in value):
        out.add(
            "KB083", at, f"选项字段 '{key}' 需要 options：至少两个选项的文字列表，如 'options: [同意, 不同意, 弃权]'。"
        )
        return None
    return tuple(dict.fromkeys(str(v).strip() for v in value))


def _example(key: str, kind: str, value: object, options: tuple[str, ...], at: int, out: Collector) -> str:
    if value is None or value == "":
        return ""
    if not _scalar(value):
        out.add("KB083", at, f"字段 '{key}' 的 example 应为一行文字，现在是 '{_short(value)}'。")
        return ""
    text = str(value).strip()
    bad = None
    if kind == "date" and dates.parse_day(text) is None:
        bad = "日期示例应写成 YYYY-MM-DD，如 '2026-05-08'"
    elif kind == "number" and not _NUMBER.fullmatch(text):
        bad = "数字示例只能是数字，如 '12' 或 '3.5'"
    elif kind == "choice" and text not in options:
        bad = f"示例应为选项之一：{'、'.join(options)}"
    if bad:
        out.add("KB083", at, f"字段 '{key}' 的示例 '{text}' 与类型 {kind} 不符。{bad}。")
        return ""
    return text


def _scalar(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and "\n" not in str(value).strip()


def _item_line(text: str, fields_line: int, key: str) -> int:
    """The line declaring ``key`` (``- key: org_name`` or ``- {key: org_name, …}``) after ``fields:``."""
    rx = re.compile(r"\bkey\s*:\s*[\"']?" + re.escape(key) + r"\b")
    lines = text.split("\n")
    for i in range(max(fields_line - 1, 0), len(lines)):
        if lines[i].strip() == "---" and i >= fields_line:
            break
        if rx.search(lines[i]):
            return i + 1
    return fields_line


def _item_lines(text: str, fields_line: int) -> list[int]:
    """The line each item of a block list under ``fields:`` starts on (``- …`` at the list's
    indentation), up to the next top-level key; [] for a flow list written on one line."""
    lines = text.split("\n")
    out: list[int] = []
    indent = None
    for i in range(fields_line, len(lines)):
        line = lines[i]
        if line.strip() in ("---", "...") or (line[:1].strip() and not line.startswith("-")):
            break  # the end of the front matter, or the next key
        m = _ITEM.match(line)
        if m and (indent is None or len(m[1]) == indent):
            indent = len(m[1])
            out.append(i + 1)
    return out


def _short(value: object, limit: int = 30) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit] + "…"


# -- the body ----------------------------------------------------------------------------------


def check_placeholders(
    body: str, line0: int, fields: tuple[Field, ...], out: Collector, refused: frozenset[str] = frozenset()
) -> set[str]:
    """Report malformed and undeclared placeholders (not those of ``refused`` declarations);
    return the declared keys the body uses."""
    declared = {f.key: f for f in fields}
    used: set[str] = set()
    for i, line, in_code in lines_outside_code(body):
        if not in_code and ("｛" in line or "｝" in line):
            for m in _WIDE_BRACED.finditer(line):
                if "｛" in m[0] or "｝" in m[0]:
                    meant = m[0].replace("｛", "{").replace("｝", "}")
                    out.add("KB082", line0 + i, f"占位符 '{m[0]}' 用了全角花括号。是否想写 '{meant}'？")
        if in_code or ("{" not in line and "}" not in line):
            continue
        lineno = line0 + i
        # up to the last '}}': each '{{' before it finds its close, so no start rescans the line
        end = line.rfind("}}") + 2 if "}}" in line else 0
        for m in _BRACED.finditer(line, 0, end):
            inner = m[1]
            if KEY.fullmatch(inner):
                if inner in declared:
                    used.add(inner)
                elif inner not in refused:
                    _undeclared(inner, lineno, declared, out)
            else:
                _malformed(m[0], inner, lineno, declared, out)
        rest = _BRACED.sub("", line[:end]) + line[end:]
        if "{{" in rest:
            tail = rest[rest.index("{{") :]
            out.add(
                "KB082",
                lineno,
                f"占位符 '{_short(tail, 16)}' 没有闭合。请写成 '{{{{字段名}}}}'：两个左花括号、字段名、两个右花括号，写在同一行。",
            )
        elif "}}" in rest:
            out.add("KB082", lineno, "多出的 '}}' 前面没有对应的 '{{'。请写成 '{{字段名}}'，或删除多余的花括号。")
    return used


def _undeclared(key: str, lineno: int, declared: dict[str, Field], out: Collector) -> None:
    guess = closest(key, sorted(declared), cutoff=0.6)
    fix = (
        f"是否想写 '{{{{{guess}}}}}'？"
        if guess
        else f"请在头部信息的 fields 中声明：'- {{key: {key}, label: …, kind: text}}'。"
    )
    out.add("KB080", lineno, f"占位符 '{{{{{key}}}}}' 没有在 fields 中声明。{fix}")


def _malformed(raw: str, inner: str, lineno: int, declared: dict[str, Field], out: Collector) -> None:
    stripped = inner.strip()
    if not stripped:
        fix = "请在花括号中写字段名，如 '{{org_name}}'，或删除它。"
        out.add("KB082", lineno, f"空的占位符 '{raw}'。{fix}")
        return
    if KEY.fullmatch(stripped):
        out.add("KB082", lineno, f"占位符 '{raw}' 中有空格。是否想写 '{{{{{stripped}}}}}'？")
        return
    by_label = next((f.key for f in declared.values() if f.label == stripped), None)
    fix = (
        f"是否想写 '{{{{{by_label}}}}}'？"
        if by_label
        else "字段名只能用英文字母、数字和下划线（如 '{{org_name}}'），中文名称写在 fields 的 label 中。"
    )
    out.add("KB082", lineno, f"占位符 '{_short(raw, 20)}' 格式不对。{fix}")


def check_parts(doctype: str, d: doc_mod.Document, body_line: int, out: Collector) -> None:
    """Title, 主送, main text, 落款 and date: what a 请示, 报告 or 通知 cannot do without."""
    if d.title is None:
        out.add("KB084", body_line, f"{doctype}缺少标题。正文第一行应为 '# 关于……的{doctype}'（一个 # 加空格）。")
    if d.recipient is None:
        out.add(
            "KB084",
            d.title_line or body_line,
            f"{doctype}缺少主送机关。标题后的第一段应只有一行主送机关，以冒号结尾，如 '中共××委员会：' 或 '{{{{recipient}}}}：'。",
        )
    if not d.main.strip():
        out.add("KB084", d.recipient_line or body_line, f"{doctype}缺少正文。请在主送机关之后写正文。")
    if not d.signature:
        out.add(
            "KB084",
            body_line,
            f"{doctype}缺少落款和成文日期。正文最后一段应为发文机关署名和日期，各占一行，如 '{{{{issuer}}}}' 下一行 '{{{{issue_date}}}}'。",
        )
    elif not d.issuer_lines:
        out.add(
            "KB084",
            d.signature_line,
            f"{doctype}缺少落款（发文机关署名）。请在成文日期上一行写发文机关，如 '{{{{issuer}}}}'。",
        )
    if doctype == "请示" and d.main.strip() and not any(w in d.main for w in doc_mod.REQUEST_CLOSINGS):
        out.add(
            "KB085",
            d.main_line,
            "请示正文末尾通常应有请示语，如 '妥否，请批示。' 或 '以上请示当否，请批复。'。请补上，以免上级不知道要批什么。",
        )
