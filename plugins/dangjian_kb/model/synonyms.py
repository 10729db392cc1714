"""The search vocabulary a maintainer edits in one YAML file, read safely (no aliases, size caps)
and checked like the taxonomy: the synonym groups search adds to a query (交党费 ~ 党费收缴),
and the topics that belong elsewhere (工资, 社保 …: another department answers them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dangjian_kb.model import yamlsafe

SHIPPED = "dangjian_kb/data/synonyms.yml"
_MARKUP = re.compile(r"[<>\x00-\x1f\x7f-\x9f]")


class SynonymsError(ValueError):
    """The synonyms file is unusable; the message is Chinese and names the file."""

    def __init__(self, path: str, line: int, detail: str) -> None:
        super().__init__(f"{path}:{line}: KB037 {detail}" if line else f"{path}: KB037 {detail}")
        self.path, self.line, self.detail = path, line, detail


@dataclass(frozen=True)
class Elsewhere:
    """Questions this knowledge base does not answer: a query holding one of a topic's words and
    none of the anchors (words that name the Party organization) is sent to the topic's ``ask``."""

    anchors: tuple[str, ...] = ()
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (who answers, words)
    # anchors that say only who asks or where (党员, 支部书记, 党员活动室): beside a topic word
    # the knowledge base never uses (体检, 高铁), they leave the question another department's
    askers: tuple[str, ...] = ()


def _read(path: Path | None) -> tuple[str, dict]:
    """The file's name and mapping: ``path`` if it exists, else the shipped file (as the taxonomy
    falls back to its default)."""
    name = str(path) if path is not None and path.is_file() else SHIPPED
    try:
        if path is not None and path.is_file():
            src = path.read_text("utf-8-sig")
        else:
            src = resources.files("dangjian_kb").joinpath("data", "synonyms.yml").read_text("utf-8")
        data = yamlsafe.load(src) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SynonymsError(name, 0, f"无法读取同义词文件（{exc}）。请以 UTF-8 保存。") from None
    except yamlsafe.YamlRefused as exc:
        raise SynonymsError(name, exc.line, f"同义词文件{exc}") from None
    return name, data if isinstance(data, dict) else {}


def _words(name: str, value: object) -> list[str]:
    words = [str(w) for w in value if isinstance(w, (str, int))] if isinstance(value, list) else []
    bad = next((w for w in words if _MARKUP.search(w)), None)
    if bad is not None:
        raise SynonymsError(name, 0, f"同义词 '{bad[:30]}' 含有 HTML 标记或控制字符。同义词只能是文字，请删除标记。")
    return words


@dataclass(frozen=True)
class Vocabulary:
    groups: list[list[str]]
    elsewhere: Elsewhere


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The whole file, read and checked once: the synonym groups and the topics that belong elsewhere."""
    name, data = _read(path)
    return Vocabulary(_groups(name, data), _elsewhere(name, data))


def _groups(name: str, data: dict) -> list[list[str]]:
    groups = data.get("groups", [])
    return [_words(name, group) for group in (groups if isinstance(groups, list) else [])]


def _word_list(name: str, value: object, where: str) -> tuple[str, ...]:
    """A list of words that must be there: a scalar or an empty list would silently switch it off."""
    if not isinstance(value, list):
        raise SynonymsError(name, 0, f"elsewhere 的 {where} 不是列表（现为 '{str(value)[:30]}'）。请写成 [词, 词]。")
    words = tuple(w for w in _words(name, value) if w.strip())
    if not words:
        raise SynonymsError(name, 0, f"elsewhere 的 {where} 是空的。请至少写一个词，或删去这一项。")
    return words


def _elsewhere(name: str, data: dict) -> Elsewhere:
    section = data.get("elsewhere")
    if section is None:
        return Elsewhere()
    if not isinstance(section, dict):
        kind = type(section).__name__
        raise SynonymsError(
            name, 0, f"elsewhere 不是含 anchors 和 topics 的映射（现为 {kind}）。请按 README 的示例改写。"
        )
    listed = section.get("topics") or []
    if not isinstance(listed, list):
        raise SynonymsError(
            name, 0, f"elsewhere 的 topics 不是列表（现为 {type(listed).__name__}）。请按 README 的示例改写。"
        )
    topics = []
    for topic in listed:
        ask = topic.get("ask") if isinstance(topic, dict) else None
        if not isinstance(ask, str) or not ask.strip() or _MARKUP.search(ask):
            raise SynonymsError(
                name,
                0,
                f"elsewhere 的一项缺少 ask 或含有标记：'{str(ask)[:30]}'。请用纯文字写明该问哪个部门，如 'ask: 人力资源部门'。",
            )
        topics.append((ask.strip(), _word_list(name, topic.get("words"), f"'{ask.strip()[:20]}' 的 words")))
    askers = section.get("askers")
    return Elsewhere(
        _word_list(name, section.get("anchors"), "anchors"),
        tuple(topics),
        () if askers is None else _word_list(name, askers, "askers"),
    )
