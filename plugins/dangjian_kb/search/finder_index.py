"""The search index shared by the header box and the finder page: BM25F weights per (term,
slot) computed at build time and shipped as one .js file (works from file://).

Each entry is cut into slots: slot 0 holds its fields (title, tags, facets), the others its
sections (heading + text, see passages.py). The browser adds up precomputed weights, ranks an
entry by its fields plus its best section and quotes that section with its anchor. Site pages
(docs/) are indexed the same way. Collections and their labels travel in the index, so the
browser keeps no list of them."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from pathlib import Path

from dangjian_kb.model import urls
from dangjian_kb.model.collection import ALL, is_chapter
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.knowledge_base import KnowledgeBase
from dangjian_kb.search import passages
from dangjian_kb.search.search_text import CLAUSE_END_WORDS, dictionary_terms, normalize, query_stopwords, tokens

K1, B = 1.2, 0.75
# Field boosts: a title or tag match says more about an entry than a word deep in its body.
FIELD_BOOSTS = {"title": 4.0, "tags": 2.5, "facet": 1.5}
SECTION_BOOSTS = {"heading": 2.0, "text": 1.0}
# Overview pages answer no specific question: ranked below the sections they introduce.
CHAPTER_BOOST, PAGE_BOOST = 0.6, 0.8
PAGES = ("pages", "网站页面")
# At thousands of entries a term found in over a tenth of all sections ranks nothing (a stop
# word of the collection): left out of the postings, listed in "common", counted as present.
COMMON_SLOTS, COMMON_SHARE = 2000, 0.1
# Meta fields stored as numbers into one table of strings (categories, topics … repeat).
TABLED = ("collection", "category", "topic", "source", "kind", "unit")
# Quoted text per section: all of it for a real handbook, less per section at thousands of
# entries so that the index stays a few megabytes (ranking always uses the whole text).
TEXT_BUDGET, TEXT_MAX, TEXT_MIN = 400_000, 1500, 30
FIELDS = ["id", "title", "url", "collection", "category", "topic", "source", "kind", "tags", "unit", "boost", "first"]
# Variable-length base-32 numbers: digits of the last place from the first alphabet, earlier
# places from the second; no separators needed, every character safe in JSON.
_LAST = "0123456789abcdefghijklmnopqrstuv"
_MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


class _Doc:
    def __init__(self, meta: list, fields: dict[str, str], sections: list[passages.Section]) -> None:
        self.meta, self.fields, self.sections = meta, fields, sections


def _entry_doc(e: Entry, kb: KnowledgeBase) -> _Doc:
    m = e.meta
    # the collection's name is a facet too: 模板 or 案例 in a query asks for that kind of entry
    facet = " ".join(
        filter(None, [e.collection.label, e.category, e.topic, m.get("source"), m.get("kind"), m.get("unit")])
    )
    meta = [e.id, e.title, e.url, e.collection.name, e.category or "", e.topic or ""]
    meta += [m.get("source", ""), m.get("kind", ""), e.tags, m.get("unit", "")]
    meta.append(CHAPTER_BOOST if is_chapter(e.id) else 1)
    fields = {"title": e.title, "tags": " ".join(e.tags), "facet": facet}
    return _Doc(meta, fields, passages.split(kb.link_words(e.body)))


def _page_doc(page: passages.SitePage) -> _Doc:
    meta = ["", page.title, page.url, PAGES[0], "", "", "", "", [], "", PAGE_BOOST]
    return _Doc(meta, {"title": page.title, "tags": "", "facet": ""}, page.sections)


def build(
    kb: KnowledgeBase, synonyms: list[list[str]], docs_dir: Path | None = None, elsewhere: dict | None = None
) -> dict:
    docs = [_entry_doc(e, kb) for e in kb.entries] + [_page_doc(p) for p in passages.site_pages(docs_dir)]
    terms = dictionary_terms()
    slots: list[tuple[str, dict[str, list[str]]]] = []  # (kind, tokens per field)
    first = []
    for d in docs:
        first.append(len(slots))
        slots.append(("fields", {k: tokens(v, terms) for k, v in d.fields.items()}))
        for s in d.sections:
            slots.append(("section", {"heading": tokens(s.heading, terms), "text": tokens(s.text, terms)}))
    n_sections = max(1, len(slots) - len(docs))
    cap = max(TEXT_MIN, min(TEXT_MAX, TEXT_BUDGET // n_sections))
    units, headings = _units(docs, first, cap)
    used = sorted({e.collection.name for e in kb.entries})
    collections = [[c.name, c.label, [normalize(w) for w in c.asked_by]] for c in ALL if c.name in used]
    postings = _weigh(slots)
    elsewhere = _with_unused(elsewhere or {"anchors": [], "topics": []}, postings, terms)
    common = sorted(t for t, p in postings.items() if len(slots) >= COMMON_SLOTS and len(p) > COMMON_SHARE * len(slots))
    for t in common:
        del postings[t]
    values = _table([d.meta for d in docs])
    chars, char_df = _char_frequencies(slots)
    return {
        "version": 2,
        "values": values,
        "common": common,
        "collections": collections + ([list(PAGES)] if len(docs) > len(kb.entries) else []),
        "fields": FIELDS,
        "docs": [d.meta for d in docs],
        "units": units,
        "headings": headings,
        "terms": list(terms),
        "chars": chars,
        "charDf": char_df,
        "stop": list(query_stopwords([d.fields["title"] for d in docs])),
        "stopEnd": list(CLAUSE_END_WORDS),
        "synonyms": synonyms,
        "elsewhere": elsewhere,
        "categories": _categories(kb),
        "contribute": _contribute(docs_dir),
        "postings": {t: _encode(p) for t, p in sorted(postings.items())},
        "related": _related(kb),
    }


def _char_frequencies(slots: list[tuple[str, dict[str, list[str]]]]) -> tuple[str, list[int]]:
    """In how many slots each CJK character occurs. The browser weighs a query by its
    characters: 的, 来, 个 occur everywhere and say little; 纪, 检, 培 say what it is about."""
    df: Counter = Counter()
    for _, per_field in slots:
        df.update({c for toks in per_field.values() for t in toks for c in t if "\u3400" <= c <= "\uffff"})
    ranked = sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))
    return "".join(c for c, _ in ranked), [n for _, n in ranked]


def _table(metas: list[list]) -> list[str]:
    """Replace the repeated strings of the docs by their number in the returned table."""
    numbers: dict[str, int] = {"": 0}
    at = [FIELDS.index(f) for f in TABLED]
    tags = FIELDS.index("tags")
    for meta in metas:
        for i in at:
            meta[i] = numbers.setdefault(meta[i], len(numbers))
        meta[tags] = [numbers.setdefault(t, len(numbers)) for t in meta[tags]]
    return list(numbers)


def _units(docs: list[_Doc], first: list[int], cap: int) -> tuple[list, list[str]]:
    """Per slot: 0 for the fields, else [heading number, text] plus the anchor when it is not
    the heading itself; headings repeat across entries (问题描述), so they are numbered."""
    units: list = []
    numbers: dict[str, int] = {}
    for d, start in zip(docs, first):
        d.meta.append(start)
        units.append(0)
        for s in d.sections:
            h = numbers.setdefault(s.heading, len(numbers))
            text = s.text[:cap] + ("…" if len(s.text) > cap else "")
            units.append([h, text] if s.anchor == s.heading else [h, text, s.anchor])
    return units, list(numbers)


def _with_unused(elsewhere: dict, postings: dict, terms: tuple[str, ...]) -> dict:
    """The other departments' words this knowledge base never uses, listed as ``unused``: a
    question about one of them that names the Party only as who asks (我是党员，今年体检…,
    synonyms.yml elsewhere: askers) is still another department's. A word counts as used when
    all its tokens occur somewhere (not always together: when unsure, the question is searched)."""
    words = sorted({w for _, ws in elsewhere["topics"] for w in ws})
    unused = [w for w in words if not all(t in postings for t in tokens(w, terms))]
    return {**elsewhere, "unused": unused}


def _related(kb: KnowledgeBase) -> list[list[int]]:
    """Per entry, the numbers of the entries related to it by ``related:`` (RelationGraph.declared)."""
    number = {e.id: n for n, e in enumerate(kb.entries)}
    return [sorted(number[i] for i in kb.graph.declared(e.id) if i in number) for e in kb.entries]


def _categories(kb: KnowledgeBase) -> list[list[str]]:
    present = {e.category for e in kb.entries}
    return [[c.name, urls.category(c.slug)] for c in kb.taxonomy.categories if c.name in present]


def _contribute(docs_dir: Path | None) -> str:
    return "contributing.html" if docs_dir is not None and (docs_dir / "contributing.md").is_file() else ""


def _weigh(slots: list[tuple[str, dict[str, list[str]]]]) -> dict[str, list[tuple[int, int]]]:
    """BM25F per slot: saturated term frequency per field times boost, summed, times idf (x4:
    integers precise enough to rank, mostly one or two characters once encoded)."""
    lengths: dict[str, list[int]] = defaultdict(list)
    for _, per_field in slots:
        for name, toks in per_field.items():
            lengths[name].append(len(toks))
    avg = {f: (sum(v) / len(v) or 1.0) for f, v in lengths.items()}
    counted = [(kind, {f: Counter(t) for f, t in per_field.items()}) for kind, per_field in slots]
    df: Counter = Counter()
    for _, per_field in counted:
        df.update(set().union(*(c.keys() for c in per_field.values())))
    n = len(slots)
    idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) * 4 for t, d in df.items()}
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for slot, (kind, per_field) in enumerate(counted):
        boosts = FIELD_BOOSTS if kind == "fields" else SECTION_BOOSTS
        weights: dict[str, float] = {}
        for name, counter in per_field.items():
            boost = boosts[name] * (K1 + 1)
            k = K1 * (1 - B + B * len(slots[slot][1][name]) / avg[name])
            for term, tf in counter.items():
                weights[term] = weights.get(term, 0.0) + boost * tf / (tf + k)
        for term, w in weights.items():
            postings[term].append((slot, int(w * idf[term] + 0.5) or 1))
    return postings


def _vlq(n: int) -> str:
    out = _LAST[n & 31]
    n >>= 5
    while n:
        out = _MORE[n & 31] + out
        n >>= 5
    return out


_VLQ_TABLE = [_vlq(n) for n in range(1024)]


def _encode(plist: list[tuple[int, int]]) -> str:
    """Slot gaps and weights, alternating, as variable-length base-32 numbers."""
    out, prev, table = [], 0, _VLQ_TABLE
    for slot, w in plist:
        gap = slot - prev
        prev = slot
        out.append(table[gap] if gap < 1024 else _vlq(gap))
        out.append(table[w] if w < 1024 else _vlq(w))
    return "".join(out)


def as_script(index: dict) -> str:
    """A .js file, not JSON: file:// pages cannot fetch() but can load a script."""
    body = json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return "window.KB_FINDER_INDEX=" + body.replace("</", "<\\/") + ";\n"


def script_from(kb: KnowledgeBase, synonyms: list[list[str]], docs_dir: str = "", elsewhere: dict | None = None) -> str:
    """The whole job from the loaded knowledge base (the build's one load), picklable for a worker."""
    return as_script(build(kb, synonyms, Path(docs_dir) if docs_dir else None, elsewhere))
