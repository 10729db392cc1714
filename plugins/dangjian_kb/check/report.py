"""Findings as text (grouped by file, coloured on a terminal), JSON, or GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Iterable

from dangjian_kb.model.findings import Finding

_RED, _YELLOW, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[1m", "\033[0m"


def summary(findings: list[Finding], entries: int) -> str:
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return f"检查通过：{entries} 个条目，没有发现问题。"
    return f"共检查 {entries} 个条目：{errors} 个错误，{warnings} 个警告。"


def as_text(findings: list[Finding], entries: int, colour: bool = False) -> str:
    lines: list[str] = []
    current = None
    for f in findings:
        if f.path != current:
            current = f.path
            lines.append(f"{_BOLD}{f.path}{_RESET}" if colour else f.path)
        label = "错误" if f.is_error else "警告"
        if colour:
            label = f"{_RED if f.is_error else _YELLOW}{label}{_RESET}"
        lines.append(f"  {f} [{label}]")
    lines.append(summary(findings, entries))
    return "\n".join(lines)


def as_json(findings: list[Finding], entries: int) -> str:
    doc = {
        "entries": entries,
        "errors": sum(f.is_error for f in findings),
        "warnings": sum(not f.is_error for f in findings),
        "findings": [f.as_dict() for f in findings],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: Iterable[Finding], prefix: str = "") -> str:
    """GitHub Actions workflow commands; ``prefix`` is the KB root relative to the repository."""
    out = []
    for f in findings:
        level = "error" if f.is_error else "warning"
        props = [f"file={_escape_prop(prefix + f.path)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={f.code}")
        out.append(f"::{level} {','.join(props)}::{_escape_data(f.code + ' ' + f.message)}")
    return "\n".join(out)
