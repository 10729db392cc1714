"""Front-matter rules: required fields, types, ids, taxonomy, enumerations and dates."""

from __future__ import annotations

import datetime as dt
import re

from dangjian_kb.check.rules_body import is_prompt
from dangjian_kb.check.suggest import ascii_digits, ask_or, closest, did_you_mean
from dangjian_kb.model import dates
from dangjian_kb.model.collection import ALL, COMMON_FIELDS, Collection, collection_of_id, is_chapter
from dangjian_kb.model.findings import Collector
from dangjian_kb.model.taxonomy import Taxonomy

MAX_REVIEW_MONTHS = 120  # ten years; more is a typo (and would overflow the calendar)
PRIVACY_FIELD = "public_numbers"  # per-file allow-list of numbers meant to be public
CHINESE_KEYS = {
    "编号": "id",
    "标题": "title",
    "分类": "category",
    "主题": "topic",
    "标签": "tags",
    "相关": "related",
    "更新": "updated",
    "来源": "source",
    "单位": "unit",
    "日期": "date",
    "类型": "kind",
    "类别": "kind",
    "供稿": "contributor",
    "依据": "basis",
    "复核": "reviewed",
    "文种": "doctype",
    "发文": "issuer",
    "主送": "recipient",
    "用途": "usage",
    "字段": "fields",
}


def check_fields(
    coll: Collection,
    rel: str,
    meta: dict,
    lines: dict[str, int],
    tax: Taxonomy,
    today: dt.date,
    out: Collector,
    prompts: frozenset[str] = frozenset(),
) -> dict:
    """Validate ``meta``; return the normalized values that passed (what pages may show).

    A value that is still a scaffold prompt (`待填写：…`) is the prompt rule's to report (KB038): the
    field rules judge the others only (``prompts``: the keys holding one), so no rule depends on
    running after another."""
    ok: dict = {}
    ln = lambda key: lines.get(key, 1)  # noqa: E731 - tiny local accessor
    _unknown_fields(coll, meta, ln, out)
    if prompts:
        meta = {k: v for k, v in meta.items() if k not in prompts}
    _check_id(coll, rel, meta, ln, out, ok)
    for key in coll.required:
        if key != "id" and key not in prompts and _blank(meta.get(key)):
            out.add("KB012", 1, f"缺少必填字段 '{key}'。请在头部信息中加一行 '{key}: …'{_enum_hint(coll, key)}。")
    _check_title(meta, ln, out, ok)
    _check_taxonomy(meta, ln, tax, out, ok)
    for key in ("tags", "related", "basis"):
        _check_str_list(key, meta, ln, out, ok)
    if "related" in ok:
        _check_related_ids(ok, ln, out)
    for key, allowed in coll.enums.items():
        _check_enum(key, allowed, meta, ln, out, ok)
    for key in ("unit", "contributor", "owner", "issuer", "recipient", "usage"):
        if key in meta and key in coll.fields:
            _check_text(key, meta, ln, out, ok)
    _check_date("updated", meta, ln, out, ok, month_ok=False, today=today)
    for key in coll.month_dates:
        _check_date(key, meta, ln, out, ok, month_ok=True)
    if coll.reviewed:
        _check_handbook(meta, ok, ln, today, out)
    if PRIVACY_FIELD in meta:
        _check_str_list(PRIVACY_FIELD, meta, ln, out, ok)
    return ok


def prompt_keys(meta: dict) -> frozenset[str]:
    """The keys whose value (or one of whose list items) is still a scaffold prompt."""
    items = ((k, v if isinstance(v, list) else [v]) for k, v in meta.items())
    return frozenset(k for k, vs in items if any(isinstance(x, str) and is_prompt(x) for x in vs))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _enum_hint(coll: Collection, key: str) -> str:
    if key in coll.enums:
        return "，可选值：" + "、".join(coll.enums[key])
    return ""


def _unknown_fields(coll: Collection, meta: dict, ln, out: Collector) -> None:
    known = set(COMMON_FIELDS) | set(coll.fields) | {PRIVACY_FIELD}
    for key in meta:
        if str(key) in known:
            continue
        guess = CHINESE_KEYS.get(str(key)) or closest(str(key), sorted(known), cutoff=0.6)
        fix = ask_or(guess, "如不需要请删除；可用字段见投稿指南。")
        out.add("KB028", ln(str(key)), f"未知字段 '{key}'，不会被使用。{fix}")


# matched on the stripped value, the dash with the spaces before it as one optional part: two
# runs of spaces side by side backtrack quadratically over a long blank value
_ID_LOOSE = re.compile(r"(" + "|".join(c.prefix for c in ALL) + r")(?:\s*[-－—_–])?\s*([\d.．]+)", re.IGNORECASE)


def normalized_id(value: str, coll: Collection) -> str | None:
    m = _ID_LOOSE.fullmatch(value.strip())
    if not m:
        return None
    prefix, num = m[1].upper(), ascii_digits(m[2].replace("．", "."))
    if coll.numbered and num.isascii() and num.isdigit():
        num = num.zfill(4)
    guess = f"{prefix}-{num}"
    return guess if coll.id_pattern.fullmatch(guess) else None


def _check_id(coll: Collection, rel: str, meta: dict, ln, out: Collector, ok: dict) -> None:
    value = meta.get("id")
    if _blank(value):
        out.add("KB012", 1, f"缺少必填字段 'id'。请加一行 'id: …'，格式为 {coll.id_hint}。")
        return
    if not isinstance(value, str):
        # YAML reads 0012 as the number 10 (octal): the number it made is not what was typed
        what = "写成了数字" if isinstance(value, (int, float)) and not isinstance(value, bool) else f"是 '{value}'"
        named = re.match(rf"{re.escape(coll.prefix)}-[0-9][0-9.]*[0-9]", rel.rsplit("/", 1)[-1])
        meant = named[0] if named and coll.id_pattern.fullmatch(named[0]) else _example(coll)
        out.add("KB013", ln("id"), f"'id' 应为文字，现在{what}。格式为 {coll.id_hint}，如 'id: {meant}'。")
        return
    value = value.strip()
    if not coll.id_pattern.fullmatch(value):
        other = collection_of_id(value)
        if other is not None:
            fix = f"'{value}' 是{other.label}的编号，请把文件移到 {other.name}/ 文件夹，或改用 {coll.id_hint}。"
        else:
            guess = normalized_id(value, coll)
            fix = ask_or(guess, f"格式应为 {coll.id_hint}。")
        out.add("KB014", ln("id"), f"编号 '{value}' 不符合{coll.label}的编号格式。{fix}")
        return
    _check_file_name(value, rel.rsplit("/", 1)[-1], ln, out)
    ok["id"] = value


_SPACES = re.compile(r"\s+")
_MORE_ID = re.compile(r"\.?[0-9]")  # the name goes on with digits: another id
_AFTER_ID = re.compile(r"[-_－—–·.、\s]+")  # what a writer puts between the id and the words


def _check_file_name(value: str, name: str, ln, out: Collector) -> None:
    """The file is named after its id (``P-0012-党费.md``): spaces are refused (KB044), another
    name is KB015, each with the name meant when the name holds the id another way."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    spaced = _SPACES.search(name) is not None
    if not spaced and (stem == value or stem.startswith(value + "-")):
        return  # (nearly every file: nothing to suggest)
    meant = ascii_digits(_SPACES.sub("-", stem.strip()))
    holds_id = meant.startswith(value) and not _MORE_ID.match(meant, len(value))  # not P-00123 for P-0012
    if holds_id and meant != value:
        meant = value + "-" + _AFTER_ID.sub("-", meant[len(value) :]).strip("-")
    meant = meant.rstrip("-") + (dot + suffix)
    if spaced:
        out.add(
            "KB044",
            0,
            f"文件名 '{name}' 含有空格。请改名为 '{meant}'（用 - 代替空格；文件名只用汉字、字母、数字、- 和 _）。",
        )
    if stem == value or stem.startswith(value + "-"):
        return
    if spaced and holds_id:
        return  # renaming as KB044 says fixes this too
    if holds_id:
        fix = f"是否想写 '{meant}'？"
    else:
        fix = f"文件名应以编号开头，如 '{value}-简短标题.md'，或把 id 改成与文件名一致。"
    out.add("KB015", ln("id"), f"编号 '{value}' 与文件名 '{name}' 不一致。{fix}")


def _example(coll: Collection) -> str:
    return coll.example


def _check_title(meta: dict, ln, out: Collector, ok: dict) -> None:
    value = meta.get("title")
    if _blank(value):
        return  # reported as missing
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        out.add(
            "KB030", ln("title"), "标题 'title' 应为一行文字。请写成 'title: 党费逾期未缴'（含冒号等符号时加引号）。"
        )
        return
    if "\n" in value.strip():
        out.add("KB030", ln("title"), "标题 'title' 只能写一行。请把说明移到正文。")
        return
    ok["title"] = value.strip()


def _check_taxonomy(meta: dict, ln, tax: Taxonomy, out: Collector, ok: dict) -> None:
    cat = meta.get("category")
    if isinstance(cat, (list, dict)):
        out.add(
            "KB013", ln("category"), "'category' 应为一个分类名称，如 'category: 制度建设'。一个条目只属于一个分类。"
        )
        cat = None
    if not _blank(cat):
        name = str(cat).strip()
        if tax.get(name) is None:
            owner = tax.category_of_topic(name)
            if owner:
                fix = f"'{name}' 是分类 '{owner}' 下的主题：请写 'category: {owner}' 和 'topic: {name}'。"
            else:
                fix = did_you_mean(name, tax.names())
            out.add("KB017", ln("category"), f"未知分类 '{name}'。{fix}")
        else:
            ok["category"] = name
    topic = meta.get("topic")
    if isinstance(topic, (list, dict)):
        out.add("KB013", ln("topic"), "'topic' 应为一个主题名称，如 'topic: 党费管理'。一个条目只选一个主题。")
        return
    if _blank(topic):
        return
    tname = str(topic).strip()
    if "category" not in ok:
        if tax.category_of_topic(tname) is None:
            out.add("KB018", ln("topic"), f"未知主题 '{tname}'。{did_you_mean(tname, tax.all_topics())}")
        return
    category = tax.get(ok["category"])
    if category is None:  # the category finding is made by its own rule
        return
    if tname in category.topics:
        ok["topic"] = tname
        return
    owner = tax.category_of_topic(tname)
    if owner:
        fix = f"'{tname}' 属于分类 '{owner}'：请把 category 改为 '{owner}'，或选用本分类的主题：{'、'.join(category.topics)}。"
    else:
        fix = did_you_mean(tname, category.topics)
    out.add("KB018", ln("topic"), f"主题 '{tname}' 不属于分类 '{category.name}'。{fix}")


# What each list field holds, for the example in a message (never another field's words).
LIST_EXAMPLES = {
    "tags": "[党费, 催缴]",
    "related": "[P-0012, HB-2.3]",
    "basis": "[zhibu-tiaoli-2018#第六章]",
    PRIVACY_FIELD: "[12380]",
}
_BRACKETS = "[]【】［］〔〕「」()（）"
_SEPARATORS = re.compile(r"[,，、；;\s]+")


def _check_str_list(key: str, meta: dict, ln, out: Collector, ok: dict) -> None:
    value = meta.get(key)
    if value is None:
        return
    if isinstance(value, str):
        parts = [p for p in _SEPARATORS.split(value.strip().strip(_BRACKETS)) if p.strip(_BRACKETS)]
        out.add("KB013", ln(key), f"'{key}' 应为列表，现在是一段文字 '{value}'。请写成 '{key}: [{', '.join(parts)}]'。")
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        out.add("KB013", ln(key), f"'{key}' 应为列表，现在是 '{value}'。请写成 '{key}: [{value}]'。")
        return
    if not isinstance(value, list) or not all(
        isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
    ):
        example = LIST_EXAMPLES.get(key, "[…, …]")
        out.add("KB013", ln(key), f"'{key}' 应为文字列表，如 '{key}: {example}'。")
        return
    items = [str(v).strip() for v in value if str(v).strip()]
    ok[key] = list(dict.fromkeys(items))


def _check_related_ids(ok: dict, ln, out: Collector) -> None:
    good = []
    for value in ok["related"]:
        if any(c.id_pattern.fullmatch(value) for c in ALL):
            good.append(value)
        else:
            guess = next((g for c in ALL if (g := normalized_id(value, c))), None)
            fix = ask_or(guess, "相关条目请写编号，如 P-0012、C-0007、HB-2.3。")
            out.add("KB025", ln("related"), f"related 中的 '{value}' 不是有效编号。{fix}")
    ok["related"] = good


def _check_enum(key: str, allowed: tuple[str, ...], meta: dict, ln, out: Collector, ok: dict) -> None:
    value = meta.get(key)
    if _blank(value):
        return
    text = str(value).strip()
    if text in allowed:
        ok[key] = text
    else:
        out.add("KB019", ln(key), f"'{key}' 的值 '{text}' 无效。{did_you_mean(text, allowed)}")


def _check_text(key: str, meta: dict, ln, out: Collector, ok: dict) -> None:
    value = meta.get(key)
    if _blank(value):
        return
    if isinstance(value, (list, dict)) or isinstance(value, bool):
        out.add("KB013", ln(key), f"'{key}' 应为一行文字。请写成 '{key}: …'。")
        return
    ok[key] = str(value).strip()


# A day that has not come yet: for `updated` and `reviewed` it is a slip, and a `reviewed` in the
# future would switch off the review reminder (KB027) and hide the section from review.html.
FUTURE_FIX = {
    "updated": "请写实际修改的日期",
    "reviewed": "请写实际复核的日期；要推迟下一次复核，请改 'review_months'",
}


def _check_date(
    key: str, meta: dict, ln, out: Collector, ok: dict, month_ok: bool, today: dt.date | None = None
) -> None:
    """``today`` (the check's day, from the plugin or CLI option): a later day is refused."""
    value = meta.get(key)
    if _blank(value):
        return
    day = dates.parse_day(value)
    valid = day is not None or (month_ok and dates.parse_month_or_day(value))
    if valid:
        # one day of grace: a contributor in Beijing writes tomorrow's date while CI runs on UTC
        if day is not None and today is not None and day > today + dt.timedelta(days=1):
            fix = FUTURE_FIX.get(key, "请写实际的日期")
            out.add(
                "KB020",
                ln(key),
                f"日期 '{key}: {str(value).strip()}' 晚于今天（{today.isoformat()}），不能写将来的日期。{fix}。",
            )
            return
        ok[key] = str(value).strip()
        return
    form = "YYYY-MM 或 YYYY-MM-DD" if month_ok else "YYYY-MM-DD"
    guess = dates.suggest(value, month_ok)
    if guess is not None:
        out.add("KB020", ln(key), f"日期 '{key}: {value}' 格式不对，应为 {form}。是否想写 '{guess}'？")
    elif dates.looks_like_date(value):
        out.add("KB020", ln(key), f"日期 '{key}: {value}' 不存在（没有这个月或这一天）。请检查年月日，格式为 {form}。")
    else:
        example = "2024-05 或 2024-05-08" if month_ok else "2024-05-08"
        out.add("KB020", ln(key), f"日期 '{key}: {value}' 格式不对，应为 {form}。请写成如 '{example}' 的形式。")


def _check_handbook(meta: dict, ok: dict, ln, today: dt.date, out: Collector) -> None:
    months = meta.get("review_months", 12)
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_REVIEW_MONTHS:
        out.add(
            "KB013",
            ln("review_months"),
            f"'review_months' 应为 1 到 {MAX_REVIEW_MONTHS} 之间的整数（月数），现在是 '{months}'。如 'review_months: 12'。",
        )
        months = 12
    ok["review_months"] = months
    section = "id" in ok and not is_chapter(ok["id"])
    if _blank(meta.get("reviewed")):
        if section:
            out.add("KB012", 1, "手册小节缺少必填字段 'reviewed'（最近复核日期）。请加一行 'reviewed: YYYY-MM-DD'。")
        return
    _check_date("reviewed", meta, ln, out, ok, month_ok=False, today=today)
    reviewed = dates.parse_day(ok["reviewed"]) if "reviewed" in ok else None
    if reviewed is not None:
        due = dates.add_months(reviewed, months)
        ok["review_due"] = due.isoformat()
        if due < today:
            out.add(
                "KB027",
                ln("reviewed"),
                f"已超过复核期限：上次复核 '{ok['reviewed']}'，应于 {due.isoformat()} 前复核。请复核内容后更新 reviewed 日期。",
            )
