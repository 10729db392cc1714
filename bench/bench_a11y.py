"""Accessibility benchmark (issue 17): axe-core, and Lighthouse where it runs, over one page of
each type of the built site, on a phone (390 x 844) and a desktop (1366 x 900).

axe-core and Lighthouse are npm packages, pinned below and installed on first use into
--npm-dir (default /tmp/kb-a11y-npm, never committed) with `npm install --prefix`. The pages are
served on 127.0.0.1 and opened in Debian's Chromium (/usr/bin/chromium) through Playwright;
axe.min.js is injected with add_script_tag. Prints one table: serious/critical violations per
page and viewport (rule ids with node counts), and the Lighthouse accessibility score.

    .venv/bin/python bench/bench_a11y.py                 # builds the shipped site first
    .venv/bin/python bench/bench_a11y.py --site /tmp/site [--no-lighthouse] [--json out.json]

Exit status 1 when any page has a serious or critical violation.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import browser  # noqa: E402  (Debian's Chromium + a local server, shared with the tests)

AXE_VERSION = "4.10.2"
LIGHTHOUSE_VERSION = "12.2.1"
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}
SERIOUS = ("serious", "critical")

# One page of each type; the first existing path of each tuple is used.
PAGES: list[tuple[str, tuple[str, ...]]] = [
    ("home", ("index.html",)),
    ("handbook", ("handbook/HB-1.1.html",)),
    ("problem", ("problems/P-0012.html", "problems/P-0001.html")),
    ("case", ("cases/C-0001.html",)),
    ("template", ("templates/T-0002.html",)),
    ("problems index", ("problems/index.html",)),
    ("categories", ("categories/index.html",)),
    ("category", ("categories/organization.html",)),
    ("tag", ("tags/index.html",)),
    ("stats", ("stats.html",)),
    ("review", ("review.html",)),
    ("terms", ("terms.html",)),
    ("standard", ("standards/zhibu-daobiao.html",)),
    ("finder", ("finder.html",)),
    ("print", ("print.html",)),
    ("about", ("about.html",)),
    ("basis", ("basis.html",)),
]


def npm_install(npm_dir: Path, lighthouse: bool) -> None:
    wanted = [f"axe-core@{AXE_VERSION}"] + ([f"lighthouse@{LIGHTHOUSE_VERSION}"] if lighthouse else [])
    missing = [w for w in wanted if not (npm_dir / "node_modules" / w.split("@")[0] / "package.json").exists()]
    if missing:
        npm_dir.mkdir(parents=True, exist_ok=True)
        cmd = ["npm", "install", "--prefix", str(npm_dir), "--no-audit", "--no-fund", "--silent", *missing]
        subprocess.run(cmd, check=True)


def build_site() -> Path:
    out = Path(tempfile.mkdtemp(prefix="kb-a11y-site-"))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_MKDOCS_2_WARNING="1")
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)]
    subprocess.run(cmd, check=True, env=env)
    return out


def resolve_pages(site: Path, only: list[str] | None) -> list[tuple[str, str]]:
    found = []
    for name, paths in PAGES:
        if only and name not in only:
            continue
        path = next((p for p in paths if (site / p).is_file()), None)
        if path is None:
            print(f"(no page for {name}: tried {', '.join(paths)})", file=sys.stderr)
        else:
            found.append((name, path))
    return found


def run_axe(
    base: str, pages: list[tuple[str, str]], axe_js: Path, shots: Path | None = None
) -> dict[tuple[str, str], list[dict]]:
    """Violations (serious and critical only) per (page, viewport)."""
    results: dict[tuple[str, str], list[dict]] = {}
    with browser.chromium() as chromium:
        for vp, (w, h) in VIEWPORTS.items():
            context = chromium.new_context(
                viewport={"width": w, "height": h}, is_mobile=vp == "phone", has_touch=vp == "phone"
            )
            page = context.new_page()
            for name, path in pages:
                page.goto(base + path, wait_until="load")
                page.add_script_tag(path=str(axe_js))
                found = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                    ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
                )
                results[(name, vp)] = [v for v in found if v["impact"] in SERIOUS]
                if shots:
                    shots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shots / f"{name.replace(' ', '-')}-{vp}.png"))
            context.close()
    return results


def run_lighthouse(base: str, pages: list[tuple[str, str]], npm_dir: Path) -> dict[tuple[str, str], str]:
    """Lighthouse accessibility score (0-100) per (page, viewport), or the reason it failed."""
    cli = npm_dir / "node_modules" / "lighthouse" / "cli" / "index.js"
    env = dict(os.environ, CHROME_PATH=browser.CHROMIUM)
    scores: dict[tuple[str, str], str] = {}
    for name, path in pages:
        for vp in VIEWPORTS:
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                cmd = [
                    "node",
                    str(cli),
                    base + path,
                    "--only-categories=accessibility",
                    "--output=json",
                    f"--output-path={out.name}",
                    "--quiet",
                    "--chrome-flags=--headless=new " + " ".join(browser.ARGS),
                ]
                if vp == "desktop":
                    cmd.append("--preset=desktop")
                proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
                if proc.returncode != 0:
                    scores[(name, vp)] = "failed: " + (proc.stderr.strip().splitlines() or ["?"])[-1][:80]
                    continue
                report = json.loads(Path(out.name).read_text("utf-8"))
                score = report["categories"]["accessibility"]["score"]
                scores[(name, vp)] = "n/a" if score is None else str(round(score * 100))
    return scores


def table(pages, axe, lh) -> str:
    head = "| page | path | phone axe | desktop axe |" + (" LH phone | LH desktop |" if lh else "")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, path in pages:
        cells = []
        for vp in VIEWPORTS:
            vs = axe[(name, vp)]
            cells.append(", ".join(f"{v['id']} ({len(v['nodes'])})" for v in vs) or "0")
        row = f"| {name} | {path} | {cells[0]} | {cells[1]} |"
        if lh:
            row += f" {lh[(name, 'phone')]} | {lh[(name, 'desktop')]} |"
        lines.append(row)
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, help="a built site (default: build the shipped one)")
    ap.add_argument("--npm-dir", type=Path, default=Path("/tmp/kb-a11y-npm"))
    ap.add_argument("--no-lighthouse", action="store_true")
    ap.add_argument("--only", nargs="*", help="page types to run (names from the table)")
    ap.add_argument("--shots", type=Path, help="save a first-screen screenshot of each page and viewport here")
    ap.add_argument("--json", type=Path, help="write every violation (with node selectors) here")
    args = ap.parse_args()
    lighthouse = not args.no_lighthouse
    npm_install(args.npm_dir, lighthouse)
    site = args.site or build_site()
    pages = resolve_pages(site, args.only)
    started = time.monotonic()
    with browser.serve(site) as base:
        axe = run_axe(base, pages, args.npm_dir / "node_modules" / "axe-core" / "axe.min.js", args.shots)
        lh = run_lighthouse(base, pages, args.npm_dir) if lighthouse else {}
    print(table(pages, axe, lh))
    print(
        f"\naxe-core {AXE_VERSION}"
        + (f", Lighthouse {LIGHTHOUSE_VERSION}" if lh else "")
        + f"; {len(pages)} pages x {len(VIEWPORTS)} viewports in {time.monotonic() - started:.0f} s"
    )
    if args.json:
        args.json.write_text(
            json.dumps({f"{k[0]}@{k[1]}": v for k, v in axe.items()}, ensure_ascii=False, indent=1), "utf-8"
        )
    return 1 if any(axe.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
