// Charts of the measurement pages: a run's public savings and cost avoidance by month.
(function () {
  "use strict";
  const charts = window.synergiesCharts = window.synergiesCharts || {};

  function amount(value, currency) {
    return Number(value).toLocaleString("en-US", { maximumFractionDigits: 0 }) + " " + currency;
  }

  charts["monthly-savings"] = function (data) {
    const money = (v) => amount(v, data.currency);
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, data: ["Hard savings, net", "Cost avoidance"] },
      tooltip: { trigger: "axis", valueFormatter: money },
      xAxis: { type: "category", data: data.months, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", axisLabel: { formatter: (v) => Number(v).toLocaleString("en-US") } },
      series: [
        { name: "Hard savings, net", type: "bar", stack: "saved", data: data.hard.map(Number), itemStyle: { color: "#1f4e79" } },
        { name: "Cost avoidance", type: "bar", stack: "saved", data: data.avoidance.map(Number), itemStyle: { color: "#b35900" } },
      ],
    };
  };
})();
