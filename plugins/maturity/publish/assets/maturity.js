/* maturity: sort and filter tables in the browser. Shipped with the site; no third-party code. */
(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    return v !== null ? v : cell.textContent.trim();
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === String(a).trim() && String(y) === String(b).trim()) return x - y;
    return String(a).localeCompare(String(b), "zh-CN");
  }
  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.setAttribute("tabindex", "0");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) { var c = compare(cellValue(r1, index), cellValue(r2, index)); return asc ? c : -c; });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }
  function applyFilters(tableId) {
    var table = document.getElementById(tableId);
    if (!table) return;
    var text = document.querySelector('[data-mt-filter="' + tableId + '"]');
    var query = text ? text.value.trim().toLowerCase() : "";
    var selects = document.querySelectorAll('[data-mt-filter-col="' + tableId + '"]');
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      // what a row is found by: its text, and what it carries for the filter only (credit code, region)
      var haystack = (row.textContent + " " + (row.getAttribute("data-mt-search") || "")).toLowerCase();
      var ok = !query || haystack.indexOf(query) !== -1;
      Array.prototype.forEach.call(selects, function (s) {
        if (s.value && cellValue(row, parseInt(s.getAttribute("data-col"), 10)) !== s.value) ok = false;
      });
      row.hidden = !ok;
    });
  }
  function text(tag, content, cls) {
    var el = document.createElement(tag);
    el.textContent = content;  // never innerHTML: the data is shown as text
    if (cls) el.className = cls;
    return el;
  }
  function setupVerify(form) {
    if (form.getAttribute("data-mt-ready")) return;
    form.setAttribute("data-mt-ready", "1");
    var out = form.parentNode.querySelector(".mt-verify-result");
    var input = form.querySelector("input[name=q]");
    var data = null;
    var labelsNode = document.getElementById("mt-verify-labels");
    var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {status: {}, levels: {}};
    function status(code) { return labels.status[code] || code; }
    function level(n) { return labels.levels[String(n)] || String(n); }
    function show() {
      var q = input.value.trim().toUpperCase();
      out.innerHTML = "";
      if (!q) return;
      var hits = data.certificates.filter(function (c) {
        return c.number.toUpperCase() === q || c.organisation.credit_code.toUpperCase() === q;
      });
      var ann = data.announcements.filter(function (c) { return c.organisation.credit_code.toUpperCase() === q; });
      if (!hits.length && !ann.length) {
        out.appendChild(text("p", "未找到编号或统一社会信用代码为“" + input.value.trim() + "”的证书。", "mt-fail"));
        return;
      }
      hits.forEach(function (c) {
        var box = document.createElement("div");
        box.className = "mt-verify-hit";
        box.appendChild(text("p", c.organisation.name + " · " + level(c.level) + " · 证书 " + c.number));
        box.appendChild(text("p", "状态：" + status(c.status) + "（有效期 " + c.issued + " 至 " + c.valid_until + "）", "mt-status mt-status-" + c.status));
        var link = document.createElement("a");
        link.href = c.url;
        link.textContent = "打开证书页";
        box.appendChild(link);
        out.appendChild(box);
      });
      ann.forEach(function (c) {
        out.appendChild(text("p", c.organisation.name + "：" + status(c.status) + "（" + c.start + " 至 " + c.last_day + "）"));
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (data) { show(); return; }
      fetch(form.getAttribute("data-source")).then(function (r) { return r.json(); })
        .then(function (d) { data = d; show(); })
        .catch(function () { out.textContent = "无法读取证书数据。"; });
    });
  }
  // A table or code block wider than the screen scrolls sideways: keyboard users must be able to reach it (WCAG 2.1.1).
  function focusScrollers() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap, .md-typeset pre > code"), function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-mt-scroller", "1");
      } else if (el.hasAttribute("data-mt-scroller")) {  // only a tab stop this script added is taken back
        el.removeAttribute("tabindex");
        el.removeAttribute("data-mt-scroller");
      }
    });
  }
  window.addEventListener("resize", focusScrollers);
  function init() {
    focusScrollers();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-mt-verify]"), setupVerify);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-mt-sortable]"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("[data-mt-filter], [data-mt-filter-col]"), function (el) {
      var id = el.getAttribute("data-mt-filter") || el.getAttribute("data-mt-filter-col");
      el.addEventListener("input", function () { applyFilters(id); });
      el.addEventListener("change", function () { applyFilters(id); });
    });
  }
  // Paper shows every capability domain, also one a reader folded on screen.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.mt-domain"), function (d) { d.open = true; });
  });
  // Material's instant navigation replaces the page without a load event.
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(init); }
  else if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
