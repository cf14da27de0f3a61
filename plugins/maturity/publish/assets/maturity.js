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
  // --- 证书查询 (verify/): find certificates and announcements in certificates.json --------------

  // Dash-like characters a visitor may type or paste (NFKC has already folded － and ﹣ into "-").
  var DASHES = /[\u002D\u2010-\u2015\u2043\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/g;
  // White space (U+3000 included), control and format characters (zero-width space and joiners, BOM,
  // bidi marks, soft hyphen): invisible in a pasted number or name, so they never decide a match.
  var INVISIBLE = /[\s\p{Cc}\p{Cf}]/gu;
  var MAX_SHOWN = 20;
  var MIN_NAME = 2;  // characters: a single one would match almost every organisation name
  // Current certificates, then announcements, then history: a credit code finds the certificate in force first.
  var GROUP_OF = {valid: 0, surveillance_overdue: 0, suspended: 0, announced: 1, pending: 1, expired: 2, revoked: 2};
  var GROUP_TITLES = ["现行证书", "公示中的评估结果（尚未发证）", "历史证书（已到期或已撤销）", "其他"];

  function normalise(value) {
    return String(value == null ? "" : value).normalize("NFKC").replace(INVISIBLE, "").replace(DASHES, "-").toUpperCase();
  }
  // Certificate numbers and credit codes are compared without dashes: ZXGJ20260012 is ZXGJ-2026-0012.
  function compact(value) { return normalise(value).replace(/-/g, ""); }

  function entry(record, kind) {
    var org = record.organisation || {};
    return {kind: kind, record: record, number: kind === "certificate" ? compact(record.number) : null,
            code: compact(org.credit_code), name: normalise(org.name)};
  }
  function indexed(data) {
    return (data.certificates || []).map(function (c) { return entry(c, "certificate"); })
      .concat((data.announcements || []).map(function (a) { return entry(a, "announcement"); }));
  }
  // Numbers and codes must match whole (a verifier must not be told a partial number exists); names by part.
  function matches(row, query) {
    var key = query.replace(/-/g, "");
    if (!key) return false;
    if (row.number === key || row.code === key) return true;
    return Array.from(query).length >= MIN_NAME && row.name.indexOf(query) !== -1;
  }
  // A code looked up in a map of our own ("constructor" is a key of every object, not of the map).
  function own(map, key) { return map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined; }
  function group(row) {
    var g = own(GROUP_OF, row.record.status);
    return g === undefined ? GROUP_TITLES.length - 1 : g;
  }
  function day(row) { return (row.kind === "certificate" ? row.record.issued : row.record.start) || ""; }
  function byGroupNewestFirst(a, b) {
    var x = day(a), y = day(b);
    return group(a) - group(b) || (x < y ? 1 : x > y ? -1 : 0) || (a.number || "").localeCompare(b.number || "");
  }
  // Every row of ``rows`` (or of a certificates.json object) the query finds, in the order shown.
  function find(rows, query) {
    if (!Array.isArray(rows)) rows = indexed(rows);
    var q = normalise(query);
    return rows.filter(function (row) { return matches(row, q); }).sort(byGroupNewestFirst);
  }

  function el(tag, cls) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    return node;
  }
  function text(tag, content, cls) {
    var node = el(tag, cls);
    node.textContent = content;  // never innerHTML: the data is shown as text
    return node;
  }
  function addRow(table, label, value, cls) {
    var tr = el("tr");
    tr.appendChild(text("th", label));
    tr.appendChild(text("td", value == null || value === "" ? "—" : String(value), cls));
    table.appendChild(tr);
  }
  // The latest event of a kind (events are in the order recorded; the later of two on one day wins).
  function latestEvent(events, kind) {
    var found = null;
    (events || []).forEach(function (e) { if (e.kind === kind && (!found || e.date >= found.date)) found = e; });
    return found;
  }
  function safeHref(url) {
    try { return /^https?:$/.test(new URL(url, location.href).protocol) ? url : null; } catch (e) { return null; }
  }

  function Labels(node) {
    var data = node ? JSON.parse(node.textContent) : {};
    this.status = function (code) { return own(data.status, code) || String(code); };
    // Level names per model id (a certificate names its model); without one, the site's default model.
    this.level = function (n, model) {
      var names = own(data.levels, model || "") || own(data.levels, data.model || "");
      var name = own(names, String(n)) || String(n);
      return typeof n === "number" && n > 0 && n <= 5 ? new Array(n + 1).join("★") + " " + name : name;
    };
    // The page's words (the catalogue's verify_js, in the page's language), else the Chinese given here.
    this.word = function (key, fallback, args) {
      var s = own(data.words, key);
      if (typeof s !== "string") s = fallback;
      return s.replace(/\{(\w+)\}/g, function (m, name) {
        var v = args ? own(args, name) : undefined;
        return v === undefined ? m : String(v);
      });
    };
  }

  function statusRows(table, c, labels) {
    var label = own({suspended: "暂停", revoked: "撤销"}, c.status);
    if (label) {
      var e = latestEvent(c.events, c.status);
      if (e) {
        addRow(table, labels.word(c.status + "_date", label + "日期"), e.date, "mt-status-" + c.status);
        addRow(table, labels.word(c.status + "_reason", label + "原因"), e.reason || labels.word("no_reason", "（未说明）"));
      }
    } else if (c.status === "surveillance_overdue" && c.surveillance_due) {
      addRow(table, labels.word("surveillance", "年度监督"),
             labels.word("surveillance_overdue", "已逾期：应于 {date} 前完成", {date: c.surveillance_due}), "mt-status-" + c.status);
    }
  }
  function certificateHit(c, labels) {
    var box = el("div", "mt-verify-hit mt-verify-certificate mt-verify-status-" + c.status);
    var org = c.organisation || {};
    box.appendChild(text("h4", org.name, "mt-verify-title"));
    var table = el("table", "mt-kv");
    addRow(table, labels.word("status", "状态"), labels.status(c.status), "mt-status mt-status-" + c.status);
    statusRows(table, c, labels);
    addRow(table, labels.word("credit_code", "统一社会信用代码"), org.credit_code);
    addRow(table, labels.word("level", "等级"), labels.level(c.level, c.model));
    addRow(table, labels.word("number", "证书编号"), c.number);
    addRow(table, labels.word("issued", "发证日期"), c.issued);
    addRow(table, labels.word("valid_until", "有效期至"), c.valid_until);
    if (c.source) addRow(table, labels.word("digest", "数据摘要"), c.digest);
    box.appendChild(table);
    var href = safeHref(c.url);
    if (href) {
      var link = text("a", labels.word("open_certificate", "打开证书页 {number}", {number: c.number}));
      link.href = href;
      box.appendChild(el("p")).appendChild(link);
    }
    sourceLine(box, c);
    return box;
  }
  // A federation listing (maturity aggregate) marks each record with the authority that published it.
  function sourceLine(box, record) {
    var source = record.source;
    if (!source || typeof source !== "object") return;
    var line = el("p", "mt-verify-source");
    line.appendChild(document.createTextNode("发证机构："));
    var href = safeHref(source.site);
    var name = text(href ? "a" : "span", source.name);
    if (href) { name.href = href; name.rel = "external noopener"; }
    line.appendChild(name);
    line.appendChild(document.createTextNode("（来源 " + source.id + "）"));
    box.appendChild(line);
  }
  function announcementHit(a, labels) {
    var box = el("div", "mt-verify-hit mt-verify-announcement mt-verify-status-" + a.status);
    var org = a.organisation || {};
    box.appendChild(text("h4", org.name, "mt-verify-title"));
    var table = el("table", "mt-kv");
    addRow(table, labels.word("status", "状态"), labels.status(a.status) + labels.word("not_certificate", "（尚未发证，公示不是证书）"),
           "mt-status mt-status-" + a.status);
    addRow(table, labels.word("credit_code", "统一社会信用代码"), org.credit_code);
    if (a.level) addRow(table, labels.word("proposed_level", "拟认定等级"), labels.level(a.level));
    addRow(table, labels.word("period", "公示期"), labels.word("period_value", "{start} 至 {end}", {start: a.start, end: a.last_day}));
    addRow(table, labels.word("objection", "提出异议"), a.how_to_object);
    box.appendChild(table);
    sourceLine(box, a);
    return box;
  }

  function showHits(out, hits, data, labels) {
    var shown = hits.slice(0, MAX_SHOWN);
    out.appendChild(text("h2", labels.word("count", "查询结果：找到 {n} 条（数据截至 {date}）", {n: hits.length, date: data.generated}),
                         "mt-verify-count"));
    var current = -1;
    shown.forEach(function (row) {
      if (group(row) !== current) {
        current = group(row);
        out.appendChild(text("h3", labels.word("group_" + current, GROUP_TITLES[current])));
      }
      out.appendChild(row.kind === "certificate" ? certificateHit(row.record, labels) : announcementHit(row.record, labels));
    });
    if (hits.length > shown.length) {
      out.appendChild(text("p", labels.word("more", "只显示前 {shown} 条，另有 {rest} 条未显示。请输入更完整的机构名称，或输入证书编号、统一社会信用代码。",
                                            {shown: shown.length, rest: hits.length - shown.length}), "mt-verify-more"));
    }
  }
  // Nothing found: the page's own text (the authority's name and contact, rendered from the settings).
  function showNone(out, query, template, data, labels) {
    out.appendChild(text("h2", labels.word("count", "查询结果：找到 {n} 条（数据截至 {date}）", {n: 0, date: data.generated}), "mt-verify-count"));
    if (Array.from(normalise(query)).length < MIN_NAME) {
      out.appendChild(text("p", labels.word("min_name", "按机构名称查询时请至少输入 {n} 个字。", {n: MIN_NAME})));
    }
    if (!template) {
      out.appendChild(text("p", labels.word("none", "未找到与“{query}”相符的证书或公示。", {query: query}), "mt-fail"));
      return;
    }
    var none = template.cloneNode(true);
    none.hidden = false;
    Array.prototype.forEach.call(none.querySelectorAll("[data-mt-query]"), function (n) { n.textContent = query; });
    out.appendChild(none);
  }

  // The query in the address bar (verify/?q=…), so QR codes and certificate pages can link here.
  function addressQuery() { return new URL(location.href).searchParams.get("q"); }
  function rememberQuery(query) {
    var url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(history.state, "", url.href);
  }
  // Material's search answers to ?q= too: its script, which runs before this one, has already opened the
  // search overlay with the query. On the verify page ?q= is this page's own: close the overlay (the theme
  // then drops q from the address; setupVerify puts it back).
  function closeThemeSearch() {
    var box = document.querySelector("input[data-md-component=search-query]");
    var toggle = document.querySelector("input[data-md-toggle=search]");
    if (box) { box.blur(); box.value = ""; }
    if (toggle && toggle.checked) toggle.click();
  }
  var deepQuery = null;
  if (document.querySelector("form[data-mt-verify]")) {
    deepQuery = addressQuery();
    if (deepQuery !== null) closeThemeSearch();
  }

  function setupVerify(form) {
    if (form.getAttribute("data-mt-ready")) return;
    form.setAttribute("data-mt-ready", "1");
    var out = form.parentNode.querySelector(".mt-verify-result");
    var template = form.parentNode.querySelector(".mt-verify-none");
    var input = form.querySelector("input[name=q]");
    var labels = new Labels(document.getElementById("mt-verify-labels"));
    var loading = null;
    function load() {
      loading = loading || fetch(form.getAttribute("data-source"))
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) { return {data: data, rows: indexed(data)}; });
      return loading;
    }
    function show(query) {
      out.textContent = "";
      if (!normalise(query)) return;
      // Two callbacks, not then().catch(): a fault in showing is not reported as data that could not be read.
      load().then(function (loaded) {
        out.textContent = "";
        var hits = find(loaded.rows, query);
        if (hits.length) showHits(out, hits, loaded.data, labels); else showNone(out, query, template, loaded.data, labels);
      }, function () {
        loading = null;  // let the next attempt fetch again
        out.textContent = "";
        out.appendChild(text("p", labels.word("unreadable", "无法读取证书数据，请稍后重试，或在证书公示页查看全部证书。"), "mt-fail"));
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();  // no reload: the address is updated in place
      var query = input.value.trim();
      rememberQuery(query);
      show(query);
    });
    var initial = deepQuery !== null ? deepQuery : addressQuery();
    deepQuery = null;
    if (initial) {
      input.value = initial;
      rememberQuery(initial.trim());
      show(initial.trim());
    }
  }
  // For tests and for other pages of the site that want the same matching.
  window.maturityVerify = {normalise: normalise, compact: compact, find: find};

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
