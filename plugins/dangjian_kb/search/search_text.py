"""Chinese tokenization shared by the finder index (built here) and the browser (finder.js
implements the same steps): NFKC + lower case, CJK runs as character bigrams, ASCII words,
plus whole Party-affairs terms from the user dictionary."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

from dangjian_kb.model import yamlsafe

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_MD_NOISE = re.compile(r"<!--.*?-->|\]\([^)]*\)|[#*_>`|\[\]!~-]+", re.S)  # comments: markers, not text

# What people add to a question that says nothing about its subject (query side only).
QUESTION_WORDS = (
    "怎么办",
    "怎么样",
    "怎么",
    "如何",
    "什么",
    "为什么",
    "是不是",
    "有没有",
    "能不能",
    "可不可以",
    "应该",
    "需要",
    "老是",
    "总是",
    "一直",
    "请问",
    "有什么",
    "是多少",
    "多少",
    "要不要",
    "可以",
    "不知道",
    "从哪里",
    "哪里",
    "我们",
    "别人",
    "一起",
    "一次",
    "不够",
    "搞",
    "都",
    "被",
    "吗",
    "呢",
    "啊",
    "吧",
    "了",
    "的",
    "要",
)


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def plain(markdown: str) -> str:
    """Markdown to searchable text: link targets, markup and heading marks removed."""
    return _MD_NOISE.sub(" ", markdown)


_BIGRAM = re.compile(f"(?=([{_CJK}]{{2}}))")
_SINGLE = re.compile(f"(?<![{_CJK}])[{_CJK}](?![{_CJK}])")
_WORD = re.compile("[a-z0-9]+")


def tokens(text: str, terms: tuple[str, ...] = ()) -> list[str]:
    """Bigrams of every CJK run (a lone character stands for itself), ASCII words, and whole
    dictionary terms. Three C-level scans: this runs over every field of every entry."""
    text = normalize(text)
    out = _BIGRAM.findall(text)
    out += _SINGLE.findall(text)
    out += _WORD.findall(text)
    for term in terms:
        if len(term) > 2 and term in text:
            out.extend([term] * text.count(term))
    return out


@lru_cache(maxsize=1)
def dictionary_terms() -> tuple[str, ...]:
    """Whole terms of the shipped user dictionary (jieba format: word [freq [tag]])."""
    text = resources.files("dangjian_kb").joinpath("data", "userdict.txt").read_text("utf-8")
    words = (line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return tuple(sorted({normalize(w) for w in words}, key=lambda w: (-len(w), w)))


def load_synonyms(path: Path | None = None) -> list[list[str]]:
    """``path`` if it exists, else the shipped list (as the taxonomy falls back to the default)."""
    name = str(path) if path is not None and path.is_file() else "dangjian_kb/data/synonyms.yml"
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
    groups = data.get("groups", []) if isinstance(data, dict) else []
    for group in groups if isinstance(groups, list) else []:
        for word in group if isinstance(group, list) else []:
            if isinstance(word, str) and _MARKUP.search(word):
                raise SynonymsError(
                    name, 0, f"同义词 '{word[:30]}' 含有 HTML 标记或控制字符。同义词只能是文字，请删除标记。"
                )
    words = [
        [normalize(str(w))[:MAX_WORD] for w in g if isinstance(w, (str, int))] for g in groups if isinstance(g, list)
    ]
    return [g for g in words if len(g) >= 2]


MAX_WORD = 40  # a synonym is a word or a short phrase
_MARKUP = re.compile(r"[<>\x00-\x1f\x7f-\x9f]")


class SynonymsError(ValueError):
    """The synonyms file is unusable; the message is Chinese and names the file."""

    def __init__(self, path: str, line: int, detail: str) -> None:
        super().__init__(f"{path}:{line}: KB037 {detail}" if line else f"{path}: KB037 {detail}")
        self.path, self.line, self.detail = path, line, detail
