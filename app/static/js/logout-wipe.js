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

  function wipeAll() {
    var pages = window.caches ? caches.delete(PREFIX + "pages").catch(function () {}) : Promise.resolve();
    var lists = indexedDB.databases().then(function (list) {
      return Promise.all(list.filter(function (d) { return d.name && d.name.indexOf(PREFIX) === 0; })
        .map(function (d) { return wipeOne(d.name); }));
    });
    return Promise.all([pages, lists]);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("logout-form") || form.dataset.wiped) { return; }
    if (!window.indexedDB || !indexedDB.databases) { return; }
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
