"""Build-time self-test of the site-wide search index: mkdocs-material gives zero Chinese
results with no warning when jieba, `lang` or `separator` are wrong; we fail the build instead."""

from __future__ import annotations

import bisect
import html
import re

from .search_text import dictionary_terms, normalize
from .validate import KnowledgeBase

_TAG = re.compile(r"<[^>]+>")
SAMPLE = 40  # enough words to catch a misconfiguration, few enough to keep the check instant


def known_words(kb: KnowledgeBase) -> list[str]:
    """Party-affairs terms of the user dictionary that the content really uses, most used first."""
    text = normalize(" ".join(e.title + "\n" + e.body for e in kb.entries))
    counts = {t: text.count(t) for t in dictionary_terms()}
    used = sorted((t for t, n in counts.items() if n), key=lambda t: (-counts[t], t))
    return used[:SAMPLE]


def index_tokens(index: dict, separator: str) -> set[str]:
    """The words lunr.js will index, split the way the browser splits them."""
    split = re.compile(separator)
    tokens: set[str] = set()
    for doc in index.get("docs", []):
        for field in ("title", "text"):
            text = html.unescape(_TAG.sub(" ", str(doc.get(field, ""))))
            tokens.update(t for t in split.split(normalize(text)) if t)
    return tokens


def missing(index: dict, words: list[str]) -> list[str]:
    """Words no indexed token starts with: material queries each word with a trailing
    wildcard, so '换届' is found through the token '换届选举'."""
    separator = index.get("config", {}).get("separator") or r"[\s\-]+"
    tokens = sorted(index_tokens(index, separator))
    absent = []
    for word in words:
        at = bisect.bisect_left(tokens, word)
        if at == len(tokens) or not tokens[at].startswith(word):
            absent.append(word)
    return absent


def message(absent: list[str], total: int) -> str:
    shown = "、".join(f"'{w}'" for w in absent[:8])
    return (f"站内搜索自检失败：{len(absent)}/{total} 个内容中出现的词在搜索索引中找不到（{shown}）。"
            "请确认已安装 jieba，mkdocs.yml 中 search 插件设置 lang: zh，"
            "且 separator 包含 \\u200b（如 '[\\s\\u200b\\-]+'）。")
