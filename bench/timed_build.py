"""`mkdocs build` with the dangjian-kb plugin's own work timed: the timers live here, in the
benchmark, not in the plugin. Every public event handler of the plugin class is wrapped before
the build starts; the total (nested calls counted once) is written as JSON to the file named by
DANGJIAN_KB_TIMINGS.

    python bench/timed_build.py -f mkdocs.yml   (same arguments as `mkdocs build`)
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from pathlib import Path

from dangjian_kb.plugin import DangjianKBPlugin

spent = {"total": 0.0, "depth": 0}
steps: dict[str, float] = {}


def _timed(name: str, method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        spent["depth"] += 1
        try:
            return method(*args, **kwargs)
        finally:
            spent["depth"] -= 1
            took = time.perf_counter() - start
            if spent["depth"] == 0:
                spent["total"] += took
            steps[name] = steps.get(name, 0.0) + took

    return wrapper


for name in [n for n in vars(DangjianKBPlugin) if n.startswith("on_")]:
    setattr(DangjianKBPlugin, name, _timed(name, getattr(DangjianKBPlugin, name)))


def main() -> int:
    from mkdocs.__main__ import cli

    try:
        cli.main(args=["build", *sys.argv[1:]], standalone_mode=False)
    finally:
        target = os.environ.get("DANGJIAN_KB_TIMINGS")
        if target:
            Path(target).write_text(json.dumps({"plugin_seconds": spent["total"], "steps": steps}), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
