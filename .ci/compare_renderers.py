"""Build the shipped site with MkDocs and with ProperDocs (the maintained continuation of
MkDocs 1.6) and compare the set of published pages: the plugin must run unchanged on both.

    .venv/bin/python .ci/compare_renderers.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def pages(command: str, out: Path) -> set[str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1764115200")
    subprocess.run(
        [str(BIN / command), "build", "-q", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)],
        cwd=REPO,
        env=env,
        check=True,
    )
    return {p.relative_to(out).as_posix() for p in out.rglob("*.html")}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        mkdocs = pages("mkdocs", Path(tmp) / "mkdocs")
        proper = pages("properdocs", Path(tmp) / "properdocs")
    if mkdocs != proper:
        print(
            f"ProperDocs and MkDocs publish different pages: only MkDocs {sorted(mkdocs - proper)[:10]}, "
            f"only ProperDocs {sorted(proper - mkdocs)[:10]}",
            file=sys.stderr,
        )
        return 1
    print(f"ProperDocs and MkDocs publish the same {len(mkdocs)} pages.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
