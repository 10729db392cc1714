/* Document templates: fill in the placeholders of the document on this page.
   Values stay in this browser (localStorage) and are never sent anywhere. Works from file://.
   Data is read with textContent / createElement only; stored values are validated on read. */
(function () {
  "use strict";
  var MAX_LEN = 500;
  var PATTERNS = {
    date: /^\d{4}-\d{2}-\d{2}$/,
    number: /^[-+]?\d+(?:\.\d+)?$/
  };

  function readSpec() {
    var node = document.getElementById("kb-tpl-data");
    if (!node) return null;
    var data;
    try { data = JSON.parse(node.textContent || ""); } catch (e) { return null; }
    if (!data || typeof data !== "object" || typeof data.id !== "string" || !Array.isArray(data.fields)) return null;
    var fields = new Map();
    data.fields.forEach(function (f) {
      if (!f || typeof f.key !== "string" || typeof f.label !== "string" || typeof f.kind !== "string") return;
      var options = Array.isArray(f.options) ? f.options.filter(function (o) { return typeof o === "string"; }) : [];
      fields.set(f.key, { key: f.key, label: f.label, kind: f.kind, options: options });
    });
    return { id: data.id, fields: fields };
  }

  function valid(field, value) {
    if (typeof value !== "string" || value.length > MAX_LEN) return false;
    if (value === "") return true;
    if (field.kind === "date") return PATTERNS.date.test(value) && !isNaN(Date.parse(value + "T00:00:00Z"));
    if (field.kind === "number") return PATTERNS.number.test(value);
    if (field.kind === "choice") return field.options.indexOf(value) >= 0;
    return true;
  }

  // 公文 dates are written 2026年5月8日.
  function shown(field, value) {
    if (field.kind === "date" && PATTERNS.date.test(value)) {
      var p = value.split("-");
      return parseInt(p[0], 10) + "年" + parseInt(p[1], 10) + "月" + parseInt(p[2], 10) + "日";
    }
    return value;
  }

  function storageKey(spec) { return "dangjian-kb:template:" + spec.id; }

  function load(spec) {
    var values = new Map();
    var raw = null;
    try { raw = window.localStorage.getItem(storageKey(spec)); } catch (e) { return values; }
    if (!raw) return values;
    var data;
    try { data = JSON.parse(raw); } catch (e) { return values; }
    if (!data || typeof data !== "object" || Array.isArray(data)) return values;
    spec.fields.forEach(function (field, key) {
      if (Object.prototype.hasOwnProperty.call(data, key) && valid(field, data[key]) && data[key] !== "") {
        values.set(key, data[key]);
      }
    });
    return values;
  }

  function save(spec, values) {
    var out = Object.create(null);
    values.forEach(function (v, k) { if (v !== "") out[k] = v; });
    try { window.localStorage.setItem(storageKey(spec), JSON.stringify(out)); } catch (e) { /* private mode: keep in page only */ }
  }

  function render(spec, values) {
    var spans = document.querySelectorAll(".kb-doc .kb-ph");
    Array.prototype.forEach.call(spans, function (span) {
      var field = spec.fields.get(span.getAttribute("data-key") || "");
      if (!field) return;
      var value = values.get(field.key) || "";
      span.textContent = value ? shown(field, value) : field.label;
      span.classList.toggle("kb-ph-filled", value !== "");
    });
  }

  function status(text) {
    var node = document.querySelector(".kb-tpl-status");
    if (node) node.textContent = text;
  }

  function documentText() {
    var doc = document.querySelector(".kb-doc");
    if (!doc) return "";
    var blocks = [];
    Array.prototype.forEach.call(doc.querySelectorAll(".kb-doc-title, .kb-doc-to, .kb-doc-main > *, .kb-doc-sign p"), function (el) {
      if (el.tagName === "TABLE") {
        Array.prototype.forEach.call(el.rows, function (row) {
          blocks.push(Array.prototype.map.call(row.cells, function (c) { return c.textContent.trim(); }).join("\t"));
        });
      } else {
        var text = (el.innerText || el.textContent || "").replace(/\s+$/, "");
        if (text) blocks.push(text);
      }
    });
    return blocks.join("\n");
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function init() {
    var spec = readSpec();
    var form = document.querySelector(".kb-tpl-form");
    if (!spec) return;
    var values = load(spec);
    if (form) {
      form.hidden = false;
      Array.prototype.forEach.call(form.elements, function (input) {
        if (!input.name || !spec.fields.has(input.name)) return;
        input.value = values.get(input.name) || "";
        input.addEventListener("input", function () {
          var field = spec.fields.get(input.name);
          var value = input.value.trim();
          var ok = valid(field, value);
          input.setAttribute("aria-invalid", ok ? "false" : "true");
          if (ok) { values.set(field.key, value); } else { values.delete(field.key); }
          save(spec, values);
          render(spec, values);
          status(ok ? "" : "“" + field.label + "”格式不对" + (field.kind === "number" ? "：请填数字" : ""));
        });
      });
      form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    }
    render(spec, values);
    Array.prototype.forEach.call(document.querySelectorAll("[data-kb-action]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var action = button.getAttribute("data-kb-action");
        if (action === "print") {
          window.print();
        } else if (action === "copy") {
          copy(documentText()).then(function (ok) { status(ok ? "已复制全文" : "复制失败，请手动选中文书复制"); });
        } else if (action === "clear") {
          values.clear();
          save(spec, values);
          if (form) Array.prototype.forEach.call(form.elements, function (input) { if (input.name) input.value = ""; });
          render(spec, values);
          status("已清空");
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
