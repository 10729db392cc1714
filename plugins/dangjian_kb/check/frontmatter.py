"""Split a Markdown file into YAML front matter and body, and parse the front matter safely.

MkDocs swallows YAML errors; this module reports them, with the line, in Chinese, and
repairs the usual slips of hand-editing (full-width colon, tab, full-width commas in a list)
so one run still reports every other problem of the file. What YAML would do silently is
reported at the line where it happens: a key written twice (the last one wins), text cut by
' #' (a comment), anchors, aliases and merge keys, nesting too deep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml

from dangjian_kb.check import fastyaml
from dangjian_kb.model import yamlsafe
from dangjian_kb.model.findings import Collector

# Safe, dates kept as typed, a key written twice refused (the registers compose with it).
_Loader = yamlsafe.Loader
_BaseLoader = yamlsafe.RawLoader  # the front matter reports duplicates itself and reads on

FENCE = re.compile(r"^(-{3}|—{2,}|－{3}|‐{3})\s*$")
_KEY_LINE = re.compile(r"^(\w[\w-]*)\s*:(?=\s|$)")  # \w: Chinese keys ('标题: …') get their line too
_FULLWIDTH_KEY = yamlsafe.FULLWIDTH_KEY
_WIDE_SPACE_KEY = yamlsafe.WIDE_SPACE_KEY
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
    framed: bool = True  # the front matter opens and closes: the body is known even when data is None


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
        return Parsed(None, framed=False)
    opener = lines[first].strip()
    if not FENCE.match(opener):
        out.add(
            "KB002",
            first + 1,
            "缺少头部信息（front matter）。文件第一行应为 '---'，之后写 id、title 等字段，再以 '---' 结束。",
        )
        return Parsed(None, body=text, framed=False)
    if opener != "---":
        out.add("KB005", first + 1, f"头部分隔线写成了 '{opener}'。请改为三个半角减号 '---'。")
    close = next(
        (i for i in range(first + 1, len(lines)) if FENCE.match(lines[i].strip()) or lines[i].rstrip() == "..."), None
    )
    if close is None:
        out.add("KB003", first + 1, "头部信息没有结束。请在字段之后单独一行写 '---'，再写正文。")
        return Parsed(None, framed=False)
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
    refused = _ANCHOR_OR_ALIAS.search(text) is not None and _report_aliases(text, line0, out)
    try:
        root = yaml.compose(text, Loader=_BaseLoader)  # nodes with their lines; duplicates reported below
    except yaml.YAMLError as exc:
        out.add("KB004", _yaml_error_line(exc, line0), _yaml_error_message(exc))
        return None, {}
    except RecursionError:  # pure-Python PyYAML only: libyaml composes without recursing
        out.add("KB004", line0, "头部信息嵌套过深，无法解析。请只使用简单的 '字段: 值' 和列表。")
        return None, {}
    if refused:
        return None, {}
    if root is None:
        out.add("KB007", line0 - 1, "头部信息是空的。请写入 id、title 等字段。")
        return None, {}
    if not isinstance(root, yaml.MappingNode):
        out.add(
            "KB007",
            line0 + root.start_mark.line,
            "头部信息不是 '字段: 值' 的形式。每行写一个字段，如 'title: 党费逾期未缴'。",
        )
        return None, {}
    for key, first, node in yamlsafe.duplicate_keys(root):
        out.add(
            "KB004",
            line0 + node.start_mark.line,
            f"字段 '{_short(key)}' 写了两次（第 {line0 + first - 1} 行已有），YAML 只会用后写的值。"
            f"请删除其中一个，或把两处合并成一行。",
        )
    return _read_mapping(root, repaired, line0, out)


def _read_mapping(root: yaml.MappingNode, lines: list[str], line0: int, out: Collector) -> tuple[dict, dict[str, int]]:
    """Each field built on its own, so one bad value costs only its own field; every key at the
    line where it is written (the last writing of a key written twice, whose value YAML keeps)."""
    loader = _BaseLoader("")
    comments = "#" in "".join(lines)
    data: dict = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in root.value:
        line = line0 + key_node.start_mark.line
        if key_node.tag == yamlsafe.MERGE:
            out.add("KB008", line, "头部信息使用了 YAML 合并键 '<<'，不予展开。请把要合并的字段逐个直接写出来。")
            continue
        deep = _too_deep(key_node) or _too_deep(value_node)
        if deep is not None:
            out.add(
                "KB004",
                line0 + deep.start_mark.line,
                "头部信息嵌套过深（方括号或缩进层数太多），无法使用。请只使用简单的 '字段: 值' 和一层列表，如 'tags: [党费, 催缴]'。",
            )
            continue
        try:
            key = loader.construct_object(key_node, deep=True)
            value = loader.construct_object(value_node, deep=True)
            hash(key)
        except yaml.YAMLError as exc:
            out.add("KB004", _yaml_error_line(exc, line0), _yaml_error_message(exc))
            continue
        except (*yamlsafe.CONSTRUCTOR_ERRORS, RecursionError) as exc:
            # a tag the safe constructor cannot build (!!int x, !!timestamp x), an int past Python's
            # digit limit, a list or mapping as a key
            out.add(
                "KB004",
                line,
                f"头部信息中有无法解析的值（{_short_exc(exc)}）。请给该值加引号，或删除以 !! 开头的标签。",
            )
            continue
        name = _short(str(key))
        if comments:
            _cut_by_comment(name, value_node, lines, line0, out)
        if isinstance(value_node, yaml.SequenceNode) and value_node.flow_style and isinstance(value, list):
            value = _split_full_width(name, value_node, value, line0, out)
        data[key] = value
        key_lines[str(key)] = line
    return data, key_lines


def _short_exc(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:60]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key_lines(lines: list[str], line0: int) -> dict[str, int]:
    """Each top-level key's first line, read from the text (what the fast path must agree with)."""
    keys: dict[str, int] = {}
    for i, ln in enumerate(lines):
        m = _KEY_LINE.match(ln)
        if m and m.group(1) not in keys:
            keys[m.group(1)] = line0 + i
    return keys


MAX_DEPTH = 10  # a front matter needs 2 (a list of words); rules quote values, which recurses


def _nodes(node: yaml.Node) -> Iterator[tuple[yaml.Node, int]]:
    """``node`` and every node under it with its depth (``node`` is 1), in document order, without
    recursion; each node once (an alias shares its node)."""
    stack, seen = [(node, 1)], set()
    while stack:
        item, depth = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item, depth
        if isinstance(item, yaml.MappingNode):
            stack.extend((n, depth + 1) for pair in reversed(item.value) for n in reversed(pair))
        elif isinstance(item, yaml.SequenceNode):
            stack.extend((n, depth + 1) for n in reversed(item.value))


def _too_deep(node: yaml.Node) -> yaml.Node | None:
    if isinstance(node, yaml.ScalarNode):
        return None
    return next((n for n, depth in _nodes(node) if depth > MAX_DEPTH), None)


# A value that ends before ' #' on its line: YAML reads the rest as a comment. Dates and numbers
# cannot be cut (more text would make them invalid): `date: 2024-05  # …`, as `new` writes it, is
# a comment on purpose. Text can: `title: 党费问题 #2 的处理` publishes the title 党费问题.
_TRAILING_COMMENT = re.compile(r"[ \t]+#")
_NOT_CUT = re.compile(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?|[-+]?[0-9][0-9_.,:eE+-]*")
_NUMERIC_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"}


def _cut_by_comment(key: str, node: yaml.Node, lines: list[str], line0: int, out: Collector) -> None:
    for item, depth in _nodes(node):
        if not isinstance(item, yaml.ScalarNode) or item.style or not item.value:
            continue  # quoted and block scalars hold their '#'; an empty value loses nothing
        end = item.end_mark
        rest = lines[end.line][end.column :] if end.line < len(lines) else ""
        if not _TRAILING_COMMENT.match(rest) or item.tag in _NUMERIC_TAGS or _NOT_CUT.fullmatch(item.value):
            continue
        meant = item.value + rest.rstrip()
        fix = f"{key}: {_quoted(meant)}" if depth == 1 else _quoted(meant)
        out.add(
            "KB004",
            line0 + end.line,
            f"'{key}' 的值在 ' #' 处被截断：'{_short(rest.strip())}' 会被 YAML 当作注释丢掉，读到的只有 '{_short(item.value)}'"
            f"（确是注释的话请移到单独一行）。是否想写 '{fix}'？",
        )


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_PROMPT_WORD = "待填写"  # a scaffold prompt is one item on purpose (its rule reports it)


def _split_full_width(key: str, node: yaml.SequenceNode, value: list, line0: int, out: Collector) -> list:
    """``value`` with each plain item that full-width separators join split where they are, each
    such item reported with the list meant (quoted items are one item on purpose)."""
    if len(node.value) != len(value):
        return value
    split: list = []
    bad = []
    for item_node, item in zip(node.value, value, strict=True):
        parts = (
            fastyaml.split_joined(item)
            if isinstance(item, str)
            and isinstance(item_node, yaml.ScalarNode)
            and not item_node.style
            and _PROMPT_WORD not in item
            else [item]
        )
        if len(parts) > 1:
            bad.append((item_node, item))
            split.extend(parts)
        else:
            split.append(item)
    if not bad:
        return value
    meant = ", ".join(str(v) for v in split)
    for item_node, item in bad:
        out.add(
            "KB005",
            line0 + item_node.start_mark.line,
            f"'{key}' 中的 '{_short(item)}' 用全角逗号、顿号或分号分隔，YAML 只读作一项（确是一项的话请给它加引号）。"
            f"是否想写 '{key}: [{_short(meant, 80)}]'？",
        )
    return split


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
    m = _WIDE_SPACE_KEY.match(line)
    if m:  # 'title:　X' looks right, but YAML needs a half-width space after the colon
        key, value = m.group(1).strip(), line[m.end() :].strip()
        out.add("KB005", lineno, f"字段 '{key}' 的冒号后是全角空格。是否想写 '{key}: {value[:30]}'？")
        return f"{m.group(1)}: {line[m.end() :]}"
    m = _NO_SPACE_KEY.match(line)
    if m and not line.lstrip().startswith(("http:", "https:")):
        key = m.group(1).strip()
        out.add("KB004", lineno, f"字段 '{key}' 的冒号后缺少空格。请写成 '{key}: {line[m.end() :].strip()}'。")
        return f"{m.group(1)}: {line[m.end() :]}"
    return line


def _report_aliases(text: str, line0: int, out: Collector) -> bool:
    """One KB008 (never expanded: an alias bomb grows exponentially), at the first alias, else the
    first anchor, naming both and how many there are; whether there is any."""
    anchors: dict[str, int] = {}
    first_alias: tuple[str, int] | None = None
    count = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            name = getattr(event, "anchor", None)
            if not name:
                continue
            count += 1
            line = line0 + event.start_mark.line if event.start_mark else line0
            if not isinstance(event, yaml.AliasEvent):
                anchors.setdefault(name, line)
            elif first_alias is None:
                first_alias = (name, line)
    except yaml.YAMLError:
        pass  # the composer reports the syntax error with its line
    if not count:
        return False
    many = f"（本文件共 {count} 处锚点或别名）" if count > 2 else ""
    if first_alias is not None:
        name, line = first_alias
        source = f"（引用第 {anchors[name]} 行的锚点 '&{_short(name)}'）" if name in anchors else ""
        what = f"'*{_short(name)}' 是 YAML 别名{source}，出于安全原因不予展开{many}"
    else:
        name, line = next(iter(anchors.items()))
        what = f"'&{_short(name)}' 是 YAML 锚点，出于安全原因不予使用{many}"
    out.add("KB008", line, f"头部信息中的 {what}。请直接写出每个值；值本身以 * 或 & 开头时请给整个值加引号。")
    return True


def _yaml_error_line(exc: yaml.YAMLError, line0: int) -> int:
    index = yamlsafe.error_index(exc)
    return line0 + index if index is not None else line0


def _yaml_error_message(exc: yaml.YAMLError) -> str:
    hint = yamlsafe.error_hint(exc)
    return f"头部信息格式错误：{hint}。请对照投稿指南中的示例修改。"
