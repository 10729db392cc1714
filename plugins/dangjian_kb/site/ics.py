"""The register as RFC 5545 calendars (``.ics``), one for everything and one per 党委 / 党总支.

For each organization with a term end: the term end, the six-month reminder and the two-month
请示 deadline, as all-day events. Deterministic: UIDs are made from the organization id and the
event kind (a re-imported calendar updates its events instead of doubling them), DTSTAMP is the
build stamp (SOURCE_DATE_EPOCH when set), and events come in register order.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from dangjian_kb.model.organizations import Organization, Register

PRODID = "-//dangjian-kb//换届提醒//ZH"
UID_DOMAIN = "dangjian-kb.invalid"
ALL_FILE = "calendar/terms.ics"


def file_for(org_id: str) -> str:
    return f"calendar/terms-{org_id}.ics"


def files(register: Register, stamp: dt.datetime) -> dict[str, bytes]:
    """Site path -> calendar bytes: the whole register, then one per parent organization."""
    out = {ALL_FILE: build(register.organizations, "换届提醒（全部党组织）", stamp)}
    for parent in register.parents():
        orgs = [parent, *register.descendants(parent.id)]
        out[file_for(parent.id)] = build(orgs, f"换届提醒：{parent.name}及所属组织", stamp)
    return out


def build(orgs: list[Organization], name: str, stamp: dt.datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    for org in orgs:
        for event in _events(org, stamp):
            cal.add_component(event)
    return cal.to_ical()


def _events(org: Organization, stamp: dt.datetime) -> list[Event]:
    if org.end is None:
        return []
    basis = f"上次换届（成立）：{org.elected}；任期 {org.term} 年" if not org.temporary else f"设立：{org.elected}"
    if org.adjusted is not None:
        basis += f"；经批准调整至 {org.adjusted}（{org.document}）"
    if org.temporary:
        items = [
            ("end", org.end, f"【临时党支部结束】{org.name}", "按期撤销临时党支部，转回党员组织关系。"),
            (
                "request",
                org.request_on,
                f"【撤销请示】{org.name}：两个月后结束",
                "准备撤销临时党支部的请示和组织关系转接。",
            ),
        ]
    else:
        items = [
            ("end", org.end, f"【任期届满】{org.name}", "本届委员会任期届满，应已完成换届选举。"),
            ("request", org.request_on, f"【换届请示】{org.name}：届满前两个月", "应向上级党组织报送换届选举的请示。"),
            (
                "remind",
                org.remind_on,
                f"【换届提醒】{org.name}：届满前六个月",
                "党群工作部发出换届提醒通知，支部着手准备。",
            ),
        ]
    events = []
    for kind, day, summary, what in items:
        event = Event()
        event.add("uid", f"{org.id}-{kind}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", summary)
        event.add("description", f"{what}\n{org.id} {org.name}（{org.level}）\n{basis}；届满（结束）日 {org.end}。")
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["换届提醒"])
        events.append(event)
    return events
