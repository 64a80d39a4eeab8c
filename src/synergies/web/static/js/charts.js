// Draws every chart on the page: an element with data-kind and data-source names a builder
// (registered by the page's own script in window.synergiesCharts) and the JSON it draws.
// The figures are also in the page's tables, so the page reads the same without scripts.
(function () {
  "use strict";
  const builders = window.synergiesCharts || {};
  const drawn = [];

  function draw(element) {
    const build = builders[element.dataset.kind];
    const source = document.getElementById(element.dataset.source);
    if (!build || !source || !window.echarts) return;
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(build(JSON.parse(source.textContent), element, chart));
    element.dataset.drawn = "true";
    drawn.push(chart);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart[data-kind]").forEach(draw);
    window.addEventListener("resize", function () { drawn.forEach((c) => c.resize()); });
  });
})();
