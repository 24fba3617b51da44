/* GraphiQL for the VssID API: the client documents as tabs, this page's endpoint, and the session after Login.
 *
 * The page's JSON block #vssid-graphiql holds {endpoint, tabs, placeholder, refreshPlaceholder, version}. A Login or
 * RefreshSession answer puts its tokens in sessionStorage (gone with the browser tab); every tab whose Authorization
 * header is the placeholder or an earlier session's token shows the new token when it is opened, and RefreshSession's
 * variables get the refresh token. Logout puts the placeholder back. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("vssid-graphiql").textContent);
  var SESSION_KEY = "vssid:session";
  var EVENT = "vssid:session";

  // Tabs saved by an earlier page with other documents are dropped, so a changed contract shows up.
  if (localStorage.getItem("vssid:tabs") !== config.version) {
    Object.keys(localStorage).forEach(function (key) {
      if (key.indexOf("graphiql:") === 0) localStorage.removeItem(key);
    });
    localStorage.setItem("vssid:tabs", config.version);
  }

  function currentSession() {
    try {
      return JSON.parse(sessionStorage.getItem(SESSION_KEY));
    } catch (e) {
      return null;
    }
  }

  function remember(result) {
    var data = result && result.data;
    if (!data) return;
    var issued = data.login || data.refreshSession;
    if (issued && issued.accessToken) {
      sessionStorage.setItem(SESSION_KEY, JSON.stringify({
        accessToken: issued.accessToken, refreshToken: issued.refreshToken || null,
      }));
    } else if (data.logout && data.logout.ok) {
      sessionStorage.removeItem(SESSION_KEY);
    } else {
      return;
    }
    window.dispatchEvent(new Event(EVENT));
  }

  // One JSON answer per request (the service sends no incremental delivery), so the fetcher can read it.
  var send = GraphiQL.createFetcher({ url: config.endpoint, enableIncrementalDelivery: false });

  // A subscription: graphql-transport-ws on the same endpoint, the tab's headers sent in connection_init (as the
  // service reads the token there); each `next` is one result for GraphiQL, until complete, an error or close.
  function subscribe(params, options) {
    var socket = new WebSocket(location.origin.replace(/^http/, "ws") + config.endpoint, "graphql-transport-ws");
    var queue = [];
    var waiting = null;
    function push(value, done) {
      var item = { value: value, done: done };
      if (waiting) {
        var resolve = waiting;
        waiting = null;
        resolve(item);
      } else {
        queue.push(item);
      }
    }
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: "connection_init", payload: (options && options.headers) || {} }));
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "connection_ack") {
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: params }));
      } else if (message.type === "next") {
        push(message.payload, false);
      } else if (message.type === "error") {
        push({ errors: message.payload }, false);
        socket.close();
      } else if (message.type === "complete") {
        socket.close();
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      }
    };
    socket.onclose = function () {
      push(undefined, true);
    };
    var iterator = {
      next: function () {
        if (queue.length) return Promise.resolve(queue[0].done ? queue[0] : queue.shift());
        return new Promise(function (resolve) { waiting = resolve; });
      },
      return: function () {
        socket.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
    iterator[Symbol.asyncIterator] = function () { return iterator; };
    return iterator;
  }

  function fetcher(params, options) {
    if (/(^|\})\s*(#[^\n]*\s*)*subscription[\s({]/.test(params.query || "")) return subscribe(params, options);
    return Promise.resolve(send(params, options)).then(function (result) {
      remember(result);
      return result;
    });
  }

  // The JSON text with `key` set to `value`, when the key holds the placeholder or a value this page wrote.
  function filled(text, key, value, placeholder, prefix) {
    var object;
    try {
      object = JSON.parse(text || "{}");
    } catch (e) {
      return text;
    }
    if (!object || typeof object !== "object" || typeof object[key] !== "string") return text;
    var wanted = value === null ? placeholder : prefix + value;
    var ours = object[key] === placeholder || (prefix !== "" ? object[key].indexOf(prefix) === 0 : true);
    if (object[key] === wanted || !ours) return text;
    object[key] = wanted;
    return JSON.stringify(object, null, 2);
  }

  function SessionStatus() {
    var editor = GraphiQL.React.useEditorContext({ nonNull: true });
    var state = React.useState(currentSession());
    var session = state[0];
    var setSession = state[1];

    React.useEffect(function () {
      function changed() {
        setSession(currentSession());
      }
      window.addEventListener(EVENT, changed);
      return function () {
        window.removeEventListener(EVENT, changed);
      };
    }, []);

    // GraphiQL 3 opens the first tab's query but not its variables or headers: put them in once the editors exist.
    React.useEffect(function () {
      var tab = editor.tabs[editor.activeTabIndex];
      if (!tab) return;
      if (editor.variableEditor && tab.variables && !editor.variableEditor.getValue()) {
        editor.variableEditor.setValue(tab.variables);
      }
      if (editor.headerEditor && tab.headers && !editor.headerEditor.getValue()) {
        editor.headerEditor.setValue(tab.headers);
      }
    }, [editor.variableEditor, editor.headerEditor]);

    React.useEffect(function () {
      var access = session ? session.accessToken : null;
      var refresh = session ? session.refreshToken : null;
      var headers = editor.headerEditor;
      if (headers) {
        var text = headers.getValue();
        var next = filled(text, "Authorization", access, config.placeholder, "Bearer ");
        if (next !== text) headers.setValue(next);
      }
      var variables = editor.variableEditor;
      if (variables && refresh !== null) {
        var vars = variables.getValue();
        var nextVars = filled(vars, "refreshToken", refresh, config.refreshPlaceholder, "");
        if (nextVars !== vars) variables.setValue(nextVars);
      }
    }, [session, editor.activeTabIndex, editor.headerEditor, editor.variableEditor]);

    var text = session
      ? "Logged in: the Authorization header of each tab carries the session's access token."
      : "Not logged in: run the Login tab, and each tab's Authorization header fills in.";
    var children = [React.createElement("span", { key: "session", id: "vssid-session" }, text)];
    config.links.forEach(function (link) {
      children.push(" · ", React.createElement("a", { key: link.href, href: link.href }, link.text));
    });
    return React.createElement("div", { className: "vssid-footer" }, children);
  }

  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(
      GraphiQL,
      {
        fetcher: fetcher,
        defaultTabs: config.tabs,
        defaultEditorToolsVisibility: true,
        plugins: [explorer],
        shouldPersistHeaders: false,
      },
      React.createElement(GraphiQL.Footer, null, React.createElement(SessionStatus)),
    ),
  );
})();
