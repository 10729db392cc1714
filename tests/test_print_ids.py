"""The printed handbook scopes each section's heading ids by the section id (issue 17)."""

from dangjian_kb.site import print_ids


def test_ids_and_the_links_to_them_are_scoped_and_other_links_left_alone():
    html = (
        '<h4 id="_1">职责<a class="headerlink" href="#_1">¶</a></h4><a href="#HB-1.2">见</a><a href="x.html#_1">外</a>'
    )
    out = print_ids.scope("HB-1.1", html)
    assert 'id="HB-1.1-_1"' in out and 'href="#HB-1.1-_1"' in out
    assert 'href="#HB-1.2"' in out  # another section's anchor: not ours to rename
    assert 'href="x.html#_1"' in out


def test_ids_other_than_headings_are_kept():
    html = '<table class="kb-std"><tr id="DM-02"><td>x</td></tr></table><a href="#DM-02">条</a>'
    assert print_ids.scope("HB-2.5", html) == html


def test_two_sections_with_the_same_heading_ids_no_longer_collide():
    body = '<h4 id="_1">职责</h4><h4 id="_2">工作流程</h4>'
    a, b = print_ids.scope("HB-1.1", body), print_ids.scope("HB-1.2", body)
    assert set(print_ids._ID.findall(a)).isdisjoint(print_ids._ID.findall(b))
