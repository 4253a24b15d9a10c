/* calfcoach set logging: a client id per set form, and the offline queue.

   Every set form carries a client id, a UUID made here in the browser: the server stores a
   set once per client id, so a retried or queued post is never counted twice. When a post
   cannot reach the server (offline in the gym), the set is kept in localStorage with its
   client id and sent when the network returns (the "online" event, and on every page load).
   A queued set that reached the server before (its answer was lost) is answered with the
   stored set, like the first time: the page shows it as stored, never as refused.
   The service worker (/sw.js) is registered here; it keeps the pages and assets for offline
   use. No inline scripts (the CSP of issue 9). */
(function () {
  "use strict";

  var KEY = "calfcoach.queue.v1";
  var ENDPOINT = "/today/sets";

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function fillClientIds(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-client-id]"), function (input) {
      if (!input.value) input.value = uuid();
    });
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }

  function status(text) {
    var el = document.querySelector("[data-offline-status]");
    if (!el) return;
    el.hidden = !text;
    el.textContent = text || "";
  }
  function showCount() {
    var n = load().length;
    status(n ? n + (n === 1 ? " set is" : " sets are") + " saved on this phone and will be sent when the network returns." : "");
  }

  /* The form of a queued set becomes a "queued" line. */
  function showQueued(form, id) {
    var line = document.createElement("p");
    line.className = "set-logged queued";
    line.setAttribute("data-set-logged", "");
    line.setAttribute("data-queued", id);
    line.setAttribute("role", "status");
    var legend = form.querySelector("legend");
    line.textContent = (legend ? legend.textContent : "Set") + ": saved on this phone, to be sent when online.";
    form.replaceWith(line);
  }

  /* A page loaded while sets wait in the queue (offline, from the service worker's cache)
     shows them as queued, not as forms to log again. */
  function showQueuedForms() {
    load().forEach(function (item) {
      var sent = new URLSearchParams(item.body);
      Array.prototype.forEach.call(document.querySelectorAll("[data-set-form]"), function (form) {
        var same = ["date", "exercise", "set_number", "side"].every(function (key) {
          var input = form.querySelector('input[name="' + key + '"]');
          return input && input.value === sent.get(key);
        });
        if (same) showQueued(form, item.client_id);
      });
    });
  }

  /* Server mode (issue 9): this page's CSRF token (the <body>'s hx-headers), so a set queued
     under an older session is sent with the current one's. */
  function csrfHeaders(headers) {
    try {
      var extra = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      Object.keys(extra).forEach(function (key) { headers[key] = extra[key]; });
    } catch (e) { /* no token: local mode */ }
    return headers;
  }

  /* Keep a set whose post could not be sent; the form becomes a "queued" line. */
  function enqueue(form) {
    fillClientIds(form);
    var body = new URLSearchParams(new FormData(form)).toString();
    var id = form.querySelector("[data-client-id]").value;
    var queue = load().filter(function (item) { return item.client_id !== id; });
    queue.push({ client_id: id, body: body, at: new Date().toISOString() });
    save(queue);
    showQueued(form, id);
    showCount();
    document.dispatchEvent(new CustomEvent("calfcoach:set-queued", { detail: { client_id: id } }));
  }

  /* The server stored a queued set (or had it already: the same client id is stored once):
     its "queued" line on this page becomes the server's logged row. */
  function showStored(id, html) {
    var line = document.querySelector('[data-queued="' + id + '"]');
    if (!line) return;
    var doc = new DOMParser().parseFromString(html, "text/html");
    var row = doc.querySelector ? doc.querySelector("[data-set-logged]") : null;
    if (row) line.replaceWith(row);
    else { line.removeAttribute("data-queued"); line.className = "set-logged"; }
  }

  var flushing = false;
  /* Send the queued sets in order; each one leaves the queue once the server answered it
     (stored, or refused with its message); a network failure stops and keeps the rest. */
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    var queue = load();
    if (!queue.length) { showCount(); return Promise.resolve(); }
    flushing = true;
    var refused = [];
    var stored = [];
    function next() {
      var item = load()[0];
      if (!item) return Promise.resolve();
      return fetch(ENDPOINT, {
        method: "POST",
        body: item.body,
        headers: csrfHeaders({ "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true" }),
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok && response.status !== 422) throw new Error("status " + response.status);
        return response.text().then(function (html) {
          if (response.status === 422) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            var msg = Array.prototype.map.call(doc.querySelectorAll(".field-error"), function (e) { return e.textContent; }).join(" ");
            refused.push(msg || "refused");
          } else {
            stored.push(item.client_id);
            showStored(item.client_id, html);
          }
          save(load().filter(function (q) { return q.client_id !== item.client_id; }));
          return next();
        });
      });
    }
    return next().catch(function () { /* still offline: keep the rest */ }).then(function () {
      flushing = false;
      showCount();
      if (refused.length) status("A queued set was not stored: " + refused.join(" "));
      else if (stored.length) status(stored.length + (stored.length === 1 ? " queued set is" : " queued sets are") + " stored.");
      document.dispatchEvent(new CustomEvent("calfcoach:queue-flushed", { detail: { refused: refused, stored: stored } }));
    });
  }

  // Deferred, this file runs before guided.js (in document order): guided mode then sees
  // the queued sets as done, not as forms to log again.
  if (document.readyState !== "loading") showQueuedForms();
  document.addEventListener("DOMContentLoaded", function () {
    fillClientIds(document);
    showQueuedForms();
    showCount();
    flush();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    }
  });
  window.addEventListener("online", flush);
  /* upload.js put a new page's content in place (a watch file logged from Today). */
  document.addEventListener("calfcoach:swapped", function () {
    fillClientIds(document);
    showQueuedForms();
  });
  document.addEventListener("htmx:afterSettle", function () {
    fillClientIds(document);
    // Keyboard and screen-reader users keep their place: a refused set puts the focus on
    // the field to correct; a logged one on the next set (guided mode moves it itself).
    if (document.querySelector("[data-guided]")) return;
    var invalid = document.querySelector('[data-set-form] [aria-invalid="true"]');
    if (invalid) { invalid.focus(); return; }
    var active = document.activeElement;
    if (!active || active === document.body) {
      var next = document.querySelector("[data-set-form] [data-measure]");
      if (next) next.focus();
    }
  });
  /* htmx could not reach the server: queue the set instead of losing it. */
  document.addEventListener("htmx:sendError", function (ev) {
    var form = ev.detail && ev.detail.elt && ev.detail.elt.closest && ev.detail.elt.closest("[data-set-form]");
    if (form) enqueue(form);
  });

  window.calfcoachSets = { flush: flush, queue: load, uuid: uuid };
})();
