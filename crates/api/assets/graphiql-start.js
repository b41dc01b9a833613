// Starts GraphiQL on /graphiql (served from this server, no inline script:
// the page's Content-Security-Policy allows only 'self').
(function () {
  "use strict";
  var socket = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql";
  var fetcher = GraphiQL.createFetcher({
    url: location.origin + "/graphql",
    subscriptionUrl: socket
  });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true
    })
  );
})();
