"""Findings: what the validator reports, one line each, in one message shape.

Shape: ``<file>:<line>: <code> <what is wrong>. <how to fix>``. Codes are stable
(documented in docs/contributing and README) so that tools and people can rely on them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


# code -> (severity, short English name for developers). Messages are Chinese and built by rules.
CODES: dict[str, tuple[Severity, str]] = {
    "KB001": (Severity.ERROR, "encoding"),
    "KB002": (Severity.ERROR, "front-matter-missing"),
    "KB003": (Severity.ERROR, "front-matter-unclosed"),
    "KB004": (Severity.ERROR, "yaml-syntax"),
    "KB005": (Severity.ERROR, "full-width-punctuation"),
    "KB006": (Severity.ERROR, "tab-in-yaml"),
    "KB007": (Severity.ERROR, "front-matter-not-mapping"),
    "KB008": (Severity.ERROR, "yaml-alias"),
    "KB009": (Severity.ERROR, "file-too-large"),
    "KB010": (Severity.WARNING, "not-markdown"),
    "KB011": (Severity.ERROR, "symlink-outside"),
    "KB012": (Severity.ERROR, "field-missing"),
    "KB013": (Severity.ERROR, "field-type"),
    "KB014": (Severity.ERROR, "id-pattern"),
    "KB015": (Severity.ERROR, "id-file-name"),
    "KB016": (Severity.ERROR, "id-duplicate"),
    "KB017": (Severity.ERROR, "category-unknown"),
    "KB018": (Severity.ERROR, "topic-unknown"),
    "KB019": (Severity.ERROR, "enum-value"),
    "KB020": (Severity.ERROR, "date"),
    "KB021": (Severity.ERROR, "heading-missing"),
    "KB022": (Severity.ERROR, "heading-order"),
    "KB023": (Severity.ERROR, "section-empty"),
    "KB024": (Severity.ERROR, "steps-not-ordered-list"),
    "KB025": (Severity.ERROR, "related-unknown"),
    "KB026": (Severity.ERROR, "wikilink-unknown"),
    "KB027": (Severity.WARNING, "review-overdue"),
    "KB028": (Severity.WARNING, "field-unknown"),
    "KB029": (Severity.ERROR, "unsafe-html"),
    "KB030": (Severity.ERROR, "title"),
    "KB031": (Severity.ERROR, "file-link-unknown"),
    "KB032": (Severity.WARNING, "related-self"),
    "KB033": (Severity.ERROR, "privacy"),
    "KB034": (Severity.WARNING, "near-duplicate"),
    "KB035": (Severity.WARNING, "chapter-missing"),
    "KB036": (Severity.ERROR, "file-unreadable"),
    "KB037": (Severity.ERROR, "taxonomy"),
    "KB038": (Severity.ERROR, "template-prompt"),
    "KB039": (Severity.ERROR, "asset-refused"),
    "KB040": (Severity.ERROR, "unsafe-address"),
    "KB041": (Severity.ERROR, "body-too-complex"),
    "KB042": (Severity.ERROR, "special-file"),
    "KB043": (Severity.ERROR, "markup-in-field"),
    "KB044": (Severity.ERROR, "file-name-unsafe"),
    "KB045": (Severity.WARNING, "elsewhere-word-in-title"),
    "KB046": (Severity.WARNING, "taxonomy-synonyms-warning"),  # unknown key, word or topic written twice
    "KB047": (Severity.ERROR, "wikilink-malformed"),  # 【【P-0012】】, [[P-0012], [[]]: shown as text, not a link
    "KB048": (Severity.ERROR, "front-matter-twice"),
    # regulations register (regulations.yml) and citations of it
    "KB050": (Severity.ERROR, "register-unusable"),
    "KB051": (Severity.ERROR, "register-field"),
    "KB052": (Severity.WARNING, "register-field-unknown"),
    "KB053": (Severity.ERROR, "basis-unknown"),
    "KB054": (Severity.WARNING, "basis-superseded"),
    "KB055": (Severity.ERROR, "basis-article"),
    # KB060-KB069: the organization register (organizations.yml, 换届提醒)
    "KB060": (Severity.ERROR, "register-file"),
    "KB061": (Severity.ERROR, "register-field"),
    "KB062": (Severity.ERROR, "register-duplicate"),
    "KB063": (Severity.ERROR, "register-parent"),
    "KB064": (Severity.ERROR, "register-date"),
    "KB065": (Severity.ERROR, "register-term"),
    "KB066": (Severity.ERROR, "register-adjustment"),
    "KB067": (Severity.WARNING, "register-field-unknown"),
    "KB068": (Severity.ERROR, "register-term-overdue"),
    "KB069": (Severity.WARNING, "register-term-status"),
    # branch standards (standards/*.yml), see check/standards.py
    "KB070": (Severity.ERROR, "standard-file"),
    "KB071": (Severity.ERROR, "standard-field"),
    "KB072": (Severity.WARNING, "standard-field-unknown"),
    "KB073": (Severity.ERROR, "standard-points"),
    "KB074": (Severity.ERROR, "standard-deduction"),
    "KB075": (Severity.ERROR, "standard-levels"),
    "KB076": (Severity.ERROR, "standard-id-duplicate"),
    "KB077": (Severity.ERROR, "standard-reference"),
    "KB078": (Severity.ERROR, "standard-marker"),
    "KB079": (Severity.WARNING, "standard-figure-restated"),
    # document templates (templates/): declared fill-in fields and the parts of a 公文
    "KB080": (Severity.ERROR, "placeholder-undeclared"),
    "KB081": (Severity.ERROR, "field-unused"),
    "KB082": (Severity.ERROR, "placeholder-malformed"),
    "KB083": (Severity.ERROR, "field-declaration"),
    "KB084": (Severity.ERROR, "document-part-missing"),
    "KB085": (Severity.WARNING, "request-closing-missing"),
}


@dataclass(frozen=True, order=True)
class Finding:
    path: str  # relative to the knowledge-base root, POSIX separators
    line: int  # 0 when the finding concerns the whole file
    code: str
    message: str  # Chinese: what is wrong (value quoted). How to fix.

    def __post_init__(self) -> None:
        # A finding is one line and goes to a terminal: quoted values may hold newlines or ESC sequences.
        object.__setattr__(self, "path", printable(self.path))
        object.__setattr__(self, "message", printable(self.message))

    @property
    def severity(self) -> Severity:
        return CODES[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location()}: {self.code} {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line or None,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_IDEOGRAPHIC_SPACE = "\u3000"  # Chinese text's own space: shown as typed (messages name it)


def printable(text: str, keep: str = "") -> str:
    """``text`` with control and invisible format characters written as escapes (\\n, \\x1b, \\u200b);
    the full-width space U+3000 and the characters of ``keep`` (a notice's line breaks) stay as typed."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == _IDEOGRAPHIC_SPACE or ch in keep else _ESCAPES.get(ch) or _escape(ch)
        for ch in text
    )


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class Collector:
    """Accumulates findings for one file so rules stay short."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Finding] = []

    def add(self, code: str, line: int | None, message: str) -> None:
        self.items.append(Finding(self.path, line or 0, code, message))
