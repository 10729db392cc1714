"""YAML for the project's own data files (taxonomy, synonyms, registers): safe loading only,
aliases and anchors refused (a 500-byte alias bomb once grew into a 475 MB index), dates kept
as the strings people typed, a key written twice in one mapping refused at its second line (YAML
would keep the last value silently), and a cap on what a file may expand to."""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

try:  # C-accelerated where the wheel has libyaml
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python PyYAML
    _Base = yaml.SafeLoader  # type: ignore[misc, assignment]

# What PyYAML's constructors raise for a tag that cannot build its value (!!int x, !!float x,
# !!timestamp x, !!binary x): every loader of a contributor's YAML catches these as a finding.
CONSTRUCTOR_ERRORS = (ValueError, TypeError, OverflowError, AttributeError, IndexError, KeyError)

MAX_BYTES = 2_000_000
MAX_NODES = 200_000


class YamlRefused(ValueError):
    """Chinese message and 1-based line: why the file cannot be used."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


class DuplicateKey(yaml.composer.ComposerError):
    """A key written twice in one mapping; ``problem_mark`` is the second one (every reader of a
    register catches it as the YAML error it is, with that line)."""

    def __init__(self, key: str, first: int, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"字段 '{key}' 重复：第 {first} 行已经写过，请删除或合并其中一个", mark)
        self.key, self.first = key, first


class RawLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as typed strings; composes duplicate keys as YAML does (for
    callers that report them themselves, with :func:`duplicate_keys`)."""


_INT_TAG = "tag:yaml.org,2002:int"
# Integers as YAML 1.2 and every person read them: 012 is twelve, not the octal ten of YAML 1.1
# (a standard's 'total: 0100' was read as 64, 'review_months: 012' as 10); 0x1f and 1_000 stay.
_INT = re.compile(r"^[-+]?(?:[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)$")

RawLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", _INT_TAG)]
    for ch, resolvers in _Base.yaml_implicit_resolvers.copy().items()
}
RawLoader.add_implicit_resolver(_INT_TAG, _INT, list("-+0123456789"))


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    sign, digits = (-1, text[1:]) if text[:1] == "-" else (1, text.lstrip("+"))
    if digits[:2] in ("0x", "0X"):
        return sign * int(digits[2:], 16)
    if digits[:2] == "0o":
        return sign * int(digits[2:], 8)
    return sign * int(digits, 10)


RawLoader.add_constructor(_INT_TAG, _construct_int)


class Loader(RawLoader):
    """Safe loader that keeps dates as typed strings and refuses a key written twice
    (:class:`DuplicateKey`, a YAML error) in ``yaml.compose`` and ``yaml.load`` alike."""

    def get_single_node(self):  # type: ignore[no-untyped-def]
        node = super().get_single_node()
        for key, first, key_node in duplicate_keys(node):
            raise DuplicateKey(key, first, key_node.start_mark)
        return node


MERGE = "tag:yaml.org,2002:merge"


def duplicate_keys(root: yaml.Node | None) -> Iterator[tuple[str, int, yaml.Node]]:
    """Each key written again in its mapping: (the key, the 1-based line of its first writing, the
    key node written again), in document order. Scalar keys are compared as YAML resolves them
    (``1`` and ``"1"`` differ); merge keys (``<<``) are YAML's to combine. Each node is visited once
    (an alias shares its node) and without recursion, so any tree is safe to walk."""
    if root is None:
        return
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            firsts: dict[tuple[str, str], yaml.Node] = {}
            for key, _value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != MERGE:
                    first = firsts.setdefault((key.tag, key.value), key)
                    if first is not key:
                        yield key.value, first.start_mark.line + 1, key
            stack.extend(v for pair in reversed(node.value) for v in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


def _within_limits(text: str) -> None:
    """YamlRefused (with its line) for what no reader here takes: too big, anchors or aliases, too
    many nodes. Events only: nothing is built yet."""
    if len(text) > MAX_BYTES:
        raise YamlRefused(f"文件过大（{len(text) // 1024} KB）。请拆分或删除无关内容。")
    for nodes, event in enumerate(yaml.parse(text, Loader=_Base), 1):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark else 0
            raise YamlRefused(
                "使用了 YAML 锚点或别名（& 或 *），出于安全原因不予展开。请直接写出每个值，或给以 * 或 & 开头的值加引号。",
                line,
            )
        if nodes > MAX_NODES:
            raise YamlRefused("内容过多，无法处理。请检查文件是否粘贴了无关内容。")


def _syntax_error(exc: yaml.YAMLError, text: str) -> YamlRefused:
    line, problem = syntax_problem(text, exc)
    return YamlRefused(f"不是合法的 YAML：{problem}", line)


def load(text: str) -> object:
    try:
        _within_limits(text)
        return yaml.load(text, Loader=Loader)  # noqa: S506 - Loader is a SafeLoader
    except DuplicateKey as exc:
        raise YamlRefused(
            f"中的字段 '{exc.key}' 重复：第 {exc.first} 行已经写过，YAML 只会保留后写的值。请删除或合并其中一个。",
            exc.problem_mark.line + 1 if exc.problem_mark else 0,
        ) from None
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text) from None


def compose(text: str) -> yaml.Node | None:
    """The node tree, each node with its line, under the same limits as ``load``. A key written
    twice is composed as YAML does: a reader reports it with the rest (``duplicate_keys``)
    instead of stopping at it."""
    try:
        _within_limits(text)
        return yaml.compose(text, Loader=RawLoader)  # noqa: S506 - a SafeLoader, composing only
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text) from None
    except (*CONSTRUCTOR_ERRORS, RecursionError) as exc:
        if isinstance(exc, YamlRefused):
            raise
        raise YamlRefused(f"有无法解析的值（{type(exc).__name__}）：请给该值加引号。") from None


# -- syntax errors, said once for every YAML file a contributor writes --------------------------

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
    "expected the node content": "列表或值不完整",
    "found undefined tag handle": "出现了未定义的标签（以 ! 开头）：请给值加引号",
    "could not determine a constructor for the tag": "出现了未定义的标签（以 ! 开头）：请给值加引号",
    "expected <block end>, but found": "缩进不一致，或引号后还有文字：同一层级的字段请左对齐，值里有引号时请给整个值加引号",
    "did not find expected key": "缩进不一致，或引号后还有文字：同一层级的字段请左对齐，值里有引号时请给整个值加引号",
    "did not find expected alphabetic or numeric character": "以 * 或 & 开头的值会被当作 YAML 别名或锚点：请给整个值加引号",
    "expected alphabetic or numeric character": "以 * 或 & 开头的值会被当作 YAML 别名或锚点：请给整个值加引号",
    "did not find expected comment or line break": "值的写法不对（如 | 或 > 后紧跟文字）：请给整个值加引号",
    "found duplicate anchor": "重复的锚点",
    "exceeded maximum nesting depth": "嵌套过深：请只使用简单的 '字段: 值' 和列表",
    "found unhashable key": "以 { 或 [ 开头的值会被当作字段表或列表（如 '{{issuer}}'）：请给整个值加引号",
}
# A key followed by a full-width colon (name：采购供应党支部): YAML reads the line as text and fails
# on the next one.
WIDE_SPACE_KEY = re.compile(r"^([ \t]*(?:-[ \t]*)?[A-Za-z_][\w-]*):\u3000[\u3000 \t]*")
FULLWIDTH_KEY = re.compile(r"^([ \t]*(?:-[ \t]*)?[A-Za-z_][\w-]*)[ \t]*[：﹕︰][ \t]*")  # linear: see syntax.py


def error_index(exc: yaml.YAMLError) -> int | None:
    """The 0-based line of the mistake: where an unclosed quote, bracket or key starts, not where
    the parser gave up (for a missing colon that is the next line)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = str(getattr(exc, "context", "") or "")
    if context.startswith(("while scanning", "while parsing a flow")) and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # type: ignore[attr-defined]
    return mark.line if mark is not None else None


def error_hint(exc: yaml.YAMLError) -> str:
    """What is wrong, in Chinese, with how to fix it (one line, whatever the parser said)."""
    problem = str(getattr(exc, "problem", "") or exc).strip()
    hint = next((zh for en, zh in _PROBLEMS.items() if problem.startswith(en)), None)
    return hint or f"YAML 无法解析（{' '.join(problem.split())[:80]}）"


def syntax_problem(text: str, exc: yaml.YAMLError) -> tuple[int, str]:
    """(1-based line or 0, Chinese sentence with the fix) for a syntax error in ``text``; a
    full-width colon after a key on or before the failing line is named as such."""
    index = error_index(exc)
    if index is not None:
        lines = text.split("\n", index + 2)[: index + 2]
        for i in range(len(lines) - 1, -1, -1):
            m = FULLWIDTH_KEY.match(lines[i])
            if m:
                key = m.group(1).strip(" \t-")
                value = lines[i][m.end() :].strip()
                return i + 1, f"字段 '{key}' 后用了全角冒号 '：'。是否想写 '{key}: {value[:30]}'？"
            m = WIDE_SPACE_KEY.match(lines[i])
            if m:
                key = m.group(1).strip(" \t-")
                value = lines[i][m.end() :].strip()
                return i + 1, f"字段 '{key}' 的冒号后是全角空格。是否想写 '{key}: {value[:30]}'？"
    return (index + 1 if index is not None else 0), f"{error_hint(exc)}。请对照投稿指南中的示例修改。"
