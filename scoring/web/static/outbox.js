// The inspector without a network: the service worker keeps the pages, this script keeps the findings.
// A finding saved offline goes to the outbox (IndexedDB) with its own id, is listed as 待上传, and is sent
// when the phone is online again; the server saves an id once, so a repeat cannot make a second finding.
(function () {
  "use strict";
  var outbox = window.fieldOutbox;
  var root = document.documentElement, panel = document.getElementById("outbox");
  var words = panel ? JSON.parse(panel.getAttribute("data-words") || "{}") : {};
  var sending = false;
  if (!outbox || !window.indexedDB) { return; }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/inspect/sw.js", {scope: "/inspect/"}).catch(function () { return null; });
  }

  function say(text, kind) {
    var main = document.querySelector("main"), p = document.createElement("p");
    p.className = "flash " + (kind || "ok");
    p.setAttribute("role", "status");
    p.textContent = text;
    main.insertBefore(p, main.firstChild);
  }

  function newId() {
    var bytes = new Uint8Array(4), d = new Date(), pad = function (n) { return ("0" + n).slice(-2); };
    window.crypto.getRandomValues(bytes);
    return "W-" + d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + "-" +
      Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function units() {
    return fetch("/inspect/units.json", {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .catch(function () { return []; });
  }

  // The outbox list: what is waiting, and what the server refused (with its reasons).
  function render() {
    if (!panel) { return Promise.resolve(); }
    return outbox.all().then(function (items) {
      panel.hidden = !items.length;
      root.setAttribute("data-outbox", String(items.length));
      var list = panel.querySelector("ul");
      panel.querySelector(".count").textContent = String(items.length);
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("data-id", item.id);
        var tag = document.createElement("span");
        tag.className = "tag " + (item.state === "refused" ? "bad" : "warn");
        tag.textContent = item.state === "refused" ? words.refused : words.waiting;
        li.appendChild(tag);
        li.appendChild(document.createTextNode(" " + item.unit + " · " + (item.label || outbox.field(item, "code")) + " ×" +
          (outbox.field(item, "count") || "1") + " · " + outbox.field(item, "date") + " · " + item.id +
          (item.files.length ? " · " + item.files.length + " 📷" : "")));
        if (item.errors) {
          var why = document.createElement("div");
          why.className = "error";
          why.textContent = item.errors;
          li.appendChild(why);
          var drop = document.createElement("button");
          drop.type = "button";
          drop.className = "small danger";
          drop.textContent = words.drop;
          drop.addEventListener("click", function () {
            if (window.confirm(words.confirm_drop)) { outbox.remove(item.id).then(render); }
          });
          li.appendChild(drop);
        }
        list.appendChild(li);
      });
    });
  }

  function currentToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function send(item) {
    var body = new FormData(), token = currentToken();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[0] === "csrf_token" && token ? token : pair[1]); });
    item.files.forEach(function (f) { body.append(f.key, new File([f.blob], f.name, {type: f.type})); });
    return fetch(item.action, {method: "POST", body: body, credentials: "same-origin", headers: {"X-Outbox": "1"}})
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
        if (json && response.ok) { return response.json().then(function () { return outbox.remove(item.id).then(function () { return "sent"; }); }); }
        if (json) {
          return response.json().then(function (answer) {
            item.state = "refused";
            item.errors = Object.keys(answer.errors || {}).map(function (k) { return k + ": " + answer.errors[k].join(" "); }).join("；");
            return outbox.put(item).then(function () { return "refused"; });
          });
        }
        if (response.status === 409 || response.status === 403 || response.status === 404) {
          item.state = "refused";
          item.errors = words["error_" + response.status] || String(response.status);
          return outbox.put(item).then(function () { return "refused"; });
        }
        return "stop";  // signed out (the sign-in page) or the server unwell: try again later
      });
  }

  function sync() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    var sent = 0;
    return outbox.all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state !== "refused"; });
      return waiting.reduce(function (done, item) {
        return done.then(function (state) {
          if (state === "stop") { return state; }
          return send(item).then(function (result) { if (result === "sent") { sent += 1; } return result; });
        });
      }, Promise.resolve("go"));
    }).catch(function () { return null; }).then(function (state) {
      sending = false;
      if (sent) { say(words.sent.replace("{n}", sent)); }
      if (state === "stop") { say(words.sign_in, "error"); }
      return render();
    }).then(function () { root.setAttribute("data-outbox-synced", String(Date.now())); });
  }

  // The entry form: its own id every time it is shown (a cached page must never reuse one), this unit's
  // name when the page came from another unit's cached form, and offline saving into the outbox.
  var form = document.querySelector("form.finding[data-unit]");
  var path = window.location.pathname.match(/^\/inspect\/unit\/([^/]+)$/);
  if (form && path) {
    var code = decodeURIComponent(path[1]);
    form.querySelector("input[name=id]").value = newId();
    if (form.getAttribute("data-unit") !== code) {
      form.action = window.location.pathname;
      form.setAttribute("data-unit", code);
      Array.prototype.forEach.call(document.querySelectorAll("[data-unit-page]"), function (e) { e.hidden = true; });
      units().then(function (list) {
        var found = list.filter(function (u) { return u.code === code; })[0];
        document.querySelector("h1").textContent = code + " " + (found ? found.name : "");
      });
    }
    var params = new URLSearchParams(window.location.search);
    if (params.get("queued")) { say(words.queued.replace("{id}", params.get("queued")), "warn"); }
    form.addEventListener("submit", function (event) {
      if (navigator.onLine || !form.checkValidity()) { return; }
      event.preventDefault();
      var item = outbox.fromForm(new FormData(form), form.getAttribute("action") || window.location.pathname, code);
      var chosenCode = form.querySelector("select[name=code]");
      item.label = chosenCode.options[chosenCode.selectedIndex].text;
      outbox.put(item).then(function () {
        say(words.queued.replace("{id}", item.id), "warn");
        form.querySelector("input[name=id]").value = newId();
        form.querySelector("select[name=code]").value = "";
        form.querySelector("input[name=count]").value = "1";
        form.querySelector("textarea[name=note]").value = "";
        form.querySelector("input[name=corrected_on_spot]").checked = false;
        if (window.fieldPhotos) { window.fieldPhotos.clear(); }
        Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) { b.disabled = false; });
        window.scrollTo(0, 0);
        return render();
      });
    });
  }

  // The unit search from the cached list when the page came from the cache (no server answered the query).
  var search = document.querySelector("form.search input[name=q]");
  var asked = new URLSearchParams(window.location.search).get("q");
  if (search && asked && search.value !== asked) {
    search.value = asked;
    units().then(function (list) {
      var q = asked.trim().toLowerCase(), letters = q.replace(/[^a-z0-9]/g, "");
      var inOrder = function (text) {
        var at = 0;
        for (var i = 0; i < q.length; i++) { at = text.indexOf(q[i], at); if (at < 0) { return false; } at += 1; }
        return true;
      };
      var rank = function (u) {
        if (q === u.code.toLowerCase()) { return 0; }
        if (u.code.toLowerCase().indexOf(q) >= 0 || u.name.toLowerCase().indexOf(q) >= 0) { return 1; }
        if (u.aliases.some(function (a) { return a.toLowerCase().indexOf(q) >= 0; })) { return 2; }
        if (letters && letters === q.replace(/ /g, "")) {
          if (u.pinyin.indexOf(letters) >= 0) { return 3; }
          if (u.initials.indexOf(letters) >= 0) { return 4; }
          if (u.alias_readings.some(function (r) { return r.indexOf(letters) >= 0; })) { return 5; }
        }
        if (q.length >= 2 && (inOrder(u.name) || u.aliases.some(inOrder))) { return 6; }
        return -1;
      };
      var found = list.map(function (u) { return [rank(u), u]; }).filter(function (p) { return p[0] >= 0; })
        .sort(function (a, b) { return a[0] - b[0] || (a[1].code < b[1].code ? -1 : 1); }).slice(0, 30);
      var ul = document.createElement("ul");
      ul.className = "units";
      found.forEach(function (p) {
        var li = document.createElement("li"), a = document.createElement("a"), strong = document.createElement("strong");
        a.href = "/inspect/unit/" + encodeURIComponent(p[1].code);
        strong.textContent = p[1].code;
        a.appendChild(strong);
        a.appendChild(document.createTextNode(" " + p[1].name));
        li.appendChild(a);
        ul.appendChild(li);
      });
      search.form.parentNode.insertBefore(ul, search.form.nextSibling);
    });
  }

  // Signing out forgets the cached pages (another person may use the phone next); the outbox stays.
  Array.prototype.forEach.call(document.querySelectorAll("form[action$='/logout']"), function (f) {
    f.addEventListener("submit", function () { if (window.caches) { caches.delete("scoring-field-v1"); } });
  });

  window.addEventListener("online", sync);
  render().then(sync);
})();
