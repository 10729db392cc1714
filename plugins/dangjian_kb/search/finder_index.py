"""The finder's index: BM25F weights per (term, entry) computed at build time, shipped as one
.js file (works from file://). The browser only adds up precomputed weights, so it is ready
as soon as the file is parsed and a query takes a few milliseconds at 5,000 entries."""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict

from dangjian_kb.model.entry import Entry
from dangjian_kb.model.knowledge_base import KnowledgeBase
from dangjian_kb.model.regulations import citation_target, split_reference
from dangjian_kb.model.syntax import WIKILINK
from dangjian_kb.search.search_text import QUESTION_WORDS, dictionary_terms, plain, tokens

K1, B = 1.2, 0.75
# Field boosts: a title or tag match says more about an entry than a word deep in its body.
BOOSTS = {"title": 4.0, "tags": 2.5, "facet": 1.5, "body": 1.0}
# The section a result card quotes: what a member looking for an answer wants to read first.
ANSWER_HEADINGS = {"problems": "解决建议", "cases": "关键因素", "handbook": None}
SNIPPET_CHARS = 90
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _linked_words(text: str, kb: KnowledgeBase, with_title: bool) -> str:
    """[[ID|text]] as its text, [[ID]] as the target's title; ``with_title`` keeps the title too."""

    def words(m: re.Match[str]) -> str:
        ref = citation_target(m[1].strip())
        if ref is not None:  # [[依据:id#条]]: the regulation's title and article are the words
            reg = kb.regulations.resolve(split_reference(ref)[0]) if kb.regulations else None
            return m[2] or (reg.name + split_reference(ref)[1] if reg else "")
        target = kb.by_id.get(m[1].strip())
        title = target.title if target else m[1]
        return f"{m[2] or ''} {title}" if with_title else (m[2] or title)

    return WIKILINK.sub(words, text)


def _fields(e: Entry, kb: KnowledgeBase) -> dict[str, str]:
    body = _linked_words(e.body, kb, with_title=True)
    facet = " ".join(filter(None, [e.category, e.topic, e.meta.get("source"), e.meta.get("kind"), e.meta.get("unit")]))
    return {"title": e.title, "tags": " ".join(e.tags), "facet": facet, "body": plain(body)}


def snippet(e: Entry, kb: KnowledgeBase) -> str:
    heading = ANSWER_HEADINGS.get(e.collection.name)
    # An entry that says when it is used (a document template) is summarized by that, not its form.
    text = e.section(heading) if heading else e.meta.get("usage") or e.body
    text = "\n".join(ln for ln in text.split("\n") if not ln.lstrip().startswith("#"))
    text = _linked_words(text, kb, with_title=False)
    text = re.sub(r"\s+", " ", plain(text)).strip()
    return text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")


def _b36_slow(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _B36[r] + out
        if not n:
            return out


_B36_TABLE = [_b36_slow(n) for n in range(36**3)]  # gaps and weights are almost always below 46,656


def _b36(n: int) -> str:
    return _B36_TABLE[n] if n < len(_B36_TABLE) else _b36_slow(n)


def build(kb: KnowledgeBase, synonyms: list[list[str]]) -> dict:
    terms = dictionary_terms()
    counts, lengths = _count(kb, terms)
    return {
        "version": 1,
        "fields": [
            "id",
            "title",
            "url",
            "collection",
            "category",
            "topic",
            "source",
            "kind",
            "tags",
            "unit",
            "snippet",
        ],
        "docs": [_doc(e, kb) for e in kb.entries],
        "terms": list(terms),
        "stop": list(QUESTION_WORDS),
        "synonyms": synonyms,
        "postings": {t: _encode(p) for t, p in sorted(_weigh(counts, lengths).items())},
    }


def _count(kb: KnowledgeBase, terms: tuple[str, ...]) -> tuple[list[dict[str, Counter]], dict[str, list[int]]]:
    counts: list[dict[str, Counter]] = []
    lengths: dict[str, list[int]] = {name: [] for name in BOOSTS}
    for e in kb.entries:
        per_field = {}
        for name, text in _fields(e, kb).items():
            toks = tokens(text, terms)
            per_field[name] = Counter(toks)
            lengths[name].append(len(toks))
        counts.append(per_field)
    return counts, lengths


def _weigh(counts: list[dict[str, Counter]], lengths: dict[str, list[int]]) -> dict[str, list[tuple[int, int]]]:
    """BM25F: per field saturated term frequency times boost, summed, times idf (x10, rounded)."""
    n = len(counts)
    avg = {f: (sum(v) / len(v) or 1.0) if v else 1.0 for f, v in lengths.items()}
    df: Counter = Counter()
    for per_field in counts:
        df.update(set().union(*(c.keys() for c in per_field.values())))
    idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) * 10 for t, d in df.items()}
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc, per_field in enumerate(counts):
        weights: dict[str, float] = {}
        for name, counter in per_field.items():
            boost = BOOSTS[name] * (K1 + 1)
            k = K1 * (1 - B + B * lengths[name][doc] / avg[name])
            get = weights.get
            for term, tf in counter.items():
                weights[term] = get(term, 0.0) + boost * tf / (tf + k)
        for term, w in weights.items():
            postings[term].append((doc, int(w * idf[term] + 0.5) or 1))
    return postings


def _doc(e: Entry, kb: KnowledgeBase) -> list:
    m = e.meta
    return [
        e.id,
        e.title,
        e.url,
        e.collection.name,
        e.category or "",
        e.topic or "",
        m.get("source", ""),
        m.get("kind", ""),
        e.tags,
        m.get("unit", ""),
        snippet(e, kb),
    ]


def _encode(plist: list[tuple[int, int]]) -> str:
    """'gap.weight' pairs in base 36; doc numbers as gaps keep the strings short."""
    docs = [d for d, _ in plist]
    gaps = [d - p for d, p in zip(docs, [0, *docs])]
    if max(gaps) < len(_B36_TABLE) and max(w for _, w in plist) < len(_B36_TABLE):
        t = _B36_TABLE
        return ",".join([t[g] + "." + t[w] for g, (_, w) in zip(gaps, plist)])
    return ",".join(_b36(g) + "." + _b36(w) for g, (_, w) in zip(gaps, plist))


def as_script(index: dict) -> str:
    """A .js file, not JSON: file:// pages cannot fetch() but can load a script."""
    body = json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return "window.KB_FINDER_INDEX=" + body.replace("</", "<\\/") + ";\n"


def script_for(root: str, taxonomy: str, synonyms: str, today: str, regulations: str | None = None) -> str:
    """The whole job from the sources, for a worker process: the plugin builds the finder's
    index on the second core while MkDocs renders pages on the first."""
    import datetime as dt
    from pathlib import Path

    from dangjian_kb.check import validate
    from dangjian_kb.search import search_text

    regs = Path(regulations) if regulations else None
    kb = validate.load(Path(root), Path(taxonomy), dt.date.fromisoformat(today), regs)
    return as_script(build(kb, search_text.load_synonyms(Path(synonyms))))
