"""Build benchmark (issue: the site scales linearly).

Side by side in one run, on the same synthetic Markdown:
  * plain  — mkdocs-material + search + navigation.prune, every entry a page in the sidebar
             (what MkDocs does without our plugin);
  * kb     — the dangjian-kb plugin (entries out of the sidebar, index pages, its own search index).
Reports build wall time and peak memory (median of --runs), median entry-page size and the
share of the build spent in the plugin's own event handlers.

    .venv/bin/python bench/bench_build.py [--sizes 1000 5000] [--runs 3] [--plain-sizes 1000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import sites  # noqa: E402

PLAIN_PLUGINS = "  - search:\n      lang: zh\n      separator: '[\\s\\u200b\\-]+'\n"


def plain_config(kb: Path) -> Path:
    """The same entries as ordinary MkDocs pages (docs_dir holds copies of the three folders)."""
    docs = kb / "docs-plain"
    if not docs.is_dir():
        for folder in ("handbook", "problems", "cases", "templates"):
            if (kb / folder).is_dir():
                shutil.copytree(kb / folder, docs / folder)
        (docs / "index.md").write_text("# 首页\n", "utf-8")
    cfg = sites.write_config(kb, "plain", PLAIN_PLUGINS)
    cfg.write_text(cfg.read_text("utf-8").replace("docs_dir: docs\n", "docs_dir: docs-plain\n"), "utf-8")
    return cfg


def measure(cfg: Path, runs: int) -> dict:
    walls, rss, plugin = [], [], []
    for _ in range(runs):
        with tempfile.NamedTemporaryFile(suffix=".json") as timings:
            wall, peak = sites.build(cfg, {"DANGJIAN_KB_TIMINGS": timings.name})
            data = Path(timings.name).read_text() or "{}"
        walls.append(wall)
        rss.append(peak)
        plugin.append(json.loads(data).get("plugin_seconds", 0.0))
    site = sites.site_dir(cfg)
    pages = sorted(
        p.stat().st_size
        for folder in ("problems", "cases")
        for p in (site / folder).glob("*.html")
        if p.name != "index.html"
    )
    wall = statistics.median(walls)
    return {
        "wall": wall,
        "rss": statistics.median(rss),
        "page_kb": statistics.median(pages) / 1024,
        "share": statistics.median(plugin) / wall if wall else 0.0,
        "site_mb": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description="Build time, memory and page size at 1,000 and 5,000 entries.")
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    ap.add_argument("--plain-sizes", type=int, nargs="*", default=[1000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--templates", type=int, default=0, help="add this many document templates (T-NNNN)")
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        kb = sites.corpus(n)
        if args.templates:  # the shipped templates cycled: each also becomes a Word file
            kb = sites.with_templates(kb, args.templates)
        if n in args.plain_sizes:
            rows.append((n, "plain material + prune", measure(plain_config(kb), args.runs)))
        rows.append((n, "dangjian-kb", measure(sites.write_config(kb, "kb", sites.KB_PLUGINS), args.runs)))
    print(
        "\n| entries | configuration | build s (median) | peak RSS MB | median entry page KB | site MB | plugin share |"
    )
    print("|---|---|---|---|---|---|---|")
    for n, name, r in rows:
        share = f"{r['share']:.1%}" if name == "dangjian-kb" else "–"
        print(
            f"| {n} | {name} | {r['wall']:.1f} | {r['rss']:.0f} | {r['page_kb']:.1f} | {r['site_mb']:.0f} | {share} |"
        )
    ours = {n: r for n, name, r in rows if name == "dangjian-kb"}
    plain = {n: r for n, name, r in rows if name != "dangjian-kb"}
    print()
    # issue 12: against plain material with its search, alternated in one run
    for n, target in ((1000, 0.8), (5000, 0.5)):
        if n in ours and n in plain:
            ratio = ours[n]["wall"] / plain[n]["wall"]
            print(
                f"{n:,} entries: {ours[n]['wall']:.1f} s vs plain {plain[n]['wall']:.1f} s "
                f"(ratio {ratio:.2f}, target ≤ {target}): {'PASS' if ratio <= target else 'FAIL'}"
            )
    if 1000 in ours and 5000 in ours:
        ratio = ours[5000]["wall"] / ours[1000]["wall"]
        print(f"5,000 / 1,000 build time: {ratio:.2f} (target ≤ 5.5): {'PASS' if ratio <= 5.5 else 'FAIL'}")
    worst = max(r["page_kb"] for r in ours.values())
    print(f"largest median entry page: {worst:.1f} KB (target < 60): {'PASS' if worst < 60 else 'FAIL'}")
    share = max(r["share"] for r in ours.values())
    # where the time goes; the worker building the search index in parallel counts here although
    # pages render meanwhile
    ok = share < 0.10
    print(f"plugin's own work: at most {share:.1%} of the build (earlier target < 10%): {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
