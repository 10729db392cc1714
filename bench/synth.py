"""Seeded generator of a synthetic Chinese Party-building knowledge base, for benchmarks.

    python bench/synth.py OUT_DIR --entries 10000 [--seed 1] [--text-bytes 1024]

or, from Python, ``generate(out_dir, entries, seed=1) -> dict`` (the counts).

Every generated file is valid under /work/shared/content-model.md: required fields and
headings, ``## 实施步骤`` as a ``1. `` list, categories/topics from the taxonomy file,
``source``/``kind`` from their enumerations, ``related`` (1-3 existing ids: problems ->
handbook sections, cases -> problems, sections -> sibling sections) and some ``[[ID]]``
body links. Handbook sections carry a ``reviewed`` date within the six months before the
fixed reference date 2026-11-26 (never today: the output must not depend on the clock).

The mix is ~4 % handbook (chapters HB-1..HB-5 plus sections HB-c.s, at most 400 sections,
so the handbook stays navigable), ~60 % problems, the rest cases. No ``taxonomy.yml`` is
written: the validator then uses the shipped default, which is also the file read here.

Output is a pure function of (entries, seed, text_bytes, taxonomy file): byte-identical
across runs and machines (no set iteration, no hash(), no clock; each entry draws from
its own ``random.Random(f"{seed}:{id}")``, whose string seeding is hash-independent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

SYNTH_VERSION = 1
REF_DATE = dt.date(2026, 11, 26)  # fixed "today" for reviewed/updated dates
DEFAULT_TAXONOMY = Path(__file__).resolve().parent.parent / "plugins" / "dangjian_kb" / "data" / "taxonomy.yml"
MARKER = ".synth.json"  # written at the root (the validator only scans the collection folders)
COLLECTION_DIRS = ("handbook", "problems", "cases")

HANDBOOK_SHARE = 0.04
PROBLEM_SHARE = 0.60
MAX_CHAPTERS = 5
MAX_SECTIONS = 400

SOURCES = ("反馈", "巡视检查", "日常运行")
KINDS = ("成功经验", "创新做法", "经验教训")
CN_NUM = "一二三四五六七八九十"

# --------------------------------------------------------------------------- vocabulary

TOPIC_TERMS: dict[str, list[str]] = {
    "组织覆盖": ["党组织覆盖", "联合党支部", "临时党支部", "组织覆盖排查", "党建指导员"],
    "四同步": ["四同步", "党务工作人员配备", "党建工作机构", "党建进章程"],
    "换届选举": ["换届选举", "支部委员会", "差额选举", "选举结果报批", "换届请示", "委员补选"],
    "制度精简": ["制度清单", "制度汇编", "工作台账", "考核表格", "制度精简"],
    "党费管理": ["党费", "党费收缴", "党费基数", "党费台账", "党费使用"],
    "党委委员到支部": ["党委委员联系点", "党委委员到支部", "指导调研", "联系支部清单"],
    "支部达标升级": ["支部达标升级", "标准化规范化建设", "达标验收", "过程资料"],
    "党员发展": ["发展对象", "入党积极分子", "预备党员转正", "政治审查", "入党志愿书", "入党申请人谈话"],
    "档案管理": ["党员档案", "发展党员档案", "党员信息系统", "党员花名册", "组织关系转接"],
    "教育培训": ["集中学习", "学时台账", "党课", "学习计划", "线上学习"],
    "先锋模范": ["党员先锋岗", "党员责任区", "党员突击队", "党员亮身份", "党员示范岗"],
    "组织生活": ["三会一课", "主题党日", "组织生活会", "民主评议党员", "谈心谈话", "支部党员大会"],
    "党建品牌": ["党建品牌", "品牌创建", "特色做法", "品牌培育"],
    "书记项目": ["书记项目", "书记项目清单", "项目推进台账", "书记抓党建"],
    "成果转化": ["成果转化", "经验总结", "典型案例", "党建成效评估"],
    "调研培训": ["专题调研", "支部书记培训", "培训计划", "调研报告"],
    "规范手册": ["规范化手册", "工作流程", "操作指引", "常见问题解答"],
    "问题案例库": ["问题库", "案例集", "案例征集", "问题清单"],
}
GENERAL_TERMS = [
    "三会一课",
    "主题党日",
    "组织生活会",
    "党费",
    "发展对象",
    "换届选举",
    "书记项目",
    "党建品牌",
    "预备党员",
    "支部工作台账",
]

ROLES = [
    "支部书记",
    "组织委员",
    "宣传委员",
    "纪检委员",
    "党小组长",
    "支部委员会",
    "上级党委组织部门",
    "党委书记",
    "党务工作者",
    "党建指导员",
    "支部副书记",
]
MEMBERS = [
    "党员",
    "预备党员",
    "发展对象",
    "入党积极分子",
    "流动党员",
    "离退休党员",
    "青年党员",
    "在职党员",
    "一线党员",
    "老党员",
]
REGIONS = ["城东", "城南", "城西", "河西", "江北", "新区", "开发区", "高新区", "东湖", "北山"]
ORGS = [
    "市供水公司",
    "县供电公司",
    "区卫健委机关",
    "街道幸福社区",
    "软件企业",
    "市公交集团",
    "国有物流公司",
    "热电厂",
    "建工集团项目部",
    "农业农村局",
    "市燃气公司",
    "第一中学",
    "人民医院",
    "智慧物流园",
    "镇政府",
    "村党组织",
    "税务分局",
    "商贸集团",
]
BRANCHES = [
    "第一党支部",
    "第二党支部",
    "第三党支部",
    "机关党支部",
    "运行党支部",
    "营销党支部",
    "离退休党支部",
    "联合党支部",
    "项目党支部",
    "研发党支部",
    "客服中心党支部",
    "党总支",
]
SCOPES = ["新建支部", "联合党支部", "项目党支部", "社区党支部", "机关党支部", "两新组织", "离退休党支部", "基层党支部"]
PROBLEMS = [
    "流于形式",
    "记录不全",
    "逾期未办",
    "程序不规范",
    "台账缺失",
    "责任不明确",
    "长期无人过问",
    "材料前后矛盾",
    "标准不统一",
    "未按期开展",
    "效果不明显",
    "材料集中补写",
]
CONSEQUENCES = [
    "影响了支部的凝聚力",
    "党员参与积极性不高",
    "巡察中被列为整改事项",
    "上级检查时被扣分",
    "组织生活质量难以保证",
    "基础工作显得不扎实",
    "群众对党员形象有看法",
    "支部工作陷入被动",
]
CAUSES = [
    "支部书记更替后工作交接不到位",
    "支部委员分工不清",
    "没有建立工作台账",
    "对制度要求理解不准确",
    "党务人员兼职过多、精力不足",
    "日常提醒机制缺失",
    "上级督促检查不及时",
    "只重业务、轻视党建",
]
CHECKS = ["上级党委巡察", "年度党建考核", "支部达标验收", "专项检查", "党建述职评议", "组织生活会征求意见"]
FREQS = ["每月", "每季度", "每半年", "每年年初", "每年年底", "会前1周", "届满前6个月", "每次活动后"]
VERBS = ["梳理", "核对", "研究", "建立", "完善", "督促落实", "检查", "汇总", "通报", "部署"]
GOALS = [
    "有计划、有记录、有检查",
    "程序规范、材料齐全",
    "件件有着落、事事有回音",
    "按期完成、不留死角",
    "一人一档、动态更新",
    "党员看得见、群众有感受",
]
PLACES = ["支部公示栏", "支部党员大会上", "支委会上", "党员微信群", "主题党日上", "党员活动室"]
OUTPUTS = [
    "形成书面报告",
    "报上级党委备案",
    "建立工作台账",
    "列出问题清单",
    "明确责任人和完成时限",
    "装订成册存档",
    "在下次支委会上通报",
]
PLANS = ["支部年度工作计划", "书记抓党建述职", "党员积分管理", "支部达标考核", "党建工作责任清单"]
METHODS = ["清单化推进", "数字化管理", "积分制管理", "三色预警", "联建共建", "闭环督办", "标准化建设", "网格化管理"]
ASPECTS = ["工作规范", "操作流程", "管理要求", "常见问题解答", "台账管理", "工作指引", "实施细则"]
BASIS = [
    "《中国共产党章程》",
    "《中国共产党支部工作条例（试行）》",
    "《中国共产党基层组织选举工作条例》",
    "《中国共产党发展党员工作细则》",
    "《关于中国共产党党费收缴、使用和管理的规定》",
    "《中国共产党党员教育管理工作条例》",
    "《中国共产党国有企业基层组织工作条例（试行）》",
]
OWNERS = ["党委组织部", "党群工作部", "党委办公室", "机关党委", "党建工作部"]
CONTRIBUTORS = ["党委组织部", "党群工作部", "机关党委", "街道党工委", "开发区党工委组织人事部", "支部书记"]
TAG_POOL = sorted(
    {t for terms in TOPIC_TERMS.values() for t in terms}
    | {
        "催缴",
        "台账",
        "公示",
        "提醒",
        "交接",
        "整改",
        "巡察",
        "督办",
        "谈话",
        "评议",
        "积分",
        "清单",
        "数字化",
        "流动党员",
        "青年党员",
        "联建共建",
        "述职",
        "考核",
        "归档",
        "培训",
        "学习强国",
        "阵地建设",
    }
)

# --------------------------------------------------------------------------- sentences


def _t(rng: random.Random, ctx: dict) -> str:
    """One term: mostly the entry's topic terms, sometimes general Party-affairs vocabulary."""
    return rng.choice(ctx["terms"]) if rng.random() < 0.8 else rng.choice(GENERAL_TERMS)


def _n(rng: random.Random) -> int:
    return rng.choice([2, 3, 5, 6, 10, 12, 15, 20, 30])


def describe(rng: random.Random, ctx: dict) -> str:
    forms = [
        lambda: (
            f"{ctx['unit']}在{rng.choice(CHECKS)}中被指出：{_t(rng, ctx)}{rng.choice(PROBLEMS)}，{rng.choice(CONSEQUENCES)}。"
        ),
        lambda: f"{rng.choice(ROLES)}反映，{_t(rng, ctx)}长期{rng.choice(PROBLEMS)}，{rng.choice(MEMBERS)}意见较大。",
        lambda: (
            f"核查发现，近{rng.choice([2, 3, 5])}年的{_t(rng, ctx)}{rng.choice(PROBLEMS)}，{_t(rng, ctx)}也存在{rng.choice(PROBLEMS)}的情况。"
        ),
        lambda: f"原因主要是{rng.choice(CAUSES)}，{rng.choice(CONSEQUENCES)}。",
        lambda: (
            f"支部共有{rng.choice(MEMBERS)}{rng.randint(8, 80)}名，其中{rng.randint(2, 7)}名的{_t(rng, ctx)}{rng.choice(PROBLEMS)}。"
        ),
    ]
    return rng.choice(forms)()


def suggest(rng: random.Random, ctx: dict) -> str:
    forms = [
        lambda: (
            f"{rng.choice(ROLES)}应当{rng.choice(FREQS)}{rng.choice(VERBS)}{_t(rng, ctx)}，做到{rng.choice(GOALS)}。"
        ),
        lambda: f"把{_t(rng, ctx)}纳入{rng.choice(PLANS)}，与{_t(rng, ctx)}同部署、同检查。",
        lambda: f"{_t(rng, ctx)}要{rng.choice(GOALS)}，不能{rng.choice(PROBLEMS)}。",
        lambda: f"对{rng.choice(MEMBERS)}的{_t(rng, ctx)}实行{rng.choice(METHODS)}，结果在{rng.choice(PLACES)}公开。",
    ]
    return rng.choice(forms)()


def step(rng: random.Random, ctx: dict) -> str:
    forms = [
        lambda: (
            f"{rng.choice(ROLES)}在{rng.choice([3, 5, 7, 10, 15])}个工作日内{rng.choice(VERBS)}{_t(rng, ctx)}，{rng.choice(OUTPUTS)}。"
        ),
        lambda: (
            f"{rng.choice(FREQS)}由{rng.choice(ROLES)}{rng.choice(VERBS)}{_t(rng, ctx)}情况，结果在{rng.choice(PLACES)}通报。"
        ),
        lambda: f"{rng.choice(ROLES)}召开会议研究{_t(rng, ctx)}，{rng.choice(OUTPUTS)}。",
        lambda: f"{rng.choice(ROLES)}对照{_t(rng, ctx)}要求逐项自查，{rng.choice(OUTPUTS)}。",
    ]
    return rng.choice(forms)()


BULLET_LABELS = ["抓计划", "抓台账", "抓提醒", "抓督办", "抓考核", "抓公开", "抓交接", "抓培训", "抓整改", "抓阵地"]


def bullet(rng: random.Random, ctx: dict) -> str:
    used = ctx.setdefault("labels", [])
    label = rng.choice([x for x in BULLET_LABELS if x not in used] or BULLET_LABELS)
    used.append(label)
    return f"**{label}**：{suggest(rng, ctx)}"


def effect(rng: random.Random, ctx: dict) -> str:
    a = rng.randint(30, 70)
    b = rng.randint(a + 10, 100)
    forms = [
        lambda: f"{_t(rng, ctx)}完成率由{a}%提高到{b}%，{rng.choice(MEMBERS)}参与率达到{b}%。",
        lambda: (
            f"一年内收到入党申请书{_n(rng)}份，确定{rng.choice(['入党积极分子', '发展对象'])}{rng.randint(2, 9)}名。"
        ),
        lambda: f"整改{_t(rng, ctx)}方面的问题{_n(rng)}项，{rng.choice(CHECKS)}中获评优秀。",
        lambda: f"{rng.choice(MEMBERS)}对{_t(rng, ctx)}的满意度由{a}%提高到{b}%。",
    ]
    return rng.choice(forms)()


def factor(rng: random.Random, ctx: dict) -> str:
    forms = [
        lambda: f"{rng.choice(ROLES)}亲自抓、{rng.choice(ROLES)}具体抓，责任落到人；",
        lambda: f"{_t(rng, ctx)}有台账、有节点，{rng.choice(FREQS)}对账；",
        lambda: f"活动时间跟着{rng.choice(MEMBERS)}的班次走，不让党员迁就支部；",
        lambda: f"用{rng.choice(METHODS)}把{_t(rng, ctx)}和业务工作结合起来；",
    ]
    return rng.choice(forms)()


def faq(rng: random.Random, ctx: dict) -> str:
    return f"**{_t(rng, ctx)}{rng.choice(PROBLEMS)}怎么办？** {suggest(rng, ctx)}"


# --------------------------------------------------------------------------- body assembly


class Body:
    """Sections of items; grows one sentence at a time until the text reaches its target size."""

    def __init__(self) -> None:
        self.sections: list[list] = []  # [heading, kind, items, maker]

    def add(self, heading: str, kind: str, maker, count: int, rng: random.Random, ctx: dict) -> None:
        self.sections.append([heading, kind, [maker(rng, ctx) for _ in range(count)], maker])

    def size(self) -> int:
        return len(self.render().encode("utf-8"))

    def fill(self, target: int, rng: random.Random, ctx: dict, growable: list[int]) -> None:
        size = self.size()
        while size < target:
            sec = self.sections[rng.choice(growable)]
            item = sec[3](rng, ctx)
            for _ in range(3):  # avoid verbatim repeats within a section
                if item not in sec[2]:
                    break
                item = sec[3](rng, ctx)
            sec[2].append(item)
            size += len(item.encode("utf-8")) + 4

    def link(self, rng: random.Random, target: str, text: str | None = None) -> None:
        """Append a [[ID]] reference to a random item of a random section."""
        sec = rng.choice(self.sections)
        i = rng.randrange(len(sec[2]))
        ref = f"[[{target}|{text}]]" if text else f"[[{target}]]"
        sec[2][i] += rng.choice([f"具体做法见 {ref}。", f"参见 {ref}。", f"可对照 {ref} 办理。"])

    def render(self) -> str:
        out = []
        for heading, kind, items, _ in self.sections:
            out.append(f"## {heading}\n")
            if kind == "para":
                out.append("".join(items) + "\n")
            elif kind == "paras":
                out.append("\n\n".join(items) + "\n")
            elif kind == "bullets":
                out.append("\n".join(f"- {x}" for x in items) + "\n")
            else:  # ordered
                out.append("\n".join(f"{i}. {x}" for i, x in enumerate(items, 1)) + "\n")
        return "\n".join(out)


# --------------------------------------------------------------------------- front matter

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}\"']*$")


def _scalar(value: str) -> str:
    """Plain YAML scalar where safe (what a person would type), double-quoted otherwise."""
    if _PLAIN.match(value) and not re.fullmatch(r"[-+]?[\d._]+|true|false|null|yes|no|on|off|y|n|~", value, re.I):
        return value
    return json.dumps(value, ensure_ascii=False)


def front_matter(fields: list[tuple[str, object]]) -> str:
    lines = ["---"]
    for key, value in fields:
        if value is None or value == []:
            continue
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_scalar(str(v)) for v in value)}]")
        else:
            lines.append(f"{key}: {_scalar(str(value))}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def short_title(title: str, limit: int = 14) -> str:
    return re.sub(r"[^\w]", "", title)[:limit]


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _tags(rng: random.Random, ctx: dict) -> list[str]:
    picks = [rng.choice(ctx["terms"])] + rng.sample(TAG_POOL, rng.randint(1, 5))
    return list(dict.fromkeys(picks))


# --------------------------------------------------------------------------- plan


def load_taxonomy(path: Path) -> list[tuple[str, list[str]]]:
    data = yaml.safe_load(path.read_text("utf-8"))
    return [(c["name"].strip(), [t.strip() for t in (c.get("topics") or [])]) for c in data["categories"]]


def plan_counts(entries: int) -> dict:
    if entries < 1:
        raise ValueError("entries must be >= 1")
    hb = min(max(round(entries * HANDBOOK_SHARE), 2 if entries >= 10 else 0), MAX_CHAPTERS + MAX_SECTIONS, entries)
    chapters = min(MAX_CHAPTERS, max(1, hb // 2)) if hb else 0
    sections = min(MAX_SECTIONS, hb - chapters)
    hb = chapters + sections
    problems = min(round(entries * PROBLEM_SHARE), entries - hb)
    cases = entries - hb - problems
    return {
        "entries": entries,
        "handbook": hb,
        "chapters": chapters,
        "sections": sections,
        "problems": problems,
        "cases": cases,
    }


def _ctx(rng: random.Random, category: str, topic: str | None, topics: list[str]) -> dict:
    terms = TOPIC_TERMS.get(topic or "", []) or [t for tp in topics for t in TOPIC_TERMS.get(tp, [])] or GENERAL_TERMS
    unit = f"某{rng.choice(REGIONS)}{rng.choice(ORGS)}{rng.choice(BRANCHES)}"
    return {"terms": terms, "unit": unit, "category": category}


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def generate(
    out_dir: Path, entries: int, seed: int = 1, *, text_bytes: int = 1024, taxonomy_path: Path = DEFAULT_TAXONOMY
) -> dict:
    """Write the knowledge base into ``out_dir`` (replacing a previous synthetic one); return the counts."""
    out_dir = Path(out_dir)
    counts = plan_counts(entries)
    taxonomy = load_taxonomy(taxonomy_path)
    _prepare(out_dir)
    master = random.Random(seed)
    cats = [name for name, _ in taxonomy]
    topics_of = dict(taxonomy)

    # handbook plan: chapter c <-> category (c-1) mod len; sections spread evenly over chapters
    chapter_ids = [f"HB-{c}" for c in range(1, counts["chapters"] + 1)]
    sections_of: dict[str, list[str]] = {cid: [] for cid in chapter_ids}
    for k in range(counts["sections"]):
        cid = chapter_ids[k % len(chapter_ids)]
        sections_of[cid].append(f"{cid}.{len(sections_of[cid]) + 1}")
    chapter_cat = {cid: cats[i % len(cats)] for i, cid in enumerate(chapter_ids)}
    sections_by_cat: dict[str, list[str]] = {c: [] for c in cats}
    for cid in chapter_ids:
        sections_by_cat[chapter_cat[cid]].extend(sections_of[cid])
    all_sections = [s for cid in chapter_ids for s in sections_of[cid]]

    problem_ids = [f"P-{i:04d}" for i in range(1, counts["problems"] + 1)]
    case_ids = [f"C-{i:04d}" for i in range(1, counts["cases"] + 1)]
    problem_cat = {pid: master.choice(cats) for pid in problem_ids}
    case_cat = {cid: master.choice(cats) for cid in case_ids}
    problems_by_cat: dict[str, list[str]] = {c: [] for c in cats}
    for pid in problem_ids:
        problems_by_cat[problem_cat[pid]].append(pid)

    total_bytes = 0
    links = {"related": 0, "body": 0}
    for d in COLLECTION_DIRS:
        (out_dir / d).mkdir(parents=True, exist_ok=True)

    def rng_for(entry_id: str) -> random.Random:
        return random.Random(f"{seed}:{entry_id}")

    def pick_related(rng: random.Random, preferred: list[str], fallback: list[str], exclude: str) -> list[str]:
        pool = [x for x in preferred if x != exclude] or [x for x in fallback if x != exclude]
        if not pool:
            return []
        k = min(len(pool), rng.randint(1, 3))
        return rng.sample(pool, k)

    def target(rng: random.Random) -> int:
        return int(text_bytes * rng.uniform(0.85, 1.15))

    # ---- handbook chapters
    for i, cid in enumerate(chapter_ids):
        rng = rng_for(cid)
        cat = chapter_cat[cid]
        ctx = _ctx(rng, cat, None, topics_of[cat])
        num = CN_NUM[i] if i < len(CN_NUM) else str(i + 1)
        title = f"第{num}章 {cat}"
        fm = front_matter(
            [
                ("id", cid),
                ("title", title),
                ("category", cat),
                ("tags", _tags(rng, ctx)),
                ("owner", rng.choice(OWNERS)),
                ("reviewed", _date_between(rng, REF_DATE - dt.timedelta(days=180), REF_DATE).isoformat()),
            ]
        )
        intro = [suggest(rng, ctx) for _ in range(2)]
        while len("".join(intro).encode("utf-8")) < text_bytes // 2:
            intro.append(suggest(rng, ctx))
        listing = "\n".join(f"- [[{s}]]：{rng.choice(ctx['terms'])}{rng.choice(ASPECTS)}" for s in sections_of[cid])
        links["body"] += len(sections_of[cid])
        body = f"\n# {title}\n\n{''.join(intro)}\n\n## 本章各节\n\n{listing or '本章各节正在编写。'}\n"
        total_bytes += _write(out_dir / "handbook" / f"{cid}-{short_title(cat)}.md", fm + body)

    # ---- handbook sections
    for cid in chapter_ids:
        cat = chapter_cat[cid]
        siblings = sections_of[cid]
        for sid in siblings:
            rng = rng_for(sid)
            topic = rng.choice(topics_of[cat]) if topics_of[cat] else None
            ctx = _ctx(rng, cat, topic, topics_of[cat])
            title = f"{rng.choice(ctx['terms'])}{rng.choice(ASPECTS)}"
            reviewed = _date_between(rng, REF_DATE - dt.timedelta(days=180), REF_DATE)
            related = pick_related(rng, siblings, [], sid) if rng.random() < 0.7 else []
            links["related"] += len(related)
            fm = front_matter(
                [
                    ("id", sid),
                    ("title", title),
                    ("category", cat),
                    ("topic", topic),
                    ("tags", _tags(rng, ctx)),
                    ("basis", rng.sample(BASIS, rng.randint(1, 3))),
                    ("owner", rng.choice(OWNERS)),
                    ("reviewed", reviewed.isoformat()),
                    ("updated", reviewed.isoformat()),
                    ("related", related),
                ]
            )
            body = Body()
            body.add("职责", "bullets", lambda r, c: f"**{r.choice(ROLES)}**：{suggest(r, c)}", 2, rng, ctx)
            body.add("工作流程", "ordered", step, 3, rng, ctx)
            body.add("管理要求", "ordered", suggest, 2, rng, ctx)
            body.add("注意事项", "bullets", suggest, 1, rng, ctx)
            if rng.random() < 0.5:
                body.add("常见问题", "paras", faq, 1, rng, ctx)
            body.fill(target(rng), rng, ctx, list(range(len(body.sections))))
            if related and rng.random() < 0.6:
                body.link(rng, related[0])
                links["body"] += 1
            total_bytes += _write(out_dir / "handbook" / f"{sid}-{short_title(title)}.md", fm + "\n" + body.render())

    # ---- problems
    for pid in problem_ids:
        rng = rng_for(pid)
        cat = problem_cat[pid]
        topic = rng.choice(topics_of[cat]) if topics_of[cat] and rng.random() < 0.9 else None
        ctx = _ctx(rng, cat, topic, topics_of[cat])
        title = f"{rng.choice(SCOPES) if rng.random() < 0.4 else ''}{rng.choice(ctx['terms'])}{rng.choice(PROBLEMS)}"
        related = pick_related(rng, sections_by_cat[cat], all_sections or chapter_ids, pid)
        links["related"] += len(related)
        fm = front_matter(
            [
                ("id", pid),
                ("title", title),
                ("category", cat),
                ("topic", topic),
                ("source", rng.choice(SOURCES)),
                ("tags", _tags(rng, ctx)),
                ("related", related),
                ("updated", _date_between(rng, dt.date(2025, 1, 1), REF_DATE).isoformat()),
            ]
        )
        body = Body()
        body.add("问题描述", "para", describe, 2, rng, ctx)
        body.add("解决建议", "bullets", bullet, 2, rng, ctx)
        body.add("实施步骤", "ordered", step, 3, rng, ctx)
        body.fill(target(rng), rng, ctx, [0, 1, 2])
        if related and rng.random() < 0.6:
            tgt = rng.choice(related)
            body.link(rng, tgt, "手册相关规定" if rng.random() < 0.3 else None)
            links["body"] += 1
        if rng.random() < 0.2:
            others = problems_by_cat[cat]
            other = others[rng.randrange(len(others))]
            if other != pid:
                body.link(rng, other)
                links["body"] += 1
        total_bytes += _write(out_dir / "problems" / f"{pid}-{short_title(title)}.md", fm + "\n" + body.render())

    # ---- cases
    for cid in case_ids:
        rng = rng_for(cid)
        cat = case_cat[cid]
        topic = rng.choice(topics_of[cat]) if topics_of[cat] and rng.random() < 0.9 else None
        ctx = _ctx(rng, cat, topic, topics_of[cat])
        kind = rng.choice(KINDS)
        term = rng.choice(ctx["terms"])
        if kind == "经验教训":
            title = f"{term}{rng.choice(PROBLEMS)}被通报后的整改"
        else:
            title = f"{rng.choice(ORGS)}{rng.choice(METHODS)}{term}"
        day = _date_between(rng, dt.date(2019, 1, 1), dt.date(2026, 10, 31))
        date = day.isoformat() if rng.random() < 0.4 else day.isoformat()[:7]
        related = pick_related(rng, problems_by_cat[cat], problem_ids, cid)
        links["related"] += len(related)
        fm = front_matter(
            [
                ("id", cid),
                ("title", title),
                ("category", cat),
                ("topic", topic),
                ("kind", kind),
                ("unit", ctx["unit"]),
                ("date", date),
                ("contributor", rng.choice(CONTRIBUTORS) if rng.random() < 0.6 else None),
                ("tags", _tags(rng, ctx)),
                ("related", related),
                ("updated", _date_between(rng, max(day, dt.date(2025, 1, 1)), REF_DATE).isoformat()),
            ]
        )
        body = Body()
        body.add("背景", "para", describe, 2, rng, ctx)
        body.add("实施过程", "ordered", step, 3, rng, ctx)
        body.add("取得成效", "para", effect, 1, rng, ctx)
        body.add("关键因素", "bullets", factor, 2, rng, ctx)
        if rng.random() < 0.5:
            body.add("借鉴要点", "para", suggest, 1, rng, ctx)
        body.fill(target(rng), rng, ctx, list(range(len(body.sections))))
        if related and rng.random() < 0.6:
            body.link(rng, rng.choice(related))
            links["body"] += 1
        total_bytes += _write(out_dir / "cases" / f"{cid}-{short_title(title)}.md", fm + "\n" + body.render())

    counts.update(
        {
            "seed": seed,
            "text_bytes": text_bytes,
            "bytes": total_bytes,
            "related_links": links["related"],
            "body_links": links["body"],
        }
    )
    (out_dir / MARKER).write_text(
        json.dumps(
            {"generator": "bench/synth.py", "version": SYNTH_VERSION, **counts},
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )
        + "\n",
        "utf-8",
    )
    return counts


def _prepare(out_dir: Path) -> None:
    """Clear a previous synthetic KB in ``out_dir``; refuse to touch a folder that is not one."""
    out_dir.mkdir(parents=True, exist_ok=True)
    present = [d for d in COLLECTION_DIRS if (out_dir / d).exists()]
    if present and not (out_dir / MARKER).is_file():
        if any(any((out_dir / d).iterdir()) for d in present):
            raise SystemExit(
                f"{out_dir}: contains {', '.join(present)}/ but no {MARKER}; "
                "refusing to overwrite a knowledge base this script did not generate."
            )
    for d in present:
        shutil.rmtree(out_dir / d)
    (out_dir / MARKER).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Generate a synthetic, valid Chinese Party-building knowledge base.")
    p.add_argument("out_dir", type=Path)
    p.add_argument("--entries", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--text-bytes", type=int, default=1024, help="approx. UTF-8 bytes of body text per entry")
    p.add_argument("--taxonomy", type=Path, default=DEFAULT_TAXONOMY)
    args = p.parse_args(argv)
    counts = generate(args.out_dir, args.entries, args.seed, text_bytes=args.text_bytes, taxonomy_path=args.taxonomy)
    print(json.dumps(counts, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
