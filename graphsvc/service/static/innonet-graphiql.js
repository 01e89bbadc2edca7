/* innonet: start GraphiQL on this service's endpoint, with the query of ?q= (the landing
 * page's examples) in the editor. Everything it loads comes from this service. */
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var params = new URLSearchParams(window.location.search);
  var query = params.get("q") || params.get("query") || undefined;
  var fetcher = GraphiQL.createFetcher({ url: root.getAttribute("data-endpoint") });
  var props = { fetcher: fetcher, defaultEditorToolsVisibility: true };
  if (query !== undefined) {
    props.query = query;
  }
  root.textContent = "";
  ReactDOM.render(React.createElement(GraphiQL, props), root);
})();
