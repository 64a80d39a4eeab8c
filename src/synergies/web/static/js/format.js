// Shared number formats for chart builders: the same as the page's own (web/format.py).
window.synergiesFormat = {
  millions: function (value) {
    const n = Number(value) / 1e6;
    return n.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " m";
  },
  percent: function (fraction) {
    return (Number(fraction) * 100).toLocaleString("en-US", { maximumFractionDigits: 1 }) + "%";
  },
};
window.synergiesCharts = window.synergiesCharts || {};
