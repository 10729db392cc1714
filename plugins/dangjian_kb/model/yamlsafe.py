"""YAML for the project's own data files (taxonomy, synonyms, registers): safe loading only,
aliases and anchors refused (a 500-byte alias bomb once grew into a 475 MB index), dates kept
as the strings people typed, a key written twice in one mapping refused at its second line (YAML
would keep the last value silently), and a cap on what a file may expand to."""

from __future__ import annotations

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


RawLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _Base.yaml_implicit_resolvers.copy().items()
}


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


def _syntax_error(exc: yaml.YAMLError) -> YamlRefused:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return YamlRefused("不是合法的 YAML：请检查缩进、冒号和引号。", mark.line + 1 if mark else 0)


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
        raise _syntax_error(exc) from None


def compose(text: str) -> yaml.Node | None:
    """The node tree, each node with its line, under the same limits as ``load``. A key written
    twice is composed as YAML does: a reader reports it with the rest (``duplicate_keys``)
    instead of stopping at it."""
    try:
        _within_limits(text)
        return yaml.compose(text, Loader=RawLoader)  # noqa: S506 - a SafeLoader, composing only
    except yaml.YAMLError as exc:
        raise _syntax_error(exc) from None
    except (*CONSTRUCTOR_ERRORS, RecursionError) as exc:
        if isinstance(exc, YamlRefused):
            raise
        raise YamlRefused(f"有无法解析的值（{type(exc).__name__}）：请给该值加引号。") from None
