"""Nothing a contributor writes can run: every payload is refused by `check` AND inert when built anyway.

Each payload carries a unique number ``n`` (its entry is ``P-n``/``C-n``/``HB-3.n``, its script
calls ``alert(n)``, its remote address is ``xn.invalid``), so a violation found anywhere in the
site is traced back to the payload that caused it. One knowledge base holds all payloads of a
group (one entry per payload) and is built once, in serve mode (validation not fatal), through
MkDocs in-process. Then:

* ``test_check_refuses`` — ``validate.load`` reports an error on the payload's file, on one of
  the payload's lines (or the field's line) where a line is meaningful;
* ``test_published_inert`` — no page of the site (every .html and .svg, parsed with
  BeautifulSoup) holds an ``on*`` attribute, a script/vbscript/data URL, an unknown script, a
  frame/object/embed/base/meta refresh or a remote media source traced to the payload;
* ``test_browser_*`` — in Chromium from file://, no dialog after load, hover, focus and clicks.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import pytest

from conftest import PROBLEM_BODY, KBBuilder
from dangjian_kb.check import sources, validate
from dangjian_kb.model.findings import Finding
from security_scan import build_serving, mentions, scan_site
from test_site import TODAY, configure


def png_bytes() -> bytes:
    """A valid 1×1 PNG, so image payloads can use onload as well as onerror."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


# ------------------------------------------------------------------ payload tables
# Body payloads: appended to a valid problem under "## 延伸阅读". ``{n}`` is the payload's number.
BODY: list[tuple[str, str]] = [
    # raw HTML tags and attributes
    ("svg-onload", "<svg/onload=alert({n})>"),
    ("img-title-gt-quote", '<div><img title=">" onerror="alert({n})" src="x"></div>'),
    ("details-ontoggle", "<details/open/ontoggle=alert({n})>"),
    ("input-autofocus", "<input/autofocus/onfocus=alert({n})>"),
    ("img-onerror", "<img src=x onerror=alert({n})>"),
    ("img-upper", "<IMG SRC=x ONERROR=alert({n})>"),
    ("img-multiline", '<img src="x"\n  onerror="alert({n})">'),
    ("img-entity-handler", "<img src=x onerror=&#97;lert({n})>"),
    ("img-slash-sep", "<img/src=x/onerror=alert({n})>"),
    ("a-onclick", '<a href="#" onclick="alert({n})">点击</a>'),
    ("p-onmouseover", '<p onmouseover="alert({n})">把鼠标移到这里</p>'),
    ("custom-element", "<x-card onclick=alert({n})>点我</x-card>"),
    ("pointerenter", "<div onpointerenter=alert({n})>指针</div>"),
    ("body-onload", "<body onload=alert({n})>"),
    ("marquee", "<marquee onstart=alert({n})>走马灯</marquee>"),
    ("select-autofocus", "<select autofocus onfocus=alert({n})><option>一</option></select>"),
    ("textarea-autofocus", "<textarea autofocus onfocus=alert({n})>文字</textarea>"),
    ("audio-onerror", "<audio src=x onerror=alert({n})></audio>"),
    ("video-source-onerror", '<video><source src="x" onerror="alert({n})"></video>'),
    ("svg-animate-onbegin", '<svg><animate onbegin="alert({n})" attributeName="x" dur="1s"/></svg>'),
    ("svg-script", "<svg><script>alert({n})</script></svg>"),
    ("svg-xlink", '<svg><a xlink:href="javascript:alert({n})"><text x="20" y="20">点</text></a></svg>'),
    (
        "svg-animate-href",
        '<svg><a><animate attributeName="href" values="javascript:alert({n})"/><text x="9" y="9">点</text></a></svg>',
    ),
    ("math-href", '<math><mi href="javascript:alert({n})">数学</mi></math>'),
    (
        "mathml-mxss",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert({n})></style></mglyph></table></mtext></math>",
    ),
    ("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert({n})>"></p></noscript>'),
    ("comment-breakout", "<!--><img src=x onerror=alert({n})>-->"),
    ("script", "<script>alert({n})</script>"),
    ("script-src-data", "<SCRIPT SRC=data:,alert({n})></SCRIPT>"),
    ("script-nested", "<scr<script>ipt>alert({n})</script>"),
    ("style-url", "<style>body{background:url('javascript:alert({n})')}</style>"),
    ("style-attr", "<div style=\"background:url('javascript:alert({n})')\">背景</div>"),
    ("iframe-srcdoc", '<iframe srcdoc="<script>alert({n})</script>"></iframe>'),
    ("iframe-js", '<iframe src="javascript:alert({n})"></iframe>'),
    ("object-data", '<object data="javascript:alert({n})"></object>'),
    ("object-data-html", '<object data="data:text/html,%3Cscript%3Ealert({n})%3C/script%3E"></object>'),
    ("embed", '<embed src="javascript:alert({n})">'),
    ("form-action", '<form action="javascript:alert({n})"><button>提交</button></form>'),
    ("button-formaction", '<form><button formaction="javascript:alert({n})">提交</button></form>'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert({n})">'),
    ("base-href", '<base href="javascript:alert({n})//">'),
    ("a-raw-js", '<a href="javascript:alert({n})">点击</a>'),
    ("a-raw-tab-entity", '<a href="jav&#x09;ascript:alert({n})">点击</a>'),
    ("a-raw-newline", '<a href="java\nscript:alert({n})">点击</a>'),
    ("table-cell", "| 列 |\n|---|\n| <img src=x onerror=alert({n})> |"),
    ("admonition-body", '!!! note "提示"\n    <img src=x onerror=alert({n})>'),
    ("admonition-title", '!!! note "<img src=x onerror=alert({n})>"\n    内容'),
    ("details-title", '??? note "<svg onload=alert({n})>"\n    内容'),
    ("def-list", "术语\n:   <img src=x onerror=alert({n})>"),
    ("task-list", "- [ ] <img src=x onerror=alert({n})>"),
    ("heading-html", "### <img src=x onerror=alert({n})>"),
    ("lazy-continuation", "段落文字\n    <img src=x onerror=alert({n})>"),
    ("comment-then-img", "<!-- 说明 --><img src=x onerror=alert({n})>"),
    # md_in_html
    ("md-in-html-link", '<div markdown="1">\n\n[点击](javascript:alert({n}))\n\n</div>'),
    ("md-in-html-img", "<div markdown>\n<img src=x onerror=alert({n})>\n</div>"),
    # attr_list
    ("attr-paragraph", "段落文字\n{ onmouseover=alert({n}) }"),
    ("attr-paragraph-colon", '段落文字\n{: onmouseover="alert({n})" }'),
    ("attr-image-onerror", "![x](x{n}.png){ onerror=alert({n}) }"),
    ("attr-image-onload", "![x](img/ok.png){ onload=alert({n}) }"),
    ("attr-heading", "### 小标题 { onclick=alert({n}) }"),
    ("attr-link-onclick", '[链接](#top){: onclick="alert({n})" }'),
    ("attr-link-href", '[链接](#top){: href="javascript:alert({n})" }'),
    ("attr-style", '段落文字\n{: style="background:url(javascript:alert({n}))" }'),
    # link schemes
    ("link-js", "[点击](javascript:alert({n}))"),
    ("link-js-upper", "[点击](JAVASCRIPT:alert({n}))"),
    ("link-vbscript", "[点击](vbscript:msgbox({n}))"),
    ("link-data-html", "[点击](data:text/html,%3Cscript%3Ealert({n})%3C/script%3E)"),
    ("link-entity-dec", "[点击](java&#115;cript:alert({n}))"),
    ("link-entity-hex", "[点击](&#x6A;avascript:alert({n}))"),
    ("link-entity-all", "[点击](&#106;&#97;vascript:alert({n}))"),
    ("link-entity-colon", "[点击](javascript&colon;alert({n}))"),
    ("link-entity-tab", "[点击](jav&Tab;ascript:alert({n}))"),
    ("link-entity-nl", "[点击](java&#x0A;script:alert({n}))"),
    ("link-entity-nul", "[点击](java&#0;script:alert({n}))"),
    ("link-raw-tab", "[点击](java\tscript:alert({n}))"),
    ("link-control-char", "[点击](\x01javascript:alert({n}))"),
    ("link-angle", "[点击](<javascript:alert({n})>)"),
    ("link-comment-nl", "[点击](javascript://%0Aalert({n}))"),
    ("link-with-title", '[点击](javascript:alert({n}) "标题")'),
    ("image-js", "![图](javascript:alert({n}))"),
    # reference definitions anywhere
    ("ref-plain", "[r{n}]: javascript:alert({n})\n\n[点击][r{n}]"),
    ("ref-in-quote", "> [r{n}]: javascript:alert({n})\n\n[点击][r{n}]"),
    ("ref-in-list", "- [r{n}]: javascript:alert({n})\n\n[点击][r{n}]"),
    ("ref-angle", "[r{n}]: <javascript:alert({n})>\n\n[点击][r{n}]"),
    ("ref-mixed-case", '[r{n}]: JaVaScRiPt:alert({n}) "标题"\n\n[点击][r{n}]'),
    ("ref-collapsed", "[点击{n}][]\n\n[点击{n}]: javascript:alert({n})"),
    ("ref-entity", "[r{n}]: java&#115;cript:alert({n})\n\n[点击][r{n}]"),
    ("ref-in-admonition", '!!! note "提示"\n    [r{n}]: javascript:alert({n})\n\n[点击][r{n}]'),
    # autolinks
    ("autolink-js", "<javascript:alert({n})>"),
    ("autolink-js-upper", "<JAVASCRIPT:alert({n})>"),
    ("autolink-vbscript", "<vbscript:msgbox({n})>"),
    ("autolink-data", "<data:text/html,alert({n})>"),
    # fences and code spans that are not what a line scanner thinks
    ("unclosed-fence", "```\n<img src=x onerror=alert({n})>"),
    ("unclosed-tilde", "~~~\n<svg/onload=alert({n})>"),
    ("mismatched-fence", "````\n```\n<img src=x onerror=alert({n})>\n```"),
    ("escaped-backticks", "\\`<img src=x onerror=alert({n})>\\`"),
    ("unbalanced-code", "``<img src=x onerror=alert({n})>`"),
    # remote resources: never loaded offline
    ("remote-img-html", '<img src="http://x{n}.invalid/a.png">'),
    ("remote-img-md", "![](https://x{n}.invalid/a.png)"),
    ("remote-img-protocol-rel", '<img src="//x{n}.invalid/a.png">'),
    ("remote-video", '<video src="https://x{n}.invalid/v.mp4"></video>'),
    ("remote-audio-source", '<audio><source src="https://x{n}.invalid/a.mp3"></audio>'),
    ("remote-iframe", '<iframe src="https://x{n}.invalid/"></iframe>'),
    ("remote-srcset", '<img src="img/ok.png" srcset="https://x{n}.invalid/a.png 2x">'),
    # a browser reads a backslash as a slash and drops tabs: these are //host too
    ("remote-img-backslash", '<img src="/\\x{n}.invalid/a.png">'),
    ("remote-img-md-backslash", "![图](/\\x{n}.invalid/b.png)"),
    ("remote-img-unc", '<img src="\\\\x{n}.invalid\\a.png">'),
    ("remote-img-tab-slash", '<img src="/&#9;/x{n}.invalid/a.png">'),
    ("remote-img-ref-backslash", "![图][i{n}]\n\n[i{n}]: /\\x{n}.invalid/c.png"),
    ("remote-img-attr-src", "![图](img/ok.png){: src='/\\x{n}.invalid/d.png' }"),
    # ids the theme and the package's scripts look up: material reads the first #__config
    ("reserved-id-config", '<span id="__config">{"base":"https://x{n}.invalid/"}</span>'),
    ("reserved-id-attr-list", "段落{n}\n{ #__config }"),
    ("clobber-global-id", '<span id="KB_FINDER_INDEX">{n}</span>'),
    ("clobber-script-id", '<span id="kb-index-script">{n}</span>'),
    # headings: their text also reaches the table of contents the theme prints unescaped
    ("heading-abrupt-comment", '### 注意 <!--><img alt=">" src=x onerror=alert({n})// "-->\n\n说明。'),
    ("heading-bang-comment", "### 注意 <!-- a --!><img src=x onerror=alert({n})>\n\n说明。"),
    ("heading-img", "### 注意 <img src=x onerror=alert({n})>\n\n说明。"),
    ("heading-svg", "### 注意 <svg/onload=alert({n})>\n\n说明。"),
]

# Front-matter payloads: (label, kind, field, value as typed after "field: ").
FIELDS: list[tuple[str, str, str, str]] = [
    ("title-img", "problem", "title", '"<img src=x onerror=alert({n})>"'),
    ("title-md-attr", "problem", "title", '"![x](x){ onerror=alert({n}) }"'),
    ("title-md-link", "problem", "title", '"[点击](javascript:alert({n}))"'),
    ("title-yaml-escape", "problem", "title", '"\\x7f<img src=x onerror=alert({n})>"'),
    ("title-line-separator", "problem", "title", '"\\u2028<img src=x onerror=alert({n})>"'),
    ("title-pre-escaped", "problem", "title", '"&lt;img src=x onerror=alert({n})&gt;"'),
    ("title-close-title", "problem", "title", '"</title><script>alert({n})</script>"'),
    ("title-svg", "problem", "title", '"党费 <svg onload=alert({n})>"'),
    ("title-autolink", "problem", "title", '"<javascript:alert({n})>"'),
    ("tags-img", "problem", "tags", '["<img src=x onerror=alert({n})>"]'),
    ("tags-md-link", "problem", "tags", '["[x](javascript:alert({n}))"]'),
    ("category-img", "problem", "category", '"<img src=x onerror=alert({n})>"'),
    ("topic-svg", "problem", "topic", '"<svg onload=alert({n})>"'),
    ("source-img", "problem", "source", '"<img src=x onerror=alert({n})>"'),
    ("unit-img", "case", "unit", '"<img src=x onerror=alert({n})>"'),
    ("unit-md-attr", "case", "unit", '"![x](x){ onerror=alert({n}) }"'),
    ("contributor-img", "case", "contributor", '"<img src=x onerror=alert({n})>"'),
    ("kind-img", "case", "kind", '"<img src=x onerror=alert({n})>"'),
    ("case-title-details", "case", "title", '"<details open ontoggle=alert({n})>"'),
    ("owner-img", "section", "owner", '"<img src=x onerror=alert({n})>"'),
    ("basis-img", "section", "basis", '["<img src=x onerror=alert({n})>"]'),
    ("basis-md-link", "section", "basis", '["[依据](javascript:alert({n}))"]'),
    ("section-title-img", "section", "title", '"<img src=x onerror=alert({n})>"'),
]

# Wikilink text: the body of a valid problem links the clean P-0001 with this text.
WIKILINKS: list[tuple[str, str]] = [
    ("wikilink-img", "[[P-0001|<img src=x onerror=alert({n})>]]"),
    ("wikilink-md-attr", "[[P-0001|![x](x){ onerror=alert({n}) }]]"),
    ("wikilink-md-link", "[[P-0001|[点](javascript:alert({n}))]]"),
    ("wikilink-svg", "[[P-0001|<svg/onload=alert({n})>]]"),
]

# Files in a content folder: (label, path relative to the root, content).
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{inner}</svg>'
FILES: list[tuple[str, str, str | bytes]] = [
    ("svg-file-script", "problems/img/s{n}.svg", SVG.format(inner="<script>alert({n})</script>")),
    ("svg-file-onload", "problems/img/s{n}.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert({n})"/>'),
    (
        "svg-file-foreign",
        "cases/s{n}.svg",
        SVG.format(
            inner='<foreignObject><img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="alert({n})"/></foreignObject>'
        ),
    ),
    (
        "svg-file-xlink",
        "handbook/s{n}.svg",
        SVG.format(inner='<a href="javascript:alert({n})"><rect width="9" height="9"/></a>'),
    ),
    ("html-in-image-name", 'problems/img/"><img src=x onerror=alert({n})>.png', b""),
    ("html-in-entry-name", "problems/P-{n}-<svg onload=alert({n})>.md", ""),
    ("quote-in-image-name", "problems/img/a' onerror='alert({n}).png", b""),
    ("html-file-in-folder", "problems/x{n}.html", "<script>alert({n})</script>"),
]

# Values of the finder's synonyms file.
SYNONYMS: list[tuple[str, str]] = [
    ("synonym-img", "<img src=x onerror=alert({n})>"),
    ("synonym-svg", "<svg onload=alert({n})>"),
    ("synonym-proto", "__proto__"),
]


# Routes where a refusal by `check` is not required (the value is harmless text, or the file is
# never published and already warned about); they must still be inert when built.
# A title written as entity text is shown as those characters (`&lt;img …&gt;`), never as markup.
NOT_REFUSED = {"html-file-in-folder", "synonym-proto", "title-pre-escaped"}


@dataclass(frozen=True)
class Payload:
    n: int  # the marker: entry number, alert argument, remote host
    label: str
    route: str  # body, field, wikilink, file, synonym
    text: str
    kind: str = "problem"
    field: str | None = None
    path: str | None = None  # for route=file
    refuse: bool = True  # check must report an error for it

    @property
    def id(self) -> str:
        return f"{self.route}:{self.label}"


def _payloads() -> list[Payload]:
    out: list[Payload] = []
    n = 1001
    for label, text in BODY:
        out.append(Payload(n, label, "body", text.replace("{n}", str(n))))
        n += 1
    n = 1201
    for label, kind, name, value in FIELDS:
        field_text = value.replace("{n}", str(n))
        out.append(Payload(n, label, "field", field_text, kind=kind, field=name, refuse=label not in NOT_REFUSED))
        n += 1
    n = 1301
    for label, text in WIKILINKS:
        out.append(Payload(n, label, "wikilink", text.replace("{n}", str(n))))
        n += 1
    n = 1401
    for label, path, content in FILES:
        text = (
            content.replace(b"{n}", str(n).encode()) if isinstance(content, bytes) else content.replace("{n}", str(n))
        )
        out.append(Payload(n, label, "file", text, path=path.replace("{n}", str(n)), refuse=label not in NOT_REFUSED))
        n += 1
    n = 1501
    for label, text in SYNONYMS:
        out.append(Payload(n, label, "synonym", text.replace("{n}", str(n)), refuse=label not in NOT_REFUSED))
        n += 1
    return out


PAYLOADS = _payloads()
BY_ID = {p.id: p for p in PAYLOADS}
FIELD_IDS = {"problem": "P-{n}", "case": "C-{n}", "section": "HB-3.{n}"}


def test_there_are_at_least_100_payloads():
    assert len(PAYLOADS) + len(TAXONOMY_PAYLOADS) + len(FINDER_QUERIES) >= 100


def entry_rel(p: Payload) -> str:
    """The file ``check`` must name for payload ``p``."""
    if p.route == "file":
        return p.path or ""
    if p.route == "synonym":
        return "synonyms.yml"
    coll = {"problem": "problems", "case": "cases", "section": "handbook"}[p.kind]
    entry_id = FIELD_IDS[p.kind].replace("{n}", str(p.n))
    return f"{coll}/{entry_id}.md" if p.kind == "section" else f"{coll}/{entry_id}-示例.md"


def entry_page(p: Payload) -> str | None:
    if p.route in {"file", "synonym"}:
        return None
    coll = {"problem": "problems", "case": "cases", "section": "handbook"}[p.kind]
    return f"{coll}/{FIELD_IDS[p.kind].replace('{n}', str(p.n))}.html"


def payload_lines(kb: KBBuilder, p: Payload) -> set[int] | None:
    """Lines of the file where an error for ``p`` is expected; None when any line will do."""
    rel = entry_rel(p)
    if p.route == "field":
        return {kb.line(rel, f"{p.field}:")}
    if p.route in {"body", "wikilink"}:
        text = kb.read(rel)
        start = text[: text.index(p.text)].count("\n") + 1
        return set(range(start, start + p.text.count("\n") + 1))
    return None


# ------------------------------------------------------------------ the knowledge base
def write_payload_kb(kb: KBBuilder) -> None:
    kb.problem("P-0001", title="党费逾期未缴的提醒办法")
    kb.chapter("HB-3", title="第三章 制度建设", category="制度建设")
    kb.write("problems/img/ok.png", png_bytes())
    links: list[str] = []
    for p in PAYLOADS:
        if p.route in {"body", "wikilink"}:
            kb.problem(f"P-{p.n}", title=f"条目{p.n}的标题", body=PROBLEM_BODY + "\n## 延伸阅读\n\n" + p.text + "\n")
        elif p.route == "field":
            maker = getattr(kb, p.kind)
            entry_id = FIELD_IDS[p.kind].replace("{n}", str(p.n))
            fields = {"title": f"条目{p.n}的标题", p.field: p.text} if p.field != "title" else {p.field: p.text}
            if p.kind == "section":
                fields.setdefault("category", "制度建设")
                fields.setdefault("topic", "党费管理")
            maker(entry_id, **fields)
            if p.field == "title":
                links.append(f"[[{entry_id}]]")
        elif p.route == "file":
            if p.path.endswith(".md"):
                kb.problem(f"P-{p.n}", name=p.path.split("/", 1)[1], title=f"条目{p.n}的标题")
            else:
                kb.write(p.path, png_bytes() if p.path.endswith(".png") else p.text)
    # Titles that are payloads, shown through [[ID]] on another page.
    kb.problem(
        "P-0002", title="标题经由维基链接显示", body=PROBLEM_BODY + "\n## 延伸阅读\n\n" + "、".join(links) + "\n"
    )
    synonyms = "\n".join(f'  - [交党费, "{p.text}"]' for p in PAYLOADS if p.route == "synonym")
    kb.write("synonyms.yml", "groups:\n  - [交党费, 缴党费]\n" + synonyms + "\n")
    # A docs/ page goes through the same Markdown path: it must be sanitized too.
    configure(kb)
    kb.write(
        "docs/extra.md",
        "# 附加页面\n\n<img src=x onerror=alert(1901)>\n\n[点击](javascript:alert(1902))\n\n段落\n{ onmouseover=alert(1903) }\n"
        "\n## 小节 <img src=x onerror=alert(1904)>\n\n文字。\n",
    )
    # its title is printed in the nav of every page and in the header
    kb.write("docs/titled.md", "---\ntitle: 'X<img src=x onerror=\"alert(1905)\">'\n---\n\n正文。\n")
    kb.write("docs/h1-titled.md", "# 标题 <svg/onload=alert(1906)>\n\n正文。\n")
    # the theme prints a page's front-matter strings unescaped and picks its template from it
    kb.write(
        "docs/meta.md",
        "---\ntitle: 元数据\nsubtitle: '<img src=x onerror=alert(1907)>'\n"
        "description: '\" onmouseover=\"alert(1908)'\nstatus: '<svg onload=alert(1909)>'\n---\n\n正文。\n",
    )
    kb.write("docs/redir.md", "---\ntemplate: redirect.html\nlocation: 'javascript:alert(1910)//'\n---\n\n正文。\n")
    # files that MkDocs would copy as they are
    kb.write("docs/raw1911.html", "<script>alert(1911)</script>")
    kb.write("docs/img1912.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1912)"/>')
    kb.write("docs/remote.md", '# 远程\n\n<img src="/&#9;/x1913.invalid/a.png">\n\n![图](/\\x1914.invalid/b.png)\n')


@pytest.fixture(scope="module")
def payload_kb(kb_factory) -> KBBuilder:
    kb = kb_factory("payloads")
    write_payload_kb(kb)
    return kb


@pytest.fixture(scope="module")
def findings(payload_kb) -> dict[str, list[Finding]]:
    kb = validate.load(payload_kb.root, None, TODAY)
    by_file: dict[str, list[Finding]] = {}
    for f in kb.findings:
        by_file.setdefault(f.path, []).append(f)
    return by_file


@pytest.fixture(scope="module")
def served(payload_kb, tmp_path_factory):
    out = tmp_path_factory.mktemp("payload-site") / "site"
    result = build_serving(payload_kb.root, out)
    return result, scan_site(out) if out.is_dir() else []


# ------------------------------------------------------------------ check refuses
def test_clean_entries_pass(findings):
    """The harness is sound: the clean target has no error, so every error below is the payload's."""
    assert [str(f) for f in findings.get("problems/P-0001-示例.md", []) if f.is_error] == []


@pytest.mark.parametrize("p", [p for p in PAYLOADS if p.refuse], ids=lambda p: p.id)
def test_check_refuses(p: Payload, payload_kb, findings):
    rel = entry_rel(p)
    errors = [f for f in findings.get(rel, []) if f.is_error]
    assert errors, f"check reports no error on {rel} for {p.text!r}; findings there: {findings.get(rel, [])}"
    lines = payload_lines(payload_kb, p)
    if lines is not None:
        assert any(f.line in lines for f in errors), (
            f"no error on lines {sorted(lines)} of {rel}: {[str(f) for f in errors]}"
        )


# ------------------------------------------------------------------ built anyway: inert
def test_serve_mode_build_ran(served):
    """A refusing build would be inert too, but then the other tests prove nothing about pages."""
    result, _ = served
    assert result.error is None, result.error
    assert (result.site / "problems" / "P-0001.html").is_file()


@pytest.mark.parametrize("p", PAYLOADS, ids=lambda p: p.id)
def test_published_inert(p: Payload, served):
    _, violations = served
    mine = [str(v) for v in violations if mentions(v, p.n)]
    assert mine == [], "\n".join(mine)


def test_docs_pages_inert(served):
    _, violations = served
    mine = [str(v) for v in violations if any(mentions(v, n) for n in range(1901, 1915))]
    assert mine == [], "\n".join(mine)


def test_docs_front_matter_reaches_no_page(served):
    """A docs/ page's own front matter (subtitle, status, template) never reaches the theme."""
    result, _ = served
    pages = [p.read_text("utf-8") for p in result.site.rglob("*.html")]
    assert not [p for p in pages if "alert(1907)" in p or "alert(1909)" in p or "alert(1910)" in p]
    meta = (result.site / "meta.html").read_text("utf-8")
    assert 'content="&quot; onmouseover=&quot;alert(1908)"' in meta  # the description, as text


def test_docs_files_outside_the_allowlist_refused_and_not_published(payload_kb, served):
    result, _ = served
    refused = {f.path: f for f in sources.site_pages(payload_kb.root, payload_kb.root / "docs")}
    for rel in ("docs/raw1911.html", "docs/img1912.svg"):
        assert refused[rel].code == "KB039" and refused[rel].is_error, rel
    assert not (result.site / "raw1911.html").exists() and not (result.site / "img1912.svg").exists()


def test_docs_remote_images_not_loaded(served):
    result, violations = served
    assert not [str(v) for v in violations if mentions(v, 1913) or mentions(v, 1914)]
    page = (result.site / "remote.html").read_text("utf-8")
    assert "x1913.invalid" not in page and "x1914.invalid" not in page


def test_no_violation_anywhere(served):
    """Everything the scan finds, traced to a payload or not (a payload may act elsewhere)."""
    _, violations = served
    assert [str(v) for v in violations] == []


def test_no_payload_file_published_raw(served):
    """A scripted SVG or a stray .html from a content folder never reaches the site as is."""
    result, _ = served
    for p in PAYLOADS:
        if p.route == "file" and p.path.endswith((".svg", ".html")):
            published = result.site / p.path
            if published.is_file():
                text = published.read_text("utf-8", "replace")
                assert f"alert({p.n})" not in text, f"{p.path} published with its script"


# ------------------------------------------------------------------ taxonomy values
TAXONOMY_PAYLOADS = [
    ("category-name", "<img src=x onerror=alert(1601)>"),
    ("topic-name", "<svg onload=alert(1602)>"),
    ("category-md", "![x](x){ onerror=alert(1603) }"),
    ("topic-md-link", "[点](javascript:alert(1604))"),
]
TAXONOMY_YML = """categories:
  - name: "{c1}"
    slug: evil-one
    topics: ["{t1}", 正常主题]
  - name: "{c2}"
    slug: evil-two
    topics: ["{t2}"]
  - name: 制度建设
    slug: institutions
    topics: [党费管理]
"""


@pytest.fixture(scope="module")
def taxonomy_kb(kb_factory) -> KBBuilder:
    kb = kb_factory("taxonomy-payloads")
    (c1, t1, c2, t2) = (v for _, v in TAXONOMY_PAYLOADS)
    kb.write("taxonomy.yml", TAXONOMY_YML.format(c1=c1, t1=t1, c2=c2, t2=t2))
    kb.problem("P-0001", category=f'"{c1}"', topic=f'"{t1}"')
    kb.problem("P-0002", title="第二个问题的标题", category=f'"{c2}"', topic=f'"{t2}"')
    kb.problem("P-0003", title="第三个问题的标题")
    configure(kb, taxonomy="taxonomy.yml")
    return kb


def test_check_refuses_taxonomy_payloads(taxonomy_kb):
    """Either the taxonomy is refused outright (exit 2) or an error names taxonomy.yml."""
    from dangjian_kb.model.taxonomy import TaxonomyError

    try:
        kb = validate.load(taxonomy_kb.root, taxonomy_kb.root / "taxonomy.yml", TODAY)
    except TaxonomyError as exc:
        assert "taxonomy.yml" in str(exc)
        return
    errors = [f for f in kb.findings if f.is_error and f.path == "taxonomy.yml"]
    assert len(errors) >= len(TAXONOMY_PAYLOADS), [str(f) for f in kb.findings]


def test_taxonomy_payloads_inert(taxonomy_kb, tmp_path):
    result = build_serving(taxonomy_kb.root, tmp_path / "site")
    assert result.ran_or_refused, result.error
    violations = scan_site(result.site) if result.site.is_dir() else []
    assert [str(v) for v in violations] == []


# ------------------------------------------------------------------ finder URL parameters
FINDER_QUERIES = [
    ("q-img", "q=%3Cimg%20src%3Dx%20onerror%3Dalert(1701)%3E"),
    ("q-svg", "q=<svg/onload=alert(1702)>"),
    ("category-img", "category=%3Cimg%20src%3Dx%20onerror%3Dalert(1703)%3E"),
    ("tag-img", "tag=<img src=x onerror=alert(1704)>"),
    ("topic-quote", 'topic=x"%20onmouseover="alert(1705)'),
    ("q-constructor", "q=constructor"),
    ("q-proto", "q=__proto__"),
    ("q-tostring", "q=toString"),
    ("category-proto", "category=__proto__"),
    ("tag-constructor", "tag=constructor&q=党费"),
    ("q-hasown", "q=hasOwnProperty%20valueOf"),
    ("q-js-url", "q=javascript:alert(1706)"),
]


# ------------------------------------------------------------------ in Chromium
SWEEP = """() => {
  const kinds = ['mouseover', 'mouseenter', 'mousemove', 'pointerover', 'pointerenter', 'pointerdown',
                 'focus', 'focusin', 'animationstart', 'toggle', 'load', 'error',
                 'click', 'dblclick', 'auxclick', 'mouseup', 'keydown'];  // plain Events: handlers run, links do not follow
  for (const el of document.querySelectorAll('body *')) {
    for (const k of kinds) el.dispatchEvent(new Event(k));
    if (el.tagName === 'DETAILS') el.open = !el.open;
    if (typeof el.focus === 'function') { try { el.focus(); } catch (e) {} }
  }
}"""
# Real clicks: content links that are not plain page addresses (those are checked statically),
# summaries and buttons.
CONTENT_LINKS = (
    ".md-content article a[href]:not(.headerlink):not([href$='.html']):not([href*='.html#']):not([href^='#']),"
    " .md-content summary, .md-content button"
)


# The live DOM as Chromium parsed it (mutation-XSS payloads parse differently in html.parser).
DOM_SCAN = """() => {
  const out = [];
  const bad = /^(javascript|vbscript|data):/i;
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\u0000-\\u0020\\u007f-\\u00a0\\u00ad\\u200b-\\u200f\\u2028\\u2029\\u2060\\ufeff]+/g, '');
      if (/^on/i.test(a.name) || (/(^|:)(href|src|action|formaction|data|srcdoc)$/i.test(a.name) && bad.test(v)))
        out.push(el.tagName.toLowerCase() + '[' + a.name + ']=' + a.value.slice(0, 80));
    }
  }
  return out;
}"""


def _goto(page, url: str) -> None:
    """Open ``url``; a payload that navigates away (meta refresh) or never settles is not an error here."""
    try:
        page.goto(url, wait_until="load", timeout=5_000)
    except Exception:  # noqa: BLE001 - playwright's Error/TimeoutError: interrupted by the page itself
        pass


def exercise(page, url: str) -> list[str]:
    """Load, hover across the page, focus and dispatch events on everything, click every link,
    summary and button of the content (returning to the page after any navigation).
    Returns what the live DOM held after load (handlers, script URLs)."""
    _goto(page, url)
    page.wait_for_timeout(100)
    try:
        live = page.evaluate(DOM_SCAN)
    except Exception:  # noqa: BLE001 - the page navigated away on its own (reported as a dialog or not at all)
        live = ["page navigated away by itself"]
    for x, y in ((200, 200), (640, 450), (900, 300), (640, 800)):
        page.mouse.move(x, y)
    try:
        page.evaluate(SWEEP)
        count = page.locator(CONTENT_LINKS).count()
    except Exception:  # noqa: BLE001 - the page navigated away during the sweep
        return live
    for i in range(min(count, 20)):
        try:
            page.locator(CONTENT_LINKS).nth(i).click(timeout=300, no_wait_after=True, force=True)
        except Exception:  # noqa: BLE001 - hidden or detached element: nothing to click
            continue
        page.wait_for_timeout(30)
        if page.url.split("#")[0] != url.split("#")[0]:
            _goto(page, url)
    page.wait_for_timeout(50)
    return live


@pytest.fixture
def tab(chrome):
    import browser

    context = chrome.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(3_000)
    pg.dialogs = []

    def on_dialog(dialog) -> None:
        pg.dialogs.append(dialog.message)
        try:
            dialog.dismiss()
        except Exception:  # noqa: BLE001 - the page that opened it is already gone
            pass

    pg.on("dialog", on_dialog)
    pg.blocked = browser.guard_network(pg, ("file://",))
    yield pg
    context.close()


# Body payloads opened in Chromium (the static scan covers all of them): those reported to run
# on the landed main, and one or more of each kind of route.
BROWSER_BODY = {
    "svg-onload", "img-title-gt-quote", "details-ontoggle", "input-autofocus", "img-entity-handler",
    "p-onmouseover", "pointerenter", "select-autofocus", "audio-onerror", "svg-animate-onbegin", "svg-xlink",
    "svg-animate-href", "mathml-mxss", "noscript-mxss", "comment-breakout", "script-nested", "iframe-srcdoc",
    "object-data-html", "form-action", "button-formaction", "meta-refresh", "base-href", "a-raw-tab-entity",
    "admonition-title", "details-title", "heading-html", "lazy-continuation", "md-in-html-link",
    "attr-paragraph", "attr-image-onload", "attr-link-onclick", "attr-link-href", "link-entity-dec",
    "link-entity-hex", "link-entity-tab", "link-raw-tab", "ref-in-quote", "ref-in-list", "ref-in-admonition",
    "autolink-js", "unclosed-fence", "escaped-backticks", "remote-img-html", "remote-img-md", "remote-srcset",
}  # fmt: skip


def _browser_pages() -> list[str]:
    chosen = [p for p in PAYLOADS if p.route != "body" or p.label in BROWSER_BODY]
    pages = sorted({entry_page(p) for p in chosen if entry_page(p)})
    pages += ["problems/P-0002.html", "extra.html", "index.html", "problems/index.html", "cases/index.html"]
    pages += ["handbook/index.html", "tags/index.html", "print.html", "stats.html", "review.html", "about.html"]
    pages += [p.path for p in PAYLOADS if p.route == "file" and p.path.endswith(".svg")]
    return pages


BROWSER_PAGES = _browser_pages()
BATCH = 12  # pages per test: one browser context serves a batch


@pytest.mark.browser
@pytest.mark.parametrize("batch", range(0, len(BROWSER_PAGES), BATCH), ids=lambda b: f"pages{b}")
def test_browser_no_dialog(batch, served, tab):
    result, _ = served
    fired: list[str] = []
    for rel in BROWSER_PAGES[batch : batch + BATCH]:
        path = result.site / rel
        if not path.is_file():
            continue  # not published at all: nothing to run
        tab.dialogs.clear()
        live = exercise(tab, path.as_uri())
        fired += [f"{rel}: dialog {m!r}" for m in sorted(set(tab.dialogs))]
        fired += [f"{rel}: live DOM {v}" for v in live]
    remote = [u for u in tab.blocked if ".invalid" in u]
    assert fired == [] and remote == [], "\n".join(fired + [f"remote request {u}" for u in remote])


@pytest.mark.browser
@pytest.mark.parametrize("query", [q for _, q in FINDER_QUERIES], ids=[label for label, _ in FINDER_QUERIES])
def test_browser_finder_parameters(query, served, tab):
    """The finder reads its address as data: no dialog, no script error, still answers."""
    result, _ = served
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    _goto(tab, (result.site / "finder.html").as_uri() + "?" + query)
    try:
        tab.wait_for_selector("html[data-kb-finder=ready]", state="attached", timeout=5_000)
    except Exception:  # noqa: BLE001 - reported below with the page's own errors
        pytest.fail(f"finder not ready with ?{query}; page errors: {errors}")
    tab.evaluate(SWEEP)
    tab.fill("#kb-finder-q", "交党费")  # synonyms with payloads are expanded here
    tab.wait_for_timeout(300)
    tab.evaluate(SWEEP)
    assert tab.dialogs == [] and errors == [] and tab.evaluate(DOM_SCAN) == [], (tab.dialogs, errors)
    assert tab.locator("#kb-results").count() == 1


@pytest.mark.browser
def test_browser_finder_renders_payload_titles(served, tab):
    """Titles with markup, found by the finder, are shown as text."""
    result, _ = served
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto((result.site / "finder.html").as_uri())
    tab.wait_for_selector("html[data-kb-finder=ready]", timeout=10_000)
    for query in ("onerror", "alert", "img", "svg", "javascript"):
        tab.fill("#kb-finder-q", query)
        tab.wait_for_timeout(200)
        tab.evaluate(SWEEP)
        assert tab.evaluate(DOM_SCAN) == [], query
    assert tab.dialogs == [] and errors == [], (tab.dialogs, errors)
