/* Branch self-check (达标自查) and the 党委's comparison view.
 * The standard is embedded in the page as JSON; scores live in localStorage only, and exported
 * files are read with FileReader: nothing is ever sent anywhere and everything works from file://.
 * Every value read back (storage, imported file) is validated against the standard; text from it
 * is shown with textContent only. */
(function () {
  "use strict";

  var FORMAT = "dangjian-kb-selfcheck";
  var VERSION = 1;
  var MAX_NOTE = 2000;
  var MAX_FILE = 2000000;

  var root = document.getElementById("kb-sc") || document.getElementById("kb-cmp");
  var dataEl = document.getElementById("kb-standard-data");
  if (!root || !dataEl) return;
  var STD;
  try {
    STD = JSON.parse(dataEl.textContent);
  } catch (e) {
    return;
  }
  if (!STD || !Array.isArray(STD.aspects) || !Array.isArray(STD.levels)) return;

  var ITEMS = new Map(); // item id -> {item, aspect}
  STD.aspects.forEach(function (a) {
    a.items.forEach(function (it) { ITEMS.set(it.id, { item: it, aspect: a }); });
  });
  var msgEl = document.getElementById("kb-sc-msg");

  function say(text, bad) {
    if (!msgEl) return;
    msgEl.textContent = text;
    msgEl.classList.toggle("kb-sc__msg--bad", !!bad);
  }
  function fmt(x) { return String(Math.round(x * 10) / 10); }
  function isObj(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  // -- validation of anything read back --------------------------------------------------
  function indexList(v, n) {
    if (!Array.isArray(v)) return [];
    var out = [];
    v.forEach(function (x) {
      if (Number.isInteger(x) && x >= 0 && x < n && out.indexOf(x) < 0) out.push(x);
    });
    return out.sort(function (a, b) { return a - b; });
  }
  function cleanItem(it, raw) {
    var r = isObj(raw) ? raw : {};
    var score = null;
    if (typeof r.score === "number" && isFinite(r.score) && r.score >= 0 && r.score <= it.points) score = r.score;
    return {
      deductions: indexList(r.deductions, it.deductions.length),
      score: score,
      evidence: indexList(r.evidence, it.evidence.length),
      note: typeof r.note === "string" ? r.note.slice(0, MAX_NOTE) : "",
      veto: it.veto === true && r.veto === true
    };
  }
  function cleanItems(raw) {
    var out = Object.create(null);
    var src = isObj(raw) ? raw : {};
    ITEMS.forEach(function (v, id) { out[id] = cleanItem(v.item, own(src, id) ? src[id] : null); });
    return out;
  }
  function cleanText(v, max) { return typeof v === "string" ? v.trim().slice(0, max) : ""; }
  function cleanDate(v) { return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : ""; }
  function cleanBranch(raw) {
    if (!isObj(raw)) return null;
    var name = cleanText(raw.branch, 60);
    if (!name) return null;
    return { branch: name, checker: cleanText(raw.checker, 40), date: cleanDate(raw.date), items: cleanItems(raw.items) };
  }
  /* An exported file: the right format and this standard, or a Chinese reason why not. */
  function readFile(text) {
    var raw;
    try { raw = JSON.parse(text); } catch (e) { return { error: "不是有效的 JSON 文件。请选择从自查页导出的文件。" }; }
    if (!isObj(raw) || raw.format !== FORMAT) return { error: "不是达标自查导出的文件（缺少格式标记）。" };
    if (raw.version !== VERSION) return { error: "文件版本不受支持（" + String(raw.version).slice(0, 10) + "）。请用本站自查页重新导出。" };
    if (raw.standard !== STD.id) {
      var other = typeof raw.standard_title === "string" ? raw.standard_title.slice(0, 60) : String(raw.standard).slice(0, 60);
      return { error: "这个文件属于标准“" + other + "”，不是本页的“" + STD.title + "”，不能导入。" };
    }
    var b = cleanBranch(raw);
    if (!b) return { error: "文件中缺少支部名称，不能导入。" };
    return { branch: b };
  }

  // -- scoring: one function for the self-check and the comparison ---------------------------
  function compute(items) {
    var res = { items: new Map(), aspects: new Map(), total: 0, veto: [], unproven: [] };
    STD.aspects.forEach(function (a) {
      var sum = 0;
      a.items.forEach(function (it) {
        var st = items[it.id];
        var s;
        // The standard's rule, and what keeps a self-check honest (P-0021): no evidence, no points.
        if (!st.evidence.length) s = 0;
        else if (st.score !== null) s = st.score;
        else {
          s = it.points;
          st.deductions.forEach(function (i) { s -= it.deductions[i].points; });
          s = Math.max(0, s);
        }
        res.items.set(it.id, s);
        if (st.veto) res.veto.push(it);
        if (!st.evidence.length) res.unproven.push(it);
        sum += s;
      });
      res.aspects.set(a.id, sum);
      res.total += sum;
    });
    res.total = Math.round(res.total * 10) / 10;
    res.level = null;
    if (!res.veto.length) {
      STD.levels.forEach(function (lv) { if (res.total >= lv.pass) res.level = lv; });
    }
    var idx = res.level ? STD.levels.indexOf(res.level) + 1 : 0;
    res.next = STD.levels[idx] || null;
    return res;
  }
  function levelName(res) { return res.veto.length ? "不评定（一票否决）" : res.level ? res.level.name : "未达标"; }
  function missing(res) {
    if (res.veto.length) {
      return "存在一票否决情形（" + res.veto.map(function (it) { return it.id + " " + it.title; }).join("、") +
        "），整改前不评定等级。";
    }
    if (!res.next) return "已达到最高等级“" + res.level.name + "”。" + (res.level.note ? "条件：" + res.level.note + "。" : "");
    var gap = res.next.pass - res.total;
    return "距“" + res.next.name + "”（" + res.next.pass + " 分）还差 " + fmt(gap) + " 分" +
      (res.next.note ? "，并须" + res.next.note : "") + "。" + biggestLosses(res);
  }
  /* Where the points went: the three items that lost most, the first places to improve. */
  function biggestLosses(res) {
    var lost = [];
    ITEMS.forEach(function (v, id) {
      var gone = v.item.points - res.items.get(id);
      if (gone > 0) lost.push({ id: id, title: v.item.title, gone: gone });
    });
    if (!lost.length) return "";
    lost.sort(function (a, b) { return b.gone - a.gone || (a.id < b.id ? -1 : 1); });
    return " 失分最多：" + lost.slice(0, 3).map(function (x) { return x.id + " " + x.title + "（−" + fmt(x.gone) + "）"; }).join("、") + "。";
  }
  function exportObject(b, res) {
    var aspects = {};
    res.aspects.forEach(function (v, k) { aspects[k] = v; });
    return {
      format: FORMAT, version: VERSION, standard: STD.id, standard_title: STD.title,
      branch: b.branch, checker: b.checker, date: b.date, items: b.items,
      result: { total: res.total, level: levelName(res), aspects: aspects, veto: res.veto.map(function (it) { return it.id; }) }
    };
  }
  function download(name, type, text) {
    var blob = new Blob([text], { type: type });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name.replace(/[\\/:*?"<>|\s]+/g, "_");
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function readFiles(files, each) {
    Array.prototype.forEach.call(files, function (f) {
      if (f.size > MAX_FILE) { each(f.name, { error: "文件过大，不是自查导出的文件。" }); return; }
      var r = new FileReader();
      r.onload = function () { each(f.name, readFile(String(r.result))); };
      r.onerror = function () { each(f.name, { error: "无法读取文件。" }); };
      r.readAsText(f, "utf-8");
    });
  }

  var KEY = "dangjian-kb:selfcheck:" + STD.id;
  /* Branches saved on this device, validated; a note says when the stored value was unusable. */
  function storedBranches() {
    var raw = null;
    var bad = false;
    try { raw = JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { bad = true; }
    if (raw !== null && (!isObj(raw) || raw.version !== VERSION || !Array.isArray(raw.branches))) bad = true;
    var list = [];
    if (!bad && raw) {
      raw.branches.forEach(function (x) {
        var b = cleanBranch(x);
        if (b && !list.some(function (o) { return o.branch === b.branch; })) list.push(b);
      });
    }
    return { list: list, bad: bad, current: !bad && raw && typeof raw.current === "string" ? raw.current : "" };
  }

  if (root.dataset.mode === "compare") compareView(); else checkView();

  // -- the self-check page -------------------------------------------------------------------
  function checkView() {
    var branches = new Map();
    var current = "";
    var $ = function (id) { return document.getElementById(id); };

    function load() {
      var stored = storedBranches();
      if (stored.bad) say("本机保存的自查数据格式不对，已忽略。", true);
      stored.list.forEach(function (b) { branches.set(b.branch, b); });
      if (branches.has(stored.current)) current = stored.current;
      if (!branches.size) add();
      if (!current) current = branches.keys().next().value;
    }
    function save() {
      var list = [];
      branches.forEach(function (b) { list.push(b); });
      try {
        localStorage.setItem(KEY, JSON.stringify({ version: VERSION, current: current, branches: list }));
      } catch (e) {
        say("浏览器不允许保存（可能是隐私模式或存储已满），请及时导出文件。", true);
      }
    }
    function add() {
      var n = branches.size + 1;
      while (branches.has("支部" + n)) n++;
      var b = { branch: "支部" + n, checker: "", date: "", items: cleanItems(null) };
      branches.set(b.branch, b);
      current = b.branch;
      return b;
    }
    function cur() { return branches.get(current); }

    function fillSelect() {
      var sel = $("kb-sc-branch");
      while (sel.firstChild) sel.removeChild(sel.firstChild);
      branches.forEach(function (b, name) {
        var o = document.createElement("option");
        o.value = name;
        o.textContent = name;
        if (name === current) o.selected = true;
        sel.appendChild(o);
      });
    }
    function showBranch() {
      var b = cur();
      fillSelect();
      $("kb-sc-name").value = b.branch;
      $("kb-sc-checker").value = b.checker;
      $("kb-sc-date").value = b.date;
      document.querySelectorAll("[data-kb-item]").forEach(function (el) {
        var st = b.items[el.dataset.kbItem];
        if (!st) return;
        el.querySelectorAll("[data-kb-ded]").forEach(function (c) { c.checked = st.deductions.indexOf(+c.dataset.kbDed) >= 0; });
        el.querySelectorAll("[data-kb-ev]").forEach(function (c) { c.checked = st.evidence.indexOf(+c.dataset.kbEv) >= 0; });
        var v = el.querySelector("[data-kb-veto]");
        if (v) v.checked = st.veto;
        el.querySelector("[data-kb-manual]").value = st.score === null ? "" : String(st.score);
        el.querySelector("[data-kb-note]").value = st.note;
      });
      update();
    }
    function update() {
      var b = cur();
      var res = compute(b.items);
      document.querySelectorAll("[data-kb-item]").forEach(function (el) {
        var id = el.dataset.kbItem;
        el.querySelector("[data-kb-score]").textContent = fmt(res.items.get(id));
        el.classList.toggle("kb-sc__item--unproven", !b.items[id].evidence.length);
        el.classList.toggle("kb-sc__item--veto", b.items[id].veto);
        el.querySelector("[data-kb-notecopy]").textContent = b.items[id].note;
      });
      res.aspects.forEach(function (v, k) {
        var cell = document.querySelector('[data-kb-aspect="' + k + '"]');
        if (cell) cell.textContent = fmt(v);
      });
      $("kb-sc-total").textContent = fmt(res.total);
      $("kb-sc-level").textContent = levelName(res);
      var next = missing(res);
      if (res.unproven.length) next += " 还有 " + res.unproven.length + " 项未勾选佐证材料，按标准不得分。";
      $("kb-sc-next").textContent = next;
      $("kb-sc-summary").classList.toggle("kb-sc__summary--veto", res.veto.length > 0);
      var copies = { "data-kb-branch": b.branch, "data-kb-date": b.date || "＿＿＿＿", "data-kb-checker": b.checker || "＿＿＿＿",
        "data-kb-total": fmt(res.total) + " / " + STD.total, "data-kb-levelcopy": levelName(res) };
      Object.keys(copies).forEach(function (attr) {
        document.querySelectorAll("[" + attr + "]").forEach(function (el) { el.textContent = copies[attr]; });
      });
      return res;
    }
    function onItemInput(ev) {
      var el = ev.target.closest("[data-kb-item]");
      if (!el) return;
      var st = cur().items[el.dataset.kbItem];
      var t = ev.target;
      if (t.matches("[data-kb-ded]")) st.deductions = indexList(checked(el, "[data-kb-ded]", "kbDed"), ITEMS.get(el.dataset.kbItem).item.deductions.length);
      else if (t.matches("[data-kb-ev]")) st.evidence = indexList(checked(el, "[data-kb-ev]", "kbEv"), ITEMS.get(el.dataset.kbItem).item.evidence.length);
      else if (t.matches("[data-kb-veto]")) st.veto = t.checked;
      else if (t.matches("[data-kb-note]")) st.note = t.value.slice(0, MAX_NOTE);
      else if (t.matches("[data-kb-manual]")) {
        var max = ITEMS.get(el.dataset.kbItem).item.points;
        var n = t.value === "" ? null : Number(t.value);
        if (n !== null && !(isFinite(n) && n >= 0 && n <= max)) {
          say("得分应在 0 到 " + max + " 之间。", true);
          return;
        }
        st.score = n;
      } else return;
      update();
      save();
    }
    function checked(el, sel, key) {
      var out = [];
      el.querySelectorAll(sel).forEach(function (c) { if (c.checked) out.push(+c.dataset[key]); });
      return out;
    }

    load();
    showBranch();
    save();
    root.addEventListener("change", onItemInput);
    root.addEventListener("input", function (ev) { if (ev.target.matches("[data-kb-note]")) onItemInput(ev); });
    $("kb-sc-branch").addEventListener("change", function (ev) {
      if (branches.has(ev.target.value)) current = ev.target.value;
      save();
      showBranch();
    });
    $("kb-sc-name").addEventListener("change", function (ev) {
      var name = cleanText(ev.target.value, 60);
      if (!name || (name !== current && branches.has(name))) {
        say(name ? "已有名为“" + name + "”的支部，请换一个名称。" : "支部名称不能为空。", true);
        ev.target.value = current;
        return;
      }
      var b = cur();
      var next = new Map();
      branches.forEach(function (v, k) { next.set(k === current ? name : k, v); });
      b.branch = name;
      branches = next;
      current = name;
      save();
      showBranch();
      say("已改名为“" + name + "”。");
    });
    $("kb-sc-checker").addEventListener("change", function (ev) { cur().checker = cleanText(ev.target.value, 40); save(); update(); });
    $("kb-sc-date").addEventListener("change", function (ev) { cur().date = cleanDate(ev.target.value); save(); update(); });
    $("kb-sc-add").addEventListener("click", function () { add(); save(); showBranch(); say("已新建“" + current + "”，请在“支部名称”中改成实际名称。"); $("kb-sc-name").focus(); });
    $("kb-sc-remove").addEventListener("click", function () {
      var gone = current;
      branches.delete(current);
      current = "";
      if (!branches.size) add();
      current = current || branches.keys().next().value;
      save();
      showBranch();
      say("已删除“" + gone + "”。");
    });
    $("kb-sc-clear").addEventListener("click", function () {
      cur().items = cleanItems(null);
      save();
      showBranch();
      say("已清空“" + current + "”的评分。");
    });
    $("kb-sc-export").addEventListener("click", function () {
      var b = cur();
      var obj = exportObject(b, compute(b.items));
      download("达标自查-" + b.branch + "-" + (b.date || "未填日期") + ".json", "application/json", JSON.stringify(obj, null, 2));
      say("已导出“" + b.branch + "”的自查文件。");
    });
    $("kb-sc-import").addEventListener("change", function (ev) {
      readFiles(ev.target.files, function (name, r) {
        if (r.error) { say(name + "：" + r.error, true); return; }
        var had = branches.has(r.branch.branch);
        branches.set(r.branch.branch, r.branch);
        current = r.branch.branch;
        save();
        showBranch();
        say((had ? "已用文件覆盖“" : "已导入“") + current + "”。");
      });
      ev.target.value = "";
    });
    $("kb-sc-print").addEventListener("click", function () { window.print(); });
  }

  // -- the 党委's comparison view -----------------------------------------------------------
  function compareView() {
    var rows = new Map(); // branch name -> {branch, date, checker, res}
    var sortKey = "total";
    var sortDesc = true;
    var cols = [{ key: "branch", label: "支部" }];
    STD.aspects.forEach(function (a) { cols.push({ key: "a:" + a.id, label: a.title + "（" + a.points + "）" }); });
    cols.push({ key: "total", label: "总分（" + STD.total + "）" }, { key: "level", label: "等级" },
      { key: "veto", label: "否决项" }, { key: "date", label: "自查日期" });

    function value(r, key) {
      if (key === "branch") return r.branch;
      if (key === "total") return r.res.total;
      if (key === "level") return r.res.veto.length ? -1 : r.res.level ? STD.levels.indexOf(r.res.level) : -0.5;
      if (key === "veto") return r.res.veto.length;
      if (key === "date") return r.date;
      return r.res.aspects.get(key.slice(2));
    }
    function cell(r, key) {
      if (key === "level") return r.res.veto.length ? "一票否决" : levelName(r.res); // the column beside names the items
      if (key === "veto") return r.res.veto.map(function (it) { return it.id; }).join("、") || "无";
      var v = value(r, key);
      return typeof v === "number" ? fmt(v) : v;
    }
    function sorted() {
      var list = [];
      rows.forEach(function (r) { list.push(r); });
      list.sort(function (x, y) {
        var a = value(x, sortKey), b = value(y, sortKey);
        var c = typeof a === "number" ? a - b : String(a).localeCompare(String(b), "zh");
        if (c === 0) c = x.branch.localeCompare(y.branch, "zh");
        return sortDesc ? -c : c;
      });
      return list;
    }
    function render() {
      var head = document.getElementById("kb-cmp-head");
      var body = document.getElementById("kb-cmp-body");
      while (head.firstChild) head.removeChild(head.firstChild);
      while (body.firstChild) body.removeChild(body.firstChild);
      cols.forEach(function (c) {
        var th = document.createElement("th");
        th.scope = "col";
        var btn = document.createElement("button");
        btn.type = "button";
        btn.className = "kb-cmp__sort";
        btn.dataset.key = c.key;
        btn.textContent = c.label + (c.key === sortKey ? (sortDesc ? " ▼" : " ▲") : "");
        th.setAttribute("aria-sort", c.key === sortKey ? (sortDesc ? "descending" : "ascending") : "none");
        th.appendChild(btn);
        head.appendChild(th);
      });
      sorted().forEach(function (r) {
        var tr = document.createElement("tr");
        if (r.res.veto.length) tr.className = "kb-cmp__veto";
        cols.forEach(function (c) {
          var td = document.createElement(c.key === "branch" ? "th" : "td");
          if (c.key === "branch") td.scope = "row";
          td.dataset.key = c.key;
          td.textContent = cell(r, c.key);
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      document.getElementById("kb-cmp-empty").hidden = rows.size > 0;
    }
    function csvCell(v) {
      var s = String(v);
      if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // a spreadsheet must not run a branch name as a formula
      return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }
    document.getElementById("kb-cmp-head").addEventListener("click", function (ev) {
      var btn = ev.target.closest("button[data-key]");
      if (!btn) return;
      if (sortKey === btn.dataset.key) sortDesc = !sortDesc;
      else { sortKey = btn.dataset.key; sortDesc = sortKey !== "branch" && sortKey !== "date"; }
      render();
    });
    document.getElementById("kb-cmp-files").addEventListener("change", function (ev) {
      var ok = [], bad = [];
      var files = ev.target.files, left = files.length;
      readFiles(files, function (name, r) {
        if (r.error) bad.push(name + "：" + r.error);
        else {
          rows.set(r.branch.branch, { branch: r.branch.branch, date: r.branch.date, checker: r.branch.checker, res: compute(r.branch.items) });
          ok.push(r.branch.branch);
        }
        if (--left === 0) {
          render();
          say((ok.length ? "已导入 " + ok.length + " 个支部。" : "") + bad.join(" "), bad.length > 0);
        }
      });
      ev.target.value = "";
    });
    document.getElementById("kb-cmp-local").addEventListener("click", function () {
      var stored = storedBranches();
      stored.list.forEach(function (b) {
        rows.set(b.branch, { branch: b.branch, date: b.date, checker: b.checker, res: compute(b.items) });
      });
      render();
      say(stored.bad ? "本机保存的自查数据格式不对，已忽略。" : "已载入本机的 " + stored.list.length + " 个支部。", stored.bad);
    });
    document.getElementById("kb-cmp-csv").addEventListener("click", function () {
      if (!rows.size) { say("还没有导入文件。", true); return; }
      var lines = [cols.map(function (c) { return csvCell(c.label); }).join(",")];
      sorted().forEach(function (r) { lines.push(cols.map(function (c) { return csvCell(cell(r, c.key)); }).join(",")); });
      download("支部对比-" + STD.id + ".csv", "text/csv;charset=utf-8", "\ufeff" + lines.join("\r\n") + "\r\n");
    });
    document.getElementById("kb-cmp-print").addEventListener("click", function () { window.print(); });
    document.getElementById("kb-cmp-clear").addEventListener("click", function () { rows.clear(); render(); say("已清空。"); });
    render();
  }
})();
