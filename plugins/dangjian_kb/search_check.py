"""Build-time self-test of the site-wide search index: mkdocs-material gives zero Chinese
results with no warning when jieba, `lang` or `separator` are wrong; we fail the build instead."""

from __future__ import annotations

import re

from .search_text import dictionary_terms
from .validate import KnowledgeBase

SAMPLE = 40  # enough words to catch a misconfiguration, few enough to keep the check instant


def known_words(kb: KnowledgeBase) -> list[str]:
    """Party-affairs terms of the user dictionary that the content really uses, most used first."""
    text = "\n".join(e.title + "\n" + e.body for e in kb.entries).lower()
    counts = {t: text.count(t) for t in dictionary_terms()}
    used = sorted((t for t, n in counts.items() if n), key=lambda t: (-counts[t], t))
    return used[:SAMPLE]


def missing(index: dict, words: list[str]) -> list[str]:
    """Words that start no indexed token. lunr.js splits at the separator (with jieba, U+200B
    between words) and material queries each word with a trailing wildcard, so '换届' is found
    through '换届选举'. A substring test per boundary keeps this instant on large indexes."""
    docs = index.get("docs", [])
    text = "\n".join(f"{d.get('title', '')}\n{d.get('text', '')}" for d in docs).lower()
    separator = re.compile(index.get("config", {}).get("separator") or r"[\s\-]+")
    boundaries = [c for c in ("\n", " ", "\u200b", "-", ">", "\t") if separator.fullmatch(c) or c in "\n>"]
    return [w for w in words if not any(b + w in text for b in boundaries)]


def message(absent: list[str], total: int) -> str:
    shown = "、".join(f"'{w}'" for w in absent[:8])
    return (f"站内搜索自检失败：{len(absent)}/{total} 个内容中出现的词在搜索索引中找不到（{shown}）。"
            "请确认已安装 jieba，mkdocs.yml 中 search 插件设置 lang: zh，"
            "且 separator 包含 \\u200b（如 '[\\s\\u200b\\-]+'）。")
