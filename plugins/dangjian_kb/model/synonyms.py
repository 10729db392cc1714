"""The search vocabulary a maintainer edits in one YAML file, read safely (no aliases, size caps)
and checked like the taxonomy: the synonym groups search adds to a query (交党费 ~ 党费收缴),
and the topics that belong elsewhere (工资, 社保 …: another department answers them).

The file is read node by node: every problem is reported in one run, with its line and the
value quoted as typed (KB037 errors, KB046 warnings); what is usable is kept."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from dangjian_kb.model import yamlsafe
from dangjian_kb.model.findings import Collector, Finding
from dangjian_kb.model.taxonomy import line_of, scalar, shown, untyped

SHIPPED = "dangjian_kb/data/synonyms.yml"
_MARKUP = re.compile(r"[<>\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
TOP_KEYS = ("groups", "elsewhere")
ELSEWHERE_KEYS = ("anchors", "askers", "topics")
TOPIC_KEYS = ("ask", "words")
_WORD_LIST = "[词, 词]"


class SynonymsError(ValueError):
    """The synonyms file has errors; the message lists every finding (file:line: KB037 …)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("\n".join(map(str, findings)))
        self.findings = findings
        first = findings[0] if findings else Finding("synonyms.yml", 0, "KB037", "")
        self.path, self.line, self.detail = first.path, first.line, first.message


@dataclass(frozen=True)
class Elsewhere:
    """Questions this knowledge base does not answer: a query holding one of a topic's words and
    none of the anchors (words that name the Party organization) is sent to the topic's ``ask``."""

    anchors: tuple[str, ...] = ()
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (who answers, words)
    # anchors that say only who asks or where (党员, 支部书记, 党员活动室): beside a topic word
    # the knowledge base never uses (体检, 高铁), they leave the question another department's
    askers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    groups: list[list[str]]
    elsewhere: Elsewhere


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The whole file, read and checked once; SynonymsError listing every error when it has any."""
    vocabulary, findings = read(path, str(path) if path is not None and path.is_file() else SHIPPED)
    errors = [f for f in findings if f.is_error]
    if errors:
        raise SynonymsError(errors)
    return vocabulary


def read(path: Path | None, name: str) -> tuple[Vocabulary, list[Finding]]:
    """``path`` (named ``name`` in findings), else the shipped file: what is usable of it, and
    every finding."""
    out = Collector(name if path is not None and path.is_file() else SHIPPED)
    try:
        if path is not None and path.is_file():
            src = path.read_text("utf-8-sig")
        else:
            src = resources.files("dangjian_kb").joinpath("data", "synonyms.yml").read_text("utf-8")
        root = yamlsafe.compose(src)
    except (OSError, UnicodeDecodeError) as exc:
        out.add("KB037", 0, f"无法读取同义词文件（{type(exc).__name__}）。请以 UTF-8 保存。")
        return Vocabulary([], Elsewhere()), out.items
    except yamlsafe.YamlRefused as exc:
        out.add("KB037", exc.line, f"同义词文件{exc}")
        return Vocabulary([], Elsewhere()), out.items
    untyped(root, out)
    reader = _Reader(src, out)
    return reader.vocabulary(root), out.items


def _ask(name: str, options: tuple[str, ...], otherwise: str) -> str:
    guess = difflib.get_close_matches(name.lower(), options, n=1, cutoff=0.6)
    return f"是否想写 '{guess[0]}'？" if guess else otherwise


class _Reader:
    def __init__(self, text: str, out: Collector) -> None:
        self.text, self.out = text, out

    def add(self, node: yaml.Node, message: str, code: str = "KB037") -> None:
        self.out.add(code, line_of(node), message)

    def shown(self, node: yaml.Node) -> str:
        return shown(node, self.text)

    def fields(
        self, node: yaml.MappingNode, known: tuple[str, ...], where: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """The known keys of a mapping; an unknown one is a warning naming the key meant."""
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            name = scalar(key) or self.shown(key)
            if name in found:
                first = line_of(found[name][0])
                self.add(key, f"{where}的 '{name}' 写了两次（第 {first} 行已有），前一处不会被使用。请合并为一处。")
            if name in known:
                found[name] = (key, value)
            else:
                fix = _ask(name, known, f"可用的写法：{'、'.join(known)}。")
                self.add(key, f"{where}有未知字段 '{name}'，不会被使用。{fix}", "KB046")
        return found

    def vocabulary(self, root: yaml.Node | None) -> Vocabulary:
        if root is None or scalar(root) is None and isinstance(root, yaml.ScalarNode):
            # an empty file means no synonyms, which a maintainer should know the search lost
            self.out.add(
                "KB046",
                1,
                "同义词文件是空的（或只有注释），搜索不会使用任何同义词。如确属有意可忽略；否则请恢复 'groups:' 列表。",
            )
            return Vocabulary([], Elsewhere())
        if not isinstance(root, yaml.MappingNode):
            self.add(
                root,
                f"同义词文件应是 'groups:' 和 'elsewhere:' 两部分（现为 '{self.shown(root)}'）。"
                "请在第一行写 'groups:'，下面每组一行，如 '  - [交党费, 缴党费]'。",
            )
            return Vocabulary([], Elsewhere())
        top = self.fields(root, TOP_KEYS, "同义词文件顶层")
        return Vocabulary(self.groups(top.get("groups")), self.elsewhere(top.get("elsewhere")))

    # -- groups ------------------------------------------------------------------------------
    def groups(self, field: tuple[yaml.Node, yaml.Node] | None) -> list[list[str]]:
        if field is None or self.null(field[1]):
            return []
        key, value = field
        if not isinstance(value, yaml.SequenceNode):
            self.add(value, f"groups 不是列表（现为 '{self.shown(value)}'）。请每组写一行，如 '  - [交党费, 缴党费]'。")
            return []
        return [g for node in value.value if (g := self.group(node)) is not None]

    def group(self, node: yaml.Node) -> list[str] | None:
        if not isinstance(node, yaml.SequenceNode):
            typed = self.shown(node)
            # 积极分子，入党积极分子: two words joined by a Chinese comma are one YAML string
            parts = [p.strip() for p in re.split(r"[，、；,;]", typed) if p.strip()]
            if isinstance(node, yaml.ScalarNode) and len(parts) > 1:
                self.add(
                    node, f"同义词组 '{typed}' 不是列表（全角逗号不分隔列表）。是否想写 '- [{', '.join(parts)}]'？"
                )
                return None
            example = f"[{typed}, 另一种说法]" if isinstance(node, yaml.ScalarNode) and typed else "[交党费, 缴党费]"
            self.add(node, f"同义词组 '{typed}' 不是列表。请写成 {example}：一组至少两个写法。")
            return None
        words = self.words(node.value, "同义词")
        if len(node.value) == 0:
            self.add(node, "同义词组是空的 '[]'，不起作用。请至少写两个写法，如 [交党费, 缴党费]，或删去这一行。")
            return None
        distinct = list(dict.fromkeys(words))
        if len(distinct) < 2 and len(words) == len(node.value):
            twice = "（写了两次）" if len(words) > len(distinct) else ""
            only = f"'{distinct[0]}'{twice}" if distinct else "''"
            self.add(
                node,
                f"同义词组只有一个写法 {only}，不起作用。一组至少两个写法：请补上另一种说法，或删去这一行。",
            )
            return None
        self.duplicates(node, words)
        return distinct if len(distinct) >= 2 else None

    # -- words -------------------------------------------------------------------------------
    def words(self, nodes: list[yaml.Node], what: str) -> list[str]:
        """The usable words of a list; each unusable one reported with its line."""
        words = []
        for node in nodes:
            word = scalar(node) if isinstance(node, yaml.ScalarNode) else None
            if word is None and isinstance(node, yaml.ScalarNode):
                self.add(node, f"{what}列表里有一个空的写法。请删去它，或写上文字。")
            elif word is None:
                self.add(
                    node,
                    f"{what} '{self.shown(node)}' 不是一个词（列表或字段表不能放在词的位置）。请写成一个词，或拆成几个词并列。",
                )
            elif not word.strip():
                self.add(node, f"{what}列表里有一个空的写法 '{word}'。请删去它，或写上文字。")
            elif _MARKUP.search(word):
                self.add(node, f"{what} '{self.shown(node)}' 含有 HTML 标记或控制字符。{what}只能是文字，请删除标记。")
            else:
                words.append(word.strip())
        return words

    def duplicates(self, node: yaml.SequenceNode, words: list[str], where: str = "这一组") -> None:
        twice = [w for w in dict.fromkeys(words) if words.count(w) > 1]
        for word in twice:
            self.add(node, f"'{word}' 在{where}里写了 {words.count(word)} 次。请删去重复的。", "KB046")

    def word_list(
        self, field: tuple[yaml.Node, yaml.Node] | None, owner: str, name: str, required_at: yaml.Node | None = None
    ) -> tuple[str, ...]:
        """The words of ``owner``'s ``name``, a list that must hold words: missing, a scalar or an
        empty list would silently switch it off. ``required_at``: where to report it missing
        (None: optional)."""
        if field is None:
            if required_at is not None:
                self.add(required_at, f"{owner} 缺少 {name}。请加一行 '{name}: {_WORD_LIST}'。")
            return ()
        key, value = field
        one = scalar(value) if isinstance(value, yaml.ScalarNode) else None
        if one is not None and one.strip() and not _MARKUP.search(one):
            parts = [p.strip() for p in re.split(r"[，、；,;]", one) if p.strip()]
            self.add(
                value,
                f"{owner} 的 {name} 不是列表（现为 '{self.shown(value)}'）。是否想写 '{name}: [{', '.join(parts)}]'？",
            )
            return ()
        if not isinstance(value, yaml.SequenceNode):
            now = "" if self.null(value) else f"（现为 '{self.shown(value)}'）"
            self.add(value if now else key, f"{owner} 的 {name} 不是列表{now}。请写成 {name}: {_WORD_LIST}。")
            return ()
        words = self.words(value.value, "词")
        if not value.value:
            self.add(value, f"{owner} 的 {name} 是空的 '[]'，不起作用。请至少写一个词，或删去这一项。")
        self.duplicates(value, words, "这个列表")
        return tuple(dict.fromkeys(words))

    @staticmethod
    def null(node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and scalar(node) is None

    # -- elsewhere ---------------------------------------------------------------------------
    def elsewhere(self, field: tuple[yaml.Node, yaml.Node] | None) -> Elsewhere:
        if field is None or self.null(field[1]):
            return Elsewhere()
        key, section = field
        if not isinstance(section, yaml.MappingNode):
            self.add(
                section,
                f"elsewhere 不是含 anchors 和 topics 的映射（现为 '{self.shown(section)}'）。"
                "请按 README 的示例改写：下面缩进写 'anchors: [党, 支部]' 和 topics。",
            )
            return Elsewhere()
        found = self.fields(section, ELSEWHERE_KEYS, "elsewhere 里")
        anchors = self.word_list(found.get("anchors"), "elsewhere", "anchors", key)
        askers = self.word_list(found.get("askers"), "elsewhere", "askers")
        return Elsewhere(anchors, self.topics(found.get("topics")), askers)

    def topics(self, field: tuple[yaml.Node, yaml.Node] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if field is None or self.null(field[1]):
            return ()
        key, listed = field
        if not isinstance(listed, yaml.SequenceNode):
            self.add(
                listed,
                f"elsewhere 的 topics 不是列表（现为 '{self.shown(listed)}'）。"
                "请每个部门写一项：'- ask: 人力资源部门'，下一行 '  words: [社保, 年假]'。",
            )
            return ()
        return tuple(t for node in listed.value if (t := self.topic(node)) is not None)

    def topic(self, node: yaml.Node) -> tuple[str, tuple[str, ...]] | None:
        example = "请写成 '- ask: 人力资源部门'，下一行 '  words: [社保, 年假]'。"
        if not isinstance(node, yaml.MappingNode):
            self.add(node, f"elsewhere 的 topics 里的一项 '{self.shown(node)}' 不是 ask 和 words 的映射。{example}")
            return None
        found = self.fields(node, TOPIC_KEYS, "elsewhere 的 topics 里")
        ask_node = found["ask"][1] if "ask" in found else None
        ask = scalar(ask_node) if isinstance(ask_node, yaml.ScalarNode) else None
        fix = "请用纯文字写明该问哪个部门，如 'ask: 人力资源部门'。"
        ok = False
        if ask_node is None:
            self.add(node, f"elsewhere 的 topics 里的一项缺少 ask。{fix}")
        elif not isinstance(ask_node, yaml.ScalarNode):
            self.add(ask_node, f"elsewhere 的 ask 不是一个部门名称（现为 '{self.shown(ask_node)}'）。{fix}")
        elif ask is None or not ask.strip():
            self.add(ask_node, f"elsewhere 的 ask 是空的。{fix}")
        elif _MARKUP.search(ask):
            self.add(ask_node, f"elsewhere 的 ask '{self.shown(ask_node)}' 含有 HTML 标记或控制字符。{fix}")
        else:
            ok = True
        owner = f"elsewhere 里 '{ask.strip()[:20]}'" if ok and ask else "elsewhere 的这一项"
        words = self.word_list(found.get("words"), owner, "words", node)
        if not ok or not words or ask is None:
            return None
        return ask.strip(), words
