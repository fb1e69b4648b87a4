/* Portal pages: a table wider than the screen scrolls inside its own region, never the page (a 360 px phone).
 *
 * Each table not already in such a region is wrapped in one that is focusable (keyboard users scroll it) and
 * named after the table's caption or the heading before it. The dashboards' templates wrap their tables
 * themselves; this covers every other page. Without the script, the stylesheet lets the table scroll itself.
 */
(function () {
  "use strict";
  function nameOf(table) {
    var caption = table.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    for (var node = table; node && node !== document.body; node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) { return before.textContent.trim(); }
        var inner = before.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) { return inner[inner.length - 1].textContent.trim(); }
      }
    }
    return document.title;
  }
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.parentElement.classList.contains("table-scroll")) { return; }
    var region = document.createElement("div");
    region.className = "table-scroll";
    region.setAttribute("role", "region");
    region.setAttribute("tabindex", "0");
    region.setAttribute("aria-label", nameOf(table));
    table.parentNode.insertBefore(region, table);
    region.appendChild(table);
  });
})();
