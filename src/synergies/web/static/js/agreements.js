// The scope timeline: a row per agreement and activity, a bar per period in which the scope
// check gives the same answer (inside, outside by a clause, or outside as no clause names it).
(function () {
  "use strict";
  const ANSWERS = [
    { name: "inside", colour: "#1a7f37" },
    { name: "outside", colour: "#b42318" },
    { name: "no clause", colour: "#8c959f" },
  ];

  window.synergiesCharts.scope = function (data, element) {
    const narrow = element.clientWidth < 700;
    const used = new Set(data.bars.map((b) => b.series));
    return window.synergiesStructure.gantt({
      rows: data.rows, bars: data.bars, series: ANSWERS.filter((a) => used.has(a.name)),
      today: data.today, from: data.from, to: data.today, labelWidth: narrow ? 170 : 260,
    });
  };
})();
