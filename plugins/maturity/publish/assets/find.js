// The search page (search: pagefind): Pagefind's default UI over the site's own index.
// The bundle and the site's root are given as links relative to the page, so the site works under any base path;
// Pagefind's result URLs start at the site's root, hence baseUrl.
(function () {
  "use strict";
  var el = document.querySelector("[data-mt-find]");
  if (!el || typeof PagefindUI !== "function") return;
  var path = function (rel) { return new URL(rel, document.baseURI).pathname; };
  var words = {};
  try { words = JSON.parse(el.getAttribute("data-words") || "{}"); } catch (e) { words = {}; }
  new PagefindUI({
    element: el,
    bundlePath: path(el.getAttribute("data-bundle")),
    baseUrl: path(el.getAttribute("data-root")),
    showImages: false,
    showSubResults: false,
    translations: words
  });
  var input = el.querySelector("input");
  if (input) {
    // Pagefind names its box by a title only, which screen readers may skip (axe: label-title-only).
    if (!input.getAttribute("aria-label")) input.setAttribute("aria-label", words.search_label || input.title || "");
    input.focus();
  }
})();
