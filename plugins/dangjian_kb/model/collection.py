"""The collections of the content model and what each requires: a collection is a declaration."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Ids are ASCII: they are addresses (problems/P-0012.html) and what people type. Patterns use
# [0-9], never \d or str.isdigit, which also take full-width and other scripts' digits (P-０６１１).


@dataclass(frozen=True)
class Collection:
    name: str  # folder and URL prefix
    label: str  # Chinese name shown to readers
    id_pattern: re.Pattern[str]
    id_hint: str  # how a valid id looks, for messages
    required: tuple[str, ...]
    headings: tuple[str, ...]  # required level-2 headings, in order
    optional_headings: tuple[str, ...] = ()
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fields: tuple[str, ...] = ()  # collection-specific optional fields
    prefix: str = ""  # id prefix before the dash: HB, P, C, T
    example: str = ""  # a valid id, for messages
    numbered: bool = True  # ids are prefix + a running number (new entries take the next one)
    placeholders: bool = False  # the body is a fill-in document with declared {{key}} fields
    noun: str = ""  # what one entry is called in messages: 问题, 案例 …
    columns: tuple[tuple[str, str], ...] = ()  # (field, header) after id and title in index tables
    month_dates: tuple[str, ...] = ()  # date fields that may be YYYY-MM
    reviewed: bool = False  # entries carry reviewed / review_months and fall due for review
    has_index: bool = True  # a generated index page at <name>/index.html (the handbook has its own)
    asked_by: tuple[str, ...] = ()  # words in a search that ask for this kind of entry (范文 → templates)

    @property
    def index_url(self) -> str:
        return f"{self.name}/index.html"


# basis: regulation ids from regulations.yml (any collection; the handbook's 政策依据)
COMMON_FIELDS = ("id", "title", "category", "topic", "tags", "related", "updated", "basis")

HANDBOOK = Collection(
    name="handbook",
    label="规范化手册",
    id_pattern=re.compile(r"HB-[1-9][0-9]*(?:\.[1-9][0-9]*){0,2}"),
    id_hint="HB-2（章）或 HB-2.3、HB-2.3.1（节）",
    required=("id", "title"),
    headings=(),
    fields=("owner", "reviewed", "review_months"),
    prefix="HB",
    example="HB-2.3",
    numbered=False,
    noun="手册小节",
    columns=(("topic", "主题"), ("reviewed", "复核")),
    reviewed=True,
    has_index=False,
)
PROBLEMS = Collection(
    name="problems",
    label="问题库",
    id_pattern=re.compile(r"P-[0-9]{4,}"),
    id_hint="P- 加至少 4 位数字，如 P-0012",
    required=("id", "title", "category", "source"),
    headings=("问题描述", "解决建议", "实施步骤"),
    enums={"source": ("反馈", "巡视检查", "日常运行")},
    fields=("source",),
    prefix="P",
    example="P-0012",
    noun="问题",
    columns=(("source", "来源"), ("updated", "更新")),
)
CASES = Collection(
    name="cases",
    label="案例集",
    asked_by=("案例", "典型经验", "经验介绍"),
    id_pattern=re.compile(r"C-[0-9]{4,}"),
    id_hint="C- 加至少 4 位数字，如 C-0007",
    required=("id", "title", "category", "unit", "date", "kind"),
    headings=("背景", "实施过程", "取得成效", "关键因素"),
    optional_headings=("借鉴要点",),
    enums={"kind": ("成功经验", "创新做法", "经验教训")},
    fields=("unit", "date", "kind", "contributor"),
    prefix="C",
    example="C-0007",
    noun="案例",
    columns=(("kind", "类型"), ("unit", "单位"), ("date", "时间")),
    month_dates=("date",),
)
DOCTYPES = ("请示", "报告", "通知", "决议", "公示", "会议记录", "表格", "提纲", "其他")
TEMPLATES = Collection(
    name="templates",
    label="文书模板",
    id_pattern=re.compile(r"T-[0-9]{4,}"),
    id_hint="T- 加至少 4 位数字，如 T-0001",
    required=("id", "title", "category", "doctype"),
    headings=(),
    enums={"doctype": DOCTYPES},
    fields=("doctype", "issuer", "recipient", "usage", "fields", "basis"),
    prefix="T",
    example="T-0001",
    placeholders=True,
    noun="文书模板",
    columns=(("doctype", "文种"), ("issuer", "发文")),
    # the words of a search that asks for a document to fill in, as people type them
    asked_by=(
        "模板",
        "模版",
        "范文",
        "范本",
        "样本",
        "样稿",
        "样表",
        "格式",
        "写法",
        "怎么写",
        "咋写",
        "如何写",
        "怎样写",
        "怎么填",
        "咋填",
        "表格",
        "计算表",
        "登记表",
    ),
)

ALL: tuple[Collection, ...] = (HANDBOOK, PROBLEMS, CASES, TEMPLATES)
BY_NAME = {c.name: c for c in ALL}
_RANK = {c.prefix: i for i, c in enumerate(ALL)}


def collection_of_id(entry_id: str) -> Collection | None:
    for coll in ALL:
        if coll.id_pattern.fullmatch(entry_id):
            return coll
    return None


def is_chapter(entry_id: str) -> bool:
    return entry_id.startswith("HB-") and "." not in entry_id


def id_sort_key(entry_id: str) -> tuple:
    """Numeric order: HB-2.10 after HB-2.9, P-0012 after P-0009; collections in ALL order."""
    prefix, _, rest = entry_id.partition("-")
    rank = _RANK.get(prefix, len(ALL))
    numbers = tuple(int(n) if n.isascii() and n.isdigit() else 0 for n in rest.split("."))
    return (rank, numbers, entry_id)
