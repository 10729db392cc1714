"""Build-time self-test of the site-wide search index: mkdocs-material gives zero Chinese
results with no warning when jieba, `lang` or `separator` are wrong; we fail the build instead."""

from __future__ import annotations

import functools
import json
import re

from dangjian_kb.model.knowledge_base import KnowledgeBase
from dangjian_kb.search.search_text import dictionary_terms

SAMPLE = 12  # a misconfiguration loses every word; a dozen catch it and keep the check instant
_SEPARATOR = re.compile(r'"separator":\s*("(?:[^"\\]|\\.)*")')


def known_words(kb: KnowledgeBase) -> list[str]:
    """Party-affairs terms of the user dictionary that the content really uses."""
    text = "\n".join(e.title + "\n" + e.body for e in kb.entries).lower()
    return [t for t in dictionary_terms() if t in text][:SAMPLE]


def missing(index_json: str, words: list[str]) -> list[str]:
    """Words that start no indexed token, looked up in the index file's JSON text as it is.

    lunr.js splits at the separator (with jieba, U+200B between words) and material queries
    each word with a trailing wildcard, so '换届' is found through '换届选举'. Searching the
    raw (ASCII-escaped) JSON keeps the check instant without parsing a large index."""
    m = _SEPARATOR.search(index_json)
    separator = re.compile(json.loads(m.group(1)) if m else r"[\s\-]+")
    boundaries = [json.dumps(c)[1:-1] for c in ("\u200b", " ", "-", "\t", "\n") if separator.fullmatch(c)]
    boundaries += ['"title": "', '"title":"', '"text": "', '"text":"', ">"]  # a field or an element starts

    @functools.cache
    def findable(word: str) -> bool:
        variants = {json.dumps(word)[1:-1], json.dumps(word, ensure_ascii=False)[1:-1]}
        if any(b + v in index_json for v in variants for b in boundaries):
            return True
        # material also splits a query greedily into indexed words: 档案管理 -> 档案* 管理*
        return any(findable(word[:i]) and findable(word[i:]) for i in range(2, len(word) - 1))

    return [w for w in words if not findable(w)]


def message(absent: list[str], total: int) -> str:
    shown = "、".join(f"'{w}'" for w in absent[:8])
    return (
        f"站内搜索自检失败：{len(absent)}/{total} 个内容中出现的词在搜索索引中找不到（{shown}）。"
        "请确认已安装 jieba，mkdocs.yml 中 search 插件设置 lang: zh，"
        "且 separator 包含 \\u200b（如 '[\\s\\u200b\\-]+'）。"
    )
