"""Split a Markdown file into YAML front matter and body, and parse the front matter safely.

MkDocs swallows YAML errors; this module reports them, with the line, in Chinese, and
repairs the usual slips of hand-editing (full-width colon, tab) so one run still reports
every other problem of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from dangjian_kb.check import fastyaml
from dangjian_kb.model import yamlsafe
from dangjian_kb.model.findings import Collector

try:  # C-accelerated where the wheel has libyaml
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python PyYAML
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc, assignment]


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as the strings the writer typed; the validator checks them."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _BaseLoader.yaml_implicit_resolvers.copy().items()
}

FENCE = re.compile(r"^(-{3}|—{2,}|－{3}|‐{3})\s*$")
_KEY_LINE = re.compile(r"^(\w[\w-]*)\s*:(?=\s|$)")  # \w: Chinese keys ('标题: …') get their line too
_FULLWIDTH_KEY = re.compile(r"^([ \t]*(?:-[ \t]*)?[A-Za-z_][\w-]*)[ \t]*[：﹕︰][ \t]*")  # linear: see syntax.py
_NO_SPACE_KEY = re.compile(r"^([ \t]*[A-Za-z_][\w-]*):(?=[^\s/])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")  # YAML refuses these
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_ODD_FENCE = re.compile(r"^[—－‐-]{2,}\s*$", re.M)  # lines the slow path would take for a fence
# Anything _repair_line would report: when none is present the lines need no repair pass.
_NEEDS_REPAIR = re.compile(
    r"[\t\u3000：﹕︰\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]|^[ \t]*[A-Za-z_][\w-]*:[^\s/]", re.M
)
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,])[&*][^\s,\[\]{}]")


@dataclass
class Parsed:
    data: dict | None
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # 1-based line number of the body's first line in the file


def parse_file(text: str, out: Collector) -> Parsed:
    """Return the front matter mapping (or None when unusable) and the body, adding findings to ``out``."""
    if text.startswith("---\n"):
        close = _CLOSE.search(text, 4)
        if close is not None and not _ODD_FENCE.search(text, 4, close.start()):
            fm = text[4 : close.start()]
            n = fm.count("\n")
            data, key_lines = parse_yaml(fm.split("\n")[:n], 2, out)
            return Parsed(data, key_lines, text[close.end() + 1 :], n + 3)
    return _parse_file_slow(text, out)


def _parse_file_slow(text: str, out: Collector) -> Parsed:
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        out.add("KB002", 1, "文件是空的。请按模板填写以 '---' 开头的头部信息和正文。")
        return Parsed(None)
    opener = lines[first].strip()
    if not FENCE.match(opener):
        out.add(
            "KB002",
            first + 1,
            "缺少头部信息（front matter）。文件第一行应为 '---'，之后写 id、title 等字段，再以 '---' 结束。",
        )
        return Parsed(None, body=text)
    if opener != "---":
        out.add("KB005", first + 1, f"头部分隔线写成了 '{opener}'。请改为三个半角减号 '---'。")
    close = next(
        (i for i in range(first + 1, len(lines)) if FENCE.match(lines[i].strip()) or lines[i].rstrip() == "..."), None
    )
    if close is None:
        out.add("KB003", first + 1, "头部信息没有结束。请在字段之后单独一行写 '---'，再写正文。")
        return Parsed(None)
    if lines[close].strip() not in ("---", "..."):
        out.add("KB005", close + 1, f"头部分隔线写成了 '{lines[close].strip()}'。请改为三个半角减号 '---'。")
    fm_lines = lines[first + 1 : close]
    data, key_lines = parse_yaml(fm_lines, first + 2, out)
    return Parsed(data, key_lines, "\n".join(lines[close + 1 :]), close + 2)


def parse_yaml(fm_lines: list[str], line0: int, out: Collector) -> tuple[dict | None, dict[str, int]]:
    text = "\n".join(fm_lines)
    if not _NEEDS_REPAIR.search(text):
        parsed = fastyaml.parse_lines(fm_lines, line0)
        if parsed is not None:
            return parsed
    repaired = [_repair_line(ln, line0 + i, out) for i, ln in enumerate(fm_lines)]
    text = "\n".join(repaired)
    if _ANCHOR_OR_ALIAS.search(text) and _has_alias(text):
        out.add(
            "KB008",
            line0,
            "头部信息使用了 YAML 锚点或别名（& 或 *），出于安全原因不予展开。请直接写出每个值；值本身以 * 或 & 开头时请给整个值加引号。",
        )
        return None, {}
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
        too_deep = _too_deep(data)
    except yaml.YAMLError as exc:
        out.add("KB004", _yaml_error_line(exc, line0), _yaml_error_message(exc))
        return None, {}
    except RecursionError:
        too_deep = True
    except yamlsafe.CONSTRUCTOR_ERRORS as exc:
        # a tag the safe constructor cannot build (!!int x, !!timestamp x) or an int past Python's digit limit
        out.add(
            "KB004", line0, f"头部信息中有无法解析的值（{_short_exc(exc)}）。请给该值加引号，或删除以 !! 开头的标签。"
        )
        return None, {}
    if too_deep:
        out.add("KB004", line0, "头部信息嵌套过深，无法解析。请只使用简单的 '字段: 值' 和列表。")
        return None, {}
    if data is None:
        out.add("KB007", line0 - 1, "头部信息是空的。请写入 id、title 等字段。")
        return None, {}
    if not isinstance(data, dict):
        out.add("KB007", line0, "头部信息不是 '字段: 值' 的形式。每行写一个字段，如 'title: 党费逾期未缴'。")
        return None, {}
    return data, _key_lines(repaired, line0)


def _short_exc(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:60]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _key_lines(lines: list[str], line0: int) -> dict[str, int]:
    keys: dict[str, int] = {}
    for i, ln in enumerate(lines):
        m = _KEY_LINE.match(ln)
        if m and m.group(1) not in keys:
            keys[m.group(1)] = line0 + i
    return keys


MAX_DEPTH = 10  # a front matter needs 2 (a list of words); rules quote values, which recurses


def _too_deep(data: object) -> bool:
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def _repair_line(line: str, lineno: int, out: Collector) -> str:
    m = _CONTROL.search(line)
    if m:
        out.add(
            "KB004",
            lineno,
            f"头部信息中有看不见的控制字符（U+{ord(m[0]):04X}），常由网页或 Word 复制带入。请删除这一行后重新输入。",
        )
        line = _CONTROL.sub("", line)
    if "\t" in line:
        out.add("KB006", lineno, "头部信息中有制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。")
        line = line.replace("\t", "  ")
    indent = len(line) - len(line.lstrip("\u3000 "))
    if "\u3000" in line[:indent]:
        out.add("KB005", lineno, "行首有全角空格。YAML 只能用半角空格缩进，请删除或替换全角空格。")
        line = line[:indent].replace("\u3000", "  ") + line[indent:]  # as wide as it looks
    m = _FULLWIDTH_KEY.match(line)
    if m:
        key = m.group(1).strip()
        out.add("KB005", lineno, f"字段 '{key}' 后用了全角冒号 '：'。请改为半角冒号加空格，如 '{key}: …'。")
        return f"{m.group(1)}: {line[m.end() :]}"
    m = _NO_SPACE_KEY.match(line)
    if m and not line.lstrip().startswith(("http:", "https:")):
        key = m.group(1).strip()
        out.add("KB004", lineno, f"字段 '{key}' 的冒号后缺少空格。请写成 '{key}: {line[m.end() :].strip()}'。")
        return f"{m.group(1)}: {line[m.end() :]}"
    return line


def _has_alias(text: str) -> bool:
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return True
    except yaml.YAMLError:
        return False  # the load below reports the syntax error with its line
    return False


def _yaml_error_line(exc: yaml.YAMLError, line0: int) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = str(getattr(exc, "context", "") or "")
    if context.startswith(("while scanning", "while parsing a flow")) and getattr(exc, "context_mark", None):
        mark = getattr(
            exc, "context_mark", None
        )  # an unclosed quote or bracket: where it opens, not where the stream ends
    return line0 + mark.line if mark is not None else line0


# Problem texts of PyYAML's pure-Python parser and of libyaml (CSafeLoader), which words them differently.
_PROBLEMS = {
    "mapping values are not allowed": "此处不能出现冒号：值里含半角冒号时请给整个值加引号，字段名前也不要有空格",
    "could not find expected ':'": "缺少冒号：每个字段写成 '字段: 值'",
    "found character that cannot start any token": "出现了不能作为值开头的字符（如 @、` 或 Tab）：请给值加引号",
    "found unexpected end of stream": "引号或括号没有闭合",
    "did not find expected ',' or ']'": "列表的方括号没有闭合，或元素之间缺少半角逗号",
    "expected ',' or ']'": "列表的方括号没有闭合，或元素之间缺少半角逗号",
    "did not find expected ',' or '}'": "花括号没有闭合：列表请写在方括号 [ ] 里，含 { 的值请加引号",
    "expected ',' or '}'": "花括号没有闭合：列表请写在方括号 [ ] 里，含 { 的值请加引号",
    "did not find expected node content": "列表或值不完整",
    "found undefined tag handle": "出现了未定义的标签（以 ! 开头）：请给值加引号",
    "could not determine a constructor for the tag": "出现了未定义的标签（以 ! 开头）：请给值加引号",
    "expected <block end>, but found": "缩进不一致，或引号后还有文字：同一层级的字段请左对齐，值里有引号时请给整个值加引号",
    "did not find expected key": "缩进不一致，或引号后还有文字：同一层级的字段请左对齐，值里有引号时请给整个值加引号",
    "did not find expected alphabetic or numeric character": "以 * 或 & 开头的值会被当作 YAML 别名或锚点：请给整个值加引号",
    "expected alphabetic or numeric character": "以 * 或 & 开头的值会被当作 YAML 别名或锚点：请给整个值加引号",
    "did not find expected comment or line break": "值的写法不对（如 | 或 > 后紧跟文字）：请给整个值加引号",
    "found duplicate anchor": "重复的锚点",
    "exceeded maximum nesting depth": "嵌套过深：请只使用简单的 '字段: 值' 和列表",
}


def _yaml_error_message(exc: yaml.YAMLError) -> str:
    problem = str(getattr(exc, "problem", "") or exc).strip()
    hint = next((zh for en, zh in _PROBLEMS.items() if problem.startswith(en)), None)
    if hint is None:
        hint = f"YAML 无法解析（{' '.join(problem.split())}）"  # one line, whatever the parser says
    return f"头部信息格式错误：{hint}。请对照投稿指南中的示例修改。"
