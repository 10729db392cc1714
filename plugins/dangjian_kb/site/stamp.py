"""The build stamp: when, from which commit, and how much, so two copies can be told apart.
Honours SOURCE_DATE_EPOCH, so a reproducible build gives byte-identical output."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Stamp:
    built: dt.datetime  # UTC
    commit: str | None
    counts: tuple[tuple[str, str, int], ...]  # (collection name, label, entries; handbook: sections)


def build_time() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def git_commit(root: Path) -> str | None:
    commit = _git(root, "rev-parse", "--short=12", "HEAD")
    if not commit:
        return None
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    return commit + ("（含未提交的修改）" if dirty else "")


def _git(root: Path, *args: str) -> str | None:
    """git's answer, or None where there is no git, no repository or no answer in 5 s."""
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None
