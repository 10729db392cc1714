"""Branch standards (达标升级): one YAML file per standard under ``standards/``.

A standard has aspects, each aspect has items; an item has its points, the rules that earn or
lose them, the evidence a checker looks at and whether it is a veto item. Levels (达标 / 先进 /
示范) have pass marks. The data is read and checked by ``check/standards.py``; the site shows it
(handbook table, self-check page, comparison view) from here, so no page restates its figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FOLDER = "standards"  # declared beside the Markdown collections; one ``<id>.yml`` per standard
STANDARD_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
COMPARE_SUFFIX = "-compare"  # standards/<id>-compare.html is the standard's comparison page
ITEM_ID = re.compile(r"[A-Z]{1,4}-\d{2,3}")
ASPECT_ID = re.compile(r"[A-Z]{1,4}-[A-Z]")
# The line a handbook section writes where the standard's table belongs (documented in README).
MARKER = re.compile(r"^\s*<!--\s*dangjian-kb:standard\s+(\S*)\s*-->\s*$")
MARKER_TEXT = "<!-- dangjian-kb:standard {id} -->"

# Field names per level of the file, in the order the contribution guide lists them.
STANDARD_FIELDS = (
    "id",
    "title",
    "total",
    "handbook",
    "basis",
    "owner",
    "version",
    "intro",
    "verification",
    "levels",
    "aspects",
)
VERIFICATION_FIELDS = ("interview_min", "self_check", "method")
LEVEL_FIELDS = ("name", "pass", "note")
ASPECT_FIELDS = ("id", "title", "points", "items")
ITEM_FIELDS = ("id", "title", "requirement", "points", "full", "deductions", "evidence", "veto", "veto_when", "related")
DEDUCTION_FIELDS = ("when", "points")


@dataclass(frozen=True)
class Deduction:
    when: str
    points: int
    line: int = 0


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    requirement: str
    points: int
    full: str
    deductions: tuple[Deduction, ...]
    evidence: tuple[str, ...]
    veto: bool = False
    veto_when: str = ""
    related: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Aspect:
    id: str
    title: str
    items: tuple[Item, ...]
    declared_points: int | None = None
    line: int = 0

    @property
    def points(self) -> int:
        return sum(i.points for i in self.items)


@dataclass(frozen=True)
class Level:
    name: str
    pass_mark: int
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class Verification:
    interview_min: int | None = None
    self_check: str = ""
    method: str = ""


@dataclass
class Standard:
    id: str
    title: str
    total: int
    rel: str  # file path relative to the knowledge-base root
    aspects: tuple[Aspect, ...] = ()
    levels: tuple[Level, ...] = ()
    handbook: str = ""
    basis: tuple[str, ...] = ()
    owner: str = ""
    version: str = ""
    intro: str = ""
    verification: Verification = field(default_factory=Verification)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def items(self) -> list[Item]:
        return [i for a in self.aspects for i in a.items]

    @property
    def veto_items(self) -> list[Item]:
        return [i for i in self.items if i.veto]

    def figures(self) -> dict[str, object]:
        """The figures other entries must not restate differently (see check/standards.restated)."""
        return {
            "total": self.total,
            "items": len(self.items),
            "aspects": len(self.aspects),
            "pass_marks": {lv.name: lv.pass_mark for lv in self.levels},
            "interview_min": self.verification.interview_min,
        }

    def as_json(self) -> dict[str, object]:
        """What the self-check and comparison pages read (embedded in the page, never fetched)."""
        return {
            "id": self.id,
            "title": self.title,
            "total": self.total,
            "levels": [{"name": lv.name, "pass": lv.pass_mark, "note": lv.note} for lv in self.levels],
            "aspects": [
                {
                    "id": a.id,
                    "title": a.title,
                    "points": a.points,
                    "items": [
                        {
                            "id": i.id,
                            "title": i.title,
                            "requirement": i.requirement,
                            "points": i.points,
                            "full": i.full,
                            "deductions": [{"when": d.when, "points": d.points} for d in i.deductions],
                            "evidence": list(i.evidence),
                            "veto": i.veto,
                            "veto_when": i.veto_when,
                        }
                        for i in a.items
                    ],
                }
                for a in self.aspects
            ],
        }
