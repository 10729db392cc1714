/* 问题检索 (finder.html): the full result list of the site's search engine (kb-search.js),
 * with facets as chips, the answering passage of each result highlighted, a find-nothing
 * page that helps, and the query in the address (replaceState while typing, pushState on
 * Enter, so sharing and the back button work). Text only through textContent. */
(function () {
  "use strict";
  var FACETS = [
    ["collection", "库别"], ["category", "分类"], ["topic", "主题"],
    ["source", "来源"], ["kind", "类型"], ["tag", "标签"]
  ];
  var MAX_RESULTS = 50, TAGS_SHOWN = 12;
  var S = null, engine = null, current = null, tagFilter = "", el = {};

  function $(id) { return document.getElementById(id); }
  function node(tag, cls, text) { return S.el(tag, cls, text); }

  function values(doc, facet) {
    var d = engine.docs[doc];
    if (facet === "tag") return d.tags;
    var v = d[facet];
    return typeof v === "string" && v ? [v] : [];
  }
  function matches(doc, filters, except) {
    var ok = true;
    filters.forEach(function (v, k) { if (k !== except && values(doc, k).indexOf(v) === -1) ok = false; });
    return ok;
  }
  function label(facet, v) { return facet === "collection" ? engine.labels.get(v) || v : v; }

  function readState() {
    var params = new URLSearchParams(location.search), filters = new Map();
    FACETS.forEach(function (f) { var v = params.get(f[0]); if (v) filters.set(f[0], v); });
    return { q: params.get("q") || "", filters: filters };
  }
  function address(state) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("q", state.q.trim());
    FACETS.forEach(function (f) { if (state.filters.has(f[0])) params.set(f[0], state.filters.get(f[0])); });
    var search = params.toString();
    return location.pathname + (search ? "?" + search : "");
  }
  /* The first change after a committed query (page load, Enter, a facet) opens a new history
   * entry; typing then rewrites that entry; Enter commits it. Back returns to the query before. */
  var draft = false;
  function writeState(commit) {
    var url = address(current), same = url === location.pathname + location.search;
    try {
      if (!same && !draft) history.pushState(null, "", url);
      else if (!same) history.replaceState(null, "", url);
    } catch (e) { /* some file:// browsers refuse; the page still works */ }
    draft = !commit && (draft || !same);
  }

  /* ---- facets: chips, counted over the matches narrowed by the other facets ---- */
  function renderFacets(base) {
    el.facets.textContent = "";
    var active = 0;
    FACETS.forEach(function (f) {
      var name = f[0], counts = new Map(), chosen = current.filters.get(name);
      if (chosen) active++;
      base.forEach(function (doc) {
        if (!matches(doc, current.filters, name)) return;
        values(doc, name).forEach(function (v) { counts.set(v, (counts.get(v) || 0) + 1); });
      });
      if (chosen && !counts.has(chosen)) counts.set(chosen, 0);
      if (!counts.size) return;
      var group = node("div", "kb-chips");
      group.setAttribute("role", "group");
      group.setAttribute("data-facet", name);
      group.setAttribute("aria-label", f[1]);
      group.appendChild(node("span", "kb-chips__legend", f[1]));
      var keys = Array.from(counts.keys());
      if (name === "collection") {
        keys.sort(function (a, b) { return engine.collections.indexOf(a) - engine.collections.indexOf(b); });
      } else if (name === "tag") {
        keys.sort(function (a, b) { return counts.get(b) - counts.get(a) || (a < b ? -1 : a > b ? 1 : 0); });
        var box = node("input", "kb-chips__filter");
        box.type = "search";
        box.placeholder = "筛选标签（共 " + keys.length + " 个）";
        box.setAttribute("aria-label", "筛选标签");
        box.value = tagFilter;
        S.typed(box, 0, function () {
          tagFilter = box.value;
          showTags(group, box);
        });
        group.appendChild(box);
      } else keys.sort();
      keys.forEach(function (v) {
        var chip = node("button", "kb-chip");
        chip.type = "button";
        chip.setAttribute("data-value", v);
        chip.setAttribute("data-count", counts.get(v));
        chip.setAttribute("aria-pressed", chosen === v ? "true" : "false");
        chip.appendChild(document.createTextNode(label(name, v)));
        chip.appendChild(node("span", "kb-chip__count", String(counts.get(v))));
        chip.addEventListener("click", function () {
          if (current.filters.get(name) === v) current.filters.delete(name);
          else current.filters.set(name, v);
          update(true);
        });
        group.appendChild(chip);
      });
      el.facets.appendChild(group);
      if (name === "tag") showTags(group, group.querySelector("input"));
    });
    el.sheet.hidden = !el.facets.children.length && !active;
    el.sheetCount.textContent = active ? "（已选 " + active + "）" : "";
    if (active) {
      var clear = node("button", "kb-chip kb-chip--clear", "清除筛选");
      clear.type = "button";
      clear.addEventListener("click", function () { current.filters = new Map(); update(true); });
      el.facets.appendChild(clear);
    }
  }
  /* The tag chips that match the filter box; without a filter, the most frequent ones. */
  function showTags(group, box) {
    var want = S.normalize(box.value.trim()), shown = 0;
    group.querySelectorAll(".kb-chip").forEach(function (chip) {
      var v = chip.getAttribute("data-value"), pressed = chip.getAttribute("aria-pressed") === "true";
      var ok = want ? S.normalize(v).indexOf(want) !== -1 : shown < TAGS_SHOWN;
      chip.hidden = !(ok || pressed);
      if (ok) shown++;
    });
  }

  /* ---- results ---- */
  function card(result, needles) {
    var d = engine.docs[result.doc], sec = engine.section(result), li = node("li", "kb-result");
    li.setAttribute("data-entry-id", d.id || d.url);
    var a = node("a", "kb-result__title");
    a.href = S.href(el.root, d, sec);
    if (d.id) a.appendChild(node("span", "kb-id", d.id + " "));
    a.appendChild(S.highlighted(d.title, needles, 300));
    li.appendChild(a);
    var meta = [engine.labels.get(d.collection), d.category, d.topic, d.source, d.kind, d.unit].filter(Boolean);
    li.appendChild(node("div", "kb-result__meta", meta.join(" · ")));
    if (sec.text) {
      var p = node("p", "kb-result__snippet");
      if (sec.heading) p.appendChild(node("span", "kb-result__section", sec.heading + "："));
      p.appendChild(S.highlighted(sec.text, needles, 160));
      li.appendChild(p);
    }
    return li;
  }

  function renderEmpty(found) {
    el.empty.textContent = "";
    el.empty.hidden = false;
    el.empty.appendChild(node("p", "kb-empty__title", "没有找到与“" + current.q.trim() + "”相关的内容。"));
    if (found.elsewhere) el.empty.appendChild(node("p", "kb-empty__elsewhere", S.elsewhereText(found.elsewhere)));
    var ul = node("ul");
    // another department's question: rephrasing or proposing it as a new problem would not help
    if (!found.elsewhere) ul.appendChild(node("li", null, "换个说法，或只输入关键词，例如“党费 基数”“换届 请示”“发展对象 政审”。"));
    if (current.filters.size) ul.appendChild(node("li", null, "已按筛选条件缩小范围，可以点“清除筛选”再试。"));
    if (found.tried.length) ul.appendChild(node("li", null, "已同时检索同义词：" + found.tried.join("、") + "。"));
    var cats = engine.index.categories || [];
    if (cats.length) {
      var li = node("li", null, "按分类浏览：");
      cats.forEach(function (c, i) {
        if (i) li.appendChild(document.createTextNode("、"));
        var a = node("a", null, c[0]);
        a.href = el.root + c[1];
        li.appendChild(a);
      });
      ul.appendChild(li);
    }
    if (engine.index.contribute && !found.elsewhere) {
      var more = node("li", null, "知识库里还没有这个问题？");
      var link = node("a", null, "按投稿指南提交");
      link.href = el.root + engine.index.contribute;
      more.appendChild(link);
      more.appendChild(document.createTextNode("，我们会补充进问题库。"));
      ul.appendChild(more);
    }
    el.empty.appendChild(ul);
  }

  function update(push) {
    writeState(push);
    var q = current.q.trim(), found = { results: [], tried: [], needles: [] }, base;
    if (q) {
      found = engine.search(q);
      base = found.results.map(function (r) { return r.doc; });
    } else base = engine.docs.map(function (_, i) { return i; });
    var byDoc = new Map(found.results.map(function (r) { return [r.doc, r]; }));
    var shown = base.filter(function (doc) { return matches(doc, current.filters, null); });
    renderFacets(base);
    el.results.textContent = "";
    el.empty.hidden = true;
    var frag = document.createDocumentFragment();
    shown.slice(0, MAX_RESULTS).forEach(function (doc) {
      frag.appendChild(card(byDoc.get(doc) || { doc: doc, slot: engine.docs[doc].first }, found.needles));
    });
    el.results.appendChild(frag);
    if (q && !shown.length) renderEmpty(found);
    el.count.textContent = q || current.filters.size
      ? (shown.length ? "找到 " + shown.length + " 条" + (shown.length > MAX_RESULTS ? "，显示前 " + MAX_RESULTS + " 条" : "") : "没有找到")
      : "共 " + shown.length + " 条，输入问题开始检索";
  }

  function init(e) {
    engine = e;
    current = readState();
    el.input.value = current.q;
    var typing = S.typed(el.input, 60, function () {
      current.q = el.input.value;
      update(false);
    });
    // Enter (a phone's 搜索 key) commits the query to the history and shows the list; it
    // never jumps to the first result, and never fires while an IME is composing.
    el.input.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter" || typing.composing(ev)) return;
      ev.preventDefault();
      typing.cancel();
      current.q = el.input.value;
      update(true);
      if (window.matchMedia("(max-width: 44.9375em)").matches) el.input.blur();
    });
    $("kb-finder-form").addEventListener("submit", function (ev) { ev.preventDefault(); });
    window.addEventListener("popstate", function () {
      draft = false;
      current = readState();
      el.input.value = current.q;
      update(true);
    });
    if (window.matchMedia("(min-width: 45em)").matches) el.sheet.open = true;
    update(true);
    if (!current.q) el.input.focus();
    document.documentElement.setAttribute("data-kb-finder", "ready");
  }

  function start() {
    el.input = $("kb-finder-q");
    el.results = $("kb-results");
    el.facets = $("kb-facets");
    el.count = $("kb-count");
    el.empty = $("kb-empty");
    el.sheet = $("kb-sheet");
    el.sheetCount = $("kb-sheet-count");
    S = window.KBSearch;
    if (!S || !el.input) return;
    el.root = el.results.getAttribute("data-root") || "";
    S.ready(null, init);
  }

  window.KBFinder = {
    tokens: function (t) { return engine ? engine.tokens(t) : []; }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
