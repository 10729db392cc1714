"""Chinese tokenization shared by the finder index (built here) and the browser (finder.js
implements the same steps): NFKC + lower case, CJK runs as character bigrams, ASCII words,
plus whole Party-affairs terms from the user dictionary."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

from dangjian_kb.model import synonyms

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
    """The synonym groups (model/synonyms.py reads and checks the file), normalized like queries."""
    return [g for g in ([normalize(w)[:MAX_WORD] for w in group] for group in synonyms.load(path)) if len(g) >= 2]


MAX_WORD = 40  # a synonym is a word or a short phrase
SynonymsError = synonyms.SynonymsError
