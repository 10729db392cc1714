/* 问题检索 (the problem finder). Reads window.KB_FINDER_INDEX (built by finder_index.py) and
 * ranks entries by adding up precomputed BM25F weights of the query's tokens. Tokenization
 * mirrors search_text.py: NFKC + lower case, CJK bigrams, ASCII words, dictionary terms.
 * Content is only ever inserted with textContent: nothing from an entry is parsed as HTML. */
(function () {
  "use strict";
  var INDEX = window.KB_FINDER_INDEX;
  var FACETS = [
    ["collection", "库别"], ["category", "分类"], ["topic", "主题"],
    ["source", "来源"], ["kind", "类型"], ["tag", "标签"]
  ];
  var LABELS = { handbook: "规范化手册", problems: "问题库", cases: "案例集", templates: "文书模板" };
  var MAX_RESULTS = 50;
  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;

  function normalize(text) { return String(text || "").normalize("NFKC").toLowerCase(); }

  function tokens(text, terms) {
    text = normalize(text);
    var out = [], m;
    CJK.lastIndex = 0;
    while ((m = CJK.exec(text)) !== null) {
      var run = m[0];
      if (/^[a-z0-9]/.test(run) || run.length === 1) { out.push(run); continue; }
      for (var i = 0; i < run.length - 1; i++) out.push(run.slice(i, i + 2));
    }
    for (var t = 0; t < terms.length; t++) {
      if (terms[t].length > 2 && text.indexOf(terms[t]) !== -1) out.push(terms[t]);
    }
    return out;
  }

  function stripQuestion(q, stop) {
    for (var i = 0; i < stop.length; i++) q = q.split(stop[i]).join(" ");
    return q;
  }

  /* Query tokens with weights: the words typed (1.0) and their synonyms (0.6). */
  function queryTokens(query) {
    var q = normalize(query), weights = {};
    tokens(stripQuestion(q, INDEX.stop), INDEX.terms).forEach(function (t) { weights[t] = 1; });
    INDEX.synonyms.forEach(function (group) {
      var hit = group.some(function (w) { return q.indexOf(w) !== -1; });
      if (!hit) return;
      group.forEach(function (w) {
        tokens(w, INDEX.terms).forEach(function (t) { if (!(t in weights)) weights[t] = 0.6; });
      });
    });
    return weights;
  }

  var decoded = Object.create(null);
  function postings(term) {
    if (term in decoded) return decoded[term];
    var raw = INDEX.postings[term], out = [];
    if (raw) {
      var doc = 0, parts = raw.split(",");
      for (var i = 0; i < parts.length; i++) {
        var dot = parts[i].indexOf(".");
        doc += parseInt(parts[i].slice(0, dot), 36);
        out.push(doc, parseInt(parts[i].slice(dot + 1), 36));
      }
    }
    return (decoded[term] = out);
  }

  function rank(query) {
    var weights = queryTokens(query), scores = new Map(), hits = new Map(), typed = 0;
    Object.keys(weights).forEach(function (term) {
      var p = postings(term), w = weights[term];
      if (!p.length) return;
      if (w === 1) typed++;
      for (var i = 0; i < p.length; i += 2) {
        scores.set(p[i], (scores.get(p[i]) || 0) + w * p[i + 1]);
        if (w === 1) hits.set(p[i], (hits.get(p[i]) || 0) + 1);
      }
    });
    var ranked = [];
    scores.forEach(function (s, doc) {
      // Entries that contain more of what was typed come first (coordination factor).
      var coverage = typed ? (hits.get(doc) || 0) / typed : 1;
      ranked.push([doc, s * (0.25 + coverage * coverage)]);
    });
    ranked.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return ranked.map(function (r) { return r[0]; });
  }

  /* ---- facets ---- */
  var F = {};
  INDEX.fields.forEach(function (name, i) { F[name] = i; });
  function values(doc, facet) {
    var d = INDEX.docs[doc];
    if (facet === "tag") return d[F.tags];
    var v = d[F[facet]];
    return v ? [v] : [];
  }
  function matches(doc, filters, except) {
    for (var k in filters) {
      if (k === except || !filters[k]) continue;
      if (values(doc, k).indexOf(filters[k]) === -1) return false;
    }
    return true;
  }

  /* ---- page ---- */
  var el = {};
  function $(id) { return document.getElementById(id); }

  function readState() {
    var params = new URLSearchParams(location.search), state = { q: params.get("q") || "", filters: {} };
    FACETS.forEach(function (f) { var v = params.get(f[0]); if (v) state.filters[f[0]] = v; });
    return state;
  }

  function writeState(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    FACETS.forEach(function (f) { if (state.filters[f[0]]) params.set(f[0], state.filters[f[0]]); });
    var search = params.toString(), url = location.pathname + (search ? "?" + search : "");
    try { history.replaceState(null, "", url); } catch (e) { /* some file:// browsers refuse; the page still works */ }
  }

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function renderFacets(state, base) {
    el.facets.textContent = "";
    FACETS.forEach(function (f) {
      var name = f[0], counts = new Map();
      base.forEach(function (doc) {
        if (!matches(doc, state.filters, name)) return;
        values(doc, name).forEach(function (v) { counts.set(v, (counts.get(v) || 0) + 1); });
      });
      if (!counts.size && !state.filters[name]) return;
      var box = node("fieldset", "kb-facet"), legend = node("legend", null, f[1]);
      box.appendChild(legend);
      box.setAttribute("data-facet", name);
      var select = node("select");
      select.name = name;
      select.setAttribute("aria-label", f[1]);
      var all = node("option", null, "全部");
      all.value = "";
      select.appendChild(all);
      Array.from(counts.keys()).sort().forEach(function (v) {
        var o = node("option", null, (name === "collection" ? LABELS[v] || v : v) + "（" + counts.get(v) + "）");
        o.value = v;
        o.setAttribute("data-count", counts.get(v));
        select.appendChild(o);
      });
      if (state.filters[name] && !counts.has(state.filters[name])) {
        var o = node("option", null, state.filters[name] + "（0）");
        o.value = state.filters[name];
        o.setAttribute("data-count", 0);
        select.appendChild(o);
      }
      select.value = state.filters[name] || "";
      select.addEventListener("change", function () {
        current.filters[name] = select.value;
        update();
      });
      box.appendChild(select);
      el.facets.appendChild(box);
    });
  }

  function card(doc) {
    var d = INDEX.docs[doc], li = node("li", "kb-result");
    li.setAttribute("data-entry-id", d[F.id]);
    var a = node("a", "kb-result__title");
    a.href = INDEX_ROOT + d[F.url];
    a.appendChild(node("span", "kb-id", d[F.id]));
    a.appendChild(document.createTextNode(" " + d[F.title]));
    li.appendChild(a);
    var meta = [LABELS[d[F.collection]], d[F.category], d[F.topic], d[F.source], d[F.kind], d[F.unit]].filter(Boolean);
    li.appendChild(node("div", "kb-result__meta", meta.join(" · ")));
    if (d[F.snippet]) {
      var label = d[F.collection] === "cases" ? "关键因素：" : d[F.collection] === "problems" ? "解决建议：" : "";
      li.appendChild(node("p", "kb-result__snippet", label + d[F.snippet]));
    }
    return li;
  }

  var current, INDEX_ROOT = "";

  /* mkdocs-material also reads ?q= when it starts, opens its own search over the finder and
   * drops q from the address when that closes. This script runs while the page is parsed,
   * before material's bundle: take the state now and keep q out of the address until material
   * has started; update() writes it back. */
  var initial = readState();
  if (initial.q) {
    try {
      var params = new URLSearchParams(location.search);
      params.delete("q");
      history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
    } catch (e) { /* the address just keeps q */ }
  }

  function update() {
    writeState(current);
    var t0 = performance.now();
    var base = current.q.trim() ? rank(current.q) : INDEX.docs.map(function (_, i) { return i; });
    var shown = base.filter(function (doc) { return matches(doc, current.filters, null); });
    renderFacets(current, base);
    el.results.textContent = "";
    var frag = document.createDocumentFragment();
    shown.slice(0, MAX_RESULTS).forEach(function (doc) { frag.appendChild(card(doc)); });
    el.results.appendChild(frag);
    el.count.textContent = current.q.trim() || Object.keys(current.filters).some(function (k) { return current.filters[k]; })
      ? "找到 " + shown.length + " 条" + (shown.length > MAX_RESULTS ? "，显示前 " + MAX_RESULTS + " 条" : "")
      : "共 " + shown.length + " 条，输入问题开始检索";
    window.KB_FINDER_LAST_QUERY_MS = performance.now() - t0;
  }

  function init() {
    el.input = $("kb-finder-q");
    el.results = $("kb-results");
    el.facets = $("kb-facets");
    el.count = $("kb-count");
    if (!INDEX || !el.input) return;
    INDEX_ROOT = el.results.getAttribute("data-root") || "";
    current = initial;
    el.input.value = current.q;
    var timer = null;
    el.input.addEventListener("input", function () {
      current.q = el.input.value;
      clearTimeout(timer);
      timer = setTimeout(update, 60);
    });
    el.input.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter") return;
      ev.preventDefault();
      clearTimeout(timer);
      current.q = el.input.value;
      update();
      var first = el.results.querySelector("a.kb-result__title");
      if (first) location.href = first.href;
    });
    $("kb-finder-form").addEventListener("submit", function (ev) { ev.preventDefault(); });
    update();
    el.input.focus();
    window.KB_FINDER_READY_MS = performance.now();
    document.documentElement.setAttribute("data-kb-finder", "ready");
  }

  window.KBFinder = { tokens: function (t) { return tokens(t, INDEX.terms); }, rank: rank, queryTokens: queryTokens };
  // after material's own start-up (its listeners run on the same events, registered later)
  function start() { setTimeout(init, 0); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
