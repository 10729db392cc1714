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
_CJK_ONLY = re.compile(f"[{_CJK}]+")
# Link targets (bounded, on one line: an unclosed '](' never scans the rest of the text) and marks.
_MD_NOISE = re.compile(r"\]\([^)\n]{0,500}\)|[#*_>`|\[\]!~-]+")

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
    "能否",
    "是否",
    "怎样",
    "该不该",
    "需不需要",
    "合不合适",
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
    # spoken northern forms: 咋办 = 怎么办, 啥 = 什么 (never in the written text indexed)
    "咋办",
    "咋整",
    "咋弄",
    "咋样",
    "咋",
    "干啥",
    "干嘛",
    "为啥",
    "有啥",
    "啥",
    "到底",
    # spoken time and degree words that frame a question (那天到会的不够, 已经超了半年, 现在还能选吗)
    "那天",
    "还能",
    "已经",
    "现在",
    "只能",
    "这种",
    "那种",
    "吗",
    "呢",
    "啊",
    "吧",
    "了",
    "的",
    "要",
)


# Yes-or-no endings of a spoken question (中秋发月饼行不行), dropped only where a clause ends:
# anywhere else they would cut a word in two (举行不行, 使用不用, 计算不算, 对不对外公开).
CLAUSE_END_WORDS = ("行不行", "用不用", "算不算", "对不对", "好不好")

# Words of the stopwords-iso list that say something in Party work (依据, 本人签字, 不得, 不作为,
# 针对性, 对比) or hide inside other words when the query is cut on them as substrings (有的 in
# 有的放矢, 在下 in 在下级, 的确 in 的确认): never dropped.
KEPT_WORDS = frozenset(
    "依据 本人 通过 以上 不得 所在 作为 根据 按照 依照 全体 分别 之一 对比 受到 针对 经过 个别 替代 上下 前后 "
    "结果 开始 当地 有的 在下 的确 别的 来自 出来 同时".split()
)


def query_stopwords(titles: list[str]) -> tuple[str, ...]:
    """Words dropped from a query: ours (QUESTION_WORDS) and the multi-character Chinese words of
    the stopwords-iso list (可以, 用来, 关于 …). Its single characters (会, 区, 时 …) are left out:
    the query is cut on these words as substrings, and a single character would cut 三会一课;
    nor KEPT_WORDS. A listed word that this knowledge base uses in a title (选举结果, 日期前后倒置) or its
    dictionary holds is a content word here, and stays in the query."""
    text = normalize("\n".join(titles))
    listed = {w for w in _listed_stopwords() if w not in text and w not in KEPT_WORDS}
    return tuple(sorted((set(QUESTION_WORDS) | listed) - set(dictionary_terms()), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _listed_stopwords() -> frozenset[str]:
    import stopwordsiso

    return frozenset(w for w in map(normalize, stopwordsiso.stopwords("zh")) if len(w) >= 2 and _CJK_ONLY.fullmatch(w))


# Characters written either way in Party-affairs text, searched as one (kb-search.js FOLD
# mirrors this): 交纳/缴纳, 催交/催缴, 补交/补缴 (党章 writes 交纳, notices write 缴); 台帐/台账.
FOLD = str.maketrans("缴帐", "交账")


def normalize(text: str) -> str:
    """NFKC, lower case and FOLD: the form both the index and a query are tokenized in."""
    return unicodedata.normalize("NFKC", text).lower().translate(FOLD)


def plain(markdown: str) -> str:
    """Markdown to searchable text: comments (markers, not text), link targets, markup and
    heading marks removed."""
    return _MD_NOISE.sub(" ", _without_comments(markdown))


def _without_comments(text: str) -> str:
    """``text`` without its <!-- … --> comments, in one pass: where one is never closed, none
    after it is either, so no later '<!--' rescans the rest (a regex would, quadratically)."""
    out, at = [], 0
    while (start := text.find("<!--", at)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        out += [text[at:start], " "]
        at = end + 3
    out.append(text[at:])
    return "".join(out)


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


def load_vocabulary(path: Path | None = None) -> tuple[list[list[str]], dict]:
    """The synonym groups and the topics another department answers, normalized like queries, as
    the index carries them (model/synonyms.py reads and checks the file, once)."""
    found = synonyms.load_vocabulary(path)
    groups = [g for g in ([normalize(w)[:MAX_WORD] for w in group] for group in found.groups) if len(g) >= 2]
    elsewhere = {
        "anchors": [normalize(w)[:MAX_WORD] for w in found.elsewhere.anchors],
        "topics": [[ask[:MAX_WORD], [normalize(w)[:MAX_WORD] for w in words]] for ask, words in found.elsewhere.topics],
        "askers": [normalize(w)[:MAX_WORD] for w in found.elsewhere.askers],
    }
    return groups, elsewhere


def load_synonyms(path: Path | None = None) -> list[list[str]]:
    """The synonym groups alone (benchmarks)."""
    return load_vocabulary(path)[0]


MAX_WORD = 40  # a synonym is a word or a short phrase
SynonymsError = synonyms.SynonymsError
