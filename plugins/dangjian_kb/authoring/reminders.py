"""`dangjian-kb reminders`: who must be reminded now, each with the filled 换届提醒通知.

The notice comes from the knowledge base's template T-0001 (``templates/T-0001*.md``, fields
``org_name``, ``term_end``, ``last_election``, ``request_deadline``, ``issuer``, ``issue_date``
written ``{{key}}`` in the body); without it, from the built-in text in
``data/reminder_notice.md``. Output is plain text, ready to print or paste into a message.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dangjian_kb.check import organizations as check_orgs
from dangjian_kb.check.frontmatter import parse_file
from dangjian_kb.model import dates
from dangjian_kb.model.dates import add_months
from dangjian_kb.model.findings import Collector, printable
from dangjian_kb.model.organizations import STATUS_LABEL, Organization, Register, Status

TEMPLATE_ID = "T-0001"
DEFAULT_ISSUER = "党群工作部"
LATE_REQUEST_DAYS = 14  # when the two-month date has already passed
# a person editing the notice may write {{ key }}: filled all the same (check accepts only {{key}})
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_WITHIN = re.compile(r"(\d{1,3})\s*([md]|个月|月|天|日)?")  # on the stripped text


@dataclass(frozen=True)
class Within:
    amount: int
    unit: str  # "m" months or "d" days

    def start(self, end: dt.date) -> dt.date:
        return add_months(end, -self.amount) if self.unit == "m" else end - dt.timedelta(days=self.amount)

    def __str__(self) -> str:
        return f"{self.amount} 个月" if self.unit == "m" else f"{self.amount} 天"


def parse_within(text: str) -> Within:
    m = _WITHIN.fullmatch(text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}' 不是期限。请写成 6m（6 个月）或 90d（90 天）")
    unit = "d" if m[2] in ("d", "天", "日") else "m"
    return Within(int(m[1]), unit)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reminders", help="列出需要发换届提醒的党组织，并生成提醒通知文本")
    p.add_argument("path", nargs="?", default=".", help="知识库根目录，默认当前目录")
    p.add_argument("--register", help="换届台账文件，默认为 <path>/organizations.yml")
    p.add_argument(
        "--within",
        type=parse_within,
        default=Within(6, "m"),
        help="任期在多长时间内届满，默认 6m（6 个月）；也可写 2m、90d",
    )
    p.add_argument("--on", type=dates.date_arg, help="按哪一天计算（YYYY-MM-DD），默认今天")
    p.add_argument("--format", choices=("text", "csv", "json"), default="text", help="输出格式")
    p.add_argument("--issuer", default=DEFAULT_ISSUER, help=f"通知落款单位，默认“{DEFAULT_ISSUER}”")
    p.set_defaults(func=run)


# -- the notice --------------------------------------------------------------------------------


def notice_template(root: Path) -> tuple[str, str]:
    """(Markdown body, where it came from): T-0001 of the knowledge base, else the built-in text."""
    folder = Path(root) / "templates"
    unusable = ""
    for path in sorted(folder.glob(f"{TEMPLATE_ID}*.md")) if folder.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            unusable = f"（{rel} 无法读取）"
            continue
        body = parse_file(text.replace("\r\n", "\n"), Collector(rel)).body.strip()
        if body:
            return body + "\n", rel
        unusable = f"（{rel} 正文为空）"  # an empty notice sent to every organization helps no one
    text = resources.files("dangjian_kb").joinpath("data", "reminder_notice.md").read_text("utf-8")
    lines = text.split("\n")
    while lines and lines[0].startswith("#"):  # the file's own comment lines
        lines.pop(0)
    return "\n".join(lines).strip() + "\n", "内置通知文本" + unusable


def plain(markdown: str) -> str:
    """Markdown as the plain text of a printed notice: no heading marks, emphasis or quote marks."""
    out = []
    for line in markdown.split("\n"):
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        line = re.sub(r"(\*\*|__|`)", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        out.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def fill(body: str, values: dict[str, str]) -> str:
    """Replace each ``{{key}}`` that has a value; any other placeholder stays visible for a person to fill."""
    return _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), body)


def zh_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "（无记录）"


def request_deadline(org: Organization, on: dt.date) -> dt.date | None:
    """Two months before the term end (HB-1.3); when that day has passed, two weeks after the notice."""
    if org.request_on is None:
        return None
    return org.request_on if org.request_on >= on else on + dt.timedelta(days=LATE_REQUEST_DAYS)


def values_for(org: Organization, on: dt.date, issuer: str) -> dict[str, str]:
    return {
        "org_name": org.name,
        "term_end": zh_date(org.end),
        "last_election": zh_date(org.elected),
        "request_deadline": zh_date(request_deadline(org, on)),
        "issuer": issuer,
        "issue_date": zh_date(on),
    }


# -- the command -------------------------------------------------------------------------------


def rows(reg: Register, on: dt.date, within: Within, body: str, issuer: str) -> list[dict]:
    due = sorted(
        (o for o in reg.organizations if o.end is not None and within.start(o.end) <= on), key=lambda o: (o.end, o.id)
    )
    out = []
    for o in due:
        status = o.status(on)
        parent = reg.by_id.get(o.parent) if o.parent else None
        out.append(
            {
                "id": o.id,
                "name": o.name,
                "level": o.level,
                "parent": parent.name if parent else "",
                "elected": o.elected.isoformat() if o.elected else "",
                "term_end": o.end.isoformat(),
                "days_left": o.days_left(on),
                "status": status.value,
                "status_label": STATUS_LABEL[status],
                "request_deadline": request_deadline(o, on).isoformat(),
                "adjusted_by": o.document or "",
                # A temporary branch is wound up, not re-elected: no 换届 notice for it.
                "notice": "" if o.temporary else plain(fill(body, values_for(o, on, issuer))),
            }
        )
    return out


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    on = args.on or dt.date.today()
    loaded = check_orgs.load(root, args.register, on)
    reg = loaded.register
    if not reg.present:
        print(
            f"{reg.path}: 找不到换届台账。请在知识库根目录建立 organizations.yml，或用 --register 指定。",
            file=sys.stderr,
        )
        return 2
    errors = [f for f in loaded.findings if f.is_error]
    for f in errors:
        print(f, file=sys.stderr)
    body, source = notice_template(root)
    items = rows(reg, on, args.within, body, args.issuer)
    missing = [o for o in reg.organizations if o.status(on) is Status.NONE]
    if args.format == "json":
        print(
            json.dumps(
                {
                    "on": on.isoformat(),
                    "within": str(args.within),
                    "template": source,
                    "organizations": items,
                    "no_record": [{"id": o.id, "name": o.name} for o in missing],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif args.format == "csv":
        print(printable(as_csv(items), keep="\n"), end="")
    else:  # a name holding ESC sequences must not retitle or clear the office's terminal
        print(printable(as_text(items, missing, on, args.within, source), keep="\n"), end="")
    return 1 if errors else 0


CSV_COLUMNS = (
    "id",
    "name",
    "level",
    "parent",
    "elected",
    "term_end",
    "days_left",
    "status_label",
    "request_deadline",
    "adjusted_by",
    "notice",
)


def as_csv(items: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        ["编号", "党组织", "层级", "上级", "上次换届", "届满日", "剩余天数", "状态", "请示截止", "调整批复", "通知"]
    )
    for item in items:
        writer.writerow([_cell(item[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


def _cell(value: object) -> object:
    """A text cell a spreadsheet would read as a formula (=, +, -, @ first) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_text(items: list[dict], missing: list[Organization], on: dt.date, within: Within, source: str) -> str:
    lines = [f"按 {on} 计算，任期在 {within}内届满或已届满的党组织：{len(items)} 个（通知模板：{source}）", ""]
    for n, item in enumerate(items, 1):
        days = item["days_left"]
        left = f"还有 {days} 天" if days >= 0 else f"已过 {-days} 天"
        where = f"，上级 {item['parent']}" if item["parent"] else ""
        lines.append(f"{n}. {item['id']} {item['name']}（{item['level']}{where}）")
        lines.append(
            f"   届满日 {item['term_end']}，{left}，{item['status_label']}；请示截止 {item['request_deadline']}"
        )
        if item["notice"]:
            lines += ["", "-" * 40, item["notice"].rstrip(), "-" * 40]
        else:
            lines.append("   临时党支部：准备撤销请示和党员组织关系转接。")
        lines.append("")
    if missing:
        names = "、".join(f"{o.id} {o.name}" for o in missing)
        lines.append(f"另有 {len(missing)} 个党组织没有换届日期记录，无法计算：{names}。请补登台账。")
        lines.append("")
    return "\n".join(lines)
