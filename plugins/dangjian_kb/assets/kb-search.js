/* One search for the whole site: the engine over window.KB_FINDER_INDEX (built by
 * search/finder_index.py) and the header search box of every page. The index is loaded only
 * when the box is first used (a <script> is injected: works from file://, no fetch()).
 * Tokenization mirrors search_text.py: NFKC + lower case, CJK bigrams, ASCII words, dictionary
 * terms. Content is only ever inserted with textContent: nothing from an entry is parsed as
 * HTML; every typed word is a Map key, never an object property. */
(function () {
  "use strict";
  var CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var RUN = new RegExp("[" + CJK + "]+|[a-z0-9]+", "g");
  var WORD_CHAR = new RegExp("[" + CJK + "a-z0-9]");
  var SYNONYM_WEIGHT = 0.6;
  /* The relevance floors, on coverage: the share of the query's weight an entry covers. The
   * weight is per character (charWeight: 的, 来 weigh almost nothing, 纪, 检 much), a character
   * being covered when the entry holds either bigram it belongs to, so the seams of a spoken
   * question (员来 in 委员来支部) cost nothing. No entry covering the query floor: 没有找到;
   * otherwise entries covering the entry floor are shown, down to SCORE_SHARE of the best score.
   * Two pairs of floors [entry, query]: a question that names the Party organization
   * (synonyms.yml elsewhere: anchors) and no other department's business is one this knowledge
   * base is for; told as a story (中秋能不能用党费给党员每人发桶油发袋米), most of its words are
   * the story's, not the entries'. Any other question must have half its weight covered by one
   * entry: on tests/data/search_eval.yml the answerable ones that name no Party organization
   * are covered 0.56 or more, the off-topic ones mostly less. Lexical coverage still cannot tell
   * 社保缴费基数 from 党费缴费基数, so questions about another department's business are
   * recognised by their words first (synonyms.yml elsewhere, Engine.scope). */
  var PARTY_FLOORS = [0.1, 0.2], OTHER_FLOORS = [0.15, 0.5];
  /* A fifth of the best score: on tests/data/search_eval.yml any share from 0.05 to 0.25 finds
   * the same answers within one query (the related entries of the best answer join from below
   * it), and at 0.2 a question's count is 10 entries at the median, 21 at p90 (24 and 69 at 0.05). */
  var SCORE_SHARE = 0.2;
  var QUERY_MASS = 25;
  var ASKED_BOOST = 1.5;
  var COVER_BASE = 0.25;
  /* An entry the best answer names as related (its related:, or theirs naming it) gains this
   * share of the best answer's score, and joins the results when it matches some of the query
   * below the floors: the form, case or rule that goes with the answer comes up beside it
   * (支委缺一个人 → P-0009 and its 补选请示). On tests/data/search_eval.yml recall@5 0.933 →
   * 0.944, on its held-out queries 0.924 → 0.948; a share of 0.2 lets neighbours push answers
   * out (0.937). */
  var RELATED_SHARE = 0.1;
  var OTHER_SECTIONS = 0.25; // weight of sections other than the best one
  var LAST = "0123456789abcdefghijklmnopqrstuv";

  /* Characters written either way, searched as one (search_text.FOLD): 缴纳/交纳, 台帐/台账. */
  var FOLD = { "缴": "交", "帐": "账" }, FOLDED = /[缴帐]/g;

  function normalize(text) {
    return String(text == null ? "" : text).normalize("NFKC").toLowerCase()
      .replace(FOLDED, function (c) { return FOLD[c]; });
  }

  /* The text normalized with its spaces dropped: 会议室 预约 names 会议室预约. */
  function joined(text) { return normalize(text).replace(/\s+/g, ""); }

  /* CJK runs and ASCII words of a text, in order. */
  function runs(text) {
    var out = [], m;
    RUN.lastIndex = 0;
    while ((m = RUN.exec(text)) !== null) out.push(m[0]);
    return out;
  }

  function isWord(run) { return /^[a-z0-9]/.test(run); }

  /* The index's tokens: bigrams of CJK runs (a lone character stands for itself), ASCII
   * words, whole dictionary terms (longer than two characters). */
  function tokens(text, terms) {
    text = normalize(text);
    var out = [];
    runs(text).forEach(function (run) {
      if (isWord(run) || run.length === 1) { out.push(run); return; }
      for (var i = 0; i < run.length - 1; i++) out.push(run.slice(i, i + 2));
    });
    for (var t = 0; t < terms.length; t++) {
      if (terms[t].length > 2 && text.indexOf(terms[t]) !== -1) out.push(terms[t]);
    }
    return out;
  }

  function decode(raw) {
    var out = [], val = 0, slot = 0, odd = false;
    for (var i = 0; i < raw.length; i++) {
      var d = LAST.indexOf(raw[i]);
      if (d === -1) { val = val * 32 + "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_".indexOf(raw[i]); continue; }
      val = val * 32 + d;
      if (!odd) { slot += val; out.push(slot); } else out.push(val);
      odd = !odd;
      val = 0;
    }
    return out;
  }

  function Engine(index) {
    var self = this, F = Object.create(null);
    index.fields.forEach(function (name, i) { F[name] = i; });
    this.index = index;
    this.labels = new Map(index.collections.map(function (c) { return [c[0], c[1]]; }));
    this.collections = index.collections.map(function (c) { return c[0]; });
    this.askedBy = index.collections.map(function (c) { return [c[0], c[2] || []]; });
    var values = index.values;
    this.docs = index.docs.map(function (d, i) {
      return {
        n: i, id: d[F.id], title: d[F.title], url: d[F.url], collection: values[d[F.collection]],
        category: values[d[F.category]], topic: values[d[F.topic]], source: values[d[F.source]],
        kind: values[d[F.kind]], unit: values[d[F.unit]], boost: +d[F.boost] || 1, first: d[F.first],
        tags: d[F.tags].map(function (t) { return values[t]; })
      };
    });
    this.slotDoc = new Int32Array(index.units.length);
    this.docs.forEach(function (d, i) {
      var end = i + 1 < self.docs.length ? self.docs[i + 1].first : index.units.length;
      for (var s = d.first; s < end; s++) self.slotDoc[s] = i;
      d.end = end;
    });
    this.postings = new Map(Object.keys(index.postings).map(function (t) { return [t, index.postings[t]]; }));
    this.related = index.related || [];
    this.common = new Set(index.common || []);
    this.stop = index.stop.slice().sort(function (a, b) { return b.length - a.length; });
    this.stopEnd = index.stopEnd || [];
    this.decoded = new Map();
    this.nSlots = index.units.length;
    var chars = index.chars || "", counts = index.charDf || [];
    this.charDf = new Map();
    for (var c = 0; c < chars.length; c++) this.charDf.set(chars[c], counts[c]);
  }

  Engine.prototype.list = function (term) {
    var hit = this.decoded.get(term);
    if (hit) return hit;
    var raw = this.postings.get(term);
    hit = raw ? decode(raw) : [];
    this.decoded.set(term, hit);
    return hit;
  };

  Engine.prototype.idf = function (term) {
    if (this.common.has(term)) return 0.1;
    var df = this.list(term).length / 2;
    return Math.log(1 + (this.nSlots - df + 0.5) / (df + 0.5));
  };

  Engine.prototype.tokens = function (text) { return tokens(text, this.index.terms); };

  /* How much a character of the query says: the idf of the character over all slots. 的, 来,
   * 个 occur everywhere and weigh almost nothing; a character the knowledge base never uses
   * (币, 链) weighs most. */
  Engine.prototype.charWeight = function (c) {
    var df = this.charDf.get(c) || 0;
    return Math.log(1 + (this.nSlots - df + 0.5) / (df + 0.5));
  };

  /* The synonym groups, each word with its tokens (all) and the tokens it is searched by
   * (asked: the question words inside a synonym, 怎么 in 怎么写, would find every FAQ); built
   * once, not on every keystroke. */
  Engine.prototype.synonymTokens = function () {
    var self = this, terms = this.index.terms;
    if (!this.synonymCache) {
      this.synonymCache = this.index.synonyms.map(function (group) {
        return group.map(function (w) {
          var asked = tokens(self.strip(w), terms).filter(function (t) { return t.length > 1; });
          return { word: w, all: tokens(w, terms), asked: asked };
        });
      });
    }
    return this.synonymCache;
  };

  /* Text without its question words, particles and punctuation (each becomes a space); the
   * yes-or-no endings (行不行) only where a clause ends, so 举行不行 keeps 举行. */
  Engine.prototype.strip = function (text) {
    var out = normalize(text);
    this.stop.forEach(function (w) { out = out.split(w).join(" "); });
    this.stopEnd.forEach(function (w) {
      for (var at = out.indexOf(w); at !== -1; at = out.indexOf(w, at + 1)) {
        var next = out.charAt(at + w.length);
        if (!WORD_CHAR.test(next)) out = out.slice(0, at) + " " + out.slice(at + w.length);
      }
    });
    return out;
  };

  /* The query as weighted tokens: what was typed (question words, particles and punctuation
   * dropped) and the synonyms of any word of synonyms.yml found in it; and the query's
   * characters (ASCII words), each with its weight and the typed tokens that cover it. */
  Engine.prototype.parse = function (query) {
    var self = this, q = normalize(query), stripped = this.strip(q);
    var typed = new Map(), parts = [];
    var rs = runs(stripped), multi = rs.some(function (r) { return r.length > 1; });
    var extra = [];
    function type(t) {
      if (!typed.has(t)) typed.set(t, { group: -1, df0: !self.common.has(t) && !self.list(t).length });
    }
    rs.forEach(function (run, r) {
      if (isWord(run) || run.length === 1) {
        if (!isWord(run) && multi) {
          // a lone 交 finds only noise; joined to its neighbours (交党 in 党费怎么交 → 交党费)
          // it says what is done, and ranks, without counting for the floor
          var before = rs[r - 1], after = rs[r + 1];
          if (before && !isWord(before)) extra.push(before.slice(-1) + run, run + before[0]);
          if (after && !isWord(after)) extra.push(run + after[0], after.slice(-1) + run);
          return;
        }
        type(run);
        parts.push({ weight: isWord(run) ? self.idf(run) : self.charWeight(run), by: [run] });
        return;
      }
      // a character is covered by either bigram it belongs to: the seam of two words (时交 in
      // 按时交党费, 员来 in 委员来我们支部) is found nowhere, and costs nothing when the words
      // on both sides are found
      for (var j = 0; j < run.length; j++) {
        var by = [];
        if (j > 0) by.push(run.slice(j - 1, j + 1));
        if (j < run.length - 1) by.push(run.slice(j, j + 2));
        by.forEach(type);
        parts.push({ weight: self.charWeight(run[j]), by: by });
      }
    });
    extra.forEach(function (t) {
      if (!typed.has(t) && self.list(t).length) typed.set(t, { group: -1, df0: false });
    });
    this.index.terms.forEach(function (term) {
      if (term.length > 2 && stripped.indexOf(term) !== -1) type(term);
    });
    var synonyms = new Map(), tried = [];
    this.synonymTokens().forEach(function (group, g) {
      // a word is said when typed, or when every token of it was typed around a question word
      // (党费怎么交 says 交党费: 党费 and the join 交党)
      var said = group.filter(function (w) {
        return q.indexOf(w.word) !== -1 || (w.all.length > 1 && w.all.every(function (t) { return typed.has(t); }));
      });
      if (!said.length) return;
      said.forEach(function (w) {
        w.all.forEach(function (t) { var x = typed.get(t); if (x) x.group = g; });
      });
      group.forEach(function (w) {
        if (said.indexOf(w) !== -1) return;
        tried.push(w.word);
        w.asked.forEach(function (t) {
          if (!typed.has(t) && !synonyms.has(t)) synonyms.set(t, g);
        });
      });
    });
    var needles = [];
    typed.forEach(function (x, t) { if (!x.df0) needles.push(t); });
    tried.forEach(function (w) { needles.push(w); });
    return { typed: typed, parts: parts, synonyms: synonyms, tried: tried, needles: needles };
  };

  /* Where each of ``words`` occurs in ``text``: [start, end) spans. */
  function spans(text, words) {
    var out = [];
    words.forEach(function (w) {
      for (var at = text.indexOf(w); at !== -1; at = text.indexOf(w, at + 1)) out.push([at, at + w.length]);
    });
    return out;
  }

  /* Whether the query names the Party organization (synonyms.yml elsewhere: anchors); with
   * ``asking``, other than as who asks or where: an anchor found outside every asker (党 in
   * 我是党员 is inside the asker 党员; 预备党员 and 书记项目 in 支部书记项目 are not). */
  Engine.prototype.anchored = function (query, asking) {
    var q = joined(query), spec = this.index.elsewhere || { anchors: [] };
    var askers = asking ? spans(q, spec.askers || []) : [];
    return spans(q, spec.anchors).some(function (a) {
      return !askers.some(function (s) { return s[0] <= a[0] && a[1] <= s[1]; });
    });
  };

  /* The first topic of another department the query's words belong to ({word, ask, unused:
   * whether the knowledge base never uses the word}), or null. */
  Engine.prototype.topic = function (query) {
    var q = joined(query), spec = this.index.elsewhere || { topics: [] }, unused = spec.unused || [];
    for (var i = 0; i < spec.topics.length; i++) {
      var words = spec.topics[i][1];
      for (var j = 0; j < words.length; j++) {
        var w = words[j];
        if (q.indexOf(w) !== -1) return { word: w, ask: spec.topics[i][0], unused: unused.indexOf(w) !== -1 };
      }
    }
    return null;
  };

  /* Whom the query is for, each word list read once: {elsewhere} — the topic of another
   * department it is about (one of the topic's words and none of the words that name the Party
   * organization; or a topic word this knowledge base never uses, the Party named only as who
   * asks: 我是党员，今年单位体检啥时候安排) or null — and {floors} [entry, query] it is held
   * to, lower for a question about the Party organization's own work and no other
   * department's (党群工作部的打印机卡纸了 must not find every entry that says 党). */
  Engine.prototype.scope = function (query) {
    var topic = this.topic(query), party = this.anchored(query, topic !== null && topic.unused);
    return {
      elsewhere: party ? null : topic,
      floors: party && !topic ? PARTY_FLOORS : OTHER_FLOORS
    };
  };

  /* Entries above the relevance floor, best first: [{doc, slot, score}], slot = the section
   * that answers (or the entry's fields slot when only its title/tags/facets match). */
  Engine.prototype.search = function (query) {
    var scope = this.scope(query);
    if (scope.elsewhere) return { results: [], tried: [], needles: [], elsewhere: scope.elsewhere };
    var self = this, p = this.parse(query);
    var slotScore = new Map(), docTerms = new Map(), docGroups = new Map();
    function add(term, weight, typedTerm, group) {
      var list = self.list(term);
      for (var i = 0; i < list.length; i += 2) {
        var slot = list[i];
        slotScore.set(slot, (slotScore.get(slot) || 0) + weight * list[i + 1]);
        var doc = self.slotDoc[slot];
        if (typedTerm) {
          var set = docTerms.get(doc);
          if (!set) docTerms.set(doc, (set = new Set()));
          set.add(term);
        }
        if (group >= 0) {
          var gs = docGroups.get(doc);
          if (!gs) docGroups.set(doc, (gs = new Set()));
          gs.add(group);
        }
      }
    }
    p.typed.forEach(function (x, t) { add(t, 1, true, x.group); });
    p.synonyms.forEach(function (g, t) { add(t, SYNONYM_WEIGHT, false, g); });
    var total = 0;
    p.parts.forEach(function (part) { total += part.weight; });
    if (!total) return { results: [], tried: p.tried, needles: p.needles };
    var best = new Map(); // doc -> {fields, top, slot, rest}
    slotScore.forEach(function (score, slot) {
      var doc = self.slotDoc[slot], b = best.get(doc);
      if (!b) best.set(doc, (b = { fields: 0, top: 0, slot: -1, rest: 0 }));
      if (slot === self.docs[doc].first) { b.fields = score; return; }
      if (score > b.top) { b.rest += b.top; b.top = score; b.slot = slot; } else b.rest += score;
    });
    // 范文, 怎么写 ask for a document: that collection's entries rank higher
    var q = normalize(query), asked = new Set();
    this.askedBy.forEach(function (c) {
      if (c[1].some(function (w) { return q.indexOf(w) !== -1; })) asked.add(c[0]);
    });
    var results = [], bestCover = 0, floors = scope.floors, below = new Map();
    best.forEach(function (b, doc) {
      var terms = docTerms.get(doc), groups = docGroups.get(doc), have = 0;
      function found(t) {
        var x = p.typed.get(t);
        return (terms && terms.has(t)) || self.common.has(t) || (x.group >= 0 && groups && groups.has(x.group));
      }
      p.parts.forEach(function (part) { if (part.by.some(found)) have += part.weight; });
      var cover = Math.min(1, have / Math.min(total, QUERY_MASS));
      var d = self.docs[doc];
      var score = (b.fields + b.top + OTHER_SECTIONS * b.rest) * d.boost * (COVER_BASE + cover * cover);
      if (asked.has(d.collection)) score *= ASKED_BOOST;
      var result = { doc: doc, slot: b.slot >= 0 ? b.slot : d.first, score: score, cover: cover };
      if (cover < floors[0]) { if (cover > 0) below.set(doc, result); return; }
      bestCover = Math.max(bestCover, cover);
      results.push(result);
    });
    results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    if (bestCover < floors[1]) results = [];
    var floor = results.length ? results[0].score * SCORE_SHARE : 0;
    var kept = results.filter(function (r) {
      if (r.score < floor) below.set(r.doc, r);
      return r.score >= floor;
    });
    return { results: this.withRelated(kept, below), tried: p.tried, needles: p.needles };
  };

  /* Results with the best answer's related entries lifted by RELATED_SHARE of its score; those
   * the floors cut join when they match some of the query (cover > 0): never an entry that
   * shares nothing with it. */
  Engine.prototype.withRelated = function (results, below) {
    var near = results.length ? this.related[results[0].doc] : null;
    if (!near || !near.length) return results;
    var lift = results[0].score * RELATED_SHARE;
    near.forEach(function (n) { if (below.has(n)) results.push(below.get(n)); });
    results.forEach(function (r) { if (near.indexOf(r.doc) !== -1) r.score += lift; });
    return results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
  };

  /* The section a result quotes: heading, anchor and text (the first section with text when
   * only the entry's fields matched). */
  Engine.prototype.section = function (result) {
    var d = this.docs[result.doc], slot = result.slot, units = this.index.units;
    if (slot === d.first) {
      slot = -1;
      for (var s = d.first + 1; s < d.end; s++) if (units[s] && units[s][1]) { slot = s; break; }
      if (slot === -1) return { heading: "", anchor: "", text: "" };
      var u0 = units[slot];
      return { heading: "", anchor: "", text: u0[1] };
    }
    var u = units[slot], heading = this.index.headings[u[0]];
    return { heading: heading, anchor: u.length > 2 ? u[2] : heading, text: u[1] };
  };

  /* Where the needles occur in text: merged [start, end) ranges of the normalized text. */
  function ranges(text, needles) {
    var norm = normalize(text);
    if (norm.length !== text.length) return [];
    var out = spans(norm, needles.filter(Boolean));
    out.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  /* Text with the needles in <mark>, cut to about max characters around the first one. */
  function highlighted(text, needles, max) {
    var frag = document.createDocumentFragment(), rs = ranges(text, needles), start = 0;
    // the window of max characters that holds the most highlighted text: the answering passage
    var bestCover = -1, bestAt = 0;
    rs.forEach(function (r) {
      var cover = 0;
      rs.forEach(function (o) { if (o[0] >= r[0] && o[1] <= r[0] + max) cover += o[1] - o[0]; });
      if (cover > bestCover) { bestCover = cover; bestAt = r[0]; }
    });
    if (rs.length && bestAt > max / 3) start = Math.max(0, bestAt - Math.floor(max / 6));
    var end = Math.min(text.length, start + max), at = start;
    if (start > 0) frag.appendChild(document.createTextNode("…"));
    rs.forEach(function (r) {
      if (r[1] <= at || r[0] >= end) return;
      var s = Math.max(r[0], at);
      if (s > at) frag.appendChild(document.createTextNode(text.slice(at, s)));
      var m = document.createElement("mark");
      m.textContent = text.slice(s, Math.min(r[1], end));
      frag.appendChild(m);
      at = Math.min(r[1], end);
    });
    if (at < end) frag.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length && text.slice(-1) !== "…") frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  /* What the reader is told when the question belongs to another department. */
  function elsewhereText(e) {
    return "“" + e.word + "”方面的问题不在党务知识库里，请咨询" + e.ask + "。";
  }

  function href(root, doc, section) {
    return root + doc.url + (section.anchor ? "#" + encodeURIComponent(section.anchor) : "");
  }

  var engine = null, waiting = [];
  /* The engine once the index script has run; injects it (once) when it is not on the page. */
  function ready(src, callback) {
    if (engine) { callback(engine); return; }
    waiting.push(callback);
    if (window.KB_FINDER_INDEX) { start(); return; }
    if (document.getElementById("kb-index-script") || !src) return;
    var s = document.createElement("script");
    s.id = "kb-index-script";
    s.src = src;
    s.onload = start;
    window.KB_SEARCH_LOAD_AT = performance.now();
    s.onerror = function () { document.documentElement.setAttribute("data-kb-search", "failed"); };
    document.head.appendChild(s);
  }
  function start() {
    var index = window.KB_FINDER_INDEX;
    if (!index || index.version !== 2 || !Array.isArray(index.docs)) return;
    if (!engine) engine = new Engine(index);
    window.KB_SEARCH_READY_AT = performance.now();
    document.documentElement.setAttribute("data-kb-search", "ready");
    var cbs = waiting;
    waiting = [];
    cbs.forEach(function (cb) { cb(engine); });
  }

  /* Text typed into ``input``, IME-safe: ``onText`` runs ``delay`` ms after the last change and
   * never while pinyin is being composed (the characters are not the query yet). Returns
   * whether a composition is under way (Enter then confirms characters, it must not submit)
   * and a way to drop the pending call. */
  function typed(input, delay, onText) {
    var composing = false, timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(onText, delay); }
    input.addEventListener("compositionstart", function () { composing = true; });
    input.addEventListener("compositionend", function () { composing = false; later(); });
    input.addEventListener("input", function (ev) { if (!ev.isComposing && !composing) later(); });
    return {
      composing: function (ev) { return composing || (ev && (ev.isComposing || ev.keyCode === 229)); },
      cancel: function () { clearTimeout(timer); }
    };
  }

  window.KBSearch = { ready: ready, typed: typed, el: el, highlighted: highlighted, href: href, normalize: normalize, elsewhereText: elsewhereText };

  /* ---------------------------------------------------------------- the header box */
  var MAX_DROPDOWN = 8;

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function header() {
    var form = document.getElementById("kb-hs-form");
    if (!form) return;
    var input = document.getElementById("kb-hs-q"), panel = document.getElementById("kb-hs-panel");
    var list = document.getElementById("kb-hs-list"), status = document.getElementById("kb-hs-status");
    var root = form.getAttribute("data-root") || "", src = form.getAttribute("data-index");
    var finder = form.getAttribute("action");
    var active = -1, shown = null;

    function options() { return list.querySelectorAll("[role=option]"); }
    function open(yes) {
      panel.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
    }
    function setActive(i) {
      var opts = options();
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function toFinder() {
      var q = input.value.trim();
      location.href = finder + (q ? "?q=" + encodeURIComponent(q) : "");
    }
    function render() {
      var q = input.value;
      // a late timer or index callback for the query already on screen must not redraw it:
      // that would drop the option the reader has just moved to with the arrow keys
      if (engine && q === shown && !panel.hidden) return;
      shown = null;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.textContent = "";
      if (!q.trim()) { open(false); return; }
      open(true);
      if (!engine) { status.textContent = "正在加载索引…"; ready(src, render); return; }
      var t0 = performance.now(), found = engine.search(q), results = found.results;
      results.slice(0, MAX_DROPDOWN).forEach(function (r, i) {
        var d = engine.docs[r.doc], sec = engine.section(r);
        var li = el("li", "kb-hs__item");
        li.id = "kb-hs-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-entry-id", d.id || d.url);
        var a = el("a", "kb-hs__link");
        a.href = href(root, d, sec);
        a.tabIndex = -1;
        var title = el("span", "kb-hs__title");
        if (d.id) title.appendChild(el("span", "kb-id", d.id + " "));
        title.appendChild(highlighted(d.title, found.needles, 200));
        a.appendChild(title);
        var meta = [engine.labels.get(d.collection) || "", d.category || ""].filter(Boolean);
        if (sec.heading) meta.push(sec.heading);
        a.appendChild(el("span", "kb-hs__meta", meta.join(" · ")));
        if (sec.text) {
          var passage = el("span", "kb-hs__passage");
          passage.appendChild(highlighted(sec.text, found.needles, 70));
          a.appendChild(passage);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
      status.textContent = results.length
        ? "找到 " + results.length + " 条，按回车查看全部和筛选"
        : found.elsewhere ? "没有找到。" + elsewhereText(found.elsewhere)
        : "没有找到相关内容。按回车查看检索建议";
      window.KB_HEADER_LAST_QUERY_MS = performance.now() - t0;
      form.setAttribute("data-query", q);
      shown = q;
    }
    function load() { ready(src, function () { if (input.value.trim()) render(); }); }
    // the index starts loading when a pointer or finger reaches the box, before the first key
    form.addEventListener("pointerenter", load);
    form.addEventListener("touchstart", load, { passive: true });
    input.addEventListener("focus", load);
    var typing = typed(input, 40, render); // render loads the index when it is not there yet
    input.addEventListener("keydown", function (ev) {
      if (typing.composing(ev)) return;
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        if (panel.hidden) render();
        setActive(active + (ev.key === "ArrowDown" ? 1 : -1));
      } else if (ev.key === "Escape") {
        open(false);
      } else if (ev.key === "Enter") {
        ev.preventDefault();
        var opts = options();
        if (active >= 0 && opts[active]) location.href = opts[active].querySelector("a").href;
        else toFinder();
      }
    });
    // Enter while an IME is composing confirms the characters; it never submits the search.
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!typing.composing()) toFinder();
    });
    document.addEventListener("click", function (ev) { if (!form.parentNode.contains(ev.target)) open(false); });
    document.addEventListener("keydown", function (ev) {
      var t = ev.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();
        input.focus();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", header);
  else header();
})();
