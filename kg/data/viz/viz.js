// kg viz: the script of the actor-network page (inlined by kg/viz.py).
// Draws the precomputed layout as SVG, with pan/zoom, date and CAMEO-root filters, and a side
// panel listing the events of the clicked edge or actor. Builds the DOM with textContent only.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = data.nodes, edges = data.edges, events = data.events;
  var svg = document.getElementById("graph");
  var world = document.getElementById("world");
  var edgeLayer = document.getElementById("edges");
  var nodeLayer = document.getElementById("nodes");
  var fromInput = document.getElementById("date-from");
  var toInput = document.getElementById("date-to");
  var rootSelect = document.getElementById("cameo-root");
  var panelTitle = document.getElementById("panel-title");
  var panelSub = document.getElementById("panel-sub");
  var panelList = document.getElementById("panel-list");
  var view = { x: 0, y: 0, k: 1 };
  var selected = null; // {kind: "edge"|"node", index}

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var key in attrs) { e.setAttribute(key, attrs[key]); }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function html(name, className, text, parent) {
    var e = document.createElement(name);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function quadColour(q) { return data.quad_colours[String(q)] || "#999"; }
  function typeColour(t) { return data.type_colours[t] || "#7f7f7f"; }
  function radius(n) { return 6 + 3 * Math.sqrt(n.degree); }

  // ---- markers (one arrowhead per quad class) ----
  var defs = document.getElementById("markers");
  Object.keys(data.quad_colours).forEach(function (q) {
    var m = el("marker", { id: "arrow-" + q, viewBox: "0 0 10 10", refX: "9", refY: "5",
      markerWidth: "6", markerHeight: "6", orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: data.quad_colours[q] }, m);
  });

  // ---- edges ----
  function edgePath(e) {
    var a = nodes[e.s], b = nodes[e.t];
    var lo = e.s < e.t ? a : b, hi = e.s < e.t ? b : a; // the pair's canonical direction
    var dx = hi.x - lo.x, dy = hi.y - lo.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
    var mx = (a.x + b.x) / 2 - dy / len * e.bend, my = (a.y + b.y) / 2 + dx / len * e.bend;
    // control point of the quadratic curve; shorten both ends by the node radii
    var cx = 2 * mx - (a.x + b.x) / 2, cy = 2 * my - (a.y + b.y) / 2;
    function cut(p, toward, r) {
      var ux = toward.x - p.x, uy = toward.y - p.y, l = Math.sqrt(ux * ux + uy * uy) || 1;
      return { x: p.x + ux / l * r, y: p.y + uy / l * r };
    }
    var c = { x: cx, y: cy };
    var p0 = cut(a, c, radius(a) + 1), p1 = cut(b, c, radius(b) + 3);
    return "M" + p0.x.toFixed(1) + "," + p0.y.toFixed(1) + " Q" + cx.toFixed(1) + "," +
      cy.toFixed(1) + " " + p1.x.toFixed(1) + "," + p1.y.toFixed(1);
  }
  edges.forEach(function (e, i) {
    var d = edgePath(e);
    var g = el("g", { "class": "edge-group", "data-edge": i }, edgeLayer);
    e.hit = el("path", { d: d, "class": "edge-hit", "data-edge": i }, g);
    e.line = el("path", { d: d, "class": "edge", stroke: quadColour(e.quad),
      "marker-end": "url(#arrow-" + e.quad + ")" }, g);
    e.tip = el("title", {}, e.hit);
    e.group = g;
    e.hit.addEventListener("click", function (ev) { ev.stopPropagation(); select("edge", i); });
  });

  // ---- nodes ----
  nodes.forEach(function (n, i) {
    var g = el("g", { "class": "node", "data-node": i,
      transform: "translate(" + n.x + "," + n.y + ")" }, nodeLayer);
    el("circle", { r: radius(n).toFixed(1), fill: typeColour(n.type) }, g);
    var label = el("text", { x: (radius(n) + 3).toFixed(1), y: "4", "class": "node-label" }, g);
    label.textContent = n.label;
    var tip = el("title", {}, g);
    var lines = [n.label, "type: " + (n.type || "unknown")];
    if (n.country) { lines.push("country: " + n.country); }
    if (n.code) { lines.push("code: " + n.code); }
    if (n.sector) { lines.push("sector: " + n.sector); }
    tip.textContent = lines.join("\n");
    n.group = g;
    g.addEventListener("click", function (ev) { ev.stopPropagation(); select("node", i); });
  });

  // ---- filters ----
  var days = events.map(function (e) { return e.day; }).filter(Boolean).sort();
  if (days.length) {
    [fromInput, toInput].forEach(function (input) {
      input.min = days[0]; input.max = days[days.length - 1];
    });
  }
  data.roots.forEach(function (r) {
    var o = html("option", null, r.code + " " + r.name, rootSelect);
    o.value = r.code;
  });
  function passes(ev) {
    var from = fromInput.value, to = toInput.value, root = rootSelect.value;
    if ((from || to) && !ev.day) { return false; }
    if (from && ev.day < from) { return false; }
    if (to && ev.day > to) { return false; }
    if (root && ev.root !== root) { return false; }
    return true;
  }
  function visibleEvents(list) { return list.filter(function (i) { return passes(events[i]); }); }

  function applyFilters() {
    var shownEvents = {}, active = {};
    edges.forEach(function (e) {
      var vis = visibleEvents(e.events);
      e.visible = vis.length;
      e.group.classList.toggle("hidden", vis.length === 0);
      e.line.setAttribute("stroke-width", (1.2 + 1.3 * Math.sqrt(vis.length)).toFixed(2));
      var happened = vis.some(function (i) { return events[i].modality === "actual"; });
      e.line.setAttribute("stroke-dasharray", vis.length && !happened ? "6 4" : "none");
      e.tip.textContent = nodes[e.s].label + " \u2192 " + nodes[e.t].label + ": " + vis.length +
        " event" + (vis.length === 1 ? "" : "s") + " (" + data.quad_names[String(e.quad)] + ")";
      vis.forEach(function (i) { shownEvents[i] = true; });
      if (vis.length) { active[e.s] = true; active[e.t] = true; }
    });
    nodes.forEach(function (n, i) { n.group.classList.toggle("faded", !active[i]); });
    var shown = Object.keys(shownEvents).length;
    var more = data.total_actors > nodes.length ? " (the " + nodes.length + " most active of " +
      data.total_actors + "; kg viz --top 0 draws all)" : "";
    document.getElementById("counts").textContent = shown + " of " + events.length +
      " events, " + Object.keys(active).length + " of " + nodes.length + " actors" + more;
    if (selected) { showPanel(); }
  }
  [fromInput, toInput, rootSelect].forEach(function (input) {
    input.addEventListener("change", applyFilters);
    input.addEventListener("input", applyFilters);
  });
  document.getElementById("reset").addEventListener("click", function () {
    fromInput.value = ""; toInput.value = ""; rootSelect.value = ""; applyFilters();
  });

  // ---- side panel ----
  function select(kind, index) {
    if (selected) { mark(selected, false); }
    selected = { kind: kind, index: index };
    mark(selected, true);
    showPanel();
  }
  function mark(sel, on) {
    var target = sel.kind === "edge" ? edges[sel.index].line : nodes[sel.index].group;
    target.classList.toggle("selected", on);
  }
  function clearPanel() {
    if (selected) { mark(selected, false); }
    selected = null;
    panelTitle.textContent = "Events";
    panelSub.textContent = "Click an edge or an actor to list its events.";
    panelList.textContent = "";
  }
  document.getElementById("panel-close").addEventListener("click", clearPanel);

  function showPanel() {
    var list, title, sub;
    if (selected.kind === "edge") {
      var e = edges[selected.index];
      list = e.events;
      title = nodes[e.s].label + " \u2192 " + nodes[e.t].label;
      sub = data.quad_names[String(e.quad)];
    } else {
      var n = nodes[selected.index], seen = {};
      list = [];
      edges.forEach(function (e) {
        if (e.s === selected.index || e.t === selected.index) {
          e.events.forEach(function (i) { if (!seen[i]) { seen[i] = true; list.push(i); } });
        }
      });
      title = n.label;
      sub = [n.type, n.country, n.code].filter(Boolean).join(" \u00b7 ");
    }
    var vis = visibleEvents(list).sort(function (a, b) {
      return String(events[a].day || "~").localeCompare(String(events[b].day || "~"));
    });
    panelTitle.textContent = title;
    var hidden = list.length - vis.length;
    panelSub.textContent = (sub ? sub + " \u2014 " : "") + vis.length + " event" +
      (vis.length === 1 ? "" : "s") + (hidden ? " (" + hidden + " hidden by the filters)" : "");
    panelList.textContent = "";
    vis.forEach(function (i) { panelList.appendChild(eventItem(events[i])); });
  }
  function eventItem(ev) {
    var li = html("li", "event");
    var head = html("div", "ev-head", null, li);
    html("span", "ev-date", ev.date || "undated", head);
    var code = html("span", "ev-code", ev.cameo || "\u2014", head);
    code.style.background = quadColour(ev.quad);
    html("span", "ev-name", ev.name || ev.type || "", head);
    if (ev.modality) { html("span", "ev-modality", ev.modality, head); }
    var who = ev.sources.join(", ") + " \u2192 " + ev.targets.join(", ");
    if (ev.goldstein !== null && ev.goldstein !== undefined) {
      who += "  (Goldstein " + ev.goldstein + (ev.plover ? ", " + ev.plover : "") + ")";
    }
    html("div", "ev-actors", who, li);
    html("blockquote", "ev-text", ev.text || "", li);
    var art = html("div", "ev-article", "article: ", li);
    if (ev.url && /^https?:\/\//i.test(ev.url)) {
      var a = html("a", null, ev.article || ev.url, art);
      a.href = ev.url; a.target = "_blank"; a.rel = "noopener noreferrer";
    } else {
      art.appendChild(document.createTextNode(ev.article || "unknown"));
    }
    if (ev.title) { art.appendChild(document.createTextNode(" \u2014 " + ev.title)); }
    if (ev.reports > 1) {
      html("div", "ev-article", "reported by " + ev.reports + " articles", li);
    }
    return li;
  }

  // ---- legend ----
  var legend = document.getElementById("legend");
  var typeRow = html("div", "row", null, legend);
  var types = {};
  nodes.forEach(function (n) { types[n.type || "unknown"] = true; });
  Object.keys(types).sort().forEach(function (t) {
    var k = html("span", "key", null, typeRow);
    html("span", "dot", null, k).style.background = typeColour(t);
    html("span", null, t, k);
  });
  var quadRow = html("div", "row", null, legend);
  ["1", "2", "3", "4"].forEach(function (q) {
    var k = html("span", "key", null, quadRow);
    html("span", "bar", null, k).style.background = quadColour(q);
    html("span", null, data.quad_names[q], k);
  });
  var dashKey = html("span", "key", null, quadRow);
  html("span", "bar dashed", null, dashKey);
  html("span", null, "not (yet) happened", dashKey);

  // ---- search: highlight the actors whose name contains the text; Enter selects the first ----
  var search = document.getElementById("search");
  var names = document.getElementById("actor-names");
  nodes.map(function (n) { return n.label; }).sort().forEach(function (label) {
    html("option", null, null, names).value = label;
  });
  function matches(text) {
    var t = text.trim().toLowerCase();
    if (!t) { return []; }
    var exact = [], part = [];
    nodes.forEach(function (n, i) {
      var l = String(n.label).toLowerCase();
      if (l === t) { exact.push(i); } else if (l.indexOf(t) >= 0) { part.push(i); }
    });
    return exact.concat(part);
  }
  function highlight() {
    var found = matches(search.value), hit = {};
    found.forEach(function (i) { hit[i] = true; });
    nodes.forEach(function (n, i) {
      n.group.classList.toggle("match", !!hit[i]);
      n.group.classList.toggle("dim", found.length > 0 && !hit[i]);
    });
    var note = search.value.trim() && !found.length ? "no drawn actor matches \u201c" +
      search.value.trim() + "\u201d" : "";
    document.getElementById("search-note").textContent = note;
    return found;
  }
  function focusNode(i) {
    var n = nodes[i], w = svg.clientWidth || 800, h = svg.clientHeight || 600;
    view.k = Math.max(view.k, 1);
    view.x = w / 2 - n.x * view.k; view.y = h / 2 - n.y * view.k;
    applyView();
    select("node", i);
  }
  search.addEventListener("input", function () {
    var found = highlight();
    var t = search.value.trim().toLowerCase();
    if (found.length && String(nodes[found[0]].label).toLowerCase() === t) { focusNode(found[0]); }
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var found = highlight(); if (found.length) { focusNode(found[0]); } }
    if (ev.key === "Escape") { search.value = ""; highlight(); }
  });

  // ---- pan and zoom ----
  function applyView() {
    world.setAttribute("transform", "translate(" + view.x.toFixed(2) + "," + view.y.toFixed(2) +
      ") scale(" + view.k.toFixed(4) + ")");
  }
  function fit() {
    var legendBox = document.getElementById("legend");
    var w = svg.clientWidth || 800;
    var h = (svg.clientHeight || 600) - (legendBox ? legendBox.offsetHeight + 12 : 0);
    if (!nodes.length) { view = { x: 0, y: 0, k: 1 }; applyView(); return; }
    var xs = nodes.map(function (n) { return n.x; }), ys = nodes.map(function (n) { return n.y; });
    var minX = Math.min.apply(null, xs) - 40, maxX = Math.max.apply(null, xs) + 160;
    var minY = Math.min.apply(null, ys) - 40, maxY = Math.max.apply(null, ys) + 40;
    var k = Math.min(w / (maxX - minX), h / (maxY - minY), 1.5);
    view = { k: k, x: (w - (maxX - minX) * k) / 2 - minX * k,
      y: (h - (maxY - minY) * k) / 2 - minY * k };
    applyView();
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var rect = svg.getBoundingClientRect();
    var px = ev.clientX - rect.left, py = ev.clientY - rect.top;
    var factor = Math.exp(-ev.deltaY * 0.0015);
    var k = Math.max(0.05, Math.min(20, view.k * factor));
    view.x = px - (px - view.x) * k / view.k;
    view.y = py - (py - view.y) * k / view.k;
    view.k = k;
    applyView();
  }, { passive: false });
  var drag = null;
  svg.addEventListener("mousedown", function (ev) {
    if (ev.button !== 0) { return; }
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
    svg.classList.add("dragging");
  });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) { return; }
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; }
    view.x = drag.vx + dx; view.y = drag.vy + dy;
    applyView();
  });
  window.addEventListener("mouseup", function () {
    if (drag) { svg.classList.remove("dragging"); }
    window.setTimeout(function () { drag = null; }, 0);
  });
  svg.addEventListener("click", function () { if (!drag || !drag.moved) { clearPanel(); } });
  document.getElementById("fit").addEventListener("click", fit);
  window.addEventListener("resize", fit);

  fit();
  applyFilters();
}());
