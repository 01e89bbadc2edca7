/* innonet map: draw the embedded nodes and edges with vis-network, stop physics once the layout
 * is stable, and give the analyst an explorer around it: search, filters with counts, a
 * neighbourhood highlight with a details panel, a route between two nodes, colour by type or
 * community, keyboard navigation and PNG/SVG export of the current view. The state is published
 * on window.innonetMap for tests and benchmarks. No request ever leaves the page. */
(function () {
  "use strict";
  var started = performance.now();
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var status = document.getElementById("layout-status");
  data.edges.forEach(function (e, i) {
    if (e.id === undefined) { e.id = "e" + i; }
  });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var FADED = "rgba(190,190,190,0.25)";
  var FADED_EDGE = { color: "#d0d0d0", highlight: "#d0d0d0", hover: "#d0d0d0", opacity: 0.15 };
  var ROUTE = "#000000";
  var EXPORT_WIDTH = 3200;
  var state = {
    nodes: nodes,
    edges: edges,
    network: null,
    stable: false,
    stabilisedAfterMs: null,
    iterations: 0,
    selected: null,
    route: [],
    routeFrom: null
  };
  window.innonetMap = state;

  function $(id) { return document.getElementById(id); }
  function meta(item) { return item.meta || {}; }
  function text(tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content;
    if (className) { element.className = className; }
    return element;
  }

  /* --- what each node and edge looks like by default, kept to restore after a highlight --- */
  var base = {};
  nodes.forEach(function (n) {
    base[n.id] = { color: n.color, font: n.font || {} };
  });
  var baseEdge = {};
  edges.forEach(function (e) { baseEdge[e.id] = { color: e.color, width: e.width }; });

  var adjacency = {};
  nodes.forEach(function (n) { adjacency[n.id] = []; });
  edges.forEach(function (e) {
    if (adjacency[e.from] && adjacency[e.to]) {
      adjacency[e.from].push({ other: e.to, edge: e.id });
      adjacency[e.to].push({ other: e.from, edge: e.id });
    }
  });

  function nameOf(id) {
    var n = nodes.get(id);
    return n ? (meta(n).name || String(n.label || id)) : String(id);
  }

  /* --- filters ------------------------------------------------------------------------- */
  var FACETS = [["type", "Type"], ["kind", "Kind"], ["country", "Country"], ["region", "Region"]];
  var facetValues = {};
  var years = [Infinity, -Infinity];
  nodes.forEach(function (n) {
    var m = meta(n);
    FACETS.forEach(function (facet) {
      var value = m[facet[0]];
      if (value === undefined || value === null || value === "") { value = "(none)"; }
      facetValues[facet[0]] = facetValues[facet[0]] || {};
      facetValues[facet[0]][value] = (facetValues[facet[0]][value] || 0) + 1;
    });
    if (typeof m.year === "number") {
      years[0] = Math.min(years[0], m.year);
      years[1] = Math.max(years[1], m.year);
    }
  });
  var relationValues = {};
  edges.forEach(function (e) {
    (meta(e).types || []).forEach(function (t) { relationValues[t] = (relationValues[t] || 0) + 1; });
    if (typeof meta(e).year === "number") {
      years[0] = Math.min(years[0], meta(e).year);
      years[1] = Math.max(years[1], meta(e).year);
    }
  });
  var filterBox = $("filters");

  function facetBox(key, title, counts) {
    var values = Object.keys(counts).sort();
    if (values.length < 2) { return; }
    var fieldset = document.createElement("fieldset");
    fieldset.setAttribute("data-facet", key);
    fieldset.appendChild(text("legend", title, "facet"));
    var items = document.createElement("div");
    items.className = "facet-items";
    values.forEach(function (value) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = value;
      box.addEventListener("change", applyFilters);
      label.appendChild(box);
      label.appendChild(text("span", value));
      label.appendChild(text("span", counts[value].toLocaleString("en"), "n"));
      items.appendChild(label);
    });
    fieldset.appendChild(items);
    filterBox.appendChild(fieldset);
  }
  FACETS.forEach(function (facet) { facetBox(facet[0], facet[1], facetValues[facet[0]] || {}); });
  facetBox("relation", "Relation type", relationValues);
  if (years[0] <= years[1]) {
    var yearBox = document.createElement("fieldset");
    yearBox.className = "years";
    yearBox.appendChild(text("legend", "Years (founded, made, dated)", "facet"));
    ["year-from", "year-to"].forEach(function (id, i) {
      var input = document.createElement("input");
      input.type = "number";
      input.id = id;
      input.min = String(years[0]);
      input.max = String(years[1]);
      input.value = String(years[i]);
      input.setAttribute("aria-label", i === 0 ? "from year" : "to year");
      input.addEventListener("input", applyFilters);
      yearBox.appendChild(input);
      if (i === 0) { yearBox.appendChild(document.createTextNode(" – ")); }
    });
    yearBox.appendChild(text("p", "Nodes and relations without a year stay shown.", "small"));
    filterBox.appendChild(yearBox);
  }

  function allowed(key) {
    var fieldset = filterBox.querySelector('fieldset[data-facet="' + key + '"]');
    if (!fieldset) { return null; }
    var chosen = {};
    fieldset.querySelectorAll("input").forEach(function (box) { chosen[box.value] = box.checked; });
    return chosen;
  }

  function yearRange() {
    var from = $("year-from"), to = $("year-to");
    if (!from) { return [-Infinity, Infinity]; }
    return [Number(from.value) || -Infinity, Number(to.value) || Infinity];
  }

  function inYears(year, range) {
    return typeof year !== "number" || (year >= range[0] && year <= range[1]);
  }

  var visibleNodes = {};
  var visibleEdges = {};
  function applyFilters() {
    var chosen = {};
    FACETS.forEach(function (facet) { chosen[facet[0]] = allowed(facet[0]); });
    var relations = allowed("relation");
    var range = yearRange();
    var nodeUpdates = [], edgeUpdates = [];
    var shownNodes = 0, shownEdges = 0;
    nodes.forEach(function (n) {
      var m = meta(n);
      var show = FACETS.every(function (facet) {
        var value = m[facet[0]];
        if (value === undefined || value === null || value === "") { value = "(none)"; }
        return !chosen[facet[0]] || chosen[facet[0]][value] !== false;
      }) && inYears(m.year, range);
      visibleNodes[n.id] = show;
      if (show) { shownNodes += 1; }
      if (Boolean(n.hidden) === show) { nodeUpdates.push({ id: n.id, hidden: !show }); }
    });
    edges.forEach(function (e) {
      var m = meta(e);
      var show = visibleNodes[e.from] && visibleNodes[e.to] && inYears(m.year, range) &&
        (!relations || !m.types || m.types.some(function (t) { return relations[t] !== false; }));
      visibleEdges[e.id] = Boolean(show);
      if (show) { shownEdges += 1; }
      if (Boolean(e.hidden) === Boolean(show)) { edgeUpdates.push({ id: e.id, hidden: !show }); }
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    state.shownNodes = shownNodes;
    state.shownEdges = shownEdges;
    var counts = $("counts");
    counts.textContent = shownNodes.toLocaleString("en") + " of " +
      nodes.length.toLocaleString("en") + " nodes, " + shownEdges.toLocaleString("en") + " of " +
      edges.length.toLocaleString("en") + " relations";
    counts.setAttribute("data-nodes", String(shownNodes));
    counts.setAttribute("data-edges", String(shownEdges));
    if (state.selected && !visibleNodes[state.selected]) { clearSelection(); }
  }

  $("reset-filters").addEventListener("click", function () {
    filterBox.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = true; });
    if ($("year-from")) {
      $("year-from").value = String(years[0]);
      $("year-to").value = String(years[1]);
    }
    applyFilters();
  });

  /* --- colour by type or by community ------------------------------------------------- */
  var COMMUNITY_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
    "#f0e442", "#000000", "#999999", "#882255", "#44aa99", "#117733"];
  var colourBy = "type";
  var communityOf = null;

  function communities() {
    /* label propagation on the drawn map: each node takes its neighbours' most frequent label,
     * in a fixed order, until nothing changes (at most 30 rounds) */
    var label = {}, order = nodes.getIds().sort();
    order.forEach(function (id, i) { label[id] = i; });
    for (var round = 0; round < 30; round += 1) {
      var changed = false;
      order.forEach(function (id) {
        var votes = {}, best = label[id], bestVotes = 0;
        adjacency[id].forEach(function (a) {
          var l = label[a.other];
          votes[l] = (votes[l] || 0) + 1;
          if (votes[l] > bestVotes || (votes[l] === bestVotes && l < best)) {
            best = l;
            bestVotes = votes[l];
          }
        });
        if (bestVotes > 0 && best !== label[id]) { label[id] = best; changed = true; }
      });
      if (!changed) { break; }
    }
    var sizes = {};
    order.forEach(function (id) { sizes[label[id]] = (sizes[label[id]] || 0) + 1; });
    var ranked = Object.keys(sizes).sort(function (a, b) { return sizes[b] - sizes[a] || a - b; });
    var rank = {};
    ranked.forEach(function (l, i) { rank[l] = i; });
    var result = {};
    order.forEach(function (id) { result[id] = rank[label[id]]; });
    return { of: result, sizes: ranked.map(function (l) { return sizes[l]; }) };
  }

  function ownColour(id) {
    if (colourBy === "community") {
      var c = communityOf.of[id];
      return c < COMMUNITY_COLOURS.length - 1 ? COMMUNITY_COLOURS[c] : "#bbbbbb";
    }
    return base[id].color;
  }

  $("colour-by").addEventListener("change", function (event) {
    colourBy = event.target.value;
    if (colourBy === "community" && !communityOf) { communityOf = communities(); }
    var box = $("community-legend");
    box.textContent = "";
    box.hidden = colourBy !== "community";
    if (colourBy === "community") {
      var list = document.createElement("ul");
      list.className = "legend-items";
      communityOf.sizes.slice(0, COMMUNITY_COLOURS.length - 1).forEach(function (size, i) {
        var item = text("li", "");
        var swatch = text("span", "●");
        swatch.style.color = COMMUNITY_COLOURS[i];
        item.appendChild(swatch);
        item.appendChild(text("span", "community " + (i + 1) + ": " + size + " nodes"));
        list.appendChild(item);
      });
      box.appendChild(text("p", "Communities: label propagation on the drawn relations.", "small"));
      box.appendChild(list);
    }
    repaint();
  });

  /* --- highlight: a neighbourhood or a route; everything else fades ----------------------- */
  function repaint() {
    var lit = null, litEdges = null;
    if (state.route.length > 1) {
      lit = {};
      litEdges = {};
      state.route.forEach(function (id) { lit[id] = true; });
      for (var i = 0; i + 1 < state.route.length; i += 1) {
        adjacency[state.route[i]].forEach(function (a) {
          if (a.other === state.route[i + 1]) { litEdges[a.edge] = true; }
        });
      }
    } else if (state.selected) {
      lit = {};
      litEdges = {};
      lit[state.selected] = true;
      adjacency[state.selected].forEach(function (a) {
        if (visibleEdges[a.edge] !== false) { lit[a.other] = true; litEdges[a.edge] = true; }
      });
    }
    state.lit = lit;
    var nodeUpdates = [];
    nodes.forEach(function (n) {
      var on = !lit || lit[n.id];
      var font = Object.assign({}, base[n.id].font, on ? {} : { color: "#c8c8c8" });
      nodeUpdates.push({ id: n.id, color: on ? ownColour(n.id) : FADED, font: font });
    });
    var edgeUpdates = [];
    edges.forEach(function (e) {
      var on = !litEdges || litEdges[e.id];
      var routeEdge = state.route.length > 1 && on;
      edgeUpdates.push({
        id: e.id,
        color: on ? (routeEdge ? { color: ROUTE, highlight: ROUTE, opacity: 1 } : baseEdge[e.id].color)
          : FADED_EDGE,
        width: routeEdge ? Math.max(4, (baseEdge[e.id].width || 1) * 2) : baseEdge[e.id].width
      });
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    document.body.setAttribute("data-highlight", lit ? (state.route.length > 1 ? "route" : "node") : "none");
  }

  function showDetails(id) {
    var n = nodes.get(id);
    $("details").hidden = false;
    $("details-name").textContent = nameOf(id);
    $("details-text").textContent = typeof n.title === "string" ? n.title : "";
    var list = $("details-relations");
    list.textContent = "";
    var shown = 0;
    adjacency[id].forEach(function (a) {
      if (shown >= 200) { return; }
      var e = edges.get(a.edge);
      var item = document.createElement("li");
      item.appendChild(text("span", (meta(e).types || []).join(", ") +
        (e.from === id ? " → " : " ← ")));
      var link = text("a", nameOf(a.other));
      link.tabIndex = 0;
      link.addEventListener("click", function () { select(a.other, true); });
      link.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { select(a.other, true); }
      });
      item.appendChild(link);
      list.appendChild(item);
      shown += 1;
    });
    $("details-count").textContent = "(" + adjacency[id].length + ")";
  }

  function select(id, centre) {
    if (!nodes.get(id)) { return; }
    state.selected = id;
    state.route = [];
    state.network.selectNodes([id], false);
    if (centre) {
      state.network.focus(id, { scale: Math.max(state.network.getScale(), 0.8), animation: false });
    }
    showDetails(id);
    repaint();
  }

  function clearSelection() {
    state.selected = null;
    state.route = [];
    $("details").hidden = true;
    if (state.network) { state.network.unselectAll(); }
    repaint();
  }

  /* --- route between two nodes: breadth-first over the shown relations ----------------- */
  function shortestRoute(from, to) {
    var previous = {};
    previous[from] = null;
    var queue = [from];
    while (queue.length) {
      var here = queue.shift();
      if (here === to) { break; }
      adjacency[here].forEach(function (a) {
        if (!(a.other in previous) && visibleEdges[a.edge] !== false && visibleNodes[a.other] !== false) {
          previous[a.other] = here;
          queue.push(a.other);
        }
      });
    }
    if (!(to in previous)) { return []; }
    var route = [];
    for (var at = to; at !== null; at = previous[at]) { route.unshift(at); }
    return route;
  }

  function routeBetween(from, to) {
    state.route = shortestRoute(from, to);
    state.selected = null;
    var message = $("route-status");
    if (state.route.length > 1) {
      message.textContent = "Shortest route on this map, " + (state.route.length - 1) + " hop" +
        (state.route.length === 2 ? "" : "s") + ": " + state.route.map(nameOf).join(" → ");
      state.network.fit({ nodes: state.route, animation: false });
    } else {
      message.textContent = "No route between " + nameOf(from) + " and " + nameOf(to) +
        " over the relations shown.";
    }
    repaint();
    return state.route;
  }
  state.routeBetween = routeBetween;

  $("route-from").addEventListener("click", function () {
    state.routeFrom = state.selected;
    $("route-status").textContent = "From " + nameOf(state.selected) + ": now select the other end.";
  });
  $("route-to").addEventListener("click", function () {
    if (state.routeFrom && state.selected) { routeBetween(state.routeFrom, state.selected); }
  });
  $("close-details").addEventListener("click", clearSelection);

  /* --- search: name or id, any script ------------------------------------------------- */
  var searchIndex = nodes.get().map(function (n) {
    return { id: n.id, name: nameOf(n.id), key: (nameOf(n.id) + "\u0000" + n.id).toLowerCase() };
  });
  var results = $("search-results");
  var matches = [];
  var active = 0;

  function showMatches() {
    var wanted = $("search").value.trim().toLowerCase();
    results.textContent = "";
    matches = [];
    active = 0;
    if (!wanted) { return; }
    /* exact name or id first, then names or ids starting with the text, then the rest */
    var ranked = [];
    searchIndex.forEach(function (entry) {
      var at = entry.key.indexOf(wanted);
      if (at < 0) { return; }
      var exact = entry.name.toLowerCase() === wanted || String(entry.id).toLowerCase() === wanted;
      var starts = at === 0 || String(entry.id).toLowerCase().indexOf(wanted) === 0;
      ranked.push({ entry: entry, rank: exact ? 0 : starts ? 1 : 2 });
    });
    ranked.sort(function (a, b) { return a.rank - b.rank; });
    matches = ranked.slice(0, 20).map(function (r) { return r.entry; });
    matches.forEach(function (entry, i) {
      var item = text("li", entry.name + " ");
      item.setAttribute("role", "option");
      item.setAttribute("data-id", entry.id);
      item.setAttribute("aria-selected", String(i === 0));
      item.appendChild(text("span", "[" + entry.id + "]", "id"));
      item.addEventListener("click", function () { select(entry.id, true); });
      results.appendChild(item);
    });
    if (!matches.length) { results.appendChild(text("li", "no match")); }
  }

  $("search").addEventListener("input", showMatches);
  $("search").addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!matches.length) { return; }
      active = (active + (event.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
      results.querySelectorAll("li").forEach(function (li, i) {
        li.setAttribute("aria-selected", String(i === active));
      });
    } else if (event.key === "Enter" && matches.length) {
      event.preventDefault();
      select(matches[active].id, true);
    }
  });

  /* --- keyboard: / find, Esc clear, f fit, n/p walk the selected node's neighbours -------- */
  var walk = -1;
  document.addEventListener("keydown", function (event) {
    var typing = event.target && /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName);
    if (event.key === "Escape") { clearSelection(); if (typing) { event.target.blur(); } return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "/") { event.preventDefault(); $("search").focus(); }
    else if (event.key === "f" && state.network) { state.network.fit({ animation: false }); }
    else if ((event.key === "n" || event.key === "p") && state.selected) {
      var around = adjacency[state.selected].filter(function (a) { return visibleEdges[a.edge] !== false; });
      if (!around.length) { return; }
      walk = (walk + (event.key === "n" ? 1 : around.length - 1)) % around.length;
      select(around[walk].other, true);
    }
  });

  /* --- export: the current view redrawn at print resolution, as PNG or SVG ---------------- */
  function colourOf(value) {
    if (!value) { return "#999999"; }
    return typeof value === "string" ? value : (value.background || value.color || "#999999");
  }

  function scene() {
    /* what is drawn in the current view, in canvas coordinates, with the frame to export */
    var network = state.network, box = $("map").getBoundingClientRect();
    var topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    var bottomRight = network.DOMtoCanvas({ x: box.width, y: box.height });
    var positions = network.getPositions();
    var shapes = [], lines = [];
    edges.forEach(function (e) {
      if (e.hidden || !positions[e.from] || !positions[e.to]) { return; }
      var c = e.color || {};
      lines.push({ a: positions[e.from], b: positions[e.to], colour: colourOf(c),
        opacity: typeof c.opacity === "number" ? c.opacity : 1, width: e.width || 1 });
    });
    nodes.forEach(function (n) {
      if (n.hidden || !positions[n.id]) { return; }
      var label = typeof n.label === "string" ? n.label.trim() : "";
      shapes.push({ at: positions[n.id], size: n.size || 10, shape: n.shape || "dot",
        colour: colourOf(n.color), label: label, fontSize: (n.font && n.font.size) || 14,
        fontColour: (n.font && n.font.color) || "#222222" });
    });
    return { x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x,
      height: bottomRight.y - topLeft.y, shapes: shapes, lines: lines };
  }

  function polygon(shape, x, y, r) {
    var points = [], k;
    if (shape === "diamond") { return [[x, y - r], [x + r, y], [x, y + r], [x - r, y]]; }
    if (shape === "triangle") { return [[x, y - r], [x + r, y + r * 0.8], [x - r, y + r * 0.8]]; }
    if (shape === "triangleDown") { return [[x - r, y - r * 0.8], [x + r, y - r * 0.8], [x, y + r]]; }
    if (shape === "hexagon") {
      for (k = 0; k < 6; k += 1) { points.push([x + r * Math.cos(k * Math.PI / 3), y + r * Math.sin(k * Math.PI / 3)]); }
      return points;
    }
    if (shape === "star") {
      for (k = 0; k < 10; k += 1) {
        var radius = k % 2 ? r * 0.45 : r, angle = -Math.PI / 2 + k * Math.PI / 5;
        points.push([x + radius * Math.cos(angle), y + radius * Math.sin(angle)]);
      }
      return points;
    }
    if (shape === "square" || shape === "box") { return [[x - r, y - r], [x + r, y - r], [x + r, y + r], [x - r, y + r]]; }
    return null;
  }

  function exportSize(view) {
    var width = EXPORT_WIDTH;
    return { width: width, height: Math.round(width * view.height / view.width), scale: width / view.width };
  }

  function toPng() {
    var view = scene(), size = exportSize(view);
    var canvas = document.createElement("canvas");
    canvas.width = size.width;
    canvas.height = size.height;
    var g = canvas.getContext("2d");
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, size.width, size.height);
    g.setTransform(size.scale, 0, 0, size.scale, -view.x * size.scale, -view.y * size.scale);
    drawWorld(g, true);
    view.lines.forEach(function (l) {
      g.globalAlpha = l.opacity;
      g.strokeStyle = l.colour;
      g.lineWidth = l.width;
      g.beginPath();
      g.moveTo(l.a.x, l.a.y);
      g.lineTo(l.b.x, l.b.y);
      g.stroke();
    });
    g.globalAlpha = 1;
    view.shapes.forEach(function (s) {
      var points = polygon(s.shape, s.at.x, s.at.y, s.size);
      g.fillStyle = s.colour;
      g.strokeStyle = "#ffffff";
      g.lineWidth = 1;
      g.beginPath();
      if (points) {
        points.forEach(function (p, i) { if (i) { g.lineTo(p[0], p[1]); } else { g.moveTo(p[0], p[1]); } });
        g.closePath();
      } else {
        g.arc(s.at.x, s.at.y, s.size, 0, 2 * Math.PI);
      }
      g.fill();
      g.stroke();
    });
    view.shapes.forEach(function (s) {
      if (!s.label) { return; }
      g.font = s.fontSize + "px " + getComputedStyle(document.body).fontFamily;
      g.textAlign = "center";
      g.textBaseline = "top";
      g.lineWidth = 3;
      g.strokeStyle = "#ffffff";
      g.strokeText(s.label, s.at.x, s.at.y + s.size + 2);
      g.fillStyle = s.fontColour;
      g.fillText(s.label, s.at.x, s.at.y + s.size + 2);
    });
    return canvas;
  }

  function escapeXml(value) {
    return String(value).replace(/[<>&"]/g, function (c) {
      return { "<": "&lt;", ">": "&gt;", "&": "&amp;", "\"": "&quot;" }[c];
    });
  }

  function toSvg() {
    var view = scene(), size = exportSize(view), parts = [];
    parts.push('<svg xmlns="http://www.w3.org/2000/svg" width="' + size.width + '" height="' +
      size.height + '" viewBox="' + [view.x, view.y, view.width, view.height].join(" ") + '">');
    parts.push('<rect x="' + view.x + '" y="' + view.y + '" width="' + view.width + '" height="' +
      view.height + '" fill="#ffffff"/>');
    if (world) {
      parts.push('<g transform="scale(' + world.scale + ')" fill="#eceff3" stroke="#c3c9d1" stroke-width="0.6">');
      world.paths.forEach(function (d) { parts.push('<path d="' + escapeXml(d) + '"/>'); });
      parts.push("</g>");
    }
    view.lines.forEach(function (l) {
      parts.push('<line x1="' + l.a.x + '" y1="' + l.a.y + '" x2="' + l.b.x + '" y2="' + l.b.y +
        '" stroke="' + escapeXml(l.colour) + '" stroke-opacity="' + l.opacity + '" stroke-width="' + l.width + '"/>');
    });
    view.shapes.forEach(function (s) {
      var points = polygon(s.shape, s.at.x, s.at.y, s.size);
      var paint = ' fill="' + escapeXml(s.colour) + '" stroke="#ffffff"';
      parts.push(points ? '<polygon points="' + points.map(function (p) { return p.join(","); }).join(" ") + '"' + paint + "/>"
        : '<circle cx="' + s.at.x + '" cy="' + s.at.y + '" r="' + s.size + '"' + paint + "/>");
    });
    view.shapes.forEach(function (s) {
      if (s.label) {
        parts.push('<text x="' + s.at.x + '" y="' + (s.at.y + s.size + 2 + s.fontSize * 0.8) +
          '" font-size="' + s.fontSize + '" text-anchor="middle" fill="' + escapeXml(s.fontColour) +
          '" stroke="#ffffff" stroke-width="3" paint-order="stroke" font-family="sans-serif">' +
          escapeXml(s.label) + "</text>");
      }
    });
    parts.push("</svg>");
    return parts.join("\n");
  }

  function download(name, blob) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  var fileStem = (document.title || "innonet-map").replace(/[^\w\u4e00-\u9fff-]+/g, "-").slice(0, 60);
  $("export-png").addEventListener("click", function () {
    toPng().toBlob(function (blob) { download(fileStem + ".png", blob); }, "image/png");
  });
  $("export-svg").addEventListener("click", function () {
    download(fileStem + ".svg", new Blob([toSvg()], { type: "image/svg+xml" }));
  });
  /* served by innonet (/maps/KIND?...): the same question's data from /export/FORMAT */
  var served = /^\/maps\/([a-z]+)$/.exec(window.location.pathname);
  if (served && /^https?:$/.test(window.location.protocol)) {
    var query = new URLSearchParams(window.location.search);
    query.set("map", served[1]);
    $("export-data").hidden = false;
    $("export-data").querySelectorAll("a").forEach(function (link) {
      link.href = "../export/" + link.getAttribute("data-format") + "?" + query.toString();
    });
  }
  state.toPng = toPng;
  state.toSvg = toSvg;
  state.select = select;

  /* --- labels never collide: bigger nodes keep theirs, a label over a kept one is hidden
   * (its name stays in the tooltip, the search and the details panel) ------------------- */
  var fullLabel = {};
  nodes.forEach(function (n) {
    if (typeof n.label === "string" && n.label.trim()) { fullLabel[n.id] = n.label; }
  });
  function declutter() {
    var positions = state.network.getPositions();
    var ids = Object.keys(fullLabel).sort(function (a, b) {
      return (nodes.get(b).size || 0) - (nodes.get(a).size || 0) || (a < b ? -1 : 1);
    });
    var kept = [], updates = [], hidden = 0;
    ids.forEach(function (id) {
      var n = nodes.get(id), at = positions[id];
      if (!at || n.hidden) { return; }
      var size = (n.font && n.font.size) || 14, label = fullLabel[id];
      var wide = 0;
      for (var i = 0; i < label.length; i += 1) { wide += label.charCodeAt(i) > 0x2e80 ? 1 : 0.6; }
      var box = { x0: at.x - wide * size / 2, x1: at.x + wide * size / 2,
        y0: at.y + (n.size || 10), y1: at.y + (n.size || 10) + size * 1.2 };
      var clash = kept.some(function (k) {
        return box.x0 < k.x1 && k.x0 < box.x1 && box.y0 < k.y1 && k.y0 < box.y1;
      });
      if (!clash) { kept.push(box); }
      else { hidden += 1; }
      var wanted = clash ? " " : label;
      if (n.label !== wanted) { updates.push({ id: id, label: wanted }); }
    });
    nodes.update(updates);
    state.labelsHidden = hidden;
  }
  state.declutter = declutter;

  /* --- the world outline and the city inset under the channel map ----------------------- */
  var world = data.world;
  var outline = world ? world.paths.map(function (d) { return new Path2D(d); }) : [];
  var outlineImage = null;
  function traceOutline(g) {
    g.fillStyle = "#eceff3";
    g.strokeStyle = "#c3c9d1";
    g.lineWidth = 0.6;
    outline.forEach(function (path) { g.fill(path); g.stroke(path); });
  }
  function drawWorld(g, vector) {
    /* on screen: the outline rendered once into a bitmap (panning redraws only an image);
     * in an export: the paths themselves, sharp at any size */
    if (!world) { return; }
    g.save();
    g.scale(world.scale, world.scale);
    if (vector === true) {
      traceOutline(g);
    } else {
      if (!outlineImage) {
        outlineImage = document.createElement("canvas");
        outlineImage.width = Math.ceil(world.width * 1.5);
        outlineImage.height = Math.ceil(world.height * 1.5);
        var o = outlineImage.getContext("2d");
        o.scale(1.5, 1.5);
        traceOutline(o);
      }
      g.drawImage(outlineImage, 0, 0, world.width, world.height);
    }
    g.restore();
    if (world.inset) {
      var box = world.inset;
      g.save();
      g.fillStyle = "#f6f8fa";
      g.strokeStyle = "#8a93a0";
      g.lineWidth = 2;
      g.fillRect(box.left, box.top, box.width, box.height);
      g.strokeRect(box.left, box.top, box.width, box.height);
      g.fillStyle = "#555555";
      g.font = "44px sans-serif";
      g.fillText("City inset: actors at their latitude and longitude", box.left, box.top - 16);
      g.restore();
    }
  }

  /* --- draw ---------------------------------------------------------------------------- */
  function settled(message) {
    state.stable = true;
    state.stabilisedAfterMs = performance.now() - started;
    status.textContent = message;
    document.body.setAttribute("data-layout", "stable");
  }

  applyFilters();
  if (nodes.length === 0) {
    settled("Nothing to draw: the query found no actors.");
    return;
  }
  var network = new vis.Network($("map"), { nodes: nodes, edges: edges }, data.options);
  state.network = network;
  state.interactiveAfterMs = performance.now() - started;
  network.on("beforeDrawing", drawWorld);
  if (data.options.physics && data.options.physics.enabled === false) {
    network.once("afterDrawing", function () {
      declutter();
      network.fit();
      settled("Drawn at fixed places (no physics); drag to rearrange.");
    });
  }
  network.on("stabilizationProgress", function (progress) {
    state.iterations = progress.iterations;
    status.textContent = "Laying out… " +
      Math.round((100 * progress.iterations) / progress.total) + " %";
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    declutter();
    network.fit();
    settled("Layout settled in " +
      ((performance.now() - started) / 1000).toFixed(1) + " s; physics off, drag to rearrange.");
  });
  network.on("dragEnd", function (event) {
    if (event.nodes.length) { declutter(); }
  });
  network.on("click", function (event) {
    if (event.nodes.length) { select(event.nodes[0], false); }
    else if (!event.edges.length) { clearSelection(); }
  });
})();
