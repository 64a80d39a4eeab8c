// The overview's charts: realized by year against the targets, the burn-up with the forecast's
// band, and the savings bridge. Each draws the JSON the page embeds; the same figures are in
// the tables under the charts, so nothing here computes a figure the page does not show.
(function () {
  "use strict";
  const fmt = window.synergiesFormat;
  const css = getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue(name).trim();
  const ink = colour("--ink"), muted = colour("--muted"), line = colour("--line");
  const brand = colour("--brand"), accent = colour("--accent");
  const good = colour("--good"), bad = colour("--bad");
  const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
  const font = getComputedStyle(document.body).fontFamily;
  const num = (v) => (v === null || v === undefined || v === "" ? null : Number(v));

  function valueAxis(currency, extra) {
    return Object.assign({
      type: "value",
      name: currency,
      nameTextStyle: { color: muted },
      axisLabel: { color: muted, formatter: (v) => compact.format(v) },
      splitLine: { lineStyle: { color: line } },
    }, extra || {});
  }

  function categoryAxis(labels, extra) {
    return Object.assign({
      type: "category",
      data: labels,
      axisLabel: { color: ink, hideOverlap: true },
      axisLine: { lineStyle: { color: muted } },
    }, extra || {});
  }

  function tooltip(currency) {
    return {
      trigger: "axis",
      valueFormatter: (v) => (v === null || v === undefined ? "–" : fmt.millions(v) + " " + currency),
    };
  }

  const base = {
    animation: false,
    textStyle: { fontFamily: font, color: ink },
    legend: { top: 0, textStyle: { color: ink } },
  };

  // Bars of each year's realized synergies; the chosen year in the brand colour, the others
  // lighter; each alliance target a short thick tick at its amount.
  window.synergiesCharts.overviewByYear = function (data) {
    const years = data.years;
    return Object.assign({}, base, {
      grid: { left: 56, right: 16, top: 40, bottom: 32 },
      tooltip: tooltip(data.currency),
      xAxis: categoryAxis(years.map((y) => y.label)),
      yAxis: valueAxis(data.currency),
      series: [
        {
          name: "Realized", type: "bar", barMaxWidth: 40,
          itemStyle: { color: "#7fa3c6" },
          data: years.map((y) => ({
            value: num(y.realized.amount),
            itemStyle: y.year === data.focus ? { color: brand } : undefined,
          })),
        },
        {
          name: "Target", type: "scatter", symbol: "rect", symbolSize: [34, 5], z: 5,
          itemStyle: { color: accent },
          data: years.map((y) => (y.target ? num(y.target.amount) : null)),
        },
      ],
    });
  };

  // Annual synergies (EUR, calendar years) rising to the target: realized to the as-of year,
  // then the forecast's P50 inside its P10-P90 band; later realized years dashed, for
  // comparison. The band is a stack: an invisible P10 line, then P90 - P10 filled.
  window.synergiesCharts.overviewBurnUp = function (data) {
    const rows = data.rows, asOf = data.as_of;
    const start = rows.find((r) => r.year === asOf);
    const anchor = start ? num(start.realized) : null;
    const isAnchor = (r) => asOf !== null && r.year === asOf;
    const realized = rows.map((r) => (asOf === null || r.year <= asOf ? num(r.realized) : null));
    const since = rows.map((r) => (asOf !== null && r.year >= asOf ? num(r.realized) : null));
    const p10 = rows.map((r) => (isAnchor(r) ? anchor : num(r.p10)));
    const p50 = rows.map((r) => (isAnchor(r) ? anchor : num(r.p50)));
    const width = rows.map((r) => (isAnchor(r) ? 0 : (r.p90 === null ? null : num(r.p90) - num(r.p10))));
    const targets = rows.map((r) => num(r.target));
    const chosen = rows.find((r) => r.year === data.target_year);
    const series = [
      { name: "Realized", type: "line", data: realized, symbolSize: 6,
        lineStyle: { color: brand, width: 3 }, itemStyle: { color: brand } },
    ];
    if (asOf !== null) {
      series.push(
        { name: "P10", type: "line", stack: "band", data: p10, symbol: "none",
          lineStyle: { opacity: 0 }, tooltip: { show: true } },
        { name: "P10–P90", type: "line", stack: "band", data: width, symbol: "none",
          lineStyle: { opacity: 0 }, itemStyle: { color: "#c5d3e2" },
          areaStyle: { color: brand, opacity: 0.18 } },
        { name: "P50 forecast", type: "line", data: p50, symbolSize: 6,
          lineStyle: { color: brand, type: "dashed", width: 2 }, itemStyle: { color: brand } },
      );
      if (since.some((v, i) => v !== null && rows[i].year > asOf)) {
        series.push({ name: "Realized later", type: "line", data: since, symbol: "circle",
          symbolSize: 7, lineStyle: { color: muted, type: "dotted", width: 2 },
          itemStyle: { color: muted } });
      }
    }
    const mark = chosen && chosen.target !== null ? {
      symbol: "none", silent: true,
      lineStyle: { color: accent, type: "solid", width: 1.5 },
      label: { formatter: data.target_year + " target", color: accent, position: "insideStartTop" },
      data: [{ yAxis: num(chosen.target) }],
    } : undefined;
    series.push({ name: "Target", type: "scatter", symbol: "diamond", symbolSize: 13, z: 5,
      data: targets, itemStyle: { color: accent }, markLine: mark });
    return Object.assign({}, base, {
      grid: { left: 56, right: 16, top: 40, bottom: 32 },
      legend: Object.assign({}, base.legend, {
        data: series.map((s) => s.name).filter((n) => n !== "P10"),
      }),
      tooltip: Object.assign(tooltip("EUR"), {
        formatter: function (items) {
          const row = rows[items[0].dataIndex];
          const lines = [String(row.year)];
          const add = (label, v) => { if (v !== null && v !== undefined) lines.push(label + ": " + fmt.millions(v) + " EUR"); };
          add("Realized", num(row.realized));
          add("P10", num(row.p10)); add("P50", num(row.p50)); add("P90", num(row.p90));
          add("Target", num(row.target));
          if (row.probability !== null) lines.push("P(target): " + fmt.percent(row.probability));
          return lines.join("<br>");
        },
      }),
      xAxis: categoryAxis(rows.map((r) => String(r.year))),
      yAxis: valueAxis("EUR"),
      series: series,
    });
  };

  // A waterfall: the year before's total, each function's change floating from the level the
  // steps before it reached, then the year's total. The axis starts near the lowest level (as
  // the CLI's bridge does) so the changes show beside the totals.
  window.synergiesCharts.overviewBridge = function (data) {
    const labels = [data.start.label], hidden = [0], total = [num(data.start.realized.amount)];
    const rise = [null], fall = [null];
    let level = num(data.start.realized.amount);
    const levels = [level];
    data.steps.forEach(function (step) {
      const change = num(step.change.amount);
      labels.push(step.key);
      hidden.push(Math.min(level, level + change));
      rise.push(change > 0 ? change : null);
      fall.push(change < 0 ? -change : null);
      total.push(null);
      level += change;
      levels.push(level);
    });
    const end = num(data.end.realized.amount);
    labels.push(data.end.label); hidden.push(0); total.push(end); rise.push(null); fall.push(null);
    levels.push(end);
    const low = Math.min.apply(null, levels), high = Math.max.apply(null, levels);
    const floor = Math.max(0, low - (high - low));
    const step = Math.pow(10, Math.floor(Math.log10(Math.max(high - low, 1))));
    const label = (sign) => ({
      show: true, position: "top", color: ink,
      formatter: (p) => (p.value === null ? "" : sign + fmt.millions(p.value)),
    });
    const bar = { type: "bar", stack: "bridge", barMaxWidth: 56 };
    return Object.assign({}, base, {
      grid: { left: 56, right: 16, top: 40, bottom: 56 },
      legend: Object.assign({}, base.legend, { data: ["Total", "Rise", "Fall"] }),
      tooltip: { trigger: "axis", formatter: function (items) {
        const i = items[0].dataIndex;
        const v = total[i] !== null ? fmt.millions(total[i]) : rise[i] !== null ? "+" + fmt.millions(rise[i]) : "-" + fmt.millions(fall[i]);
        return labels[i] + ": " + v + " " + data.currency;
      } },
      // Function keys are hyphenated (manufacturing-scm): break them after the hyphen.
      xAxis: categoryAxis(labels, { axisLabel: { color: ink, interval: 0,
        formatter: (key) => key.replace(/-/g, "-\n") } }),
      yAxis: valueAxis(data.currency, { min: Math.floor(floor / (2 * step)) * 2 * step }),
      series: [
        Object.assign({ name: "base", data: hidden, itemStyle: { color: "transparent" },
          emphasis: { disabled: true }, tooltip: { show: false }, silent: true }, bar),
        Object.assign({ name: "Total", data: total, itemStyle: { color: brand }, label: label("") }, bar),
        Object.assign({ name: "Rise", data: rise, itemStyle: { color: good }, label: label("+") }, bar),
        Object.assign({ name: "Fall", data: fall, itemStyle: { color: bad }, label: label("-") }, bar),
      ],
    });
  };
})();
