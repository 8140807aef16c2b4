// The outbox: findings saved without a network, kept in IndexedDB until the server has them.
// Shared by the pages (outbox.js) and the service worker (sw.js, through importScripts).
(function (scope) {
  "use strict";
  var NAME = "scoring-outbox", STORE = "findings";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, {keyPath: "id"}); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        var request = work(tx.objectStore(STORE));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  // An item from a form's entries: text fields as [name, value] pairs, files as blobs with their names.
  function fromForm(formData, action, unit) {
    var item = {id: formData.get("id"), action: action, unit: unit, fields: [], files: [], saved_at: new Date().toISOString(),
                state: "waiting", errors: null};
    formData.forEach(function (value, key) {
      if (typeof value === "string") { item.fields.push([key, value]); }
      else if (value && value.size) { item.files.push({key: key, name: value.name, type: value.type, blob: value}); }
    });
    return item;
  }

  function field(item, key) {
    var found = item.fields.filter(function (pair) { return pair[0] === key; });
    return found.length ? found[0][1] : "";
  }

  scope.fieldOutbox = {
    put: function (item) { return run("readwrite", function (s) { return s.put(item); }); },
    all: function () { return run("readonly", function (s) { return s.getAll(); }); },
    remove: function (id) { return run("readwrite", function (s) { return s.delete(id); }); },
    fromForm: fromForm,
    field: field
  };
})(self);
