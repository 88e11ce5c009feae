// GraphiQL for capool: every request carries the API key typed into the bar above the
// editor (sessionStorage: this tab only, gone when it closes). A header the user sets in
// GraphiQL's own headers editor wins over the bar.
(function () {
  "use strict";
  var STORAGE_KEY = "capool.apiKey";
  var input = document.getElementById("api-key");
  var state = document.getElementById("api-key-state");

  function currentKey() {
    return input.value.trim();
  }

  function showState() {
    var missing = currentKey() === "";
    state.textContent = missing ? "no key: queries answer 401" : "key set";
    state.className = missing ? "missing" : "";
  }

  input.value = sessionStorage.getItem(STORAGE_KEY) || "";
  input.addEventListener("input", function () {
    sessionStorage.setItem(STORAGE_KEY, currentKey());
    showState();
  });
  document.getElementById("api-key-forget").addEventListener("click", function () {
    input.value = "";
    sessionStorage.removeItem(STORAGE_KEY);
    showState();
  });
  document.getElementById("api-key-bar").addEventListener("submit", function (event) {
    event.preventDefault();
  });
  showState();

  var url = window.location.origin + window.location.pathname;

  async function fetcher(graphQLParams, options) {
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (currentKey()) {
      headers.Authorization = "Bearer " + currentKey();
    }
    Object.assign(headers, (options && options.headers) || {});
    var response = await fetch(url, { method: "POST", headers: headers, body: JSON.stringify(graphQLParams) });
    var type = response.headers.get("content-type") || "";
    if (type.indexOf("json") >= 0) {
      return response.json();
    }
    return { errors: [{ message: response.status + " " + (await response.text()) }] };
  }

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: "# Enter your API key above, then run (Ctrl-Enter):\n{\n  orders(first: 5) {\n    items { id reference status }\n  }\n}\n",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
})();
