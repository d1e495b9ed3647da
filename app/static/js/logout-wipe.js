// Logging out, from any page, wipes what an offline check-in desk keeps of the roster
// on this device: its list of badges and photos, who it let in, and the desk page
// kept for use without network. The desk's token and the scans it has not uploaded
// yet stay, so nothing that was shown at the desk is lost; they go up at the next
// login. The logout goes ahead after 3 seconds whatever happens.
(function () {
  "use strict";
  var PREFIX = "kurultai-desk-";
  var CLEARED = ["roster", "seen", "photos", "wanted"];
  var FORGOTTEN = ["cursor", "syncedAt", "roster"];

  function wipeOne(name) {
    return new Promise(function (resolve) {
      var open = indexedDB.open(name);
      // No such database (this device was never a desk of that event): make none.
      open.onupgradeneeded = function () { open.transaction.abort(); };
      open.onerror = function () { resolve(); };
      open.onsuccess = function () {
        var db = open.result;
        var stores = CLEARED.concat(["meta"]).filter(function (s) { return db.objectStoreNames.contains(s); });
        if (!stores.length) { db.close(); resolve(); return; }
        var tx = db.transaction(stores, "readwrite");
        stores.forEach(function (s) {
          if (s === "meta") {
            FORGOTTEN.forEach(function (key) { tx.objectStore(s).delete(key); });
          } else {
            tx.objectStore(s).clear();
          }
        });
        tx.oncomplete = tx.onerror = tx.onabort = function () { db.close(); resolve(); };
      };
    });
  }

  // Every desk database on this device; where the browser cannot list them (Firefox
  // before 126), the one of the event whose page this is.
  function deskDatabases() {
    if (indexedDB.databases) {
      return indexedDB.databases().then(function (list) {
        return list.map(function (d) { return d.name; }).filter(function (n) { return n && n.indexOf(PREFIX) === 0; });
      });
    }
    var event = /^\/e\/([^/]+)\//.exec(window.location.pathname);
    return Promise.resolve(event ? [PREFIX + decodeURIComponent(event[1])] : []);
  }

  function wipeAll() {
    var pages = window.caches ? caches.delete(PREFIX + "pages").catch(function () {}) : Promise.resolve();
    var lists = deskDatabases().then(function (names) { return Promise.all(names.map(wipeOne)); });
    return Promise.all([pages, lists]);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("logout-form") || form.dataset.wiped) { return; }
    if (!window.indexedDB) { return; }
    event.preventDefault();
    document.dispatchEvent(new CustomEvent("kurultai:logout"));   // an open desk stops writing its roster
    var sent = false;
    function go() {
      if (sent) { return; }
      sent = true;
      form.dataset.wiped = "1";
      form.submit();
    }
    window.setTimeout(go, 3000);
    wipeAll().then(go, go);
  }, true);
}());
