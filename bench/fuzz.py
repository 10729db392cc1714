"""Fuzz `dangjian-kb check` with mutated shipped entries: no traceback, no hang, no slow input.

    python bench/fuzz.py [--cases 100000] [--seed 1] [--budget SECONDS] [--timeout 20]

Each case takes one shipped entry (handbook/, problems/, cases/, templates/) and applies one
to four mutations: byte flips, inserted YAML / Markdown / HTML fragments, huge repeats (bounded
to 1 MB), control and format characters, deleted or duplicated lines, truncation, re-encoding.
The case is written as the only file of a scratch knowledge base and checked exactly as the
CLI does (`cli.main(["check", ROOT, "--format", "json"])`, output discarded); then what the
build publishes of an entry check did not refuse goes through the build's own steps (Markdown,
the sanitizer, the Word file of a template, the search index), as `mkdocs serve` would.

Cases run in a child process; the parent kills and restarts it when one case takes longer
than --timeout seconds (a hang: a regex that never ends, a blocking read). Case i is generated
from (seed, i) alone, so any case can be regenerated and a run resumes after a kill.

Prints: cases run, tracebacks (count, the first few distinct causes, each with a minimized
input saved under /tmp/dangjian-fuzz/), hangs (inputs saved), and the slowest inputs in CPU
seconds per KB of input.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import multiprocessing
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "plugins"))
OUT = Path("/tmp/dangjian-fuzz")
MAX_BYTES = 1_000_000
FOLDERS = ("handbook", "problems", "cases", "templates")
TODAY = "2026-12-01"  # no shipped date after it: a seed is refused only for what the mutation did

FRAGMENTS = [
    # YAML
    "!!int x", "!!float x", "!!timestamp x", "!!binary x", "!!python/object:os.system x", "!!set {a: b}",
    "&a [*a]", "*a", "? [a, b]\n: c", '"\\x7f"', '"\\e[31m"', "'", '"', ": :", "\t", "---", "...",
    "1" * 4400, "9999-12-31", "0000-00-00", ".inf", ".nan", "~", "null", "[", "{", "]", "}", "- - -", "|", ">",
    "id: P-0001", "title:", "tags: [a, [b, [c]]]", "related: [P-9999, HB-1.1]", "public_numbers: {a: 1}",
    "review_months: -1", "reviewed: 2026-02-30", "category: 不存在", "%YAML 1.1", "<<: *a",
    # Markdown
    "```", "~~~", "````", "`" * 1000, "# a" + " " * 2500, "## 问题描述", "## ", "[r]: javascript:alert(1)",
    "> [r]: javascript:alert(1)", "[x][r]", "{ onclick=alert(1) }", "{: #id .c k=v }", "<!--", "-->",
    "[[P-0001|", "[[", "]]", "[[P-0001]]", "[[HB-1.1|文字]]", "](", "[a](", "![x](x.png)", "![x](../../etc/passwd)",
    "    ", "1. ", "- [ ] ", "!!! note", "??? note", "| a |\n|---|", "*" * 500, "_" * 500, "\\", "&#",
    "&#x6A;avascript:", "[a](<b>)", "待填写：",
    # HTML
    "<a", "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "<script>", "</script>", "<div markdown>",
    "<details open ontoggle=alert(1)>", "<math>", "<style>", "<!DOCTYPE html>", "<![CDATA[", "<?xml ?>",
    # characters
    "\x00", "\x1b[2J", "\x07", "\x7f", "\ufeff", "\u200b", "\u2028", "\u2029", "\r", "\r\n", "\x0c", "\x85",
    "\ud800", "１３９１２３４５６７８", "13912345678", "@", "ａ@ｂ.ｃｏｍ", "\U0001f600", "\u202e",
]  # fmt: skip


def seeds(repo: Path = REPO) -> list[tuple[str, bytes]]:
    """(path relative to the root, content) of every shipped entry."""
    out = []
    for folder in FOLDERS:
        for path in sorted((repo / folder).glob("*.md")):
            out.append((f"{folder}/{path.name}", path.read_bytes()))
    return out


def mutate(data: bytes, rng: random.Random) -> bytes:
    # cut after every step: a line repeated 50 times over an input already grown to 1 MB made
    # gigabytes (6 GB, 9 s for one case) in the harness, not in the program under test
    for _ in range(rng.randint(1, 4)):
        data = MUTATIONS[rng.randrange(len(MUTATIONS))](data, rng)[:MAX_BYTES]
    return data


def _at(data: bytes, rng: random.Random) -> int:
    """An offset: often a line start (fragments then land where Markdown/YAML look), else anywhere."""
    if data and rng.random() < 0.6:
        starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]
        return rng.choice(starts)
    return rng.randint(0, len(data))


def _flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def _insert(data: bytes, rng: random.Random) -> bytes:
    frag = rng.choice(FRAGMENTS).encode("utf-8", "surrogatepass")
    if rng.random() < 0.5:
        frag = frag + b"\n"
    at = _at(data, rng)
    return data[:at] + frag + data[at:]


def _repeat(data: bytes, rng: random.Random) -> bytes:
    frag = rng.choice(FRAGMENTS).encode("utf-8", "surrogatepass") or b"x"
    times = rng.choice([100, 1_000, 10_000, 50_000, 100_000])
    times = max(1, min(times, (MAX_BYTES - len(data)) // len(frag)))
    at = _at(data, rng)
    return data[:at] + frag * times + data[at:]


def _control(data: bytes, rng: random.Random) -> bytes:
    ch = chr(rng.choice([*range(0, 32), 0x7F, 0x85, 0xA0, 0x200B, 0x2028, 0xFEFF, 0x3000])).encode()
    at = rng.randint(0, len(data))
    return data[:at] + ch + data[at:]


def _lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    if len(lines) < 2:
        return data
    i, j = sorted(rng.sample(range(len(lines)), 2))
    action = rng.randrange(3)
    if action == 0:
        del lines[i:j]
    elif action == 1:
        block = lines[i:j]
        room = max(1, MAX_BYTES // max(1, sum(len(x) + 1 for x in block)))
        lines[i:i] = block * min(rng.randint(1, 50), room)
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randint(0, len(data))]


def _encode(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "replace")
    codec = rng.choice(["utf-16", "utf-16-le", "gbk", "gb18030", "utf-8-sig", "latin-1"])
    return text.encode(codec, "replace")


def _blank_lines(data: bytes, rng: random.Random) -> bytes:
    at = _at(data, rng)
    return data[:at] + b"\n" * rng.choice([1_000, 100_000]) + data[at:]


MUTATIONS = [_flip, _insert, _insert, _insert, _repeat, _control, _lines, _truncate, _encode, _blank_lines]


def case(seed: int, index: int, pool: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """Case ``index`` of run ``seed``: the same every time."""
    rng = random.Random(f"{seed}:{index}")
    rel, data = pool[rng.randrange(len(pool))]
    return rel, mutate(data, rng)


# ------------------------------------------------------------------ running one case
def make_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="dangjian-fuzz-"))
    for folder in FOLDERS:
        (root / folder).mkdir()
    return root


def check_one(root: Path, rel: str, data: bytes) -> tuple[float, float, str | None]:
    """(CPU seconds of `dangjian-kb check` on ``data`` alone, wall seconds with publishing,
    traceback or None)."""
    from dangjian_kb import cli

    for folder in FOLDERS:
        for old in (root / folder).iterdir():
            old.unlink()
    (root / rel).write_bytes(data)
    sink = io.StringIO()
    start, wall = time.process_time(), time.perf_counter()
    checked: float | None = None  # the 1 s target is check's; publishing is watched for hangs only
    error = None
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = cli.main(["check", str(root), "--format", "json", "--today", TODAY])
        checked = time.process_time() - start
        if code not in (0, 1):
            error = f"exit status {code}: {sink.getvalue()[-500:]}"
        else:
            publish(root)
    except BaseException:  # noqa: BLE001 - everything that escapes is what we look for
        error = traceback.format_exc()
    cpu = checked if checked is not None else time.process_time() - start
    return cpu, time.perf_counter() - wall, error


def publish(root: Path) -> None:
    """What the build does with the entries check let through: each body rendered and
    sanitized, a template's Word file, the search index."""
    import datetime as dt

    from dangjian_kb.check import validate
    from dangjian_kb.model import html_policy, rendering
    from dangjian_kb.search import finder_index
    from dangjian_kb.site import docx_export, template_page

    kb = validate.load(root, None, dt.date.fromisoformat(TODAY))
    refused = {f.path for f in kb.errors}
    render = rendering.renderer()
    for e in kb.entries:
        if e.rel in refused:
            continue
        html_policy.clean_content(render(template_page.markdown_source(e) if e.collection.placeholders else e.body))
        if e.collection.placeholders:
            docx_export.build_all([("x.docx", e.title, kb.link_words(e.body), template_page.fields_of(e))])
    finder_index.build(kb, [])


def cause(tb: str) -> str:
    """A traceback's cause: the exception line and the innermost frame in the package."""
    frames = re.findall(r'File "([^"]*dangjian_kb[^"]*)", line (\d+), in (\w+)', tb)
    where = f"{Path(frames[-1][0]).name}:{frames[-1][1]} {frames[-1][2]}" if frames else "outside the package"
    last = tb.strip().splitlines()[-1] if tb.strip() else "?"
    return f"{where}: {re.sub(r'[0-9]{6,}', 'N', last)[:160]}"


def minimize(root: Path, rel: str, data: bytes, target: str, budget: int = 300) -> bytes:
    """Delta-debug ``data`` down to a smaller input with the same cause (bounded attempts)."""
    tries = 0
    chunk = max(1, len(data) // 2)
    while chunk >= 1 and tries < budget:
        i, shrunk = 0, False
        while i < len(data) and tries < budget:
            candidate = data[:i] + data[i + chunk :]
            tries += 1
            _, _, tb = check_one(root, rel, candidate)
            if tb is not None and cause(tb) == target:
                data, shrunk = candidate, True
            else:
                i += chunk
        if not shrunk:
            chunk //= 2
    return data


# ------------------------------------------------------------------ the child and its watchdog
def _child(conn, seed: int, start: int, stop: int) -> None:
    root = make_root()
    pool = seeds()
    try:
        for i in range(start, stop):
            conn.send(("start", i))
            rel, data = case(seed, i, pool)
            cpu, wall, tb = check_one(root, rel, data)
            conn.send(("done", i, len(data), cpu, wall, tb))
    finally:
        shutil.rmtree(root, ignore_errors=True)
        conn.send(("end", stop))


@dataclass
class Report:
    cases: int = 0
    tracebacks: list[tuple[int, str]] = field(default_factory=list)  # (case, traceback)
    hangs: list[int] = field(default_factory=list)
    slowest: list[tuple[float, float, int, int]] = field(default_factory=list)  # (cpu s/KB, cpu s, size, case)
    max_cpu: tuple[float, int, int] = (0.0, 0, -1)  # (cpu s, size, case) of the slowest input under 1 MB

    def record(self, i: int, size: int, cpu: float, tb: str | None) -> None:
        self.cases += 1
        if tb is not None:
            self.tracebacks.append((i, tb))
        per_kb = cpu / max(size / 1024, 1.0)  # inputs under 1 KB count as 1 KB
        self.slowest = sorted([*self.slowest, (per_kb, cpu, size, i)], reverse=True)[:10]
        if size < MAX_BYTES and cpu > self.max_cpu[0]:
            self.max_cpu = (cpu, size, i)


def run(cases: int, seed: int, budget: float | None = None, timeout: float = 20.0) -> Report:
    """Run cases [0, cases) (or until ``budget`` seconds) in watched child processes."""
    ctx = multiprocessing.get_context("spawn")
    report = Report()
    deadline = time.monotonic() + budget if budget else None
    start = 0
    try:
        _run_children(ctx, report, cases, seed, deadline, timeout, start)
    except KeyboardInterrupt:  # interrupted: the report holds every case finished
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the summary
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return report


def _run_children(
    ctx, report: Report, cases: int, seed: int, deadline: float | None, timeout: float, start: int
) -> None:
    while start < cases and (deadline is None or time.monotonic() < deadline):
        parent, child_end = ctx.Pipe()
        proc = ctx.Process(target=_child, args=(child_end, seed, start, cases), daemon=True)
        proc.start()
        current = start
        while True:
            remaining = timeout if deadline is None else min(timeout, max(0.1, deadline - time.monotonic()))
            if not parent.poll(remaining):
                if deadline is not None and time.monotonic() >= deadline:
                    start = cases  # out of time: the case in flight is not counted
                else:
                    report.hangs.append(current)
                    start = current + 1
                proc.kill()
                break
            try:
                msg = parent.recv()
            except (EOFError, OSError):  # the child died (a crash below Python): count it with the case
                report.tracebacks.append((current, f"child process died: exit code {proc.exitcode}"))
                start = current + 1
                break
            if msg[0] == "start":
                current = msg[1]
            elif msg[0] == "done":
                _, i, size, cpu, _wall, tb = msg
                report.record(i, size, cpu, tb)
                if deadline is not None and time.monotonic() >= deadline:
                    start = cases
                    proc.kill()
                    break
            else:
                start = cases
                break
        proc.join(5)


def save(seed: int, report: Report, distinct: int = 5, minimize_input: bool = True) -> list[str]:
    """Lines describing the first ``distinct`` causes; inputs saved under /tmp/dangjian-fuzz/."""
    OUT.mkdir(parents=True, exist_ok=True)
    pool = seeds()
    lines: list[str] = []
    seen: dict[str, int] = {}
    for i, tb in report.tracebacks:
        seen[cause(tb)] = seen.get(cause(tb), 0) + 1
    shown = 0
    root = make_root()
    try:
        for i, tb in report.tracebacks:
            what = cause(tb)
            if seen.get(what, 0) == 0:
                continue
            count, seen[what] = seen[what], 0
            rel, data = case(seed, i, pool)
            small = minimize(root, rel, data, what) if minimize_input else data
            name = OUT / f"tb-{hashlib.sha1(what.encode()).hexdigest()[:10]}{Path(rel).suffix}"
            name.write_bytes(small)
            lines.append(
                f"  {count:>5} × {what}\n        case {i} ({rel}), minimized {len(data)} → {len(small)} bytes: {name}"
            )
            shown += 1
            if shown >= distinct:
                break
        for i in report.hangs[:distinct]:
            rel, data = case(seed, i, pool)
            name = OUT / f"hang-{seed}-{i}{Path(rel).suffix}"
            name.write_bytes(data)
            lines.append(f"  hang: case {i} ({rel}, {len(data)} bytes): {name}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return lines


def summary(seed: int, report: Report, elapsed: float) -> str:
    pool = seeds()
    out = [
        f"cases run: {report.cases} in {elapsed:.0f} s (seed {seed})",
        f"tracebacks: {len(report.tracebacks)} ({len({cause(tb) for _, tb in report.tracebacks})} distinct causes)",
        f"hangs (over the timeout): {len(report.hangs)}",
        *save(seed, report),
        "",
        "slowest inputs, CPU seconds per KB of input (inputs under 1 KB count as 1 KB):",
        "| s/KB | CPU s | bytes | case | file |",
        "|---:|---:|---:|---:|---|",
    ]
    for per_kb, cpu, size, i in report.slowest:
        rel, data = case(seed, i, pool)
        name = OUT / f"slow-{seed}-{i}{Path(rel).suffix}"
        OUT.mkdir(parents=True, exist_ok=True)
        name.write_bytes(data)
        out.append(f"| {per_kb:.4f} | {cpu:.3f} | {size} | {i} | {name} |")
    cpu, size, i = report.max_cpu
    out.append(f"slowest input under 1 MB: {cpu:.3f} CPU s ({size} bytes, case {i}); target: under 1 s")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, help="stop after this many seconds")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds before a case counts as a hang")
    args = parser.parse_args(argv)
    started = time.monotonic()
    # Ctrl-C (or `kill -INT`) ends a long run with the summary of the cases done so far
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    report = run(args.cases, args.seed, args.budget, args.timeout)
    print(summary(args.seed, report, time.monotonic() - started))
    return 1 if report.tracebacks or report.hangs else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
