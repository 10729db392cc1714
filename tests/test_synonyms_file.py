"""synonyms.yml is data a maintainer edits: whatever shape its `elsewhere` list takes, it is
read or refused with KB037 naming the file, never a traceback (property-based)."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian_kb.model import synonyms

_YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["ask", "words", "anchors", "askers", "topics", "x"]), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(elsewhere=_YAML_VALUES)
def test_any_elsewhere_value_loads_or_is_a_named_error(tmp_path_factory, elsewhere):
    """Whatever a maintainer writes under `elsewhere`, it is read or refused with KB037, never a traceback."""
    path = tmp_path_factory.mktemp("syn") / "synonyms.yml"
    path.write_text(
        yaml.safe_dump({"groups": [["交党费", "缴党费"]], "elsewhere": elsewhere}, allow_unicode=True), "utf-8"
    )
    try:
        found = synonyms.load_vocabulary(path).elsewhere
    except synonyms.SynonymsError as exc:
        assert "KB037" in str(exc) and str(path) in str(exc)
    else:
        assert all(isinstance(w, str) for w in found.anchors + found.askers)
        assert all(isinstance(ask, str) and all(isinstance(w, str) for w in words) for ask, words in found.topics)


def test_the_configured_vocabulary_file_is_the_one_checked(kb_factory):
    """The plugin's `synonyms:` option may name another file: `check` reports on that one."""
    from dangjian_kb.check import validate

    kb = kb_factory("vocab")
    kb.problem()
    kb.write("search/vocabulary.yml", "groups: []\nelsewhere: [社保]\n")
    found = validate.load(kb.root, synonyms_path=kb.root / "search" / "vocabulary.yml").findings
    assert [(f.path, f.code) for f in found if f.code == "KB037"] == [("search/vocabulary.yml", "KB037")]
