"""A bounded fuzz of `dangjian-kb check` (about a minute): mutated shipped entries never give a
traceback, never hang, and each checks in under 1 s of CPU. bench/fuzz.py runs the same cases
for as long as wanted (`python bench/fuzz.py --cases 100000 --seed N`)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import fuzz  # noqa: E402

SEED = 20261130
BUDGET_S = 50  # plus start-up: about a minute in all
HANG_S = 5  # a case this long is a hang (the target is under 1 s)


def test_mutated_entries_check_without_traceback_hang_or_slowness():
    report = fuzz.run(cases=10**6, seed=SEED, budget=BUDGET_S, timeout=HANG_S)
    causes = sorted({fuzz.cause(tb) for _, tb in report.tracebacks})
    hangs = [f"case {i}: regenerate with fuzz.case({SEED}, {i}, fuzz.seeds())" for i in report.hangs]
    assert report.cases >= 100, f"only {report.cases} cases ran in {BUDGET_S} s"
    assert causes == [] and hangs == [], "\n".join(causes + hangs)
    cpu, size, i = report.max_cpu
    assert cpu < 1.0, f"case {i} ({size} bytes) took {cpu:.2f} CPU s to check"


def test_mutations_are_deterministic():
    pool = fuzz.seeds()
    assert fuzz.case(SEED, 7, pool) == fuzz.case(SEED, 7, pool)
    assert fuzz.case(SEED, 7, pool) != fuzz.case(SEED, 8, pool)
