"""Read and check the branch standards (``standards/*.yml``) against the loaded knowledge base.

Rules: the file is safe YAML (aliases refused, dates as strings); every field has its type;
unknown fields get 是否想写; points add up to the total; a deduction never exceeds its item's
points; pass marks lie within the total and increase; ids are unique; every reference
(``related``, ``handbook``) resolves to an id the knowledge base has; a handbook marker names an
existing standard; no entry restates a figure of a standard differently. Bad input of any shape
gives findings (KB070–KB079), never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from dangjian_kb.check.frontmatter import _Loader
from dangjian_kb.check.suggest import did_you_mean
from dangjian_kb.model import os_reason, yamlsafe
from dangjian_kb.model import standards as m
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.findings import Collector, Finding
from dangjian_kb.model.syntax import lines_outside_code

MAX_BYTES = 1_000_000
MAX_DEPTH = 12


class _Map(dict):
    """A YAML mapping with the line of each key (1-based)."""

    line = 0
    key_lines: dict


class _Seq(list):
    line = 0
    item_lines: list


def load(root: Path, ids: set[str], handbook_ids: set[str]) -> tuple[list[m.Standard], list[Finding]]:
    """Every ``standards/*.yml`` under ``root``, checked; references resolve against ``ids``."""
    folder = Path(root) / m.FOLDER
    if not folder.is_dir():
        return [], []
    found: list[Finding] = []
    out: list[m.Standard] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        rel = f"{m.FOLDER}/{path.name}"
        col = Collector(rel)
        if path.is_symlink() and not _inside(path, Path(root)):
            col.add("KB070", 0, "这是指向知识库以外的符号链接，不予读取。请把标准文件本身放进 'standards/'。")
        elif path.suffix.lower() not in (".yml", ".yaml"):
            col.add("KB070", 0, f"'{path.name}' 不是 YAML 文件。达标标准每个写成一个 '<标准编号>.yml' 文件。")
        else:
            std = read_file(path, rel, ids, handbook_ids, col)
            if std is not None:
                out.append(std)
        found.extend(col.items)
    found.extend(_duplicate_standards(out))
    return out, found


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return True


def read_file(path: Path, rel: str, ids: set[str], handbook_ids: set[str], out: Collector) -> m.Standard | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        out.add("KB070", 0, f"无法读取文件（{os_reason.describe(exc)}）。请检查文件权限。")
        return None
    if len(raw) > MAX_BYTES:
        out.add("KB070", 0, f"文件有 {len(raw)} 字节，超过 1 MB。请拆分为多个标准。")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.add("KB070", 0, "文件不是 UTF-8 编码（可能是 GBK）。请在编辑器中另存为 UTF-8。")
        return None
    data = parse_yaml(text, out)
    if data is None:
        return None
    return build(data, rel, path.stem, ids, handbook_ids, out)


# -- safe YAML with lines ---------------------------------------------------------------------------


def parse_yaml(text: str, out: Collector) -> _Map | None:
    if "\t" in text:
        line = text[: text.index("\t")].count("\n") + 1
        out.add("KB070", line, "文件中有制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。")
        return None
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1 if event.start_mark else 0
                out.add("KB070", line, "使用了 YAML 锚点或别名（& 或 *），出于安全原因不予展开。请直接写出每个值。")
                return None
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        line, problem = yamlsafe.syntax_problem(text, exc)
        out.add("KB070", line, f"不是合法的 YAML：{problem}")
        return None
    except RecursionError:
        out.add("KB070", 0, "YAML 嵌套过深，无法解析。请按投稿指南的层级书写。")
        return None
    if node is None:
        out.add("KB070", 0, "文件是空的。请按投稿指南写出 id、title、total、levels 和 aspects。")
        return None
    value = _value(node, 0, out)
    if value is _TOO_DEEP:
        out.add("KB070", 0, "YAML 嵌套过深。请按投稿指南的层级书写。")
        return None
    if not isinstance(value, _Map):
        out.add("KB070", node.start_mark.line + 1, "文件内容不是 '字段: 值' 的形式。请以 'id: …' 开头逐行书写。")
        return None
    return value


_TOO_DEEP = object()
_loader = _Loader("")


def _value(node: yaml.Node, depth: int, out: Collector) -> object:
    if depth > MAX_DEPTH:
        return _TOO_DEEP
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = _Map()
        result.line, result.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _value(key_node, depth + 1, out)
            value = _value(value_node, depth + 1, out)
            if value is _TOO_DEEP:
                return _TOO_DEEP
            key = key if isinstance(key, str) else str(key)
            result[key] = value
            result.key_lines.setdefault(key, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        seq = _Seq()
        seq.line, seq.item_lines = line, []
        for child in node.value:
            value = _value(child, depth + 1, out)
            if value is _TOO_DEEP:
                return _TOO_DEEP
            seq.append(value)
            seq.item_lines.append(child.start_mark.line + 1)
        return seq
    try:
        return _loader.construct_object(node, deep=True)
    except (yaml.YAMLError, *yamlsafe.CONSTRUCTOR_ERRORS):
        return node.value  # an odd scalar (a bad !!tag) is kept as its text; field rules report its type


# -- fields -----------------------------------------------------------------------------------------


class _Fields:
    """Typed access to one mapping of the file; every miss becomes a finding, never an exception."""

    def __init__(self, data: _Map, where: str, allowed: tuple[str, ...], out: Collector) -> None:
        self.data, self.where, self.out = data, where, out
        for key in data:
            if key not in allowed:
                out.add("KB072", self.line(key), f"{where}有未知字段 '{key}'。{did_you_mean(key, allowed)}")

    def line(self, key: str) -> int:
        return self.data.key_lines.get(key, self.data.line)

    def text(self, key: str, required: bool = True, pattern: re.Pattern[str] | None = None, hint: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.out.add("KB071", self.data.line, f"{self.where}缺少字段 '{key}'。请补上。{hint}")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.out.add("KB071", self.line(key), f"{self.where}的 '{key}' 应是一段文字，现为 '{_show(value)}'。{hint}")
            return ""
        value = value.strip()
        if pattern is not None and not pattern.fullmatch(value):
            self.out.add("KB071", self.line(key), f"{self.where}的 '{key}' 写成了 '{value}'。{hint}")
            return ""
        return value

    def integer(self, key: str, required: bool = True) -> int | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.out.add("KB071", self.data.line, f"{self.where}缺少字段 '{key}'。请写一个正整数（分值）。")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.out.add(
                "KB071",
                self.line(key),
                f"{self.where}的 '{key}' 应是正整数，现为 '{_show(value)}'。请写整数分值，如 10。",
            )
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.out.add("KB071", self.line(key), f"{self.where}的 '{key}' 应是 true 或 false，现为 '{_show(value)}'。")
            return False
        return value

    def texts(self, key: str, required: bool = False) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.out.add("KB071", self.data.line, f"{self.where}缺少字段 '{key}'。请写成列表，每行 '- …'。")
            return ()
        if isinstance(value, str) and value.strip():
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.out.add(
                "KB071", self.line(key), f"{self.where}的 '{key}' 应是文字列表，现为 '{_show(value)}'。请每行写 '- …'。"
            )
            return ()
        if required and not value:
            self.out.add("KB071", self.line(key), f"{self.where}的 '{key}' 是空列表。请至少写一项。")
        return tuple(v.strip() for v in value)

    def maps(self, key: str, what: str) -> list[_Map]:
        value = self.data.get(key)
        if not isinstance(value, list) or not value:
            self.out.add("KB071", self.line(key), f"{self.where}的 '{key}' 应是非空列表，每项是一个{what}。")
            return []
        good = [v for v in value if isinstance(v, _Map)]
        for v, line in zip(value, getattr(value, "item_lines", [0] * len(value)), strict=True):
            if not isinstance(v, _Map):
                self.out.add(
                    "KB071",
                    line,
                    f"{self.where}的 '{key}' 中有一项不是{what}（'{_show(v)}'）。请写成 '字段: 值' 的形式。",
                )
        return good


def _named(kind: str, value: object) -> str:
    """'考核项目 'ZB-01' ' or just '考核项目' when the id itself is missing or not text."""
    return f"{kind} '{value}' " if isinstance(value, str) and value.strip() else kind


def _suggest(value: str, options: list[str]) -> str:
    return did_you_mean(value, options) if options else "请检查编号是否写错。"


def _show(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:40] + "…"


# -- building the model -----------------------------------------------------------------------------


def build(data: _Map, rel: str, stem: str, ids: set[str], handbook_ids: set[str], out: Collector) -> m.Standard | None:
    f = _Fields(data, "标准", m.STANDARD_FIELDS, out)
    sid = f.text("id", pattern=m.STANDARD_ID, hint="标准编号用小写字母、数字和连字符，如 'zhibu-daobiao'。")
    if sid and sid != stem:
        out.add("KB071", f.line("id"), f"标准编号 '{sid}' 与文件名 '{stem}' 不一致。请把文件改名为 '{sid}.yml'。")
    if sid and (sid == "index" or sid.endswith(m.COMPARE_SUFFIX)):
        out.add(
            "KB071",
            f.line("id"),
            f"标准编号 '{sid}' 与网站自动生成的页面重名（标准总览 index、各标准的 '…{m.COMPARE_SUFFIX}' 对比页）。"
            f"请换一个编号，如 '{sid.removesuffix(m.COMPARE_SUFFIX)}-biaozhun'。",
        )
    title = f.text("title")
    total = f.integer("total")
    handbook = f.text("handbook", required=False)
    if handbook and handbook not in handbook_ids:
        out.add(
            "KB077",
            f.line("handbook"),
            f"'handbook' 指向不存在的手册章节 '{handbook}'。{_suggest(handbook, sorted(handbook_ids))}",
        )
    std = m.Standard(
        id=sid,
        title=title,
        total=total or 0,
        rel=rel,
        handbook=handbook,
        basis=f.texts("basis"),
        owner=f.text("owner", required=False),
        version=str(data.get("version") or ""),
        intro=f.text("intro", required=False),
        verification=_verification(data, out),
        lines=dict(data.key_lines),
    )
    std.aspects = tuple(_aspect(a, ids, out) for a in f.maps("aspects", "方面（id、title、items）"))
    std.levels = tuple(_level(lv, out) for lv in f.maps("levels", "等级（name、pass）"))
    _check_totals(std, total, f.line("total"), out)
    _check_levels(std, total, out)
    _check_unique(std, out)
    return std if sid and title and total else None


def _verification(data: _Map, out: Collector) -> m.Verification:
    value = data.get("verification")
    if value is None:
        return m.Verification()
    if not isinstance(value, _Map):
        out.add(
            "KB071",
            data.key_lines.get("verification", 0),
            "'verification' 应是 '字段: 值' 的形式（interview_min、self_check、method）。",
        )
        return m.Verification()
    f = _Fields(value, "验收方式", m.VERIFICATION_FIELDS, out)
    return m.Verification(
        f.integer("interview_min", required=False),
        f.text("self_check", required=False),
        f.text("method", required=False),
    )


def _aspect(data: _Map, ids: set[str], out: Collector) -> m.Aspect:
    f = _Fields(data, _named("方面", data.get("id")), m.ASPECT_FIELDS, out)
    aid = f.text("id", pattern=m.ASPECT_ID, hint="方面编号如 'ZB-A'。")
    items = tuple(_item(i, ids, out) for i in f.maps("items", "考核项目"))
    declared = f.integer("points", required=False)
    aspect = m.Aspect(aid, f.text("title"), items, declared, data.line)
    if declared is not None and declared != aspect.points:
        out.add(
            "KB073",
            f.line("points"),
            f"方面 '{aid}' 写明 {declared} 分，但各项合计 {aspect.points} 分。请核对各项分值或改正方面分值。",
        )
    return aspect


def _item(data: _Map, ids: set[str], out: Collector) -> m.Item:
    f = _Fields(data, _named("考核项目", data.get("id")), m.ITEM_FIELDS, out)
    iid = f.text("id", pattern=m.ITEM_ID, hint="项目编号如 'ZB-01'。")
    points = f.integer("points") or 0
    deductions = tuple(_deduction(d, iid, points, out) for d in f.maps("deductions", "扣分情形（when、points）"))
    veto = f.flag("veto")
    veto_when = f.text("veto_when", required=False)
    if veto and not veto_when:
        out.add(
            "KB071", f.line("veto"), f"考核项目 '{iid}' 是一票否决项，但没有写 'veto_when'。请写明出现什么情形即否决。"
        )
    if veto_when and not veto:
        out.add(
            "KB071",
            f.line("veto_when"),
            f"考核项目 '{iid}' 写了 'veto_when'，但 'veto' 不是 true。是否想写 'veto: true'？",
        )
    related = f.texts("related")
    for ref in related:
        if ref not in ids:
            out.add(
                "KB077",
                f.line("related"),
                f"考核项目 '{iid}' 的 related 指向不存在的条目 '{ref}'。{_suggest(ref, sorted(ids))}",
            )
    return m.Item(
        iid,
        f.text("title"),
        f.text("requirement"),
        points,
        f.text("full"),
        deductions,
        f.texts("evidence", required=True),
        veto,
        veto_when,
        related,
        data.line,
    )


def _deduction(data: _Map, item_id: str, item_points: int, out: Collector) -> m.Deduction:
    f = _Fields(data, f"考核项目 '{item_id}' 的扣分情形", m.DEDUCTION_FIELDS, out)
    points = f.integer("points") or 0
    if item_points and points > item_points:
        out.add(
            "KB074",
            f.line("points"),
            f"考核项目 '{item_id}' 的扣分 {points} 分超过该项分值 {item_points} 分。一项最多扣到 0 分，请改小扣分。",
        )
    return m.Deduction(f.text("when"), points, data.line)


def _level(data: _Map, out: Collector) -> m.Level:
    f = _Fields(data, _named("等级", data.get("name")), m.LEVEL_FIELDS, out)
    return m.Level(f.text("name"), f.integer("pass") or 0, f.text("note", required=False), data.line)


# -- rules across the file ----------------------------------------------------------------------------


def _check_totals(std: m.Standard, total: int | None, line: int, out: Collector) -> None:
    items_sum = sum(a.points for a in std.aspects)
    if total and std.items and items_sum != total:
        out.add(
            "KB073", line, f"标准总分写为 {total} 分，但各项分值合计 {items_sum} 分。请核对各项分值或改正 'total'。"
        )


def _check_levels(std: m.Standard, total: int | None, out: Collector) -> None:
    previous: m.Level | None = None
    for lv in std.levels:
        if not lv.pass_mark:
            continue
        if total and lv.pass_mark > total:
            out.add(
                "KB075", lv.line, f"等级 '{lv.name}' 的分数线 {lv.pass_mark} 超过总分 {total}。请改为不超过总分的分数。"
            )
        if previous is not None and lv.pass_mark <= previous.pass_mark:
            out.add(
                "KB075",
                lv.line,
                f"等级 '{lv.name}' 的分数线 {lv.pass_mark} 不高于上一等级 '{previous.name}' 的 {previous.pass_mark}。等级请从低到高排列，分数线逐级提高。",
            )
        previous = lv


def _check_unique(std: m.Standard, out: Collector) -> None:
    seen: dict[str, int] = {}
    things: list[m.Aspect | m.Item] = [*std.aspects, *std.items]
    for thing in things:
        if not thing.id:
            continue
        if thing.id in seen:
            out.add(
                "KB076",
                thing.line,
                f"编号 '{thing.id}' 重复（第 {seen[thing.id]} 行已用过）。每个方面和项目的编号必须唯一。",
            )
        else:
            seen[thing.id] = thing.line
    names: set[str] = set()
    for lv in std.levels:
        if lv.name in names:
            out.add("KB076", lv.line, f"等级名称 '{lv.name}' 重复。每个等级只写一次。")
        names.add(lv.name)


def _duplicate_standards(stds: list[m.Standard]) -> list[Finding]:
    """Item ids are cited from entries without naming the standard: unique across all standards."""
    found: list[Finding] = []
    owner: dict[str, str] = {}
    for std in stds:
        for item in std.items:
            first = owner.setdefault(item.id, std.rel)
            if first != std.rel:
                found.append(
                    Finding(
                        std.rel,
                        item.line,
                        "KB076",
                        f"项目编号 '{item.id}' 已在 {first} 中使用。不同标准的项目编号也不能重复，请换一个前缀。",
                    )
                )
    return found


# -- entries: markers and restated figures --------------------------------------------------------------


def check_entries(entries: list[Entry], stds: list[m.Standard], complete: bool = True) -> list[Finding]:
    """Markers and cited items that do not resolve (KB078), figures restated (KB079). While a
    standard file has errors (``complete`` false) what it should hold is unknown: references to
    it are not judged, so its own findings are not buried under false ones in the entries."""
    known = {s.id: s for s in stds}
    item_ids = sorted(i.id for s in stds for i in s.items)
    # Item ids cited in prose ("ZB-04"): only the prefixes the standards use, so GB-50016 is not one.
    prefixes = sorted({i.split("-")[0] for i in item_ids})
    cited = re.compile(r"(?<![A-Za-z0-9-])(?:" + "|".join(prefixes) + r")-\d{2,3}(?![\d.])") if prefixes else None
    ids = set(item_ids)
    found: list[Finding] = []
    for e in entries:
        # the line walk only where a finding can be: a marker, a figure near words about the
        # standard, a cited item that does not exist (at 10,000 entries most bodies have none)
        body = e.body
        if not (
            "dangjian-kb:standard" in body
            or (stds and _CONTEXT.search(body) and _may_restate(body))
            or (
                cited is not None
                and any(f"{p}-" in body for p in prefixes)
                and any(mt.group(0) not in ids for mt in cited.finditer(body))
            )
        ):
            continue
        for i, line, in_code in lines_outside_code(e.body):
            if in_code:
                continue
            mk = m.MARKER.match(line)
            if mk and not complete:
                continue
            if mk and mk.group(1) not in known:
                hint = did_you_mean(mk.group(1), sorted(known)) if known else f"'{m.FOLDER}/' 中还没有任何标准。"
                found.append(
                    Finding(e.rel, e.body_line + i, "KB078", f"标准标记引用了不存在的标准 '{mk.group(1)}'。{hint}")
                )
            elif "<!--" not in line:
                found.extend(_restated(e, e.body_line + i, line, stds))
                if complete:
                    found.extend(_unknown_items(e, e.body_line + i, line, cited, ids))
    return found


def _unknown_items(e: Entry, line: int, text: str, cited: re.Pattern[str] | None, ids: set[str]) -> list[Finding]:
    if cited is None:
        return []
    return [
        Finding(
            e.rel,
            line,
            "KB078",
            f"正文引用的达标项目 '{mt.group(0)}' 在标准中不存在。{did_you_mean(mt.group(0), sorted(ids))}",
        )
        for mt in cited.finditer(text)
        if mt.group(0) not in ids
    ]


_SENTENCE = re.compile(r"[^。；;！？\n]+")
_CONTEXT = re.compile(r"达标|验收|自查|复核|示范支部|先进支部|清单|标准")
# A figure is a whole number of at most four digits, standing where no digit stands before or
# after it: a long run of digits is read once (not once from every digit, which is quadratic in
# entry text) and never converted (int() refuses over 4,300 digits); a range needs its word.
_N = r"(?<!\d)(\d{1,4})(?!\d)"
_PASS = re.compile(
    r"(?<!\d)(\d{2,3})\s*分(?:以上|及以上|的)?[^。；\d]{0,8}?(达标|先进|示范)"
    r"|(达标|先进|示范)(?:线|分数线)[^。；\d]{0,6}(\d{2,3})\s*分"
)
_INTERVIEW = re.compile(r"访谈[^。；\d]{0,12}?" + _N + r"\s*(?:(?:至|到|-|—|~|～)\s*\d+\s*)?(?:名|人)")
_ASPECTS = re.compile(_N + r"\s*个方面")
# "清单" alone is too wide (a ledger list of HB-2.1 has its own count): only the standard's names
_ITEMS = re.compile(
    r"个方面\s*" + _N + r"\s*[条项]|(?:自查清单|达标标准|验收标准|评分标准)[^。；\d]{0,8}?" + _N + r"\s*(?:项|条)"
)

# each figure pattern behind words it cannot match without: substring tests first (C speed), the
# regex only where all of them are
_FIGURES = (
    (("分",), ("达标", "先进", "示范"), _PASS),
    (("访谈",), ("",), _INTERVIEW),
    (("个方面",), ("",), _ASPECTS),
    ((), ("个方面", "自查清单", "达标标准", "验收标准", "评分标准"), _ITEMS),
)


def _may_restate(body: str) -> bool:
    return any(
        all(w in body for w in needed) and any(w in body for w in one_of) and rx.search(body)
        for needed, one_of, rx in _FIGURES
    )


def _restated(e: Entry, line: int, text: str, stds: list[m.Standard]) -> list[Finding]:
    """A figure of a standard written out in an entry that disagrees with the data (KB079)."""
    if not stds:
        return []
    found: list[Finding] = []
    for sentence in _SENTENCE.findall(text):
        if not _CONTEXT.search(sentence):
            continue
        for std in stds:
            for what, value, expected in _figures_in(sentence, std):
                found.append(
                    Finding(
                        e.rel,
                        line,
                        "KB079",
                        f"这里写了{what} '{value}'，与达标标准 '{std.id}' 的 {expected} 不一致。请删去数字，改为引用标准（见 [[{std.handbook or 'HB-2.5'}]] 或项目编号）。",
                    )
                )
    return found


def _figures_in(sentence: str, std: m.Standard) -> list[tuple[str, str, str]]:
    marks = {lv.name: lv.pass_mark for lv in std.levels}
    out: list[tuple[str, str, str]] = []
    for mt in _PASS.finditer(sentence):
        value, name = (mt.group(1), mt.group(2)) if mt.group(1) else (mt.group(4), mt.group(3))
        if name in marks and int(value) != marks[name]:
            out.append((f"{name}分数线", f"{value}分", f"{marks[name]} 分"))
    interview = std.verification.interview_min
    if interview is not None:
        for mt in _INTERVIEW.finditer(sentence):
            if int(mt.group(1)) != interview:
                out.append(("验收访谈人数", mt.group(0), f"不少于 {interview} 名"))
    for mt in _ASPECTS.finditer(sentence):
        if int(mt.group(1)) != len(std.aspects):
            out.append(("方面数", mt.group(0), f"{len(std.aspects)} 个方面"))
    for mt in _ITEMS.finditer(sentence):
        value = mt.group(1) or mt.group(2)
        if int(value) != len(std.items):
            out.append(("项目数", mt.group(0), f"{len(std.items)} 项"))
    return out
