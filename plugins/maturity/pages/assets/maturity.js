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
      var ok = !query || row.textContent.toLowerCase().indexOf(query) !== -1;
      Array.prototype.forEach.call(selects, function (s) {
        if (s.value && cellValue(row, parseInt(s.getAttribute("data-col"), 10)) !== s.value) ok = false;
      });
      row.hidden = !ok;
    });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-mt-sortable]"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("[data-mt-filter], [data-mt-filter-col]"), function (el) {
      var id = el.getAttribute("data-mt-filter") || el.getAttribute("data-mt-filter-col");
      el.addEventListener("input", function () { applyFilters(id); });
      el.addEventListener("change", function () { applyFilters(id); });
    });
  }
  // Material's instant navigation replaces the page without a load event.
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(init); }
  else if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
