"""Read and validate the register of regulations (``regulations.yml``).

The file is read node by node so every finding has its line; every scalar stays the string
the maintainer typed (no YAML dates, no numbers); anchors and aliases are refused.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from dangjian_kb.check.suggest import ask_or, closest, did_you_mean
from dangjian_kb.model import dates, yamlsafe
from dangjian_kb.model.findings import Collector, Finding
from dangjian_kb.model.regulations import ID_PATTERN, LEVELS, STATUSES, Register, Regulation, bare_title

FIELDS = ("id", "title", "number", "issuer", "date", "status", "superseded_by", "level", "note")
REQUIRED = ("id", "title", "issuer", "date", "status")
CHINESE_KEYS = {
    "编号": "id",
    "名称": "title",
    "标题": "title",
    "文号": "number",
    "发文机关": "issuer",
    "制定机关": "issuer",
    "日期": "date",
    "发布日期": "date",
    "状态": "status",
    "替代": "superseded_by",
    "修订为": "superseded_by",
    "层级": "level",
    "类别": "level",
    "备注": "note",
    "replaced_by": "superseded_by",
}


class _AliasRefused(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Loader(yaml.SafeLoader):
    """Pure-Python composer (the C one cannot be hooked): refuses anchors and aliases."""

    def compose_node(self, parent, index):  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasRefused(event.start_mark.line + 1)
        return super().compose_node(parent, index)


def load(path: Path, rel: str) -> tuple[Register | None, list[Finding]]:
    """The register at ``path`` (None when it does not exist) and its findings, ``rel`` naming it."""
    out = Collector(rel)
    if path.exists() and not path.is_file():  # a folder of that name: not silently "no register"
        out.add(
            "KB050",
            0,
            "制度依据登记表的位置上是一个文件夹，不是文件。请删除或改名这个文件夹，把登记表保存为 YAML 文件。",
        )
        return Register([], rel, broken=True), out.items
    if not path.is_file():
        return None, []
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        out.add("KB050", 0, f"无法读取制度依据登记表（{type(exc).__name__}）。请确认文件以 UTF-8 保存。")
        return Register([], rel, broken=True), out.items
    if "\t" in text:
        line = text[: text.index("\t")].count("\n") + 1
        out.add("KB050", line, "制度依据登记表含有制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成两个空格。")
        return Register([], rel, broken=True), out.items
    try:
        root = yaml.compose(text, Loader=_Loader)
    except _AliasRefused as exc:
        out.add("KB050", exc.line, "制度依据登记表不能使用 YAML 锚点或别名（& 和 *）。请把内容直接写出来。")
        return Register([], rel, broken=True), out.items
    except yaml.YAMLError as exc:
        line, problem = yamlsafe.syntax_problem(text, exc)
        out.add("KB050", line, f"制度依据登记表不是合法的 YAML：{problem}")
        return Register([], rel, broken=True), out.items
    items = _top_level(root, out)
    if not items:  # nothing usable to check citations against: KB050 says why, once
        if not out.items:
            out.add(
                "KB050",
                0,
                "制度依据登记表中没有登记任何文件。请在 'regulations:' 下每个文件写一项，以 '- id: …' 开头。",
            )
        return Register([], rel, broken=True), out.items
    regs = [r for node in items if (r := _regulation(node, out)) is not None]
    regs = _unique(regs, out)
    _check_successors(regs, out)
    kept = {r.id for r in regs} | {bare_title(r.title) for r in regs}
    return Register(regs, rel, rejected=frozenset(_names(items)) - kept), out.items


def _names(items: list[yaml.Node]) -> list[str]:
    """Every id and title written in the file, valid or not (entries cite by either)."""
    return [
        bare_title(v.value) if k.value == "title" else v.value.strip()
        for node in items
        if isinstance(node, yaml.MappingNode)
        for k, v in node.value
        if isinstance(k, yaml.ScalarNode) and k.value in ("id", "title") and isinstance(v, yaml.ScalarNode)
    ]


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _top_level(root: yaml.Node | None, out: Collector) -> list[yaml.Node]:
    if not isinstance(root, yaml.MappingNode):
        out.add(
            "KB050",
            _line(root) if root else 0,
            "制度依据登记表应以 'regulations:' 开头。请在第一行写 'regulations:'，下面每个文件一项，以 '- id: …' 开头。",
        )
        return []
    found: list[yaml.Node] | None = None
    for key, value in root.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else ""
        if name == "regulations":
            if found is not None:  # YAML would keep only this list: both are read, neither vanishes
                out.add(
                    "KB050",
                    _line(key),
                    "'regulations' 写了两次，后一个列表会整个替换前一个。请把两个列表合并到一个 'regulations:' 下。",
                )
                if isinstance(value, yaml.SequenceNode):
                    found = found + value.value
                continue
            if not isinstance(value, yaml.SequenceNode):
                out.add("KB050", _line(value), "'regulations' 应为列表。请每个文件写一项，以 '- id: …' 开头。")
                return []
            found = value.value
        else:
            guess = closest(name, ["regulations"], cutoff=0.6)
            fix = ask_or(guess, "请删除，或把它移到 'regulations:' 下的某一项中。")
            out.add("KB052", _line(key), f"未知的顶层字段 '{name}'，不会被使用。{fix}")
    if found is None:
        out.add("KB050", 1, "制度依据登记表缺少 'regulations:' 列表。请加一行 'regulations:'，把各文件列在它下面。")
        return []
    return found


def _regulation(node: yaml.Node, out: Collector) -> Regulation | None:
    if not isinstance(node, yaml.MappingNode):
        out.add(
            "KB051",
            _line(node),
            "'regulations' 的这一项不是字段表。请写成 '- id: dangzhang'，下面缩进写 title、status 等字段。",
        )
        return None
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    for key, value in node.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
        if name not in FIELDS:
            guess = CHINESE_KEYS.get(name) or closest(name, FIELDS, cutoff=0.6)
            fix = ask_or(guess, "可用字段：" + "、".join(FIELDS) + "。")
            out.add("KB052", _line(key), f"未知字段 '{name}'，不会被使用。{fix}")
            continue
        if name in values:
            out.add("KB051", _line(key), f"字段 '{name}' 在同一项中写了两次。请只保留一个。")
            continue
        if not isinstance(value, yaml.ScalarNode):
            out.add("KB051", _line(value), f"'{name}' 应为一行文字。请写成 '{name}: …'。")
            continue
        if value.tag == "tag:yaml.org,2002:null" or (not value.value.strip() and value.style is None):
            continue  # left empty: as if absent
        values[name], lines[name] = value.value.strip(), _line(key)
    where = _line(node)
    label = f"'{values['id']}'" if "id" in values else f"第 {where} 行的一项"
    missing = [k for k in REQUIRED if k not in values]
    for key in missing:
        out.add("KB051", where, f"制度 {label} 缺少必填字段 '{key}'。请补上（字段含义见投稿指南）。")
    bad = _check_values(values, lines, label, out)
    if missing or bad:
        return None
    return Regulation(line=lines["id"], **values)


def _check_values(values: dict[str, str], lines: dict[str, int], label: str, out: Collector) -> bool:
    bad = False
    rid = values.get("id")
    if rid is not None and not ID_PATTERN.fullmatch(rid):
        guess = "-".join(p for p in "".join(c if c.isalnum() and c.isascii() else " " for c in rid.lower()).split())
        fix = ask_or(guess if guess and ID_PATTERN.fullmatch(guess) else None, "如 'zhibu-tiaoli-2018'。")
        out.add("KB051", lines["id"], f"制度编号 '{rid}' 只能由小写英文字母、数字和连字符组成。{fix}")
        bad = True
    for key, allowed in (("status", STATUSES), ("level", LEVELS)):
        if key in values and values[key] not in allowed:
            out.add(
                "KB051",
                lines[key],
                f"制度 {label} 的 '{key}' 值 '{values[key]}' 无效。{did_you_mean(values[key], allowed)}",
            )
            bad = True
    if "date" in values and not dates.parse_month_or_day(values["date"]):
        date_guess = dates.suggest(values["date"], month_ok=True)
        fix = ask_or(date_guess, "格式为 YYYY-MM-DD 或 YYYY-MM。")
        out.add("KB051", lines["date"], f"制度 {label} 的日期 '{values['date']}' 格式不对。{fix}")
        bad = True
    status, successor = values.get("status"), values.get("superseded_by")
    if status == "现行" and successor:
        out.add(
            "KB051",
            lines["superseded_by"],
            f"制度 {label} 状态为现行，却写了 'superseded_by'。请删除它，或把状态改为已修订或已废止。",
        )
        bad = True
    if status == "已修订" and not successor:
        out.add(
            "KB051",
            lines["status"],
            f"制度 {label} 已修订，但没有写修订后的文件。请加 'superseded_by: <新文件的编号>'，并在登记表中登记新文件。",
        )
        bad = True
    return bad


def _unique(regs: list[Regulation], out: Collector) -> list[Regulation]:
    seen: dict[str, Regulation] = {}
    titles: dict[str, Regulation] = {}
    for r in regs:
        if r.id in seen:
            out.add("KB051", r.line, f"制度编号 '{r.id}' 重复：第 {seen[r.id].line} 行已使用。编号不可重复，请换一个。")
            continue
        if r.title in titles and titles[r.title].status == r.status == "现行":
            other = titles[r.title]
            out.add(
                "KB051",
                r.line,
                f"现行文件 '{r.name}' 登记了两次（另见第 {other.line} 行 '{other.id}'）。请合并为一项。",
            )
        seen[r.id] = r
        titles.setdefault(r.title, r)
    return list(seen.values())


def _check_successors(regs: list[Regulation], out: Collector) -> None:
    ids = [r.id for r in regs]
    for r in regs:
        if not r.superseded_by:
            continue
        if r.superseded_by == r.id:
            out.add("KB051", r.line, f"制度 '{r.id}' 的 superseded_by 指向它自己。请写修订后的新文件的编号。")
        elif r.superseded_by not in ids:
            guess = closest(r.superseded_by, ids)
            fix = ask_or(guess, "请先在登记表中登记新文件。")
            out.add("KB051", r.line, f"制度 '{r.id}' 的 superseded_by '{r.superseded_by}' 不在登记表中。{fix}")
    register = Register(regs, "")
    for r in regs:
        chain = register.chain(r)
        if r.superseded_by and r.superseded_by != r.id and register.loops(chain) and r.id == min(x.id for x in chain):
            path = " → ".join(f"'{x.id}'" for x in [*chain, register.by_id[chain[-1].superseded_by]])
            out.add(
                "KB051",
                r.line,
                f"制度的修订关系形成循环：{path}。请把循环中现行的那份文件改为 'status: 现行'，并删去它的 superseded_by。",
            )
