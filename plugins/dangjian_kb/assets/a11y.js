/* 基层党建知识库: a table that scrolls sideways (phones) becomes a named, focusable region so a
   keyboard user can scroll it too (WCAG 2.1.1); tables that fit stay out of the tab order. */
(function () {
  "use strict";
  var SELECTOR = ".md-typeset__scrollwrap, .md-typeset table.kb-table";

  function mark() {
    var boxes = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        if (box.tagName !== "TABLE") {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", "表格（可左右滑动）");
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    }
  }

  var timer = 0;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(mark, 150);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
  window.addEventListener("load", mark);
  window.addEventListener("resize", later);
})();
