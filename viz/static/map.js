/* innonet map: draw the embedded nodes and edges with vis-network, stop physics once the
 * layout is stable, and publish the state on window.innonetMap for tests and benchmarks. */
(function () {
  "use strict";
  var started = performance.now();
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var status = document.getElementById("layout-status");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var state = {
    nodes: nodes,
    edges: edges,
    network: null,
    stable: false,
    stabilisedAfterMs: null,
    iterations: 0
  };
  window.innonetMap = state;

  function settled(message) {
    state.stable = true;
    state.stabilisedAfterMs = performance.now() - started;
    status.textContent = message;
    document.body.setAttribute("data-layout", "stable");
  }

  if (nodes.length === 0) {
    settled("Nothing to draw: the query found no actors.");
    return;
  }
  var network = new vis.Network(
    document.getElementById("map"), { nodes: nodes, edges: edges }, data.options
  );
  state.network = network;
  network.on("stabilizationProgress", function (progress) {
    state.iterations = progress.iterations;
    status.textContent = "Laying out… " +
      Math.round((100 * progress.iterations) / progress.total) + " %";
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    network.fit();
    settled("Layout settled in " +
      ((performance.now() - started) / 1000).toFixed(1) + " s; physics off, drag to rearrange.");
  });
})();
