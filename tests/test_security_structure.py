"""Nothing outside the repository is read, written, published or deleted; no input crashes or hangs.

Each structural attack is one test. Whatever can hang (a FIFO, a cubic regex) runs in a child
process with a timeout, so a regression fails the test instead of blocking the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from conftest import PROBLEM_BODY, KBBuilder
from dangjian_kb import cli
from dangjian_kb.check import validate
from dangjian_kb.model.taxonomy import TaxonomyError
from security_scan import build_serving
from test_site import HOME_MD, TODAY, configure, run_env

PY = sys.executable
PLUGINS = str(Path(__file__).resolve().parents[1] / "plugins")
SECRET = "SECRET_TOKEN_7f3a9c"


def env() -> dict[str, str]:
    e = run_env()
    e["PYTHONPATH"] = PLUGINS + os.pathsep + e.get("PYTHONPATH", "")
    return e


def run_cli(args: list, timeout: float = 20, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`dangjian-kb ARGS` in a child process (arguments may be bytes: argv is not always UTF-8)."""
    code = "import sys; from dangjian_kb.cli import main; raise SystemExit(main(sys.argv[1:]))"
    return subprocess.run([PY, "-c", code, *args], capture_output=True, timeout=timeout, env=env(), cwd=cwd)


def build_in_child(root: Path, what: str) -> str:
    """Build ``root`` as `mkdocs serve` would (security_scan.build_serving) in a child process with
    60 s to finish; its output: seconds taken, whether it ran or refused, the error."""
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[3]); from pathlib import Path;"
        "from security_scan import build_serving; t = time.perf_counter();"
        "r = build_serving(Path(sys.argv[1]), Path(sys.argv[2])); print(f'{time.perf_counter() - t:.1f}', r.ran_or_refused, r.error)"
    )
    try:
        proc = subprocess.run(
            [PY, "-c", code, str(root), str(root / "site"), str(Path(__file__).parent)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env(),
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} took over 60 s")
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc.stdout


def mkdocs_build(root: Path) -> subprocess.CompletedProcess:
    """`mkdocs build` of ``root`` in a child process, as `make site` runs it."""
    return subprocess.run(
        [PY, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml")],
        cwd=root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot(top: Path, skip: Path) -> dict[str, int]:
    """Every file under ``top`` but inside ``skip``, with its size: what a build may not touch."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        if here == skip or skip in here.parents:
            dirnames[:] = []
            continue
        for name in filenames:
            p = here / name
            out[p.relative_to(top).as_posix()] = p.lstat().st_size
    return out


def taxonomy_errors(kb: KBBuilder) -> list[str]:
    """Errors about taxonomy.yml: the refusal (exit 2) or findings naming the file."""
    try:
        loaded = validate.load(kb.root, kb.root / "taxonomy.yml", TODAY)
    except TaxonomyError as exc:
        return [str(exc)]
    return [str(f) for f in loaded.findings if f.is_error and "taxonomy" in f.path]


TAXONOMY_WITH_SLUG = """categories:
  - name: 制度建设
    slug: {slug}
    topics: [党费管理]
  - name: 组织建设
    slug: {slug2}
    topics: [组织覆盖]
"""


def slug_kb(tmp_path: Path, slug: str, slug2: str = "organization") -> KBBuilder:
    root = tmp_path / "a" / "b" / "kb"
    root.mkdir(parents=True)
    kb = KBBuilder(root)
    kb.write("taxonomy.yml", TAXONOMY_WITH_SLUG.format(slug=slug, slug2=slug2))
    kb.problem("P-0001")
    kb.problem("P-0002", title="支部设置不规范", category="组织建设", topic="组织覆盖")
    configure(kb, taxonomy="taxonomy.yml")
    return kb


# ------------------------------------------------------------------ taxonomy slugs
UNSAFE_SLUGS = [
    "../../../../outside/x",
    "../index",
    "/tmp/abs",
    "a/b",
    "..",
    "UPPER",
    "x y",
    'x" onmouseover="alert(1)',
]


@pytest.mark.parametrize("slug", UNSAFE_SLUGS)
def test_unsafe_slug_refused(tmp_path, slug):
    kb = slug_kb(tmp_path, slug)
    errors = taxonomy_errors(kb)
    assert errors, f"check reports no error naming taxonomy.yml for slug {slug!r}"
    assert all("taxonomy.yml" in e for e in errors), errors


@pytest.mark.parametrize("slug", UNSAFE_SLUGS)
def test_unsafe_slug_writes_nothing_outside_the_site(tmp_path, slug):
    kb = slug_kb(tmp_path, slug)
    before = snapshot(tmp_path, kb.root / "site")
    result = build_serving(kb.root, kb.root / "site")
    assert result.ran_or_refused, result.error
    after = snapshot(tmp_path, kb.root / "site")
    assert after == before, f"written outside the site folder: {sorted(set(after) - set(before))}"
    if slug.startswith("/"):
        assert not Path(slug + ".html").exists(), f"{slug}.html written"


def test_slug_index_does_not_replace_home_page(tmp_path):
    kb = slug_kb(tmp_path, "../index")
    kb.write("docs/index.md", HOME_MD)
    result = build_serving(kb.root, kb.root / "site")
    assert result.ran_or_refused, result.error
    home = kb.root / "site" / "index.html"
    assert not home.exists() or "最近更新" in home.read_text("utf-8"), "the home page was replaced by a category page"


def test_duplicate_slugs_refused(tmp_path):
    kb = slug_kb(tmp_path, "same", "same")
    errors = taxonomy_errors(kb)
    assert any("same" in e for e in errors), f"no error naming taxonomy.yml and the duplicate slug: {errors}"


# ------------------------------------------------------------------ symlinks
def _secret_kb(tmp_path: Path) -> KBBuilder:
    root = tmp_path / "kb"
    root.mkdir()
    kb = KBBuilder(root)
    (tmp_path / "outside.env").write_text(f"TOKEN={SECRET}\n")
    kb.write(".env", f"TOKEN={SECRET}\n")
    kb.problem("P-0001")
    configure(kb)
    return kb


@pytest.mark.parametrize("target", ["../.env", "../../outside.env", "/etc/hostname"])
def test_symlinked_secret_refused_and_not_published(tmp_path, target):
    kb = _secret_kb(tmp_path)
    (kb.root / "problems" / "leak.png").symlink_to(target)
    loaded = validate.load(kb.root, None, TODAY)
    assert [f for f in loaded.findings if f.is_error and f.path == "problems/leak.png"], (
        f"no error on problems/leak.png -> {target}: {list(map(str, loaded.findings))}"
    )
    assert "problems/leak.png" not in loaded.assets
    site = kb.root / "site"
    result = build_serving(kb.root, site)
    assert result.ran_or_refused, result.error
    secret = SECRET.encode() if target != "/etc/hostname" else Path("/etc/hostname").read_bytes().strip()
    leaked = [p for p in site.rglob("*") if p.is_file() and secret in p.read_bytes()]
    assert leaked == [] and not (site / "problems" / "leak.png").exists(), leaked
    proc = run_cli(["bundle", "--site-dir", str(site), "--out", str(tmp_path / "dist")], timeout=60)
    for archive in (tmp_path / "dist").glob("*.zip"):
        with zipfile.ZipFile(archive) as z:
            names = z.namelist()
            assert not any(n.endswith("leak.png") for n in names)
            assert not any(secret in z.read(n) for n in names if not n.endswith("/")), "secret in the zip"
    assert b"Traceback" not in proc.stderr


def test_docs_symlinks_out_of_the_repository_are_refused_and_never_published(tmp_path):
    kb = _secret_kb(tmp_path)
    outdir = tmp_path / "outdir"
    outdir.mkdir()
    (outdir / "x.txt").write_text(f"TOKEN={SECRET}\n")
    (kb.root / "docs" / "leak.txt").symlink_to(tmp_path / "outside.env")
    (kb.root / "docs" / "leakpage.md").symlink_to(tmp_path / "outside.env")
    (kb.root / "docs" / "outdir").symlink_to(outdir, target_is_directory=True)
    (kb.root / "docs" / "inside.md").symlink_to(kb.root / "docs" / "index.md")  # inside: refused all the same
    proc = run_cli(["check", str(kb.root)], timeout=60)
    out = proc.stdout.decode()
    assert proc.returncode == 1, out
    for rel in ("docs/leak.txt", "docs/leakpage.md", "docs/outdir", "docs/inside.md"):
        assert f"{rel}: KB011" in out, out
    site = kb.root / "site"
    result = build_serving(kb.root, site)
    assert result.ran_or_refused, result.error
    leaked = [p for p in site.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == [], leaked
    refused = subprocess.run(
        [PY, "-m", "mkdocs", "build", "-q", "-f", str(kb.root / "mkdocs.yml"), "-d", str(tmp_path / "s2")],
        capture_output=True,
        text=True,
        env=run_env(),
        timeout=300,
    )
    assert refused.returncode != 0 and "KB011" in refused.stderr + refused.stdout


def test_docs_links_to_folders_inside_the_repository_are_refused_and_never_published(tmp_path):
    """MkDocs follows a link in docs/ and copies what it reaches: a folder of scripts, or .git."""
    kb = _secret_kb(tmp_path)
    kb.write("evil/x.html", "<script>alert(1)</script>")
    kb.write(".git/config", f"[remote]\n  token = {SECRET}\n")
    (kb.root / "docs" / "e").symlink_to("../evil", target_is_directory=True)
    (kb.root / "docs" / "g").symlink_to("../.git", target_is_directory=True)
    (kb.root / "docs" / "env.md").symlink_to("../.env")
    out = run_cli(["check", str(kb.root)], timeout=60).stdout.decode()
    for rel in ("docs/e", "docs/g", "docs/env.md"):
        assert f"{rel}: KB011" in out, out
    site = kb.root / "site"
    result = build_serving(kb.root, site)
    assert result.ran_or_refused, result.error
    assert not (site / "e").exists() and not (site / "g").exists()
    leaked = [p for p in site.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == [], leaked  # the search index included


def test_docs_file_names_with_terminal_escapes_are_refused_and_printed_escaped(tmp_path):
    kb = _secret_kb(tmp_path)
    name = "\x1b]0;PWNED\x07\x1b[2Jx.md"
    (kb.root / "docs" / name).write_text("---\ntemplate: x\n---\n# 标题\n", "utf-8")
    proc = run_cli(["check", str(kb.root)], timeout=60)
    out = proc.stdout.decode()
    assert proc.returncode == 1 and "KB044" in out and "\x1b" not in out and "\\x1b" in out, out
    site = kb.root / "site"
    assert build_serving(kb.root, site).ran_or_refused
    assert not [p for p in site.rglob("*") if "\x1b" in p.name]


@pytest.mark.parametrize("rel", ["404.md", "assets/dangjian_kb/kb-search.js", "assets/images/favicon.png"])
def test_docs_files_never_replace_theme_or_package_files(tmp_path, rel):
    kb = _secret_kb(tmp_path)
    kb.write(f"docs/{rel}", "# 替换\n" if rel.endswith(".md") else "alert(1)")
    if rel.endswith(".png"):
        (kb.root / "docs" / rel).write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    proc = mkdocs_build(kb.root)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "同名" in proc.stderr or "KB039" in proc.stderr, proc.stderr[-2000:]


def test_symlinked_content_folder_refused_and_not_read(tmp_path):
    kb = _secret_kb(tmp_path)
    outside = tmp_path / "outside_cases"
    outside.mkdir()
    other = KBBuilder(tmp_path / "other")
    (tmp_path / "other").mkdir()
    other.case("C-0042", title=f"外部案例{SECRET}")
    (tmp_path / "other" / "cases" / "C-0042-示例.md").rename(outside / "C-0042-示例.md")
    (kb.root / "cases").symlink_to(outside)
    loaded = validate.load(kb.root, None, TODAY)
    assert [f for f in loaded.findings if f.is_error and f.path.startswith("cases")], (
        f"no error on the symlinked folder cases/ -> {outside}: {list(map(str, loaded.findings))}"
    )
    assert "C-0042" not in loaded.by_id, "an entry was read from outside the repository"
    site = kb.root / "site"
    result = build_serving(kb.root, site)
    assert result.ran_or_refused, result.error
    assert [p for p in site.rglob("*.html") if SECRET.encode() in p.read_bytes()] == []


def test_site_symlink_refused_and_outside_files_survive(tmp_path):
    kb = _secret_kb(tmp_path)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("重要文件")
    (kb.root / "site").symlink_to(precious)
    proc = subprocess.run(
        [PY, "-m", "mkdocs", "build", "--clean", "-q", "-f", str(kb.root / "mkdocs.yml")],
        cwd=kb.root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (precious / "keep.txt").read_text() == "重要文件", "mkdocs build --clean deleted files outside the project"
    assert sorted(p.name for p in precious.iterdir()) == ["keep.txt"], "the build wrote into the symlinked folder"
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]


@pytest.mark.parametrize("where", ["root", "parent"])
def test_site_dir_root_or_outside_refused(tmp_path, where):
    kb = _secret_kb(tmp_path)
    site = kb.root if where == "root" else tmp_path
    before = snapshot(tmp_path, tmp_path / "nothing")
    proc = subprocess.run(
        [PY, "-m", "mkdocs", "build", "--clean", "-q", "-f", str(kb.root / "mkdocs.yml"), "-d", str(site)],
        cwd=kb.root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    after = snapshot(tmp_path, tmp_path / "nothing")
    assert proc.returncode != 0, "a site folder that is the project or outside it was accepted"
    assert set(before) <= set(after), f"deleted: {sorted(set(before) - set(after))}"


# ------------------------------------------------------------------ special files
def test_fifo_entries_reported_without_hanging(tmp_path):
    kb = _secret_kb(tmp_path)
    os.mkfifo(kb.root / "problems" / "x.md")
    os.mkfifo(kb.root / "problems" / "x.png")
    try:
        proc = run_cli(["check", str(kb.root), "--format", "json", "--today", TODAY.isoformat()], timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("check blocked on a FIFO for 10 s")
    out = proc.stdout.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 1, (out, proc.stderr)
    assert "problems/x.md" in out and "problems/x.png" in out


def test_fifo_image_does_not_hang_or_crash_the_build(tmp_path):
    kb = _secret_kb(tmp_path)
    os.mkfifo(kb.root / "problems" / "x.png")
    out = build_in_child(kb.root, "the build, blocked on a FIFO,")
    assert out.split()[1] == "True", out
    assert not (kb.root / "site" / "problems" / "x.png").exists()


def test_device_file_reported(tmp_path):
    kb = _secret_kb(tmp_path)
    try:
        os.mknod(kb.root / "problems" / "zero.png", 0o600 | 0o020000, os.makedev(1, 5))  # like /dev/zero
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    proc = run_cli(["check", str(kb.root), "--format", "json", "--today", TODAY.isoformat()], timeout=15)
    assert b"Traceback" not in proc.stderr and proc.returncode == 1
    assert "problems/zero.png" in proc.stdout.decode()


def test_unreadable_image_reported(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads a chmod 000 file; the FIFO and device tests cover 'unreadable'")
    kb = _secret_kb(tmp_path)
    kb.write("problems/secret.png", b"\x89PNG")
    (kb.root / "problems" / "secret.png").chmod(0)
    loaded = validate.load(kb.root, None, TODAY)
    assert [f for f in loaded.findings if f.is_error and f.path == "problems/secret.png"]


# ------------------------------------------------------------------ YAML bombs
BOMB = """a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


def test_alias_bomb_in_taxonomy_is_a_clear_error(tmp_path):
    kb = _secret_kb(tmp_path)
    kb.write("taxonomy.yml", BOMB + "categories:\n  - name: 制度建设\n    topics: *g\n")
    proc = run_cli(["check", str(kb.root), "--today", TODAY.isoformat()], timeout=15)
    text = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert proc.returncode in (1, 2) and "Traceback" not in text and len(text) < 5_000, text[:2000]
    assert "taxonomy.yml" in text


def test_alias_bomb_in_synonyms_is_a_clear_error_and_no_huge_index(tmp_path):
    kb = _secret_kb(tmp_path)
    kb.write("synonyms.yml", BOMB + "groups: *g\n")
    proc = run_cli(["check", str(kb.root), "--today", TODAY.isoformat()], timeout=15)
    text = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert proc.returncode in (1, 2) and "synonyms.yml" in text and len(text) < 5_000, text[:2000]
    # the build reads the same file through search_text: the bomb is refused there, never expanded
    code = (
        "import sys, pathlib; from dangjian_kb.search import search_text as t\n"
        "p = pathlib.Path(sys.argv[1]) / 'synonyms.yml'\n"
        "try:\n    t.load_vocabulary(p)\nexcept t.SynonymsError:\n    print('refused')\n"
    )
    proc = subprocess.run([PY, "-c", code, str(kb.root)], capture_output=True, text=True, timeout=60, env=env())
    assert proc.returncode == 0 and proc.stdout.split() == ["refused"], proc.stdout + proc.stderr


# ------------------------------------------------------------------ pathological inputs
HUGE_INT = "1" * 4_400
PATHOLOGICAL = {
    "int-4400-digits-title": {"title": HUGE_INT},
    "int-4400-digits-updated": {"updated": HUGE_INT},
    "int-4400-digits-tag": {"tags": f"[{HUGE_INT}]"},
    "tag-int": {"title": "!!int x"},
    "tag-float": {"updated": "!!float x"},
    "tag-timestamp": {"updated": "!!timestamp x"},
    "tag-binary": {"title": "!!binary ====="},
    "tag-python": {"title": "!!python/object:os.system x"},
    "tag-set": {"tags": "!!set {a: null}"},
    "date-year-9999": {"updated": "9999-12-31"},
    "date-year-0": {"updated": "0000-01-01"},
    "date-month-13": {"updated": "2026-13-01"},
    "float-inf": {"title": ".inf"},
    "nested-deep": {"tags": "[" * 5_000 + "]" * 5_000},
    "key-complex": {"? [a, b]": "x"},
}
BODIES = {
    "backticks-1000": "`" * 1_000,
    "heading-spaces": "# a" + " " * 2_500,
    "heading-spaces-b": "## a" + " " * 2_500 + "b",
    "open-tags": "<a" * 50_000,
    "open-brackets": "[" * 50_000,
    "link-parens": "[a](" + "(" * 20_000,
    "emphasis": "*a " * 30_000,
    "wikilinks": "[[" * 30_000,
    "entities": "&#" * 50_000,
    "html-comment": "<!--" * 30_000,
    "attr-list": "{" * 30_000,
    "digits": "1" * 100_000,
    "long-line": "党" * 300_000,
}


def _timed_check(root: Path) -> subprocess.CompletedProcess:
    code = (
        "import sys, time, datetime as dt; from pathlib import Path; from dangjian_kb.check import validate;"
        "t = time.perf_counter(); kb = validate.load(Path(sys.argv[1]), None, dt.date(2026, 6, 1));"
        "print(f'{time.perf_counter() - t:.3f}'); [str(f) for f in kb.findings]"
    )
    try:
        return subprocess.run([PY, "-c", code, str(root)], capture_output=True, text=True, timeout=10, env=env())
    except subprocess.TimeoutExpired:
        pytest.fail("check did not finish in 10 s (target: under 1 s)")


def _assert_quick(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert float(proc.stdout.split()[0]) < 1.0, f"checked in {proc.stdout.split()[0]} s"


@pytest.mark.parametrize("fields", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_front_matter_checked_quickly(kb, fields):
    kb.problem(**fields)
    _assert_quick(_timed_check(kb.root))


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_pathological_body_checked_quickly(kb, body):
    kb.problem(body=PROBLEM_BODY + "\n## 延伸阅读\n\n" + body + "\n")
    _assert_quick(_timed_check(kb.root))


def test_100000_blank_lines_in_front_matter(kb):
    rel = kb.problem()
    kb.edit(rel, "title:", "\n" * 100_000 + "title:")
    _assert_quick(_timed_check(kb.root))


def test_pathological_body_builds_quickly(tmp_path):
    """The renderer has the same regexes: every body above, one entry each, built in serve mode."""
    root = tmp_path / "kb"
    root.mkdir()
    kb = KBBuilder(root)
    for i, body in enumerate(BODIES.values(), 1):
        kb.problem(f"P-{i:04d}", title=f"问题{i}", body=PROBLEM_BODY + "\n## 延伸阅读\n\n" + body + "\n")
    configure(kb)
    out = build_in_child(root, "building 13 pathological entries")
    assert out.split()[1] == "True", out
    assert float(out.split()[0]) < 30, out


# ------------------------------------------------------------------ new
def test_new_with_non_utf8_title_fails_cleanly(kb):
    kb.problem()
    before = sorted(p.name for p in (kb.root / "problems").iterdir())
    topic = "党费管理".encode()
    proc = run_cli(
        [
            b"new",
            b"problem",
            b"--title",
            b"\xff\xfe\xb5\xb3\xb7\xd1",
            b"--topic",
            topic,
            b"--root",
            str(kb.root).encode(),
        ]
    )
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert b"Traceback" not in proc.stderr and proc.stderr.strip(), proc.stderr
    assert sorted(p.name for p in (kb.root / "problems").iterdir()) == before, "a file was left behind"


def test_new_in_parallel_takes_distinct_ids(kb):
    kb.problem()
    procs = [
        subprocess.Popen(
            [PY, "-c", "import sys; from dangjian_kb.cli import main; raise SystemExit(main(sys.argv[1:]))",
             "new", "problem", "--title", f"并行新建的问题{i}", "--category", "制度建设", "--topic", "党费管理",
             "--root", str(kb.root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env(),
        )
        for i in range(6)
    ]  # fmt: skip
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, results
    names = sorted(p.name for p in (kb.root / "problems").iterdir())
    ids = [n[:6] for n in names]
    assert len(names) == 7 and len(set(ids)) == 7, names


def test_new_in_threads_takes_distinct_ids(kb):
    """The same race in one process: the id is taken atomically (create-exclusive), not max+1 then write."""
    from dangjian_kb.authoring import scaffold

    kb.problem()
    start = threading.Barrier(8)
    codes: list[int] = []

    def one(i: int) -> None:
        args = cli.build_parser().parse_args(
            ["new", "problem", "--title", f"线程新建{i}", "--topic", "党费管理", "--root", str(kb.root)]
        )
        start.wait()
        try:
            codes.append(int(scaffold.run(args)))
        except SystemExit as exc:  # a usage error would say so
            codes.append(int(exc.code or 0))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    names = sorted(p.name for p in (kb.root / "problems").iterdir())
    assert codes == [0] * 8 and len({n[:6] for n in names}) == 9, (codes, names)


# ------------------------------------------------------------------ terminal output
def test_control_characters_escaped_in_check_output(kb, capsys):
    kb.problem(title='"\\e[2J\\e]0;pwned\\a红\\e[0m"', tags='["\\e[31m标签"]', category='"\\e[5m制度"')
    kb.problem("P-0002", name="P-0002-\x1b[31m红色\x1b[0m.md", title="文件名带控制字符", source="\x1b[1m反馈")
    for fmt in ("text", "json", "github"):
        code = cli.main(["check", str(kb.root), "--format", fmt, "--today", TODAY.isoformat()])
        out, err = capsys.readouterr()
        assert code == 1, out
        for stream in (out, err):
            assert "\x1b" not in stream and "\x07" not in stream, f"raw control characters in {fmt} output: {stream!r}"
        if fmt == "json":
            json.loads(out)


def test_control_characters_escaped_in_new_output(kb, capsys):
    kb.problem()
    cli.main(["new", "problem", "--title", "标题\x1b[2J清屏", "--topic", "党费管理", "--root", str(kb.root)])
    out, err = capsys.readouterr()
    assert "\x1b" not in out and "\x1b" not in err, (out, err)


# mkdocs.yml settings the theme writes into every page: markup, a script address, a network request.
UNSAFE_SETTINGS = [
    ("site_name", {"site_name": "知识库<img src=x onerror=alert(1)>"}, "site_name"),
    ("site_description", {"site_description": '" onmouseover="alert(2)'}, "site_description"),
    ("analytics", {"extra": {"analytics": {"provider": "google", "property": "G-XXXX"}}}, "extra.analytics"),
    ("homepage", {"extra": {"homepage": "javascript:alert(3)"}}, "extra.homepage"),
    ("social", {"extra": {"social": [{"icon": "x", "link": "java\tscript:alert(4)"}]}}, "extra.social"),
    ("font", {"theme": {"name": "material", "language": "zh"}}, "theme.font"),
    ("logo", {"theme": {"name": "material", "font": False, "logo": "https://x.invalid/logo.png"}}, "theme.logo"),
    # quotes end the attribute the theme writes the value into
    ("site_url quote", {"site_url": 'https://x.example/"><script>alert(48)</script>'}, "site_url"),
    ("logo quote", {"theme": {"name": "material", "font": False, "logo": 'b.png" onerror="alert(14)'}}, "theme.logo"),
    (
        "palette quote",
        {"theme": {"name": "material", "font": False, "palette": {"scheme": 'default"onload="alert(47)'}}},
        "theme.palette.scheme",
    ),
    ("repo_url quote", {"repo_url": 'https://x/"onclick="alert(5)'}, "repo_url"),
    ("nav markup", {"nav": [{"<img src=x onerror=alert(16)>": "index.md"}]}, "nav"),
    ("nav script", {"nav": [{"首页": "javascript:alert(17)"}]}, "nav[0].首页"),
    ("remote script", {"extra_javascript": ["https://evil.invalid/x.js"]}, "extra_javascript[0]"),
    ("snippets", {"markdown_extensions": ["pymdownx.snippets"]}, "markdown_extensions"),
    ("custom_dir outside", {"theme": {"name": "material", "font": False, "custom_dir": "/tmp"}}, "theme.custom_dir"),
]


@pytest.mark.parametrize("label,settings,named", UNSAFE_SETTINGS, ids=[s[0] for s in UNSAFE_SETTINGS])
def test_unsafe_mkdocs_settings_refused(tmp_path, label, settings, named):
    import yaml

    kb = _secret_kb(tmp_path)
    cfg = yaml.safe_load((kb.root / "mkdocs.yml").read_text("utf-8"))
    cfg.update(settings)
    (kb.root / "mkdocs.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), "utf-8")
    proc = mkdocs_build(kb.root)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert f"mkdocs.yml 的 {named}" in proc.stderr, proc.stderr[-2000:]
    assert not (kb.root / "site" / "index.html").exists()
