// The forecast-quality charts: the backtest's fan chart and PIT histogram. Each draws the JSON
// the page embeds; the same figures are in the page's tables.
(function () {
  "use strict";
  const fmt = window.synergiesFormat;
  const css = getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue(name).trim();
  const ink = colour("--ink"), muted = colour("--muted"), line = colour("--line");
  const brand = colour("--brand"), accent = colour("--accent");
  const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
  const font = getComputedStyle(document.body).fontFamily;
  const num = (v) => (v === null || v === undefined || v === "" ? null : Number(v));
  const base = {
    animation: false,
    textStyle: { fontFamily: font, color: ink },
    legend: { top: 0, textStyle: { color: ink } },
  };
  window.synergiesCharts = window.synergiesCharts || {};

  // Stacked invisible P10, then the P10-P25, P25-P75 and P75-P90 widths as bands.
  window.synergiesCharts.backtestFan = function (data) {
    const ps = data.points;
    const band = (lo, hi) => ps.map((p) => num(p[hi]) - num(p[lo]));
    const invisible = { type: "line", stack: "fan", symbol: "none", lineStyle: { opacity: 0 } };
    const series = [
      Object.assign({ name: "P10", data: ps.map((p) => num(p.p10)) }, invisible),
      Object.assign({ name: "P10–P90", data: band("p10", "p25"), areaStyle: { color: brand, opacity: 0.15 } }, invisible),
      Object.assign({ name: "P25–P75", data: band("p25", "p75"), areaStyle: { color: brand, opacity: 0.35 } }, invisible),
      Object.assign({ name: "P75-P90", data: band("p75", "p90"), areaStyle: { color: brand, opacity: 0.15 } }, invisible),
      { name: "P50", type: "line", data: ps.map((p) => num(p.p50)), symbolSize: 5,
        lineStyle: { color: brand, type: "dashed", width: 2 }, itemStyle: { color: brand } },
      { name: "Realized", type: "scatter", data: ps.map((p) => num(p.realized)), symbolSize: 10,
        itemStyle: { color: accent }, z: 5 },
    ];
    return Object.assign({}, base, {
      grid: { left: 56, right: 16, top: 40, bottom: 32 },
      legend: Object.assign({}, base.legend, { data: ["P10–P90", "P25–P75", "P50", "Realized"] }),
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          const p = ps[items[0].dataIndex];
          const rows = [p.year + " (forecast at the end of " + p.as_of + ")"];
          [["P10", p.p10], ["P25", p.p25], ["P50", p.p50], ["P75", p.p75], ["P90", p.p90],
           ["Realized", p.realized]].forEach((r) => rows.push(r[0] + ": " + fmt.millions(num(r[1])) + " EUR"));
          return rows.join("<br>");
        },
      },
      xAxis: { type: "category", data: ps.map((p) => String(p.year)),
               axisLabel: { color: ink }, axisLine: { lineStyle: { color: muted } } },
      yAxis: { type: "value", name: "EUR", scale: true, nameTextStyle: { color: muted },
               axisLabel: { color: muted, formatter: (v) => compact.format(v) },
               splitLine: { lineStyle: { color: line } } },
      series: series,
    });
  };

  window.synergiesCharts.backtestPit = function (data) {
    return Object.assign({}, base, {
      grid: { left: 40, right: 16, top: 24, bottom: 32 },
      legend: { show: false },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.bins, axisLabel: { color: ink } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: muted },
               splitLine: { lineStyle: { color: line } } },
      series: [{ name: "Years", type: "bar", data: data.counts, itemStyle: { color: brand } }],
    });
  };
})();
