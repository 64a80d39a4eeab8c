// The convergence timeline: one row per business function (with its alliance executive), one
// bar per stage from the day it started to the day the next one did (or today).
(function () {
  "use strict";
  const STAGES = [
    { name: "independent", colour: "#8c959f" },
    { name: "under study", colour: "#bf8700" },
    { name: "converging", colour: "#bc4c00" },
    { name: "converged", colour: "#1a7f37" },
  ];

  function dayBefore(iso) {
    const d = new Date(Date.parse(iso) - 86400000);
    return d.toISOString().slice(0, 10);
  }

  window.synergiesCharts.stages = function (data, element) {
    const executives = data.executives || {};
    const bars = [];
    const rows = data.functions.map((f, row) => {
      f.history.forEach((e, n) => {
        const next = f.history[n + 1];
        const end = next ? dayBefore(next.since) : data.today;
        bars.push({
          row, series: e.stage, start: e.since, end,
          detail: f.name + ": " + e.stage + " from " + e.since + (next ? " to " + end : "") + (e.note ? " (" + e.note + ")" : ""),
        });
      });
      const who = f.executive ? executives[f.executive] || f.executive : "no alliance executive";
      return "{name|" + f.name + "}\n{who|" + who + "}";
    });
    const narrow = element.clientWidth < 700;
    return window.synergiesStructure.gantt({
      rows, bars, series: STAGES, today: data.today, labelWidth: narrow ? 150 : 230,
      from: data.functions.reduce((m, f) => (f.history.length && f.history[0].since < m ? f.history[0].since : m), data.today),
      to: data.today,
      rich: { name: { fontWeight: 600, color: "#1b1f24" }, who: { color: "#4a5561", fontSize: 11 } },
    });
  };
})();
