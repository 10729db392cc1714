/* 换届提醒: recompute every organization's status from the reader's own date.
 * The page was built on one day and is read (often from an offline copy) on another; the term
 * dates and thresholds are embedded in the page as JSON (computed at build time by the same code
 * as the `reminders` command), so this script only compares ISO dates and moves the server-rendered
 * rows between status groups. Data is read with textContent / createElement only. */
(function () {
  "use strict";
  var ISO = /^\d{4}-\d{2}-\d{2}$/;
  var ORDER = ["overdue", "request", "remind", "normal", "none"];

  function readData() {
    var el = document.getElementById("kb-terms-data");
    if (!el) return null;
    var data;
    try { data = JSON.parse(el.textContent); } catch (e) { return null; }
    if (!data || typeof data !== "object" || !Array.isArray(data.orgs) || !Array.isArray(data.statuses)) return null;
    var orgs = data.orgs.filter(function (o) {
      return o && typeof o === "object" && typeof o.id === "string" && typeof o.parent === "string" &&
        typeof o.level === "string" && Array.isArray(o.ancestors) &&
        ["end", "remind", "request"].every(function (k) { return o[k] === "" || (typeof o[k] === "string" && ISO.test(o[k])); });
    });
    var labels = new Map();
    data.statuses.forEach(function (s) {
      if (s && typeof s.key === "string" && typeof s.label === "string") labels.set(s.key, s.label);
    });
    return { orgs: orgs, labels: labels };
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The reader's local calendar day (not UTC: at 07:00 in Beijing it is already "today").
  function todayIso() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function dayNumber(iso) {
    var p = iso.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 86400000;
  }

  function daysText(n) { return n < 0 ? "已过 " + -n + " 天" : String(n); }

  function statusOf(o, today) {
    if (!o.end) return "none";
    if (today > o.end) return "overdue"; // the last day of the term still belongs to it
    if (today >= o.request) return "request";
    if (today >= o.remind) return "remind";
    return "normal";
  }

  function init() {
    var data = readData();
    var groupsBox = document.getElementById("kb-terms-groups");
    if (!data || !groupsBox) return;
    var today = todayIso();
    var rows = new Map();
    groupsBox.querySelectorAll("tr[data-org]").forEach(function (tr) { rows.set(tr.dataset.org, tr); });
    var thead = groupsBox.querySelector("thead");
    var headings = new Map();
    groupsBox.querySelectorAll("[data-parent-heading]").forEach(function (h) {
      headings.set(h.dataset.parentHeading, h.textContent);
    });
    var sections = new Map();
    groupsBox.querySelectorAll("section[data-status]").forEach(function (s) { sections.set(s.dataset.status, s); });

    var state = data.orgs.map(function (o) {
      var status = statusOf(o, today);
      var tr = rows.get(o.id);
      if (tr) {
        var days = tr.querySelector('[data-cell="days"]');
        if (days) days.textContent = o.end ? daysText(dayNumber(o.end) - dayNumber(today)) : "";
        var cell = tr.querySelector('[data-cell="status"]');
        if (cell) {
          var span = document.createElement("span");
          span.className = "kb-st kb-st-" + status;
          span.textContent = data.labels.get(status) || status;
          cell.replaceChildren(span);
        }
      }
      return { org: o, status: status, tr: tr };
    }).filter(function (s) { return s.tr; });

    // Rebuild each status group: a heading and a table per parent organization.
    ORDER.forEach(function (key) {
      var section = sections.get(key);
      if (!section) return;
      var body = section.querySelector(".kb-terms-body");
      var mine = state.filter(function (s) { return s.status === key; });
      var byParent = new Map();
      mine.forEach(function (s) {
        if (!byParent.has(s.org.parent)) byParent.set(s.org.parent, []);
        byParent.get(s.org.parent).push(s);
      });
      var parts = [];
      byParent.forEach(function (list, parent) {
        var h = document.createElement("h3");
        h.dataset.parentHeading = parent;
        h.textContent = headings.get(parent) || (parent ? parent : "（最上层）");
        var table = document.createElement("table");
        table.className = "kb-table kb-terms-table";
        if (thead) table.appendChild(thead.cloneNode(true));
        var tbody = document.createElement("tbody");
        list.forEach(function (s) { tbody.appendChild(s.tr); });
        table.appendChild(tbody);
        parts.push(h, table);
      });
      var empty = document.createElement("p");
      empty.className = "kb-muted";
      empty.dataset.empty = "";
      empty.textContent = "无。";
      parts.push(empty);
      body.replaceChildren.apply(body, parts);
    });

    var dateEl = document.getElementById("kb-terms-date");
    var asof = document.getElementById("kb-terms-asof");
    if (asof && dateEl) {
      var built = dateEl.getAttribute("datetime") || "";
      var t = document.createElement("time");
      t.id = "kb-terms-date";
      t.setAttribute("datetime", today);
      t.textContent = today;
      asof.replaceChildren("以下状态按 ", t, " 计算（你的设备日期；网站生成于 " + built + "）。");
    }

    var parentSel = document.getElementById("kb-terms-parent");
    var levelSel = document.getElementById("kb-terms-level");
    var shown = document.getElementById("kb-terms-shown");
    function applyFilter() {
      var p = parentSel ? parentSel.value : "";
      var lv = levelSel ? levelSel.value : "";
      var counts = new Map(ORDER.map(function (k) { return [k, 0]; }));
      var visible = 0;
      state.forEach(function (s) {
        var ok = (!p || s.org.id === p || s.org.ancestors.indexOf(p) >= 0) && (!lv || s.org.level === lv);
        s.tr.hidden = !ok;
        if (ok) { visible += 1; counts.set(s.status, counts.get(s.status) + 1); }
      });
      sections.forEach(function (section, key) {
        var c = section.querySelector("[data-group-count]");
        if (c) c.textContent = String(counts.get(key) || 0);
        section.querySelectorAll("table.kb-terms-table").forEach(function (table) {
          var any = Array.prototype.some.call(table.querySelectorAll("tr[data-org]"), function (tr) { return !tr.hidden; });
          table.hidden = !any;
          var h = table.previousElementSibling;
          if (h && h.tagName === "H3") h.hidden = !any;
        });
        var e = section.querySelector("[data-empty]");
        if (e) e.hidden = (counts.get(key) || 0) > 0;
      });
      document.querySelectorAll("#kb-terms-counts [data-count]").forEach(function (li) {
        var b = document.createElement("b");
        b.textContent = String(counts.get(li.dataset.count) || 0);
        li.replaceChildren((data.labels.get(li.dataset.count) || "") + " ", b);
      });
      if (shown) shown.textContent = "显示 " + visible + " / " + state.length + " 个党组织";
    }
    if (parentSel) parentSel.addEventListener("change", applyFilter);
    if (levelSel) levelSel.addEventListener("change", applyFilter);
    var filters = document.getElementById("kb-terms-filters");
    if (filters) filters.hidden = false;
    applyFilter();
    document.documentElement.dataset.kbTerms = "ready";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
