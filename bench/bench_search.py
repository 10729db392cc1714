"""Search benchmark, measured in Debian's Chromium:

1. quality: recall@5 and MRR of the finder and of mkdocs-material's site-wide search on the
   evaluation set tests/data/search_eval.yml, over the shipped knowledge base;
2. speed at 1,000 and 5,000 synthetic entries: finder index size (raw, gzip) and build-time cost,
   index ready after page load, and query-to-results time (median, p95).

    .venv/bin/python bench/bench_search.py [--sizes 1000 5000] [--skip-quality] [--skip-speed]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(BENCH))

import browser  # noqa: E402
import sites  # noqa: E402

EVAL = REPO / "tests" / "data" / "search_eval.yml"


def entry_id(url: str) -> str | None:
    name = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    folder = url.rstrip("/").rsplit("/", 2)[-2] if url.count("/") >= 2 else ""
    return name if folder in ("problems", "cases", "handbook") and name != "index" else None


def scores(runs: list[tuple[list[str], list[str]]]) -> tuple[float, float]:
    """recall@5 (share of the relevant ids, at most 5, found in the top 5) and MRR."""
    recall = mrr = 0.0
    for ranked, relevant in runs:
        top5 = ranked[:5]
        recall += len(set(top5) & set(relevant)) / min(len(relevant), 5)
        rank = next((i for i, r in enumerate(ranked) if r in relevant), None)
        mrr += 0 if rank is None else 1 / (rank + 1)
    return recall / len(runs), mrr / len(runs)


def quality(site: Path) -> list[tuple[str, float, float]]:
    queries = yaml.safe_load(EVAL.read_text("utf-8"))["queries"]
    finder_runs, site_runs = [], []
    with browser.chromium() as chrome:
        page = chrome.new_page(viewport={"width": 1280, "height": 900})
        page.goto((site / "finder.html").as_uri())
        page.wait_for_selector("html[data-kb-finder=ready]")
        for q in queries:
            finder_runs.append((browser.finder_results(page, q["q"]), q["relevant"]))
        page.goto((site / "index.html").as_uri())
        for q in queries:
            urls = browser.site_search_results(page, q["q"])
            site_runs.append(([i for i in map(entry_id, urls)], q["relevant"]))
    return [("问题检索 finder", *scores(finder_runs)), ("站内搜索 material", *scores(site_runs))]


def speed(entries: int, queries: list[str]) -> dict:
    kb = sites.corpus(entries)
    cfg = sites.write_config(kb, "search", sites.KB_PLUGINS)
    index_seconds = _index_build_seconds(kb)
    sites.build(cfg)
    site = sites.site_dir(cfg)
    index = (site / "assets" / "dangjian_kb" / "finder_index.js").read_bytes()
    ready, per_query = [], []
    with browser.chromium() as chrome:
        page = chrome.new_page()
        for _ in range(5):
            page.goto((site / "finder.html").as_uri())
            page.wait_for_selector("html[data-kb-finder=ready]")
            # Milliseconds from navigation start (the page request) to a usable finder.
            ready.append(page.evaluate("window.KB_FINDER_READY_MS"))
        for q in queries:
            per_query.append(_query_ms(page, q))
    per_query.sort()
    return {
        "entries": entries,
        "raw_mb": len(index) / 1e6,
        "gzip_mb": len(gzip.compress(index)) / 1e6,
        "index_s": index_seconds,
        "ready_ms": statistics.median(ready),
        "q_median": statistics.median(per_query),
        "q_p95": per_query[int(0.95 * (len(per_query) - 1))],
    }


def _query_ms(page, query: str) -> float:
    """Rank + render time of one query, measured inside the page (the 60 ms typing debounce excluded)."""
    browser.finder_results(page, query)
    return page.evaluate("window.KB_FINDER_LAST_QUERY_MS")


def _index_build_seconds(kb: Path) -> float:
    from dangjian_kb.check import validate
    from dangjian_kb.search import finder_index, search_text

    loaded = validate.load(kb)
    start = time.perf_counter()
    finder_index.as_script(finder_index.build(loaded, search_text.load_synonyms()))
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    args = ap.parse_args()
    if not args.skip_quality:
        site = REPO / "site"
        if not (site / "finder.html").is_file():
            sites.build(REPO / "mkdocs.yml")
        print("\n| engine | recall@5 | MRR | target |\n|---|---|---|---|")
        for name, recall, mrr in quality(site):
            ok = "PASS" if recall >= 0.9 and mrr >= 0.75 else "FAIL"
            print(f"| {name} | {recall:.3f} | {mrr:.3f} | recall@5 ≥ 0.9, MRR ≥ 0.75: {ok} |")
    if not args.skip_speed:
        queries = [q["q"] for q in yaml.safe_load(EVAL.read_text("utf-8"))["queries"]]
        print(
            "\n| entries | index raw MB | gzip MB | index build s | ready after load ms | query median ms | query p95 ms |"
        )
        print("|---|---|---|---|---|---|---|")
        for n in args.sizes:
            r = speed(n, queries)
            print(
                f"| {r['entries']} | {r['raw_mb']:.2f} | {r['gzip_mb']:.2f} | {r['index_s']:.2f} | {r['ready_ms']:.0f}"
                f" | {r['q_median']:.1f} | {r['q_p95']:.1f} |"
            )
        print("targets at 5,000: ready ≤ 300 ms, median ≤ 20 ms, p95 ≤ 50 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
