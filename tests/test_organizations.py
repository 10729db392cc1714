"""The organization register (换届提醒): term arithmetic and status boundaries, validation
(KB060–KB069), the shipped example register, the calendars (read back by icalendar and by a
line-based RFC 5545 reader) and the `reminders` command."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from dangjian_kb import cli
from dangjian_kb.authoring import reminders
from dangjian_kb.check import organizations as check_orgs
from dangjian_kb.model.dates import add_months
from dangjian_kb.model.organizations import Organization, Register, Status, load_rules
from dangjian_kb.site import ics as calendar

REPO = Path(__file__).resolve().parents[1]
D = dt.date
# The shipped example register is illustrative; its dates are arranged around this day.
EXAMPLE_AS_OF = D(2026, 12, 1)


def org(elected: dt.date | None, term: int | None = 3, **kw) -> Organization:
    base = {"id": "ORG-001", "name": "测试党支部", "level": "党支部", "type": "企业"}
    return Organization(**{**base, **kw}, elected=elected, term=term)


def write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "organizations.yml").write_text(body, "utf-8")
    return tmp_path


def load(tmp_path: Path, body: str, today: dt.date = D(2026, 6, 1), **kw):
    return check_orgs.load(write(tmp_path, body), None, today, **kw)


def codes(loaded) -> list[str]:
    return [f.code for f in loaded.findings]


ONE = """organizations:
  - id: ORG-001
    name: 测试党委
    level: 党委
    type: 企业
    elected: 2024-05-20
"""


# ---------------------------------------------------------------- dates and statuses


def test_month_end_and_leap_day_arithmetic():
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)  # leap year
    assert add_months(D(2027, 8, 31), -6) == D(2027, 2, 28)
    assert add_months(D(2028, 8, 31), -6) == D(2028, 2, 29)
    assert add_months(D(2026, 12, 31), -2) == D(2026, 10, 31)
    assert add_months(D(2027, 4, 30), -2) == D(2027, 2, 28)


def test_term_from_a_leap_day_ends_on_28_february():
    o = org(D(2024, 2, 29), 3)
    assert o.end == D(2027, 2, 28)
    assert org(D(2024, 2, 29), 4).end == D(2028, 2, 29)  # four years on, the day exists again
    assert o.status(D(2027, 2, 28)) is Status.REQUEST  # the last day of the term
    assert o.status(D(2027, 3, 1)) is Status.OVERDUE


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (D(2026, 12, 29), Status.NORMAL),  # a day before six months
        (D(2026, 12, 30), Status.REMIND),  # exactly six months before
        (D(2027, 4, 29), Status.REMIND),  # a day before two months
        (D(2027, 4, 30), Status.REQUEST),  # exactly two months before
        (D(2027, 6, 29), Status.REQUEST),
        (D(2027, 6, 30), Status.REQUEST),  # the day of expiry still belongs to the term
        (D(2027, 7, 1), Status.OVERDUE),  # the day after
    ],
)
def test_status_boundaries(on, status):
    o = org(D(2024, 6, 30))
    assert o.end == D(2027, 6, 30)
    assert o.status(on) is status


def test_month_end_term_reminds_on_the_last_day_of_february():
    o = org(D(2024, 8, 31))  # ends 2027-08-31; six months before is 2027-02-28
    assert o.remind_on == D(2027, 2, 28)
    assert o.status(D(2027, 2, 27)) is Status.NORMAL
    assert o.status(D(2027, 2, 28)) is Status.REMIND
    assert o.request_on == D(2027, 6, 30)
    leap = org(D(2025, 8, 31))  # ends 2028-08-31; six months before is the leap day
    assert leap.remind_on == D(2028, 2, 29)
    assert leap.status(D(2028, 2, 28)) is Status.NORMAL
    assert leap.status(D(2028, 2, 29)) is Status.REMIND


def test_no_record_and_days_left():
    assert org(None).status(D(2026, 1, 1)) is Status.NONE
    assert org(None).days_left(D(2026, 1, 1)) is None
    assert org(D(2024, 6, 30)).days_left(D(2027, 6, 20)) == 10
    assert org(D(2024, 6, 30)).days_left(D(2027, 7, 2)) == -2


def test_temporary_branch_counts_to_its_end_date():
    o = org(D(2025, 3, 1), None, level="临时党支部", ends=D(2027, 6, 30))
    assert o.end == D(2027, 6, 30)
    assert o.status(D(2027, 7, 1)) is Status.OVERDUE


def test_approved_postponement_moves_the_end():
    o = Organization(
        "ORG-001",
        "支部",
        "党支部",
        "企业",
        elected=D(2023, 9, 15),
        term=3,
        adjusted=D(2027, 3, 31),
        document="海服党委〔2026〕18号",
    )
    assert o.regular_end == D(2026, 9, 15)
    assert o.end == D(2027, 3, 31)
    assert o.status(D(2026, 12, 1)) is Status.REMIND


def test_term_defaults_are_data_with_their_source():
    rules = load_rules()
    assert rules.default_for("党委", "企业").years == 5
    assert rules.default_for("党支部", "企业").years == 3
    assert rules.default_for("党总支", "企业").years == 3
    assert rules.default_for("党支部", "社区").years == 5
    assert rules.default_for("党委", "村").years == 5
    assert rules.default_for("临时党支部", "企业").years is None
    assert "关于党的基层组织任期的意见" in rules.default_for("党支部", "村").source
    assert rules.max_adjust_months == 12 and "不超过1年" in rules.adjust_source


# ---------------------------------------------------------------- validation


def test_valid_register_has_no_findings(tmp_path):
    loaded = load(tmp_path, ONE)
    assert loaded.findings == []
    o = loaded.register.organizations[0]
    assert o.term == 5 and o.end == D(2029, 5, 20) and "任期的意见" in o.term_source


def test_missing_register_is_empty_and_silent(tmp_path):
    loaded = check_orgs.load(tmp_path, None, D(2026, 6, 1))
    assert not loaded.register.present and loaded.findings == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("organizations: [\n", "KB060"),
        ("- id: ORG-001\n", "KB060"),
        ("base: &b {level: 党委}\norganizations: []\n", "KB060"),
        ("organizations: 3\n", "KB060"),
    ],
)
def test_broken_files(tmp_path, text, code):
    assert code in codes(load(tmp_path, text))


def test_gbk_file_is_reported(tmp_path):
    (tmp_path / "organizations.yml").write_bytes(ONE.encode("gbk"))
    f = check_orgs.load(tmp_path, None, D(2026, 6, 1)).findings
    assert [x.code for x in f] == ["KB060"] and "GBK" in f[0].message


def test_field_errors_with_suggestions(tmp_path):
    text = ONE.replace("level: 党委", "level: 党支")
    text = text.replace("type: 企业", "type: 国企") + "    secretary: 某某\n"
    loaded = load(tmp_path, text)
    msgs = [str(f) for f in loaded.findings]
    assert any("KB061" in m and "是否想写 '党支部'" in m for m in msgs)
    assert any("KB061" in m and "'国企'" in m for m in msgs)
    assert any(m.startswith("organizations.yml:7: KB067") and "secretary" in m for m in msgs)


def test_chinese_field_name_suggests_the_field(tmp_path):
    f = load(tmp_path, ONE + "    任期: 5\n").findings
    assert [x.code for x in f] == ["KB067"] and "是否想写 'term'" in f[0].message


def test_id_pattern_and_duplicates(tmp_path):
    two = ONE + ONE.split("organizations:\n")[1].replace("name: 测试党委", "name: 另一个党委")
    loaded = load(tmp_path, two)
    dup = [f for f in loaded.findings if f.code == "KB062"]
    assert len(dup) == 1 and dup[0].line == 7 and "第 2 行" in dup[0].message
    assert "KB061" in codes(load(tmp_path, ONE.replace("ORG-001", "org1")))


def test_bad_dates_and_future_election(tmp_path):
    f = load(tmp_path, ONE.replace("2024-05-20", "2024年5月20日")).findings
    assert sorted(x.code for x in f) == ["KB064", "KB069"]  # the date is unusable: no record
    assert "是否想写 '2024-05-20'" in next(x for x in f if x.code == "KB064").message
    assert "KB064" in codes(load(tmp_path, ONE.replace("2024-05-20", "2024-02-30")))
    assert "KB064" in codes(load(tmp_path, ONE.replace("2024-05-20", "2027-01-01")))


def test_an_unusable_level_does_not_hide_the_other_problems_of_the_item(tmp_path):
    f = load(tmp_path, ONE.replace("level: 党委", "level: 支部") + "    term: 2\n").findings
    assert {"KB061", "KB065"} <= {x.code for x in f}


def test_impossible_dates_are_named(tmp_path):
    f = load(tmp_path, ONE.replace("2024-05-20", "0001-01-01")).findings
    assert "KB064" in {x.code for x in f} and "1921" in next(x for x in f if x.code == "KB064").message
    assert not any("天" in x.message and "0001" in x.message for x in f)  # no '已过 738855 天'
    f = load(tmp_path, TEMP.replace("ends: 2026-05-31", "ends: 2025-01-01"), today=D(2025, 6, 1)).findings
    ends = [x for x in f if x.code == "KB064"]
    assert len(ends) == 1 and "'2025-01-01'" in ends[0].message and "'2025-03-01'" in ends[0].message


def test_values_are_quoted_as_written_never_as_python(tmp_path):
    f = load(tmp_path, ONE.replace("name: 测试党委", "name: [列表, 名字]")).findings
    assert any("[列表, 名字]" in x.message for x in f)
    assert not any("['" in x.message for x in f)


@pytest.mark.parametrize("term", ["2", "6", "三年", "true"])
def test_term_out_of_range(tmp_path, term):
    assert codes(load(tmp_path, ONE + f"    term: {term}\n")) == ["KB065"]


def test_own_term_within_range_overrides_the_default(tmp_path):
    o = load(tmp_path, ONE + "    term: 3\n").register.organizations[0]
    assert o.term == 3 and o.end == D(2027, 5, 20)


ADJUST = ONE + "    adjusted:\n      date: {date}\n{document}"


def test_postponement_within_a_year_with_document(tmp_path):
    text = ADJUST.format(date="2030-05-20", document="      document: 集团党委〔2029〕3号\n")
    loaded = load(tmp_path, text)
    assert loaded.findings == []
    assert loaded.register.organizations[0].end == D(2030, 5, 20)


def test_postponement_over_twelve_months_is_an_error(tmp_path):
    text = ADJUST.format(date="2030-05-21", document="      document: 集团党委〔2029〕3号\n")
    f = load(tmp_path, text).findings
    assert [x.code for x in f] == ["KB066"] and f[0].is_error and "2030-05-20" in f[0].message
    # the adjustment is not applied: the regular end stands
    assert load(tmp_path, text).register.organizations[0].end == D(2029, 5, 20)


def test_postponement_without_document_number_is_an_error(tmp_path):
    f = load(tmp_path, ADJUST.format(date="2029-11-20", document="")).findings
    assert [x.code for x in f] == ["KB066"] and "批准文号" in f[0].message


def test_advancement_over_twelve_months_is_an_error(tmp_path):
    text = ADJUST.format(date="2028-05-19", document="      document: 集团党委〔2027〕9号\n")
    assert codes(load(tmp_path, text)) == ["KB066"]


TREE = """organizations:
  - id: ORG-001
    name: 公司党委
    level: 党委
    type: 企业
    elected: 2024-05-20
  - id: ORG-010
    name: 第一党总支
    level: 党总支
    type: 企业
    parent: ORG-001
    elected: 2025-05-20
  - id: ORG-011
    name: 第一党支部
    level: 党支部
    type: 企业
    parent: ORG-010
    elected: 2025-05-20
"""


def test_unknown_parent_suggests_an_id(tmp_path):
    f = load(tmp_path, TREE.replace("parent: ORG-010", "parent: ORG-01O")).findings
    assert [x.code for x in f] == ["KB063"] and "是否想写 'ORG-010'" in f[0].message


def test_a_parent_written_as_a_name_suggests_its_id(tmp_path):
    f = load(tmp_path, TREE.replace("parent: ORG-010", "parent: 第一党总支", 1)).findings
    assert [x.code for x in f] == ["KB063"] and "是否想写 'ORG-010'" in f[0].message, f


def test_circular_parent(tmp_path):
    text = TREE.replace("    elected: 2024-05-20\n", "    parent: ORG-010\n    elected: 2024-05-20\n", 1)
    f = load(tmp_path, text).findings
    assert [x.code for x in f] == ["KB063"]
    assert "ORG-001 → ORG-010 → ORG-001" in f[0].message
    reg = load(tmp_path, text).register
    assert {o.id for o in reg.descendants("ORG-001")} == {"ORG-010", "ORG-011"}  # no endless loop


def test_branch_cannot_be_a_parent(tmp_path):
    text = (
        TREE
        + "  - id: ORG-012\n    name: 小组\n    level: 党支部\n    type: 企业\n    parent: ORG-011\n    elected: 2025-05-20\n"
    )
    assert codes(load(tmp_path, text)) == ["KB063"]


TEMP = """organizations:
  - id: ORG-001
    name: 公司党委
    level: 党委
    type: 企业
    elected: 2024-05-20
  - id: ORG-029
    name: 项目临时党支部
    level: 临时党支部
    type: 企业
    parent: ORG-001
    elected: 2025-03-01
    ends: 2026-05-31
"""


def test_temporary_branch_past_its_end_date(tmp_path):
    f = load(tmp_path, TEMP, today=D(2026, 6, 1)).findings
    assert [x.code for x in f] == ["KB069"] and "撤销" in f[0].message and f[0].line == 7
    assert load(tmp_path, TEMP, today=D(2026, 5, 31)).findings[0].message.count("将于 2026-05-31 结束") == 1
    strict = load(tmp_path, TEMP, today=D(2026, 6, 1), overdue_error=True).findings
    assert [x.code for x in strict] == ["KB068"] and strict[0].is_error


def test_temporary_branch_rules(tmp_path):
    assert codes(load(tmp_path, TEMP.replace("    ends: 2026-05-31\n", ""), today=D(2025, 6, 1))) == ["KB061", "KB069"]
    assert "KB065" in codes(load(tmp_path, TEMP + "    term: 3\n", today=D(2025, 6, 1)))
    assert "KB061" in codes(load(tmp_path, ONE + "    ends: 2027-01-01\n"))


def test_overdue_is_a_warning_unless_asked(tmp_path):
    f = load(tmp_path, ONE, today=D(2029, 5, 21)).findings
    assert [x.code for x in f] == ["KB069"] and not f[0].is_error
    assert codes(load(tmp_path, ONE, today=D(2029, 5, 21), overdue_error=True)) == ["KB068"]


def test_no_record_is_a_finding(tmp_path):
    f = load(tmp_path, ONE.replace("    elected: 2024-05-20\n", "")).findings
    assert [x.code for x in f] == ["KB069"] and "elected" in f[0].message


def test_privacy_guard_on_every_string(tmp_path):
    f = load(tmp_path, ONE + "    note: 联系人电话 13812345678\n").findings
    assert [x.code for x in f] == ["KB033"] and f[0].line == 7


@pytest.mark.parametrize("text", ["", "\n", "organizations:\n", "organizations:\n  - 3\n  - [a]\n", "{{{", "\t- x"])
def test_no_traceback_on_odd_input(tmp_path, text):
    load(tmp_path, text)  # findings or none, never an exception


# ---------------------------------------------------------------- the shipped example register


@pytest.fixture(scope="module")
def example() -> Register:
    loaded = check_orgs.load(REPO, None, EXAMPLE_AS_OF)
    assert not [f for f in loaded.findings if f.is_error], loaded.findings
    return loaded.register


def test_example_register_shape(example):
    levels = {o.level for o in example.organizations}
    types = {o.type for o in example.organizations}
    assert 25 <= len(example.organizations) <= 35
    assert levels == {"党委", "党总支", "党支部", "临时党支部"}
    assert "社区" in types or "村" in types
    assert any(o.adjusted for o in example.organizations)


def test_example_register_every_status_on_the_documented_date(example):
    counts = example.counts(EXAMPLE_AS_OF)
    assert all(counts[s] > 0 for s in Status), counts


def test_example_register_every_status_keeps_appearing_for_years(example):
    """Every day from the documented date to mid-2029 shows all five statuses (why the
    example's elections are spread about seven weeks apart)."""
    day = EXAMPLE_AS_OF
    while day <= D(2029, 6, 30):
        missing = [s for s, n in example.counts(day).items() if not n]
        assert not missing, (day, missing)
        day += dt.timedelta(days=1)


# ---------------------------------------------------------------- calendars


STAMP = dt.datetime(2025, 11, 26, tzinfo=dt.UTC)


def unfold(ics: bytes) -> list[str]:
    """RFC 5545 §3.1 by hand: CRLF lines, a line starting with a space or tab continues the last."""
    text = ics.decode("utf-8")
    assert "\r\n" in text and not re.search(r"(?<!\r)\n", text), "lines must end in CRLF"
    lines: list[str] = []
    for raw in text.split("\r\n"):
        assert len(raw.encode("utf-8")) <= 75, raw
        if raw[:1] in (" ", "\t"):
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def line_events(ics: bytes) -> list[dict[str, str]]:
    events, current = [], None
    stack = []
    for line in unfold(ics):
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert stack.pop() == value, "BEGIN/END must nest"
            if value == "VEVENT":
                events.append(current)
        elif current is not None:
            current[name.split(";")[0]] = value
    assert stack == []
    return events


def test_calendar_read_back_by_icalendar_and_by_lines(example):
    files = calendar.files(example, STAMP)
    assert set(files) == {calendar.ALL_FILE} | {calendar.file_for(p.id) for p in example.parents()}
    data = files[calendar.ALL_FILE]
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    with_end = [o for o in example.organizations if o.end]
    temporary = [o for o in with_end if o.temporary]
    assert len(events) == 3 * len(with_end) - len(temporary)
    by_uid = {str(e["UID"]): e for e in events}
    e = by_uid["ORG-012-remind@dangjian-kb.invalid"]
    assert e.decoded("DTSTART") == D(2027, 2, 28)  # 2027-08-31 less six months
    assert "营养配餐与食品检测党支部" in str(e["SUMMARY"])
    assert by_uid["ORG-011-end@dangjian-kb.invalid"].decoded("DTSTART") == D(2027, 2, 28)
    assert all(ev.decoded("DTSTAMP") == STAMP for ev in events)
    # the second reader: plain lines, nothing from the library
    lines = line_events(data)
    assert [x["UID"] for x in lines] == [str(e["UID"]) for e in events]
    end = next(x for x in lines if x["UID"] == "ORG-024-end@dangjian-kb.invalid")
    assert end["DTSTART"] == "20270331" and end["DTEND"] == "20270401" and end["DTSTAMP"] == "20251126T000000Z"
    assert len({x["UID"] for x in lines}) == len(lines)


def test_calendar_per_parent_holds_its_branches(example):
    files = calendar.files(example, STAMP)
    uids = {x["UID"].split("-end@")[0] for x in line_events(files[calendar.file_for("ORG-010")]) if "-end@" in x["UID"]}
    assert uids == {"ORG-010", "ORG-011", "ORG-012", "ORG-013", "ORG-015"}  # ORG-014 has no date
    all_ids = {
        x["UID"].split("-end@")[0] for x in line_events(files[calendar.file_for("ORG-001")]) if "-end@" in x["UID"]
    }
    assert len(all_ids) == sum(1 for o in example.organizations if o.end)


def test_calendar_is_deterministic(example):
    assert calendar.files(example, STAMP) == calendar.files(example, STAMP)
    later = calendar.files(example, STAMP + dt.timedelta(days=1))[calendar.ALL_FILE]
    assert later != calendar.files(example, STAMP)[calendar.ALL_FILE]  # DTSTAMP is the build stamp


# ---------------------------------------------------------------- reminders


T0001 = """---
id: T-0001
title: 换届提醒通知
category: 组织建设
topic: 换届选举
fields:
  - {key: org_name, label: 党组织名称, kind: text, example: 中央厨房党支部}
  - {key: term_end, label: 任期届满日, kind: date, example: 2027年2月28日}
  - {key: last_election, label: 上次换届日期, kind: date, example: 2024年2月29日}
  - {key: request_deadline, label: 请示报送截止日, kind: date, example: 2026年12月28日}
  - {key: issuer, label: 发文单位, kind: text, example: 党群工作部}
  - {key: issue_date, label: 发文日期, kind: date, example: 2026年8月28日}
---

## 换届提醒通知

**{{org_name}}**：本届委员会于{{ last_election }}选举产生，将于{{term_end}}届满。
请于{{request_deadline}}前报送请示。{{unknown_key}}

{{issuer}}　{{issue_date}}
"""


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_reminders_text_uses_the_shipped_t0001_template(capsys):
    code, out, err = run_cli(capsys, "reminders", str(REPO), "--on", "2026-12-01")
    assert code == 0, err
    assert "按 2026-12-01 计算，任期在 6 个月内届满或已届满的党组织：6 个（通知模板：templates/T-0001-" in out
    assert "关于渤海作业区平台餐饮服务第一党支部做好换届选举准备工作的提醒通知" in out
    assert "任期将于2026年12月20日届满" in out
    assert "另有 1 个党组织没有换届日期记录" in out and "ORG-014" in out
    assert "{{" not in out


def test_reminders_within_two_months_json(capsys):
    code, out, _ = run_cli(capsys, "reminders", str(REPO), "--on", "2026-12-01", "--within", "2m", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["on"] == "2026-12-01"
    assert [o["id"] for o in data["organizations"]] == ["ORG-043", "ORG-021", "ORG-036"]
    assert [o["status"] for o in data["organizations"]] == ["overdue", "request", "request"]
    # the two-month date has passed for ORG-036 (2026-11-26): two weeks from the notice instead
    assert data["organizations"][2]["request_deadline"] == "2026-12-15"


def test_reminders_csv(capsys):
    code, out, _ = run_cli(capsys, "reminders", str(REPO), "--on", "2026-12-01", "--format", "csv")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["编号", "党组织", "层级"] and len(rows) == 7
    assert rows[1][0] == "ORG-043" and rows[1][7] == "已逾期"


def test_reminders_csv_keeps_a_formula_like_name_as_text(tmp_path, capsys):
    (tmp_path / "problems").mkdir()
    (tmp_path / "organizations.yml").write_text(ONE.replace("name: 测试党委", "name: '=HYPERLINK(\"x\")'"), "utf-8")
    code, out, _ = run_cli(capsys, "reminders", str(tmp_path), "--on", "2029-01-01", "--format", "csv")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(out)))
    assert rows[1][1] == '\'=HYPERLINK("x")' and rows[1][6].lstrip("-").isdigit()


def test_reminders_fill_template_t0001(tmp_path, capsys):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "T-0001-换届提醒通知.md").write_text(T0001, "utf-8")
    write(tmp_path, ONE)
    code, out, _ = run_cli(capsys, "reminders", str(tmp_path), "--on", "2029-01-02", "--issuer", "公司党群工作部")
    assert code == 0
    assert "通知模板：templates/T-0001-换届提醒通知.md" in out
    assert "测试党委：本届委员会于2024年5月20日选举产生，将于2029年5月20日届满。" in out
    assert "请于2029年3月20日前报送请示。{{unknown_key}}" in out  # undeclared placeholder left for a person
    assert "公司党群工作部　2029年1月2日" in out
    assert "**" not in out and "## " not in out


def test_reminders_usage_errors(tmp_path, capsys):
    code, _, err = run_cli(capsys, "reminders", str(tmp_path), "--on", "2026-12-01")
    assert code == 2 and "找不到换届台账" in err
    with pytest.raises(SystemExit) as exc:
        cli.main(["reminders", str(tmp_path), "--within", "半年"])
    assert exc.value.code == 2 and "6m" in capsys.readouterr().err


def test_check_reports_register_findings(tmp_path, capsys):
    (tmp_path / "problems").mkdir()
    write(tmp_path, ONE.replace("level: 党委", "level: 党支"))
    code, out, _ = run_cli(capsys, "check", str(tmp_path), "--today", "2026-06-01")
    assert code == 1 and "organizations.yml:4: KB061" in out
    write(tmp_path, ONE)
    code, out, _ = run_cli(capsys, "check", str(tmp_path), "--today", "2029-06-01")
    assert code == 0 and "KB069" in out
    code, out, _ = run_cli(capsys, "check", str(tmp_path), "--today", "2029-06-01", "--overdue-error")
    assert code == 1 and "KB068" in out


def test_within_in_days_and_months():
    assert reminders.parse_within("6m").start(D(2027, 8, 31)) == D(2027, 2, 28)
    assert reminders.parse_within("90d").start(D(2027, 8, 31)) == D(2027, 6, 2)
    assert reminders.parse_within("2个月").start(D(2027, 4, 30)) == D(2027, 2, 28)


def test_reminders_with_register_errors_still_list_and_exit_1(tmp_path, capsys):
    write(tmp_path, ONE + "    term: 9\n")
    code, out, err = run_cli(capsys, "reminders", str(tmp_path), "--on", "2029-04-01")
    assert code == 1 and "KB065" in err and "ORG-001 测试党委" in out


def test_terminal_escapes_in_a_name_are_refused_and_never_printed_raw(tmp_path, capsys):
    """A name written with YAML escapes ("\\e]0;…\\a") would retitle or clear the office's terminal."""
    (tmp_path / "problems").mkdir()
    write(tmp_path, ONE.replace("name: 测试党委", 'name: "测试党委\\e]0;PWNED\\a\\e[2J"'))
    code, out, _ = run_cli(capsys, "check", str(tmp_path), "--today", "2029-01-01")
    assert code == 1 and "organizations.yml:3: KB061" in out and "控制字符" in out and "\x1b" not in out
    for fmt in ("text", "csv", "json"):
        code, out, err = run_cli(capsys, "reminders", str(tmp_path), "--on", "2029-01-01", "--format", fmt)
        assert "\x1b" not in out + err and "\x07" not in out + err, fmt
