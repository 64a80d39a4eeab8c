// Drawings shared by the structure pages: the org chart and the ownership graph as SVG laid
// out by dagre (window.dagre), and a Gantt series for the timelines (drawn by charts.js).
// Every figure is also in the page's tables, so the pages read the same without scripts.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const PAD_X = 10;
  const PAD_Y = 7;
  const LINE = 16;

  function make(name, attributes, parent) {
    const node = document.createElementNS(SVG, name);
    Object.entries(attributes || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (parent) parent.appendChild(node);
    return node;
  }

  // Words into lines of at most `width` characters (a long word keeps its own line).
  function wrap(text, width) {
    const lines = [];
    let current = "";
    String(text).split(/\s+/).forEach((word) => {
      if (current && (current + " " + word).length > width) {
        lines.push(current);
        current = word;
      } else {
        current = current ? current + " " + word : word;
      }
    });
    if (current) lines.push(current);
    return lines;
  }

  // A box of text lines ({text, cls}) drawn at the origin; returns the group and its size.
  function box(parent, lines, cls) {
    const group = make("g", { class: cls }, parent);
    const frame = make("rect", { rx: 6, ry: 6 }, group);
    let width = 0;
    lines.forEach((line, n) => {
      const text = make("text", { x: PAD_X, y: PAD_Y + LINE * n + 12, class: line.cls || "" }, group);
      text.textContent = line.text;
      width = Math.max(width, text.getComputedTextLength());
    });
    const size = { width: Math.ceil(width) + 2 * PAD_X, height: LINE * lines.length + 2 * PAD_Y };
    frame.setAttribute("width", size.width);
    frame.setAttribute("height", size.height);
    return { group, size };
  }

  // A smooth path through dagre's edge points (quadratic curves through the midpoints).
  function path(points) {
    let d = "M" + points[0].x + "," + points[0].y;
    for (let i = 1; i < points.length - 1; i += 1) {
      const mx = (points[i].x + points[i + 1].x) / 2;
      const my = (points[i].y + points[i + 1].y) / 2;
      d += " Q" + points[i].x + "," + points[i].y + " " + mx + "," + my;
    }
    const last = points[points.length - 1];
    return d + " L" + last.x + "," + last.y;
  }

  function layout(spec, sizes, labels, rankdir) {
    const g = new window.dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir, nodesep: 28, ranksep: spec.ranksep || 56, edgesep: 16, marginx: 8, marginy: 8 });
    g.setDefaultEdgeLabel(() => ({}));
    spec.nodes.forEach((n) => g.setNode(n.id, { width: sizes[n.id].width, height: sizes[n.id].height }));
    spec.edges.forEach((e, i) => {
      const label = labels[i] ? labels[i].size : { width: 0, height: 0 };
      g.setEdge(e.from, e.to, { width: label.width, height: label.height, labelpos: "c" }, "e" + i);
    });
    window.dagre.layout(g);
    return g;
  }

  // The direction that needs the least shrinking to fit the element's width: top-down unless
  // the graph would be too wide (a long rank), then left to right.
  function best(spec, sizes, labels, width) {
    const down = layout(spec, sizes, labels, "TB");
    if (down.graph().width <= width || spec.fixed) return down;
    const across = layout(spec, sizes, labels, "LR");
    return across.graph().width < down.graph().width ? across : down;
  }

  // spec: {nodes: [{id, lines: [{text, cls}], cls}], edges: [{from, to, label: [...], cls}],
  // arrows: bool}; draws into `element` (replacing its content).
  function drawGraph(element, spec) {
    element.textContent = "";
    const svg = make("svg", { class: "graph-svg", focusable: "false" }, element);
    if (spec.arrows) {
      const marker = make("marker", {
        id: element.id + "-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
        markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse",
      }, make("defs", {}, svg));
      make("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }, marker);
    }
    const edgeLayer = make("g", { class: "edges" }, svg);
    const labelLayer = make("g", { class: "edge-labels" }, svg);
    const nodeLayer = make("g", { class: "nodes" }, svg);
    const boxes = {};
    const sizes = {};
    spec.nodes.forEach((n) => {
      boxes[n.id] = box(nodeLayer, n.lines, "node " + (n.cls || ""));
      boxes[n.id].group.dataset.id = n.id;
      sizes[n.id] = boxes[n.id].size;
    });
    const labels = spec.edges.map((e) => (e.label && e.label.length ? box(labelLayer, e.label, "edge-label " + (e.cls || "")) : null));
    // Nodes on no line are set apart in a row below: dagre would put them in the first rank,
    // where the lines of their neighbours run through them.
    const linked = new Set();
    spec.edges.forEach((e) => { linked.add(e.from); linked.add(e.to); });
    const apart = spec.edges.length ? spec.nodes.filter((n) => !linked.has(n.id)) : [];
    const laid = Object.assign({}, spec, { nodes: spec.nodes.filter((n) => !apart.includes(n)) });
    const g = best(laid, sizes, labels, element.clientWidth || 800);
    laid.nodes.forEach((n) => {
      const at = g.node(n.id);
      boxes[n.id].group.setAttribute("transform", "translate(" + (at.x - at.width / 2) + "," + (at.y - at.height / 2) + ")");
    });
    const size = g.graph();
    let width = size.width;
    let height = size.height;
    if (apart.length) {
      const caption = make("text", { x: 8, y: height + 18, class: "apart-caption" }, nodeLayer);
      caption.textContent = spec.apartCaption || "Not on any line";
      let x = 8;
      const top = height + 28;
      let rowHeight = 0;
      apart.forEach((n) => {
        const s = sizes[n.id];
        boxes[n.id].group.setAttribute("transform", "translate(" + x + "," + top + ")");
        x += s.width + 28;
        rowHeight = Math.max(rowHeight, s.height);
      });
      width = Math.max(width, x - 20);
      height = top + rowHeight + 8;
    }
    spec.edges.forEach((e, i) => {
      const routed = g.edge({ v: e.from, w: e.to, name: "e" + i });
      const line = make("path", { d: path(routed.points), class: "edge " + (e.cls || "") }, edgeLayer);
      if (spec.arrows) line.setAttribute("marker-end", "url(#" + element.id + "-arrow)");
      if (labels[i]) {
        const s = labels[i].size;
        labels[i].group.setAttribute("transform", "translate(" + (routed.x - s.width / 2) + "," + (routed.y - s.height / 2) + ")");
      }
    });
    svg.setAttribute("viewBox", "0 0 " + Math.ceil(width) + " " + Math.ceil(height));
    svg.setAttribute("width", Math.ceil(width));
    svg.setAttribute("height", Math.ceil(height));
    element.dataset.drawn = "true";
  }

  // The org chart: managers above, joint and dotted lines drawn as such, found people marked.
  function org(data) {
    const found = new Set(data.found || []);
    const nodes = data.people.map((p) => ({
      id: p.id,
      cls: "company-" + p.company.toLowerCase() + (found.has(p.id) ? " found" : ""),
      lines: [{ text: p.name, cls: "name" }]
        .concat(wrap(p.title, 30).map((t) => ({ text: t, cls: "title" })))
        .concat([{ text: p.company + (p.illustrative ? " · illustrative" : ""), cls: "company" }]),
    }));
    const edges = data.lines.map((l) => ({
      from: l.manager, to: l.person, cls: "line-" + l.kind,
      label: l.kind === "solid" ? [] : [{ text: l.kind, cls: "kind" }],
    }));
    return { nodes, edges, arrows: false, apartCaption: "In no reporting line" };
  }

  function percent(value) {
    return Number(value).toLocaleString("en-US", { maximumFractionDigits: 2 }) + "%";
  }

  // The shareholdings: an arrow from holder to held, labelled with the stake and whether it
  // votes, and the holder's look-through interest in the held company.
  function ownership(data) {
    const through = {};
    data.interests.forEach((i) => { through[i.holder + ">" + i.held] = i; });
    const nodes = data.partners.map((p) => ({
      id: p.code,
      cls: p.member ? "member" : "outside",
      lines: [{ text: p.code, cls: "name" }]
        .concat(wrap(p.name, 24).map((t) => ({ text: t, cls: "title" })))
        .concat([{ text: p.member ? "alliance partner" : "outside party", cls: "company" }]),
    }));
    const edges = data.holdings.map((h) => {
      const i = through[h.holder + ">" + h.held];
      return {
        from: h.holder, to: h.held, cls: h.voting ? "voting" : "non-voting",
        label: [
          { text: percent(h.percent) + (h.voting ? " voting" : " non-voting"), cls: "stake" },
          { text: "look-through " + (i ? percent(i.effective) : "–"), cls: "through" },
        ],
      };
    });
    return { nodes, edges, arrows: true, ranksep: 70 };
  }

  const KINDS = { org, ownership };

  function drawAll() {
    document.querySelectorAll(".graph[data-graph]").forEach((element) => {
      const source = document.getElementById(element.dataset.source);
      const kind = KINDS[element.dataset.graph];
      if (!source || !kind || !window.dagre) return;
      drawGraph(element, kind(JSON.parse(source.textContent)));
    });
  }

  // A Gantt chart as an ECharts option: rows top to bottom, bars [row, start, end] in one
  // series per legend entry, an optional "today" line.
  function gantt(spec) {
    const DAY = 86400000;
    const series = spec.series.map((s, n) => ({
      type: "custom",
      name: s.name,
      itemStyle: { color: s.colour },
      encode: { x: [1, 2], y: 0 },
      renderItem: function (params, api) {
        const start = api.coord([api.value(1), api.value(0)]);
        const end = api.coord([api.value(2), api.value(0)]);
        const height = api.size([0, 1])[1] * 0.56;
        const shape = window.echarts.graphic.clipRectByRect(
          { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2), height },
          { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height }
        );
        return shape && { type: "rect", shape, style: api.style() };
      },
      data: spec.bars.filter((b) => b.series === s.name).map((b) => ({
        value: [b.row, Date.parse(b.start), Date.parse(b.end) + DAY], detail: b.detail,
      })),
      markLine: n === 0 && spec.today ? {
        silent: true, symbol: "none", lineStyle: { color: "#1b1f24", type: "dashed" },
        label: { formatter: "today", color: "#1b1f24" }, data: [{ xAxis: Date.parse(spec.today) }],
      } : undefined,
    }));
    return {
      animation: false,
      legend: { top: 0, data: spec.series.map((s) => s.name) },
      tooltip: { trigger: "item", formatter: (p) => p.data && p.data.detail },
      grid: { left: spec.labelWidth + 16, right: 24, top: 36, bottom: 32 },
      xAxis: { type: "time", min: Date.parse(spec.from), max: Date.parse(spec.to), axisLabel: { hideOverlap: true } },
      yAxis: {
        type: "category", inverse: true, data: spec.rows,
        axisTick: { show: false },
        axisLabel: { width: spec.labelWidth, overflow: "truncate", color: "#1b1f24", lineHeight: 15, rich: spec.rich },
      },
      series,
    };
  }

  window.synergiesStructure = { gantt, wrap };
  document.addEventListener("DOMContentLoaded", drawAll);
})();
