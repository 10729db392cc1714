"""How well the privacy guard (KB033) catches personal numbers written the way people really write
them, and how often it flags numbers that are not personal.

    python bench/privacy_rate.py [--n 5000] [--seed 1]

A generated corpus of one-line Chinese sentences: positives hold a mainland mobile number, an
18- or 15-digit ID number or an e-mail address in one of many disguises (groupings, +86/0086/(86)
prefixes, full-width digits, NBSP and ideographic spaces, zero-width and other format characters
pasted from chat tools); negatives hold amounts, order numbers, dates, versions and measurements
that merely look like them. Each sentence goes through ``privacy.check`` as one line of a file.
Prints the catch rate per disguise and the false-positive rate per kind of harmless number.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

from dangjian_kb.check import privacy  # noqa: E402
from dangjian_kb.model.findings import Collector  # noqa: E402


def gb11643_check(first17: str) -> str:
    """The GB 11643 check character, computed here so the test does not trust the code it tests."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


TODAY = dt.date(2026, 6, 1)
FORMAT_CHARS = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
SPACES = [" ", "-", ".", "\u00a0", "\u3000", "\u2002", "\t"]
PREFIXES = ["+86", "+86 ", "+86-", "0086", "0086 ", "(86)", "（86）", "86-", "+８６"]
SENTENCES = [
    "联系人电话{x}，请于周五前回复。",
    "如有疑问请拨打{x}。",
    "预备党员本人手机：{x}",
    "{x}（组织委员）",
    "经核对，该同志登记信息为{x}，材料齐全。",
    "平台值班人员 {x} 负责夜班签到。",
]
REGIONS = ["110101", "310104", "440305", "370202", "120101", "510107"]
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def id18(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
    first = rng.choice(REGIONS) + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return first + gb11643_check(first)


def id15(rng: random.Random) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 59))
    return rng.choice(REGIONS) + born.strftime("%y%m%d") + f"{rng.randrange(1000):03d}"


def group(digits: str, sizes: list[int], sep: str) -> str:
    parts, i = [], 0
    for s in sizes:
        parts.append(digits[i : i + s])
        i += s
    return sep.join(parts)


def sprinkle(text: str, rng: random.Random, char: str) -> str:
    """``char`` inserted at one or two places inside ``text`` (as chat tools and Word do)."""
    for _ in range(rng.choice((1, 2))):
        at = rng.randrange(1, len(text))
        text = text[:at] + char + text[at:]
    return text


# name -> generator of one disguised personal value
POSITIVES: dict[str, Callable[[random.Random], str]] = {
    "mobile plain": mobile,
    "mobile 3-4-4": lambda r: group(mobile(r), [3, 4, 4], r.choice(SPACES)),
    "mobile 3-3-5": lambda r: group(mobile(r), [3, 3, 5], r.choice(SPACES)),
    "mobile 4-4-3": lambda r: group(mobile(r), [4, 4, 3], r.choice(SPACES)),
    "mobile +86/0086/(86)": lambda r: r.choice(PREFIXES) + group(mobile(r), [3, 4, 4], r.choice(["", " ", "-"])),
    "mobile full-width": lambda r: mobile(r).translate(WIDE),
    "mobile format chars": lambda r: sprinkle(mobile(r), r, r.choice(FORMAT_CHARS)),
    "mobile nbsp/ideographic": lambda r: group(mobile(r), [3, 4, 4], r.choice(["\u00a0", "\u3000"])),
    "id18 plain": id18,
    "id18 grouped": lambda r: group(id18(r), [6, 8, 4], r.choice(SPACES)),
    "id18 format chars": lambda r: sprinkle(id18(r), r, r.choice(FORMAT_CHARS)),
    "id18 full-width": lambda r: id18(r).translate(WIDE),
    "id15 plain": id15,
    "id15 format chars": lambda r: sprinkle(id15(r), r, r.choice(FORMAT_CHARS)),
    "email plain": lambda r: f"dangyuan{r.randrange(1000)}@example.com",
    "email format chars": lambda r: sprinkle(f"zhibu{r.randrange(1000)}@example.com", r, r.choice(FORMAT_CHARS)),
    "email full-width @": lambda r: f"zuzhibu{r.randrange(1000)}＠example.com",
}
NEGATIVES: dict[str, Callable[[random.Random], str]] = {
    "amount 元": lambda r: f"{mobile(r)} 元",
    "amount 万元/亿元": lambda r: f"{mobile(r)}{r.choice(['万元', '亿元', '元'])}",
    "amount with comma": lambda r: f"{int(mobile(r)):,}元",
    "scientific": lambda r: f"{r.randrange(1, 9)}.{r.randrange(10, 99)}e10",
    "order number 12-20 digits": lambda r: (
        mobile(r) + "".join(r.choice("0123456789") for _ in range(r.randrange(1, 10)))
    ),
    "order number prefix": lambda r: "".join(r.choice("0123456789") for _ in range(r.randrange(1, 6))) + mobile(r),
    "date compact": lambda r: (dt.date(2000, 1, 1) + dt.timedelta(days=r.randrange(9000))).strftime("%Y%m%d"),
    "date range": lambda r: "20240101-20241231",
    "version": lambda r: f"v{r.randrange(1, 20)}.{r.randrange(100)}.{r.randrange(1000)}",
    "decimal": lambda r: f"{mobile(r)[:3]}.{mobile(r)}",
    "id-like bad date": lambda r: r.choice(REGIONS) + "1990" + "1399" + f"{r.randrange(1000):03d}" + "1",
    "count of people": lambda r: f"{r.randrange(1, 300)} 名党员，{r.randrange(1, 40)} 个支部",
}


@dataclass
class Rates:
    positives: dict[str, tuple[int, int]]  # kind -> (caught, total)
    negatives: dict[str, tuple[int, int]]  # kind -> (flagged, total)

    @property
    def catch_rate(self) -> float:
        caught = sum(c for c, _ in self.positives.values())
        return caught / max(1, sum(t for _, t in self.positives.values()))

    @property
    def false_positive_rate(self) -> float:
        flagged = sum(c for c, _ in self.negatives.values())
        return flagged / max(1, sum(t for _, t in self.negatives.values()))


def flags(line: str) -> bool:
    out = Collector("corpus.md")
    privacy.check(line, None, TODAY, out)
    return any(f.code == "KB033" for f in out.items)


def measure(n: int = 2000, seed: int = 1) -> Rates:
    """``n`` sentences of each side, spread evenly over the kinds."""
    rng = random.Random(seed)
    result: dict[str, dict[str, list[int]]] = {"pos": {}, "neg": {}}
    for side, table, want in (("pos", POSITIVES, True), ("neg", NEGATIVES, False)):
        kinds = list(table)
        for i in range(n):
            kind = kinds[i % len(kinds)]
            line = rng.choice(SENTENCES).format(x=table[kind](rng))
            hit = flags(line)
            counts = result[side].setdefault(kind, [0, 0])
            counts[0] += int(hit)
            counts[1] += 1
    return Rates(
        {k: (v[0], v[1]) for k, v in result["pos"].items()},
        {k: (v[0], v[1]) for k, v in result["neg"].items()},
    )


def table(rates: Rates) -> str:
    rows = ["| disguise (should be caught) | caught | total | rate |", "|---|---:|---:|---:|"]
    rows += [f"| {k} | {c} | {t} | {c / t:.1%} |" for k, (c, t) in rates.positives.items()]
    rows += ["", "| harmless number (should pass) | flagged | total | false positives |", "|---|---:|---:|---:|"]
    rows += [f"| {k} | {c} | {t} | {c / t:.1%} |" for k, (c, t) in rates.negatives.items()]
    rows += ["", f"catch rate {rates.catch_rate:.2%}, false-positive rate {rates.false_positive_rate:.2%}"]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="sentences per side (positives, negatives)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(table(measure(args.n, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
