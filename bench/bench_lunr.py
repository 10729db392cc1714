"""lunr (the design card's engine) against ours, on the same sections and tokens.

lunr.py (a port of lunr.js 2.3, same scoring) builds a prebuilt index over every entry's
fields and sections, with our tokens (CJK bigrams, ASCII words, dictionary terms) joined by
spaces, since lunr has no Chinese tokenizer; a query is our query tokens (question words
dropped), OR-ed as lunr does. Compared with our engine on tests/data/search_eval.yml
(recall@5, MRR, find-nothing rate) and on index bytes at the shipped size and at 5,000
synthetic entries. lunr.js is not shipped anywhere in the environment (material bundles it
inside its search worker), so queries run in lunr.py; its ranking is lunr.js's.

    .venv/bin/python bench/bench_lunr.py [--entries 5000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import yaml
from lunr import lunr
from lunr.pipeline import Pipeline

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import sites  # noqa: E402
from bench_search import scores  # noqa: E402
from dangjian_kb.check import validate  # noqa: E402
from dangjian_kb.search import finder_index, passages, search_text  # noqa: E402

EVAL = REPO / "tests" / "data" / "search_eval.yml"


def documents(kb, docs_dir: Path | None) -> list[dict]:
    terms = search_text.dictionary_terms()

    def toks(text: str) -> str:
        return " ".join(search_text.tokens(text, terms))

    out = []
    for e in kb.entries:
        body = " ".join(s.heading + " " + s.text for s in passages.split(e.body))
        out.append({"id": e.id, "title": toks(e.title), "tags": toks(" ".join(e.tags)), "body": toks(body)})
    for p in passages.site_pages(docs_dir):
        body = " ".join(s.heading + " " + s.text for s in p.sections)
        out.append({"id": p.url, "title": toks(p.title), "tags": "", "body": toks(body)})
    return out


def build(docs: list[dict]):
    # no stemmer, no stop-word filter: the tokens are CJK bigrams
    Pipeline.registered_functions.clear()
    return lunr(
        ref="id",
        fields=[{"field_name": "title", "boost": 4}, {"field_name": "tags", "boost": 2.5}, "body"],
        documents=docs,
        builder=None,
    )


STOP: tuple[str, ...] = search_text.QUESTION_WORDS  # main() puts the index's own list here


def query_tokens(q: str) -> list[str]:
    q = search_text.normalize(q)
    for w in STOP:  # longest first, as the browser strips them
        q = q.replace(w, " ")
    return [t for t in search_text.tokens(q, search_text.dictionary_terms()) if len(t) > 1]


def run(index, q: str, floor: bool = False) -> list[str]:
    toks = query_tokens(q)
    if not toks:
        return []
    if floor:  # our relevance floor on the share of query tokens an entry holds (unweighted)
        results = index.query(_query(index, toks))
        cover = {r["ref"]: len(set(r["match_data"].metadata) & set(toks)) / len(set(toks)) for r in results}
        if not cover or max(cover.values()) < 0.5:
            return []
        return [r["ref"] for r in results if cover[r["ref"]] >= 0.25]

    return [r["ref"] for r in index.query(_query(index, toks))]


def _query(index, toks: list[str]):
    query = index.create_query()
    for t in toks:
        query.term(t, use_pipeline=False)
    return query


def size(index) -> tuple[int, int]:
    raw = json.dumps(index.serialize(), ensure_ascii=False, separators=(",", ":")).encode()
    return len(raw), len(gzip.compress(raw))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=5000)
    args = ap.parse_args()
    global STOP
    kb = validate.load(REPO)
    STOP = search_text.query_stopwords([e.title for e in kb.entries])
    index = build(documents(kb, REPO / "docs"))
    queries = yaml.safe_load(EVAL.read_text("utf-8"))["queries"]
    r = scores([(q["q"], run(index, q["q"]), q["relevant"]) for q in queries])
    rf = scores([(q["q"], run(index, q["q"], floor=True), q["relevant"]) for q in queries])
    ours = finder_index.as_script(
        finder_index.build(kb, search_text.load_synonyms(REPO / "synonyms.yml"), REPO / "docs")
    )
    print("| engine | recall@5 | MRR | find-nothing | index raw KB (shipped) | gzip KB |\n|---|---|---|---|---|---|")
    raw, gz = size(index)
    print(
        f"| lunr 2.3 (lunr.py prebuilt) | {r['recall']:.3f} | {r['mrr']:.3f} | {r['nothing']:.0%} | {raw / 1e3:.0f} | {gz / 1e3:.0f} |"
    )
    print(f"| lunr 2.3 + our coverage floor | {rf['recall']:.3f} | {rf['mrr']:.3f} | {rf['nothing']:.0%} | | |")
    b = ours.encode()
    print(
        f"| ours (BM25F by section + floor) | see bench_search.py | | | {len(b) / 1e3:.0f} | {len(gzip.compress(b)) / 1e3:.0f} |"
    )
    if args.entries:
        big = validate.load(sites.corpus(args.entries))
        raw, gz = size(build(documents(big, None)))
        ob = finder_index.as_script(finder_index.build(big, search_text.load_synonyms())).encode()
        print(
            f"\nat {args.entries} entries: lunr {raw / 1e6:.2f} MB raw, {gz / 1e6:.2f} MB gzip (index only, no passages);"
            f" ours {len(ob) / 1e6:.2f} MB raw, {len(gzip.compress(ob)) / 1e6:.2f} MB gzip (with passages)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
