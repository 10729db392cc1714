"""Benchmark `dangjian-kb check` on a synthetic knowledge base.

    python bench/bench_check.py [--entries 10000] [--runs 5] [--seed 1] [--text-bytes 1024] [--profile]

1. Generates the KB with bench/synth.py into bench/out/n<N>-s<seed>[-t<bytes>]-data/, with the
   shipped standards/ and synonyms.yml beside the entries, since check weighs every entry against
   them (cached: regenerated only when N, seed, text size, synth.py, the taxonomy or those files
   changed; --regen forces it).
2. Runs `dangjian-kb check --format json` once and asserts zero errors (prints the counts).
3. Times `dangjian-kb check DIR` as a subprocess --runs times (after one untimed warm-up):
   wall time (median/min/max) and peak RSS of each child (os.wait4 rusage, i.e. the
   child's own ru_maxrss, not the cumulative RUSAGE_CHILDREN maximum).
4. Times the in-process phases of validate.load in fresh child processes: a perf_counter
   timer is put around every package function validate.load calls (read from its source
   with ast, one level into helpers such as _load_one = pass 1), so the split follows the
   package as rules are added; plus interpreter start-up and import cost.
5. With --profile, or automatically when the median misses the target, profiles
   validate.load with cProfile and prints the top functions.

Nothing in the package is changed on disk; the phase timers wrap functions only inside
the short-lived child process that measures them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV_PY = REPO / ".venv" / "bin" / "python"
TARGET_ENTRIES, TARGET_SECONDS = 10_000, 2.0

try:
    import yaml  # noqa: F401 - synth needs it

    import dangjian_kb  # noqa: F401
except ImportError:  # run with the project's venv, which has the package installed
    if VENV_PY.exists() and Path(sys.executable).resolve() != VENV_PY.resolve():
        os.execv(str(VENV_PY), [str(VENV_PY), *sys.argv])
    raise

sys.path.insert(0, str(BENCH))
import synth  # noqa: E402
from sites import ensure_kb, run_child  # noqa: E402

# --------------------------------------------------------------------------- subprocess timing


def cli_path() -> list[str]:
    exe = Path(sys.executable).parent / "dangjian-kb"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("dangjian-kb")
    return [found] if found else [sys.executable, "-m", "dangjian_kb.cli"]


def validate_run(cli: list[str], kb: Path) -> dict:
    res = run_child([*cli, "check", "--format", "json", "--today", synth.REF_DATE.isoformat(), str(kb)], BENCH)
    try:
        doc = json.loads(res["stdout"])
    except json.JSONDecodeError:
        sys.exit(f"check did not return JSON (exit {res['rc']}):\n{res['stdout'][-2000:]}\n{res['stderr'][-2000:]}")
    return doc


# --------------------------------------------------------------------------- in-process phases


def phase_times(kb: Path, runs: int) -> dict[str, float]:
    """Median over ``runs`` fresh child processes (so no heap left over from earlier runs skews it):
    each child times the phases once, and, separately, another child times validate.load() as is."""
    samples: dict[str, list[float]] = {}
    me = [sys.executable, str(Path(__file__).resolve())]
    for _ in range(runs):
        for mode in ("--_phases-child", "--_load-child"):
            r = run_child([*me, mode, str(kb)], BENCH)
            if r["rc"] != 0:
                raise SystemExit(f"phase child failed:\n{r['stderr'][-3000:]}")
            for k, v in json.loads(r["stdout"]).items():
                samples.setdefault(k, []).append(v)
    return {k: statistics.median(v) for k, v in samples.items()}


def _load_child(kb: Path) -> None:
    from dangjian_kb.check import validate

    a = time.perf_counter()
    validate.load(kb, today=synth.REF_DATE)
    print(json.dumps({"validate.load() as is (what check calls)": time.perf_counter() - a}))


def _calls(func) -> list[str]:
    """Dotted names called in ``func``'s body (``mod.fn`` or ``fn``), in source order."""
    import ast
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                found.append((node.lineno, node.col_offset, f.id))
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                found.append((node.lineno, node.col_offset, f"{f.value.id}.{f.attr}"))
    return list(dict.fromkeys(name for *_, name in sorted(found)))


def _phases_child(kb: Path) -> None:
    """One run of validate.load with a timer around every package function it calls (found by
    reading validate.py, so the split follows the package as it changes), one level into the
    validate-local helpers it calls (e.g. _load_one, the per-file pass 1)."""
    import functools
    import types

    from dangjian_kb.check import report, validate

    pc = time.perf_counter
    times: dict[str, float] = {}
    stack: list[str] = []
    containers: set[str] = set()
    rows: list[tuple[int, str]] = []  # (depth, label) in display order

    def resolve(name: str):
        head, _, attr = name.partition(".")
        obj = validate.__dict__.get(head)
        if attr:
            if isinstance(obj, types.ModuleType) and obj.__name__.startswith("dangjian_kb"):
                fn = getattr(obj, attr, None)
                return (obj, attr, fn) if isinstance(fn, types.FunctionType) else None
            return None
        if isinstance(obj, types.FunctionType) and obj.__module__.startswith("dangjian_kb"):
            return (validate, head, obj)
        return None

    def wrap(label: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            if stack and stack[-1] not in containers:  # inside another timed leaf: counted there
                return fn(*args, **kwargs)
            stack.append(label)
            t0 = pc()
            try:
                return fn(*args, **kwargs)
            finally:
                times[label] = times.get(label, 0.0) + pc() - t0
                stack.pop()

        return timed

    patches = []
    for name in _calls(validate.load):
        target = resolve(name)
        if target is None:
            continue
        owner, attr, fn = target
        rows.append((0, name))
        if owner is validate and fn.__module__ == validate.__name__:  # a validate helper: one level in
            containers.add(name)
            for inner in _calls(fn):
                t = resolve(inner)
                if t is not None and inner != name:
                    rows.append((1, inner))
                    patches.append((inner, t))
        patches.append((name, target))
    for label, (owner, attr, fn) in patches:
        setattr(owner, attr, wrap(label, fn))

    t0 = pc()
    kbase = validate.load(kb, today=synth.REF_DATE)
    total = pc() - t0
    out: dict[str, float] = {}
    top_total = 0.0
    i = 0
    while i < len(rows):
        depth, label = rows[i]
        i += 1
        if depth:
            continue
        out[label] = times.get(label, 0.0)
        top_total += out[label]
        if label in containers:
            kids = []
            while i < len(rows) and rows[i][0] == 1:
                kids.append(rows[i][1])
                i += 1
            for k in kids:
                out["    ↳ " + k] = times.get(k, 0.0)
            out[f"    ↳ (rest of {label}: Entry, Collector, glue)"] = out[label] - sum(times.get(k, 0.0) for k in kids)
    out["(rest of load: loop, extra rules, sort, KnowledgeBase)"] = total - top_total
    out["TOTAL validate.load (timed)"] = total
    a = pc()
    report.as_text(kbase.findings, len(kbase.entries))
    out["report.as_text (output)"] = pc() - a
    print(json.dumps(out, ensure_ascii=False))


def startup_times(runs: int) -> dict[str, float]:
    py = sys.executable
    out = {}
    for label, code in [
        ("python -c pass", "pass"),
        (
            "python -c 'import dangjian_kb.cli, .validate, .report'",
            "import dangjian_kb.cli, dangjian_kb.check.validate, dangjian_kb.check.report",
        ),
    ]:
        out[label] = statistics.median(run_child([py, "-c", code], BENCH)["wall"] for _ in range(runs))
    return out


# --------------------------------------------------------------------------- profile


def profile(kb: Path, top: int) -> None:
    import cProfile
    import io
    import pstats

    from dangjian_kb.check import validate

    prof = cProfile.Profile()
    prof.enable()
    validate.load(kb, today=synth.REF_DATE)
    prof.disable()
    dest = BENCH / "out" / f"profile-{kb.name}.prof"
    prof.dump_stats(dest)
    for sort in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(sort).print_stats(top)
        text = buf.getvalue()
        start = text.find("   ncalls")
        print(f"\n### cProfile of validate.load, top {top} by {sort} (saved {dest.relative_to(REPO)})\n")
        print("```")
        print(text[start:].rstrip() if start >= 0 else text.rstrip())
        print("```")


# --------------------------------------------------------------------------- main


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["--_phases-child"], ["--_load-child"]):
        (_phases_child if argv[0] == "--_phases-child" else _load_child)(Path(argv[1]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=TARGET_ENTRIES)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--target", type=float, default=TARGET_SECONDS, help="seconds allowed at --entries (scaled linearly)"
    )
    ap.add_argument(
        "--text-bytes",
        type=int,
        default=1024,
        help="body text per entry, UTF-8 bytes (1024 = the ~1 KB spec; real entries are ~4.5 KB)",
    )
    ap.add_argument("--regen", action="store_true", help="regenerate the KB even when cached")
    ap.add_argument("--phase-runs", type=int, default=3, help="in-process phase timing repetitions (0 = skip)")
    ap.add_argument("--profile", action="store_true", help="always print a cProfile summary")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    kb, counts, generated = ensure_kb(args.entries, args.seed, args.regen, args.text_bytes, with_data=True)
    gen_s = time.perf_counter() - t0
    size_mb = sum(f.stat().st_size for f in kb.rglob("*.md")) / 1e6
    print(
        f"KB: {kb.relative_to(REPO)}  ({'generated' if generated else 'cached'} in {gen_s:.1f} s; "
        f"{counts['chapters']} chapters + {counts['sections']} sections, {counts['problems']} problems, "
        f"{counts['cases']} cases; {size_mb:.1f} MB of Markdown)"
    )

    cli = cli_path()
    doc = validate_run(cli, kb)
    errors, warnings = doc["errors"], doc["warnings"]
    print(
        f"Validation: `dangjian-kb check --format json` -> {doc['entries']} entries, "
        f"{len(doc['findings'])} findings ({errors} errors, {warnings} warnings)"
    )
    if errors or doc["entries"] != args.entries:
        for f in doc["findings"][:20]:
            print(f"  {f['path']}:{f['line']}: {f['code']} {f['message']}")
        raise SystemExit("FAIL: the synthetic KB must load completely with zero errors")

    cmd = [*cli, "check", str(kb)]
    print(
        f"Timed command: `{' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))}` "
        f"(cwd bench/, 1 warm-up + {args.runs} runs)"
    )
    load_before = _loadavg()
    run_child(cmd, BENCH)  # warm-up: page cache, .pyc
    results = []
    for _ in range(args.runs):
        r = run_child(cmd, BENCH)
        if r["rc"] != 0:
            raise SystemExit(f"check exited {r['rc']}:\n{r['stdout'][-2000:]}{r['stderr'][-2000:]}")
        results.append(r)
    walls = [r["wall"] for r in results]
    med = statistics.median(walls)
    rss_mb = max(r["maxrss_kib"] for r in results) / 1024
    cpu = statistics.median(r["cpu"] for r in results)
    target = args.target * args.entries / TARGET_ENTRIES
    verdict = "PASS" if med < target else "FAIL"

    print()
    print(f"avg file size: {1e6 * size_mb / args.entries / 1024:.2f} KiB\n")
    print("| entries | runs | median wall s | min s | max s | median CPU s | peak RSS MB | target | result |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
    print(
        f"| {args.entries:,} | {args.runs} | {med:.3f} | {min(walls):.3f} | {max(walls):.3f} | {cpu:.3f} | "
        f"{rss_mb:.1f} | < {target:g} s ({TARGET_ENTRIES:,} entries < {TARGET_SECONDS:g} s) | {verdict} |"
    )
    print(
        f"\nall runs (s): {', '.join(f'{w:.3f}' for w in walls)}; "
        f"load average before: {load_before}, after: {_loadavg()} ({os.cpu_count()} CPUs)"
    )
    if med > 1.1 * cpu:
        print(
            f"note: median wall {med:.3f} s exceeds median CPU {cpu:.3f} s by "
            f"{100 * (med / cpu - 1):.0f} %: the machine was busy; rerun on an idle machine."
        )

    if Path("/usr/bin/time").exists():
        r = run_child(["/usr/bin/time", "-f", "TIME %e s %M KB", *cmd], BENCH)
        line = next((ln for ln in r["stderr"].splitlines() if ln.startswith("TIME")), "?")
        print(f"cross-check /usr/bin/time: {line}")

    st = startup_times(max(3, args.runs))
    if args.phase_runs:
        ph = phase_times(kb, args.phase_runs)
        print(f"\n### In-process phases (median of {args.phase_runs} fresh processes, perf_counter)\n")
        print("| phase (function called by validate.load) | s | share of load |")
        print("|---|---:|---:|")
        total = ph["TOTAL validate.load (timed)"]
        for k, v in ph.items():
            share = f"{100 * v / total:.0f} %" if not k.startswith(("TOTAL", "validate.load", "report")) else ""
            print(f"| {k} | {v:.3f} | {share} |")
        for k, v in st.items():
            print(f"| start-up: `{k}` | {v:.3f} | |")
        print(
            f"\nsubprocess median {med:.3f} s ≈ import/start-up {list(st.values())[-1]:.3f} s + "
            f"validate.load {ph['validate.load() as is (what check calls)']:.3f} s + output/exit"
        )

    if args.profile or verdict == "FAIL":
        profile(kb, args.top)
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
