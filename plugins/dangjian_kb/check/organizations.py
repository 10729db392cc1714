"""Validate the organization register (``organizations.yml``) and build the model from it.

Codes KB060–KB069. Every problem of the file is reported in one run, one line each, in the
project's message shape; bad input never raises. Statuses (term ending, ended, not recorded)
are warnings (KB069); an ended term is an error (KB068) only when the maintainer asks for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from dangjian_kb.check import privacy
from dangjian_kb.check.frontmatter import _Loader
from dangjian_kb.check.suggest import ask_or, closest, did_you_mean
from dangjian_kb.model import dates, os_reason, yamlsafe
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.findings import Collector, Finding, printable
from dangjian_kb.model.organizations import (
    LEVELS,
    STATUS_LABEL,
    TEMPORARY,
    TYPES,
    Organization,
    Register,
    Status,
    TermRules,
    load_rules,
)

ID_PATTERN = re.compile(r"ORG-[0-9]{3,}")
FOUNDED = dt.date(1921, 7, 1)  # no Party organization was elected before the Party was founded
FIELDS = ("id", "name", "level", "type", "parent", "elected", "term", "adjusted", "ends", "note")
ADJUST_FIELDS = ("date", "document", "reason")
TOP_FIELDS = ("organizations", "public_numbers", "note")
REQUIRED = ("id", "name", "level", "type")
# What a hand-editing writer may type instead of a field name.
ALIASES = {
    "名称": "name",
    "编号": "id",
    "层级": "level",
    "级别": "level",
    "类型": "type",
    "上级": "parent",
    "换届时间": "elected",
    "选举日期": "elected",
    "成立时间": "elected",
    "任期": "term",
    "延期": "adjusted",
    "结束日期": "ends",
    "备注": "note",
    "election": "elected",
    "last_election": "elected",
    "end": "ends",
    "postponed": "adjusted",
    "postponement": "adjusted",
}
MAX_BYTES = 1_000_000


@dataclass
class Loaded:
    register: Register
    findings: list[Finding] = field(default_factory=list)


def load(
    root: Path,
    path: Path | str | None = None,
    today: dt.date | None = None,
    overdue_error: bool = False,
    rules: TermRules | None = None,
) -> Loaded:
    """Read ``path`` (default ``<root>/organizations.yml``). A missing file is an empty register."""
    root = Path(root)
    file = Path(path) if path is not None and Path(path).is_absolute() else root / (path or "organizations.yml")
    rel = _rel(file, root)
    today = today or dt.date.today()
    rules = rules or load_rules()
    out = Collector(rel)
    if file.exists() and not file.is_file():  # a folder of that name: not silently "no register"
        out.add(
            "KB060",
            0,
            "换届台账的位置上是一个文件夹，不是文件。请删除或改名这个文件夹，把台账保存为 organizations.yml。",
        )
        return Loaded(Register(rel, present=True), out.items)
    if not file.is_file():
        return Loaded(Register(rel))
    text = _read(file, out)
    register = Register(rel, present=True)
    if text is not None:
        register.organizations = _parse(text, rules, today, out)
        _check_cross(register, out)
        _statuses(register, today, overdue_error, out)
    return Loaded(register, sorted(set(out.items)))


def _rel(file: Path, root: Path) -> str:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return file.as_posix()


def _read(file: Path, out: Collector) -> str | None:
    try:
        if file.stat().st_size > MAX_BYTES:
            out.add("KB060", 0, "换届台账文件超过 1 MB，不予读取。请检查是否误存了其他内容。")
            return None
        raw = file.read_bytes()
    except OSError as exc:
        out.add("KB060", 0, f"无法读取换届台账文件（{os_reason.describe(exc)}）。请确认文件存在且有读取权限。")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.add("KB060", 0, "换届台账文件不是 UTF-8 编码（可能是 GBK）。请用编辑器“另存为 UTF-8”后再提交。")
        return None


# -- YAML -------------------------------------------------------------------------------------


def _yaml(text: str, out: Collector) -> tuple[object, yaml.Node | None]:
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1 if event.start_mark else 0
                out.add(
                    "KB060", line, "换届台账使用了 YAML 锚点或别名（& 或 *），出于安全原因不予展开。请直接写出每个值。"
                )
                return None, None
        node = yaml.compose(text, Loader=_Loader)
        # the data from the node just composed (a SafeLoader keeping dates as text), not a third parse
        data = _Loader("").construct_document(node) if node is not None else None
    except yamlsafe.CONSTRUCTOR_ERRORS as exc:  # a tag that cannot build its value: !!int x
        out.add("KB060", 0, f"换届台账里有无法转换的值（{str(exc)[:60]}）。请去掉 '!!' 开头的类型标记，直接写值。")
        return None, None
    except yaml.YAMLError as exc:
        line, problem = yamlsafe.syntax_problem(text, exc)
        out.add("KB060", line, f"换届台账不是合法的 YAML：{problem}")
        return None, None
    except RecursionError:
        out.add("KB060", 0, "换届台账嵌套过深，无法解析。请按投稿指南的格式书写。")
        return None, None
    return data, node


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _parse(text: str, rules: TermRules, today: dt.date, out: Collector) -> list[Organization]:
    data, node = _yaml(text, out)
    if node is None and data is None:
        if not out.items:
            out.add("KB060", 0, "换届台账是空的。请写 'organizations:'，其下每个党组织一项。")
        return []
    if not isinstance(data, dict):
        out.add("KB060", 1, "换届台账的顶层应是 'organizations:' 列表，而不是单个值或列表。请参照投稿指南中的示例。")
        return []
    top_lines = _key_lines(node)
    _unknown(data, TOP_FIELDS, top_lines, out, "台账顶层")
    privacy.check(text, data.get("public_numbers"), today, out)
    items = data.get("organizations")
    items_node = _value_node(node, "organizations")
    if not isinstance(items, list):
        line = top_lines.get("organizations", 1)
        out.add(
            "KB060",
            line,
            "换届台账缺少 'organizations:' 列表，或它不是列表。请在其下每个党组织写一项 '- id: ORG-001'。",
        )
        return []
    nodes = items_node.value if isinstance(items_node, yaml.SequenceNode) else []
    orgs = []
    for i, item in enumerate(items):
        item_node = nodes[i] if i < len(nodes) else None
        line = item_node.start_mark.line + 1 if item_node is not None else 0
        if not isinstance(item, dict):
            out.add(
                "KB060",
                line,
                f"第 {i + 1} 项不是 '字段: 值' 的形式（{_show(item)}）。请按 '- id: ORG-001' 换行写 name、level 等字段。",
            )
            continue
        org = _organization(item, line, _key_lines(item_node), _value_node(item_node, "adjusted"), rules, today, out)
        if org is not None:
            orgs.append(org)
    return orgs


# -- one organization -------------------------------------------------------------------------


def _show(value: object) -> str:
    """A value as the contributor wrote it in YAML (a list as [a, b], never a Python repr)."""
    if isinstance(value, list):
        text = "[" + ", ".join(_show(v).strip("'") for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {_show(v).strip(chr(39))}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    return "'" + (text if len(text) <= 40 else text[:40] + "…") + "'"


def _unknown(data: dict, known: tuple[str, ...], lines: dict[str, int], out: Collector, where: str) -> None:
    for key in data:
        if key in known:
            continue
        guess = ALIASES.get(str(key)) if str(key) in ALIASES and ALIASES[str(key)] in known else None
        guess = guess or closest(key, known)
        hint = ask_or(guess, "可用字段：" + "、".join(known) + "。")
        out.add("KB067", lines.get(str(key), 0), f"{where}有未知字段 '{key}'，不会被读取。{hint}")


def _text(item: dict, key: str, line: int, out: Collector, label: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        out.add("KB061", line, f"字段 {key}（{label}）应为一行文字，现为 {_show(value)}。请改为文字。")
        return None
    text = str(value).strip()
    if "\n" in text:
        out.add("KB061", line, f"字段 {key}（{label}）只能是一行文字。请删去换行。")
        return None
    if printable(text) != text:  # "\e]0;…" in double quotes: a terminal escape in every reminder
        out.add("KB061", line, f"字段 {key}（{label}）含有不可见的控制字符：'{printable(text)[:60]}'。请删去这些字符。")
        return None
    return text


def _date(value: object, key: str, line: int, out: Collector, label: str) -> dt.date | None:
    if value is None:
        return None
    day = dates.parse_day(value)
    if day is None:
        fix = dates.suggest(value, month_ok=False)
        hint = ask_or(fix, "请写成 YYYY-MM-DD，如 2024-05-20。")
        out.add("KB064", line, f"字段 {key}（{label}）的日期 {_show(value)} 无效。{hint}")
    return day


def _organization(
    item: dict, line: int, lines: dict[str, int], adjust_node, rules: TermRules, today: dt.date, out: Collector
) -> Organization | None:
    at = lines.get
    _unknown(item, FIELDS, lines, out, "党组织条目")
    for key in REQUIRED:
        if item.get(key) is None:
            out.add("KB061", line, f"党组织条目缺少必填字段 {key}。请补上（字段说明见投稿指南“换届台账”一节）。")
    org_id = _text(item, "id", at("id", line), out, "编号")
    if org_id is not None and not ID_PATTERN.fullmatch(org_id):
        out.add("KB061", at("id", line), f"编号 '{org_id}' 格式不对。请写成 ORG- 加至少三位数字，如 'ORG-012'。")
        org_id = None
    name = _text(item, "name", at("name", line), out, "名称")
    level = _choice(item, "level", LEVELS, at("level", line), out, "层级")
    org_type = _choice(item, "type", TYPES, at("type", line), out, "类型")
    parent = _text(item, "parent", at("parent", line), out, "上级党组织编号")
    note = _text(item, "note", at("note", line), out, "备注")
    elected = _date(item.get("elected"), "elected", at("elected", line), out, "上次换届或成立日期")
    if elected is not None and elected > today:
        out.add(
            "KB064", at("elected", line), f"换届日期 '{elected}' 晚于今天（{today}）。请填写已经召开的党员大会日期。"
        )
        elected = None
    if elected is not None and elected < FOUNDED:
        out.add("KB064", at("elected", line), f"换届日期 '{elected}' 早于中国共产党成立（1921 年）。请核对年份。")
        elected = None
    ends = _date(item.get("ends"), "ends", at("ends", line), out, "结束日期")
    if ends is not None and elected is not None and ends <= elected:
        out.add("KB064", at("ends", line), f"结束日期 '{ends}' 不晚于成立日期 '{elected}'。请核对这两个日期。")
        ends = None
    if org_id is None or name is None or level is None or org_type is None:
        if level != TEMPORARY:  # the term is still checked: one run reports every problem of the item
            _term_years(item.get("term"), at("term", line), rules, out)
        return None
    temporary = level == TEMPORARY
    term, source = _term(item, level, org_type, temporary, at("term", line), rules, out)
    if temporary and ends is None and item.get("ends") is None:
        out.add(
            "KB061",
            line,
            f"临时党支部 '{name}' 缺少结束日期 ends。请填写批准成立时确定的存续期限，如 'ends: 2027-06-30'。",
        )
    if not temporary and item.get("ends") is not None:
        out.add("KB061", at("ends", line), f"'{name}' 不是临时党支部，ends 不适用。正式党组织按任期换届，请删去 ends。")
        ends = None
    base = Organization(
        org_id,
        name,
        level,
        org_type,
        parent,
        elected,
        term,
        source,
        ends=ends if temporary else None,
        note=note,
        line=line,
        remind_months=rules.remind_months,
        request_months=rules.request_months,
    )
    adjusted, document, reason = _adjustment(item, base, adjust_node, at("adjusted", line), rules, out)
    return dataclasses.replace(base, adjusted=adjusted, document=document, reason=reason)


def _choice(item: dict, key: str, options: tuple[str, ...], line: int, out: Collector, label: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value.strip() not in options:
        out.add("KB061", line, f"{label} {_show(value)} 不是可选值。{did_you_mean(value, options)}")
        return None
    return value.strip()


def _term(
    item: dict, level: str, org_type: str, temporary: bool, line: int, rules: TermRules, out: Collector
) -> tuple[int | None, str]:
    value = item.get("term")
    default = rules.default_for(level, org_type)
    if temporary:
        if value is not None:
            out.add("KB065", line, "临时党支部不设任期，term 不适用。请删去 term，用 ends 写明结束日期。")
        return None, default.source if default else ""
    years = _term_years(value, line, rules, out)
    if years is None:
        return (default.years, default.source) if default else (None, "")
    return years, "本组织设定（经上级党组织批准）"


# A term written as words or as a quoted number (term: 三年, term: "3", term: ３): what was meant.
_YEARS_WRITTEN = {
    **{str(n): n for n in range(1, 11)},
    **{w: n for n, w in enumerate("一二三四五六七八九十", 1)},
    "两": 2,
}


def _term_years(value: object, line: int, rules: TermRules, out: Collector) -> int | None:
    """``term`` when it is a whole number of years within the rules' range, else None (reported)."""
    if value is None:
        return None
    if isinstance(value, str) and not isinstance(value, bool):
        meant = _YEARS_WRITTEN.get(unicodedata.normalize("NFKC", value).strip().removesuffix("年"))
        if meant is not None:
            out.add("KB065", line, f"任期 {_show(value)} 应写成不加引号的阿拉伯数字年数。是否想写 'term: {meant}'？")
            return None
    if isinstance(value, bool) or not isinstance(value, int) or not rules.term_min <= value <= rules.term_max:
        out.add(
            "KB065",
            line,
            f"任期 {_show(value)} 不在 {rules.term_min}–{rules.term_max} 年之内（{rules.term_range_source}）。"
            f"请写整数年数，或删去 term 使用默认值。",
        )
        return None
    return value


def _adjustment(
    item: dict, base: Organization, node, line: int, rules: TermRules, out: Collector
) -> tuple[dt.date | None, str | None, str | None]:
    value = item.get("adjusted")
    if value is None:
        return None, None, None
    if not isinstance(value, dict):
        out.add("KB066", line, f"adjusted 应写成 {{date: 新的换届日期, document: 批准文号}}，现为 {_show(value)}。")
        return None, None, None
    lines = _key_lines(node)
    _unknown(value, ADJUST_FIELDS, lines, out, "adjusted 中")
    if base.temporary:
        out.add("KB066", line, "临时党支部没有任期，不能延期或提前换届。延长存续期限请直接修改 ends 并注明批准文号。")
        return None, None, None
    day = _date(value.get("date"), "adjusted.date", lines.get("date", line), out, "批准的换届日期")
    document = _text(value, "document", lines.get("document", line), out, "批准文号")
    reason = _text(value, "reason", lines.get("reason", line), out, "原因")
    if value.get("date") is None:
        out.add("KB066", line, "adjusted 缺少 date（批准后的换届日期）。请补上，如 'date: 2027-03-31'。")
    if document is None and value.get("document") is None:
        out.add(
            "KB066",
            line,
            f"'{base.name}' 的延期或提前换届没有批准文号。请在 document 中写明上级党委的批复文号，未经批准不得调整任期。",
        )
    if day is None or base.regular_end is None:
        return None, document, reason
    limit_late = dates.add_months(base.regular_end, rules.max_adjust_months)
    limit_early = dates.add_months(base.regular_end, -rules.max_adjust_months)
    if not limit_early <= day <= limit_late:
        out.add(
            "KB066",
            lines.get("date", line),
            f"'{base.name}' 的任期应于 {base.regular_end} 届满，调整到 {day} 超过了 {rules.max_adjust_months} 个月"
            f"（{rules.adjust_source}）。请核对日期，最晚为 {limit_late}，最早为 {limit_early}。",
        )
        return None, document, reason
    return day, document, reason


# -- across organizations ---------------------------------------------------------------------


def _name_key(name: str) -> str:
    """A name as compared: 冷链配送 党支部, 冷链配送　党支部 and 冷链配送党支部 are one organization."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _check_cross(register: Register, out: Collector) -> None:
    seen_id: dict[str, Organization] = {}
    seen_name: dict[str, Organization] = {}
    for o in register.organizations:
        if o.id in seen_id:
            first = seen_id[o.id]
            out.add(
                "KB062",
                o.line,
                f"编号 '{o.id}' 重复（第 {first.line} 行 '{first.name}' 已使用）。编号一经使用不再改动，请给新组织另编一个。",
            )
        else:
            seen_id[o.id] = o
        name = _name_key(o.name)
        if name in seen_name:
            first = seen_name[name]
            same = "" if first.name == o.name else f"（与 '{first.name}' 只差空格或全角半角）"
            out.add(
                "KB062",
                o.line,
                f"名称 '{o.name}' 重复{same}（第 {first.line} 行 {first.id} 已使用）。请核对是否重复登记。",
            )
        else:
            seen_name[name] = o
    ids = list(seen_id)
    for o in register.organizations:
        if o.parent is None:
            continue
        parent = seen_id.get(o.parent)
        if parent is None:
            named = seen_name.get(o.parent)
            parents = [p.id for p in register.organizations if p.id != o.id and p.level in ("党委", "党总支")]
            hint = f"上级要写编号：是否想写 '{named.id}'？" if named else did_you_mean(o.parent, parents or ids)
            out.add("KB063", o.line, f"'{o.name}' 的上级 '{o.parent}' 不在台账中。{hint}")
        elif parent.level not in ("党委", "党总支"):
            out.add(
                "KB063",
                o.line,
                f"'{o.name}' 的上级 '{o.parent}'（{parent.name}）是{parent.level}，其下不能设党组织。请改为所属党委或党总支的编号。",
            )
    for o in register.organizations:
        cycle = _cycle(o, seen_id)
        if cycle and o.id == min(cycle):  # report each cycle once, at its smallest id
            out.add(
                "KB063",
                o.line,
                f"上级关系形成循环：{' → '.join(cycle + [cycle[0]])}。请把最上层组织的 parent 删去或改为真正的上级。",
            )


def _cycle(org: Organization, by_id: dict[str, Organization]) -> list[str]:
    path: list[str] = []
    node: Organization | None = org
    while node is not None and node.id not in path:
        path.append(node.id)
        node = by_id.get(node.parent) if node.parent else None
    if node is None or node.id != org.id:
        return []
    return path


def _statuses(register: Register, today: dt.date, overdue_error: bool, out: Collector) -> None:
    for o in register.organizations:
        status = o.status(today)
        if status is Status.NORMAL:
            continue
        if status is Status.NONE:
            out.add(
                "KB069",
                o.line,
                f"'{o.name}' 没有换届（或成立）日期记录，无法计算任期。请补上 elected，如 'elected: 2024-05-20'。",
            )
            continue
        left = _days(o.days_left(today))
        label = STATUS_LABEL[status]
        if status is Status.OVERDUE:
            code = "KB068" if overdue_error else "KB069"
            if o.temporary:
                out.add(
                    code,
                    o.line,
                    f"临时党支部 '{o.name}' 已过结束日期 {o.end}，{left}。请及时撤销，或报批延长存续期限后修改 ends。",
                )
            else:
                out.add(
                    code,
                    o.line,
                    f"'{o.name}' 任期已于 {o.end} 届满，{left}（{label}）。请督促立即换届，或补报延期批复并填写 adjusted。",
                )
            continue
        if o.temporary:
            fix = "请提前准备党员组织关系转接和撤销临时党支部的请示"
            out.add("KB069", o.line, f"临时党支部 '{o.name}' 将于 {o.end} 结束，{left}（{label}）。{fix}。")
            continue
        fix = "请督促报送换届请示" if status is Status.REQUEST else "请发出换届提醒通知"
        out.add("KB069", o.line, f"'{o.name}' 任期将于 {o.end} 届满，{left}（{label}）。{fix}。")


def _days(days: int | None) -> str:
    if days is None:
        return ""
    return f"还有 {days} 天" if days >= 0 else f"已过 {-days} 天"


def check_units(register: Register, entries: list[Entry]) -> tuple[dict[str, list[Entry]], list[Finding]]:
    """Cases whose ``unit`` names an organization (by id or exact name), by organization id; a
    ``unit`` written as an ``ORG-…`` id that the register does not hold is reported on the case."""
    cases: dict[str, list[Entry]] = {}
    found: list[Finding] = []
    for e in entries:
        unit = e.meta.get("unit")
        if "unit" not in e.collection.fields or not isinstance(unit, str):
            continue
        org = register.find(unit)
        if org is not None:
            cases.setdefault(org.id, []).append(e)
        elif ID_PATTERN.fullmatch(unicodedata.normalize("NFKC", unit).strip().upper()):  # org-010, ＯＲＧ-010
            ids = [o.id for o in register.organizations]
            meant = unicodedata.normalize("NFKC", unit).strip().upper()
            if meant in ids:
                found.append(
                    Finding(
                        e.rel,
                        e.key_lines.get("unit", 0),
                        "KB063",
                        f"unit 写的党组织编号 '{unit}' 大小写或全角不对。是否想写 '{meant}'？",
                    )
                )
                continue
            where = f"换届台账 {register.path}" if register.present else f"换届台账（{register.path} 不存在）"
            found.append(
                Finding(
                    e.rel,
                    e.key_lines.get("unit", 0),
                    "KB063",
                    f"unit 写的党组织编号 '{unit}' 不在{where}中。{did_you_mean(unit, ids) if ids else '请核对编号，或写单位全称。'}",
                )
            )
    return cases, found


def findings(
    root: Path, path: str | None, today: dt.date | None, overdue_error: bool, entries: list[Entry]
) -> list[Finding]:
    """Everything `check` reports about the register, statuses included."""
    loaded = load(root, path, today, overdue_error)
    return sorted(loaded.findings + check_units(loaded.register, entries)[1])
