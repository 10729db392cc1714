"""The register on the site: the 换届提醒 page, the calendars, the organization line on case pages
and the status counts on the statistics page. No MkDocs here.

The page carries the build date's status for readers without JavaScript; ``terms.js`` recomputes
every status from the reader's own date from the dates embedded in the page (the zip is opened
months after it was built), so both use the thresholds computed here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from dangjian_kb.check import organizations as check_orgs
from dangjian_kb.model import urls
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.findings import Finding
from dangjian_kb.model.organizations import LEVELS, STATUS_LABEL, STATUS_ORDER, Organization, Register, Status
from dangjian_kb.site import ics as calendar
from dangjian_kb.site.generated import GeneratedPage
from dangjian_kb.site.views import Views

URL = urls.TERMS
TITLE = "换届提醒"
TERMS_JS = "assets/dangjian_kb/terms.js"
STATUS_FINDING = "KB069"  # shown on the page; not logged as a build warning


@dataclass
class Terms:
    register: Register
    findings: list[Finding]
    cases_by_org: dict[str, list[Entry]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path, path: str | None, today: dt.date, overdue_error: bool, entries: list[Entry]) -> Terms:
        loaded = check_orgs.load(root, path, today, overdue_error)
        cases, found = check_orgs.check_units(loaded.register, entries)
        return cls(loaded.register, sorted(loaded.findings + found), cases)

    @property
    def build_findings(self) -> list[Finding]:
        """What a site build reports: everything but the statuses, which the page itself shows."""
        return [f for f in self.findings if f.code != STATUS_FINDING]

    # -- pages ---------------------------------------------------------------------------------
    def page(self, views: Views, built: dt.date) -> GeneratedPage:
        reg, today = self.register, views.today
        advice = _advice()
        groups = []
        for status in STATUS_ORDER:
            orgs = [o for o in reg.organizations if o.status(today) is status]
            groups.append(
                {
                    "key": status.value,
                    "label": STATUS_LABEL[status],
                    "count": len(orgs),
                    "advice": advice.get(status.value, {}).get("advice", ""),
                    "links": [
                        views.kb.by_id[i] for i in advice.get(status.value, {}).get("links", []) if i in views.kb.by_id
                    ],
                    "parents": self._by_parent(orgs),
                }
            )
        parents = reg.parents()
        html = views.render(
            "terms.html",
            URL,
            groups=groups,
            today=today.isoformat(),
            built=built.isoformat(),
            parents=parents,
            levels=[lv for lv in LEVELS if any(o.level == lv for o in reg.organizations)],
            rows=self._rows(today),
            cases=self.cases_by_org,
            all_ics=calendar.ALL_FILE,
            ics_for=calendar.file_for,
            present=reg.present,
            path=reg.path,
            total=len(reg.organizations),
        )
        return GeneratedPage(
            URL, TITLE, html, data=(("kb-terms-data", self._data(today, advice)),), scripts=(TERMS_JS,)
        )

    def _by_parent(self, orgs: list[Organization]) -> list[dict]:
        order: dict[str, list[Organization]] = {}
        for o in orgs:
            order.setdefault(o.parent or "", []).append(o)
        out = []
        for pid, members in order.items():
            parent = self.register.by_id.get(pid)
            out.append({"id": pid, "name": parent.name if parent else "（最上层）", "orgs": members})
        return out

    def _rows(self, today: dt.date) -> dict[str, dict]:
        return {
            o.id: {
                "status": o.status(today).value,
                "label": STATUS_LABEL[o.status(today)],
                "days": o.days_left(today),
                "parent": self.register.by_id.get(o.parent) if o.parent else None,
            }
            for o in self.register.organizations
        }

    def _data(self, today: dt.date, advice: dict) -> dict:
        def ancestors(o: Organization) -> list[str]:
            chain, node = [], o
            while node is not None and node.parent and node.parent not in chain:
                chain.append(node.parent)
                node = self.register.by_id.get(node.parent)
            return chain

        data = {
            "built": today.isoformat(),
            "statuses": [{"key": s.value, "label": STATUS_LABEL[s]} for s in STATUS_ORDER],
            "orgs": [
                {
                    "id": o.id,
                    "parent": o.parent or "",
                    "level": o.level,
                    "ancestors": ancestors(o),
                    "end": _iso(o.end),
                    "remind": _iso(o.remind_on),
                    "request": _iso(o.request_on),
                }
                for o in self.register.organizations
            ],
        }
        return data

    def calendars(self, stamp: dt.datetime) -> dict[str, bytes]:
        return calendar.files(self.register, stamp) if self.register.present else {}

    def case_note(self, views: Views, entry: Entry) -> str:
        """The organization line under a case whose ``unit`` names a registered organization."""
        if "unit" not in entry.collection.fields:
            return ""
        org = self.register.find(entry.meta.get("unit"))
        if org is None:
            return ""
        return views.render("terms_case.html", entry.url, org=org, url=f"{URL}#org-{org.id}")

    def stats_block(self, views: Views) -> str:
        if not self.register.present:
            return ""
        counts = self.register.counts(views.today)
        rows = [{"key": s.value, "label": STATUS_LABEL[s], "count": counts[s]} for s in STATUS_ORDER]
        return views.render(
            "terms_stats.html",
            urls.STATS,
            rows=rows,
            today=views.today.isoformat(),
            url=URL,
            total=len(self.register.organizations),
        )

    def with_stats(self, views: Views, pages: list[GeneratedPage]) -> list[GeneratedPage]:
        """The statistics page with the term-status counts appended."""
        block = self.stats_block(views)
        return [dataclasses.replace(p, html=p.html + block) if p.url == urls.STATS and block else p for p in pages]


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _advice() -> dict:
    text = resources.files("dangjian_kb").joinpath("data", "term_status.yml").read_text("utf-8")
    return yaml.safe_load(text)


__all__ = ["TITLE", "URL", "Status", "Terms"]
