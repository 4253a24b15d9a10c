/* calfcoach service worker, served at /sw.js so that its scope is the whole app ("/").

   Pages: network first, so a page is always fresh when the network is there; each page
   fetched is kept, and shown from the cache when the network is not (today's session in the
   gym). Assets (CSS, JS, icons, vendored htmx): cache first; the cache is named after the code
   that runs (its version and a digest of its files), so a new app brings a new cache. Posts are never cached: a set logged
   offline is queued by sets.js and sent when the network returns. */
"use strict";

var VERSION = "__VERSION__";
var CACHE = "calfcoach-" + VERSION;
var SHELL = [
  "/today",
  "/today/guided",
  "/checkin",
  "/plan",
  "/manifest.webmanifest",
  "/static/css/app.css",
  "/static/js/sets.js",
  "/static/js/guided.js",
  "/static/vendor/htmx-2.0.11.min.js",
  "/static/icons/icon.svg",
  "/static/icons/icon-192.png"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // One by one: a page that cannot be fetched yet (no athlete) must not fail the install.
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(url, response);
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("calfcoach-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      // /today?date=... falls back to the cached /today of the same path.
      return hit || caches.match(request, { ignoreSearch: true }).then(function (near) {
        return near || new Response(
          "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
          "<title>Offline</title><p>You are offline and this page was not saved on this phone yet. " +
          "<a href='/today'>Today</a></p>",
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" || (request.headers.get("accept") || "").indexOf("text/html") >= 0) {
    event.respondWith(networkFirst(request));
  }
});
