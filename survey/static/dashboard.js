/* A school's dashboard: draws each plotly figure from the JSON the page carries in `data-figure`.
 *
 * The figures come as data, not as inline script, so the Content-Security-Policy can refuse every inline
 * script; plotly.js itself is served by the app and loaded before this file.
 */
(function () {
  "use strict";
  // no mode bar: its buttons would be focusable inside a chart hidden from assistive technology, whose
  // numbers the table beside it gives
  var config = { displayModeBar: false, responsive: true };
  document.querySelectorAll("div.chart[data-figure]").forEach(function (chart) {
    var figure = JSON.parse(chart.getAttribute("data-figure"));
    window.Plotly.newPlot(chart, figure.data, figure.layout, config);
  });
})();
