// The inspector's service worker (scope /inspect/): pages and the unit list stay usable in a dead zone,
// and a finding whose sending fails is put in the outbox instead of being lost.
"use strict";
importScripts("/static/outbox-db.js");
var CACHE = "scoring-field-v1";
var SHELL = ["/inspect/", "/inspect/units.json", "/static/app.js", "/static/style.css", "/static/photos.js",
             "/static/outbox.js", "/static/outbox-db.js"];
var UNIT_PAGE = /^\/inspect\/unit\/[^/]+$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL.map(function (u) { return new Request(u, {credentials: "same-origin"}); }))
      .then(function () { return cache.match("/inspect/units.json"); })
      .then(function (response) { return response ? response.json() : []; })
      .then(function (units) {  // one entry form, so a unit never opened before can still be entered offline
        return units.length ? cache.add(new Request("/inspect/unit/" + encodeURIComponent(units[0].code),
                                                    {credentials: "same-origin"})) : null;
      }).catch(function () { return null; });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function cacheKey(url) {
  return url.origin + url.pathname;  // /inspect/unit/D005?date=… is the same form
}

function networkFirst(request, url) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(cacheKey(url), copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(cacheKey(url)).then(function (found) {
        if (found || !UNIT_PAGE.test(url.pathname)) { return found || cache.match("/inspect/"); }
        // Any unit's entry form: outbox.js puts this unit's code and name on it.
        return cache.keys().then(function (keys) {
          var form = keys.filter(function (k) { return UNIT_PAGE.test(new URL(k.url).pathname); })[0];
          return form ? cache.match(form) : cache.match("/inspect/");
        });
      });
    }).then(function (found) { return found || Response.error(); });
  });
}

function postOrQueue(request, url) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.formData().then(function (form) {
      var item = self.fieldOutbox.fromForm(form, url.pathname, decodeURIComponent(url.pathname.split("/").pop()));
      return self.fieldOutbox.put(item).then(function () {
        var next = url.pathname + "?queued=" + encodeURIComponent(item.id) + "&date=" +
          encodeURIComponent(self.fieldOutbox.field(item, "date"));
        return Response.redirect(next, 303);
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST") {
    if (UNIT_PAGE.test(url.pathname) && request.mode === "navigate") { event.respondWith(postOrQueue(request, url)); }
    return;
  }
  if (request.method !== "GET") { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request, {ignoreSearch: true}).then(function (found) {
      return fetch(request).then(function (response) {
        if (response.ok) { var copy = response.clone(); caches.open(CACHE).then(function (c) { c.put(request, copy); }); }
        return response;
      }).catch(function () { return found || Response.error(); });
    }));
  } else if (url.pathname.indexOf("/inspect/") === 0 && url.pathname !== "/inspect/sw.js") {
    event.respondWith(networkFirst(request, url));
  }
});
