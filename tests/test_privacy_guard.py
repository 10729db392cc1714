"""The privacy guard (KB033) catches personal numbers however they were pasted, and leaves amounts,
order numbers and dates alone. Each example is one line of a valid problem's body, checked by
``validate.load``; the corpus test uses bench/privacy_rate.py's generator."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import PROBLEM_BODY

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import privacy_rate  # noqa: E402


def gb11643_check(first17: str) -> str:
    """The GB 11643 check character, computed here so the test does not trust the code it tests."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


MOBILE = "13912345678"
ID_FIRST17 = "11010119900307123"
ID18 = ID_FIRST17 + gb11643_check(ID_FIRST17)
ID15 = "110101900307123"  # old (1985-1999) ID: region, YYMMDD, sequence


def zw(value: str, char: str, at: int) -> str:
    return value[:at] + char + value[at:]


FORMAT_CHARS = {"ZWSP": "\u200b", "ZWNJ": "\u200c", "ZWJ": "\u200d", "WJ": "\u2060", "BOM": "\ufeff", "SHY": "\u00ad"}
CAUGHT = {
    **{f"id18-{name}": zw(ID18, c, 6) for name, c in FORMAT_CHARS.items()},
    **{f"id18-{name}-twice": zw(zw(ID18, c, 14), c, 3) for name, c in FORMAT_CHARS.items()},
    **{f"mobile-{name}": zw(MOBILE, c, 3) for name, c in FORMAT_CHARS.items()},
    **{f"id15-{name}": zw(ID15, c, 6) for name, c in FORMAT_CHARS.items()},
    "email-zwsp": "zhi\u200bbu@example.com",
    "email-zwsp-domain": "zhibu@exam\u200bple.com",
    "id15-plain": ID15,
    "id18-grouped": f"{ID18[:6]} {ID18[6:14]} {ID18[14:]}",
    "id18-full-width": ID18.translate(privacy_rate.WIDE),
    "mobile-plus86": "+86 139 1234 5678",
    "mobile-plus86-glued": "+8613912345678",
    "mobile-0086": "0086 13912345678",
    "mobile-0086-dash": "0086-139-1234-5678",
    "mobile-paren86": "(86)13912345678",
    "mobile-fullwidth-paren86": "（86）139 1234 5678",
    "mobile-3-4-4-space": "139 1234 5678",
    "mobile-3-4-4-dash": "139-1234-5678",
    "mobile-3-4-4-dot": "139.1234.5678",
    "mobile-3-3-5": "139 123 45678",
    "mobile-3-3-5-dash": "139-123-45678",
    "mobile-4-4-3": "1391 2345 678",
    "mobile-mixed-separators": "139-1234 5678",
    "mobile-full-width": "１３９１２３４５６７８",
    "mobile-full-width-grouped": "１３９－１２３４－５６７８",
    "mobile-nbsp": "139\u00a01234\u00a05678",
    "mobile-ideographic-space": "139\u30001234\u30005678",
    "mobile-en-space": "139\u20021234\u20025678",
    "mobile-zw-and-space": "139\u200b 1234 5678",
}
NOT_CAUGHT = {
    "amount-yuan": "项目总投资 15000000000 元",
    "amount-yuan-glued": "合同金额15000000000元",
    "amount-wanyuan": "累计产值13800000000万元",
    "amount-yiyuan": "资产总额 13912345678 亿元",
    "scientific": "约 1.3e10 千瓦时",
    "scientific-upper": "约 1.39E10 吨",
    "order-12": "订单号 139123456789",
    "order-16": "订单号 1391234567812345",
    "order-20": "流水号 20240615139123456780",
    "order-prefixed": "运单号 9913912345678",
    "date-compact": "会议于 20241231 召开",
    "date-range": "有效期 20240101-20241231",
    "decimal": "比例为 0.13912345678",
    "version": "系统版本 13.9.12345678",
    "id-wrong-date": "编号 110101199013991231",
}


def _kb033_lines(kb, text: str) -> tuple[list[int], int]:
    rel = kb.problem(body=PROBLEM_BODY + "\n## 延伸阅读\n\n联系方式：" + text + "。\n")
    return [f.line for f in kb.findings("KB033") if f.path == rel], kb.line(rel, "联系方式")


@pytest.mark.parametrize("text", CAUGHT.values(), ids=CAUGHT.keys())
def test_personal_number_caught(kb, text):
    lines, line = _kb033_lines(kb, text)
    assert lines == [line], f"{text!r}: KB033 on lines {lines}, expected [{line}]"


@pytest.mark.parametrize("text", NOT_CAUGHT.values(), ids=NOT_CAUGHT.keys())
def test_harmless_number_not_flagged(kb, text):
    lines, _ = _kb033_lines(kb, text)
    assert lines == [], f"{text!r} flagged as personal data"


def test_public_numbers_still_exempt_when_disguised(kb):
    """Normalization applies to the allow-list too: a hotline listed once is exempt however written."""
    rel = kb.problem(
        public_numbers='["+86 139 1234 5678"]',
        body=PROBLEM_BODY + "\n## 延伸阅读\n\n服务热线 139\u200b1234\u200b5678，或 (86)13912345678。\n",
    )
    assert [f for f in kb.findings("KB033") if f.path == rel] == []


def test_corpus_catch_and_false_positive_rates():
    rates = privacy_rate.measure(n=1200, seed=7)
    missed = {k: f"{c}/{t}" for k, (c, t) in rates.positives.items() if c < t}
    flagged = {k: f"{c}/{t}" for k, (c, t) in rates.negatives.items() if c}
    assert rates.catch_rate >= 0.99, f"catch rate {rates.catch_rate:.1%}; missed by kind: {missed}"
    assert rates.false_positive_rate <= 0.01, f"false positives {rates.false_positive_rate:.1%}: {flagged}"
