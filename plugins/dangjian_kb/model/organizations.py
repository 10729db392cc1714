"""The organization register (换届提醒): what an organization IS and when its term ends.

Organizations and dates only, never people. Term defaults by level and type, the range an
organization may set for itself, the longest adjustment and the reminder thresholds are data
(``data/term_defaults.yml``, each with its cited source), not code.

Dates: a term of N years ends on the same calendar day N years after the election; a day that
does not exist there (29 February) becomes the month's last day. The reminder is due on the day
six months before the term end and the 请示 two months before, counted back the same way, so the
page, the command and the calendar agree on the very day a status changes.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources

import yaml

from dangjian_kb.model.dates import add_months

LEVELS = ("党委", "党总支", "党支部", "临时党支部")
TYPES = ("企业", "机关", "事业单位", "村", "社区", "学校", "社会组织", "其他")
TEMPORARY = "临时党支部"
DEFAULT_FILE = "organizations.yml"
RULES_FILE = "term_defaults.yml"


class Status(enum.StrEnum):
    OVERDUE = "overdue"
    REQUEST = "request"
    REMIND = "remind"
    NORMAL = "normal"
    NONE = "none"


# Display order (most urgent first) and Chinese labels; the page, the command and the JS share these.
STATUS_ORDER = (Status.OVERDUE, Status.REQUEST, Status.REMIND, Status.NORMAL, Status.NONE)
STATUS_LABEL = {
    Status.OVERDUE: "已逾期",
    Status.REQUEST: "两个月内须报请示",
    Status.REMIND: "六个月内发换届提醒",
    Status.NORMAL: "正常",
    Status.NONE: "无记录",
}


@dataclass(frozen=True)
class TermDefault:
    level: str
    type: str | None  # None: any type of that level
    years: int | None  # None: no term (temporary branch)
    source: str  # the cited rule, in full


@dataclass(frozen=True)
class TermRules:
    defaults: tuple[TermDefault, ...]
    term_min: int
    term_max: int
    term_range_source: str
    max_adjust_months: int
    adjust_source: str
    remind_months: int
    request_months: int

    def default_for(self, level: str, org_type: str) -> TermDefault | None:
        exact = [d for d in self.defaults if d.level == level and d.type == org_type]
        any_type = [d for d in self.defaults if d.level == level and d.type is None]
        found = exact or any_type
        return found[0] if found else None


def load_rules() -> TermRules:
    """The shipped term defaults (package data; a broken file is a packaging bug, not user input)."""
    text = resources.files("dangjian_kb").joinpath("data", RULES_FILE).read_text("utf-8")
    data = yaml.safe_load(text)
    sources: dict[str, str] = data["sources"]
    defaults = tuple(
        TermDefault(d["level"], d.get("type"), d.get("years"), sources[d["source"]]) for d in data["defaults"]
    )
    rng, adjust = data["term_range"], data["max_adjust_months"]
    return TermRules(
        defaults,
        int(rng["min"]),
        int(rng["max"]),
        sources[rng["source"]],
        int(adjust["value"]),
        sources[adjust["source"]],
        int(data["remind_months"]),
        int(data["request_months"]),
    )


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    level: str
    type: str
    parent: str | None = None
    elected: dt.date | None = None  # last election, or establishment
    term: int | None = None  # years in force (own value or the default)
    term_source: str = ""  # '本组织设定' or the cited default rule
    adjusted: dt.date | None = None  # approved earlier or later election date
    document: str | None = None  # approving document number
    reason: str | None = None
    ends: dt.date | None = None  # temporary branch: planned end
    note: str | None = None
    line: int = 0  # line of the item in the register file
    remind_months: int = 6
    request_months: int = 2

    @property
    def temporary(self) -> bool:
        return self.level == TEMPORARY

    @property
    def regular_end(self) -> dt.date | None:
        """End of the term as elected, before any approved adjustment."""
        if self.temporary:
            return self.ends
        if self.elected is None or self.term is None:
            return None
        return add_months(self.elected, 12 * self.term)

    @property
    def end(self) -> dt.date | None:
        """The date that counts: an approved adjustment replaces the regular end."""
        if not self.temporary and self.adjusted is not None and self.regular_end is not None:
            return self.adjusted
        return self.regular_end

    @property
    def remind_on(self) -> dt.date | None:
        return add_months(self.end, -self.remind_months) if self.end else None

    @property
    def request_on(self) -> dt.date | None:
        return add_months(self.end, -self.request_months) if self.end else None

    def status(self, on: dt.date) -> Status:
        end = self.end
        if end is None:
            return Status.NONE
        if on > end:
            return Status.OVERDUE  # the last day of the term still belongs to it
        if self.request_on is not None and on >= self.request_on:
            return Status.REQUEST
        if self.remind_on is not None and on >= self.remind_on:
            return Status.REMIND
        return Status.NORMAL

    def days_left(self, on: dt.date) -> int | None:
        return (self.end - on).days if self.end else None


@dataclass
class Register:
    path: str  # as reported in findings, relative to the knowledge-base root
    organizations: list[Organization] = field(default_factory=list)
    present: bool = False  # the file exists

    @cached_property
    def by_id(self) -> dict[str, Organization]:
        return {o.id: o for o in self.organizations}

    @cached_property
    def by_name(self) -> dict[str, Organization]:
        return {o.name: o for o in self.organizations}

    def children(self, org_id: str) -> list[Organization]:
        return [o for o in self.organizations if o.parent == org_id]

    def descendants(self, org_id: str) -> list[Organization]:
        """Every organization under ``org_id``, in register order (cycles are cut, not followed)."""
        seen = {org_id}
        out: list[Organization] = []
        frontier = [org_id]
        while frontier:
            nxt = []
            for o in self.organizations:
                if o.parent in frontier and o.id not in seen:
                    seen.add(o.id)
                    out.append(o)
                    nxt.append(o.id)
            frontier = nxt
        order = {o.id: i for i, o in enumerate(self.organizations)}
        return sorted(out, key=lambda o: order[o.id])

    def parents(self) -> list[Organization]:
        """Organizations that have organizations under them (党委, 党总支): one calendar each."""
        ids = {o.parent for o in self.organizations if o.parent}
        return [o for o in self.organizations if o.id in ids]

    def find(self, unit: object) -> Organization | None:
        """The organization a case's ``unit`` names, by id or by exact name."""
        if not isinstance(unit, str):
            return None
        text = unit.strip()
        return self.by_id.get(text) or self.by_name.get(text)

    def counts(self, on: dt.date) -> dict[Status, int]:
        out = dict.fromkeys(STATUS_ORDER, 0)
        for o in self.organizations:
            out[o.status(on)] += 1
        return out

    def due(self, on: dt.date, months: int) -> list[Organization]:
        """Organizations whose term ends within ``months`` months of ``on`` (or has already ended),
        most urgent first."""
        found = [o for o in self.organizations if o.end is not None and add_months(o.end, -months) <= on]
        return sorted(found, key=lambda o: (o.end, o.id))
