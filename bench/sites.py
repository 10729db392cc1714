"""Shared by the benchmarks: synthetic knowledge bases (cached) and MkDocs builds of them."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
MKDOCS = REPO / ".venv" / "bin" / "mkdocs"
sys.path.insert(0, str(BENCH))

import synth  # noqa: E402


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


# The shipped data files that `check` weighs against every entry (standards: restated figures and
# cited items; synonyms: elsewhere words in titles), copied beside the synthetic entries.
SHIPPED_DATA = ("standards", "synonyms.yml")


def ensure_kb(
    entries: int, seed: int, regen: bool, text_bytes: int = 1024, with_data: bool = False
) -> tuple[Path, dict, bool]:
    name = f"n{entries}-s{seed}" + (f"-t{text_bytes}" if text_bytes != 1024 else "") + ("-data" if with_data else "")
    out = BENCH / "out" / name
    stamp = out / ".bench-cache.json"
    data = [REPO / d for d in SHIPPED_DATA] if with_data else []
    files = [f for d in data for f in (sorted(d.rglob("*")) if d.is_dir() else [d]) if f.is_file()]
    key = {
        "entries": entries,
        "seed": seed,
        "text_bytes": text_bytes,
        "synth": _digest(Path(synth.__file__), synth.DEFAULT_TAXONOMY, *files),
    }
    if not regen and stamp.is_file() and (out / synth.MARKER).is_file():
        cached = json.loads(stamp.read_text("utf-8"))
        if cached.get("key") == key:
            return out, cached["counts"], False
    counts = synth.generate(out, entries, seed, text_bytes=text_bytes)
    for src in data:
        dest = out / src.name
        if src.is_dir():
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(src, dest)
        else:
            shutil.copy(src, dest)
    stamp.write_text(json.dumps({"key": key, "counts": counts}, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return out, counts, True


def corpus(entries: int, seed: int = 1) -> Path:
    """A synthetic KB of ``entries`` entries, generated once per (N, seed, synth.py, taxonomy)."""
    return ensure_kb(entries, seed, regen=False)[0]


def write_config(kb: Path, name: str, plugins: str, features: str = "navigation.prune") -> Path:
    """An mkdocs.yml for ``kb`` using the project's docs/ pages; ``plugins`` is YAML list text."""
    cfg = kb / f"mkdocs-{name}.yml"
    docs = kb / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text("# 首页\n\n<!-- dangjian-kb:latest -->\n", "utf-8")
    cfg.write_text(
        f"site_name: bench\ndocs_dir: docs\nsite_dir: site-{name}\nuse_directory_urls: false\n"
        f"theme:\n  name: material\n  language: zh\n  font: false\n  features: [{features}]\n"
        f"plugins:\n{plugins}\n",
        "utf-8",
    )
    return cfg


KB_PLUGINS = "  - dangjian-kb\n"  # no material search: the header box is ours


def run_child(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run ``cmd``; return wall seconds, exit code, the child's own peak RSS (KiB) and CPU time."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "wall": wall,
            "rc": proc.returncode,
            "maxrss_kib": ru.ru_maxrss,
            "cpu": ru.ru_utime + ru.ru_stime,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def build(cfg: Path, extra_env: dict | None = None) -> tuple[float, float]:
    """Run `mkdocs build` as a child; return wall seconds and the child's peak RSS in MB."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1764115200", **(extra_env or {}))
    # with the plugin, through bench/timed_build.py: the timers of the plugin's events live there
    timed = extra_env and "DANGJIAN_KB_TIMINGS" in extra_env
    command = [sys.executable, str(Path(__file__).parent / "timed_build.py")] if timed else [str(MKDOCS), "build"]
    res = run_child([*command, "-q", "-f", str(cfg)], cfg.parent, env)
    if res["rc"] != 0:
        raise RuntimeError(f"mkdocs build -f {cfg} failed:\n{res['stderr'][-3000:]}")
    return res["wall"], res["maxrss_kib"] / 1024


def site_dir(cfg: Path) -> Path:
    return cfg.parent / ("site-" + cfg.stem.removeprefix("mkdocs-"))


def with_templates(kb: Path, count: int) -> Path:
    """A copy of the synthetic ``kb`` with ``count`` document templates: the shipped ones, cycled
    and renumbered T-0001…, their links to entries the copy lacks written as text, with the
    shipped regulations.yml their citations rest on. Built once per (kb, count)."""
    out = kb.parent / f"{kb.name}-t{count}"
    stamp = out / ".templates.json"
    shipped = sorted((REPO / "templates").glob("T-*.md"))
    key = {"count": count, "digest": _digest(*shipped, REPO / "regulations.yml"), "kb": kb.name}
    if stamp.is_file() and json.loads(stamp.read_text("utf-8")) == key:
        return out
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(kb, out, ignore=shutil.ignore_patterns("site-*", "docs-plain"))
    shutil.copy(REPO / "regulations.yml", out / "regulations.yml")
    ids = {p.name.split("-", 2)[0] + "-" + p.name.split("-", 2)[1].removesuffix(".md") for p in out.rglob("*.md")}
    ids |= {f"T-{n:04d}" for n in range(1, count + 1)}
    (out / "templates").mkdir(exist_ok=True)
    for n in range(1, count + 1):
        src = shipped[(n - 1) % len(shipped)]
        text = src.read_text("utf-8")
        old_id = src.name[:6]
        text = text.replace(f"id: {old_id}", f"id: T-{n:04d}", 1)
        text = re.sub(r"^related: \[(.*)\]$", lambda m: _related(m[1], ids), text, count=1, flags=re.M)
        text = re.sub(r"\[\[([A-Z]+-[0-9.]+)(?:\|([^\]]+))?\]\]", lambda m: _link(m, ids), text)
        (out / "templates" / f"T-{n:04d}{src.name[6:]}").write_text(text, "utf-8")
    stamp.write_text(json.dumps(key), "utf-8")
    return out


def _related(items: str, ids: set[str]) -> str:
    kept = [i.strip() for i in items.split(",") if i.strip() in ids]
    return f"related: [{', '.join(kept)}]"


def _link(m: re.Match[str], ids: set[str]) -> str:
    return m[0] if m[1] in ids else (m[2] or m[1])
