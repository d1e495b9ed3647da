// The supervisor's page of desks keeps itself current while it is open: every 15
// seconds it reads itself again and swaps in the desks, their state and the
// conflicts, so a desk that loses its network shows as out of contact without a
// reload. The box above the table stops it; without this script the page is
// simply reloaded by hand.
(function () {
  "use strict";
  var live = document.getElementById("desk-live");
  var box = document.getElementById("desk-refresh");
  var wrapper = document.getElementById("desk-refresh-box");
  if (!live || !box || !wrapper || !window.fetch || !window.DOMParser) {
    return;
  }
  wrapper.hidden = false;
  var every = 15000;

  function refresh() {
    // Never pull the table from under someone reading or about to press Revoke.
    if (!box.checked || document.hidden || live.contains(document.activeElement)) {
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok && !response.redirected ? response.text() : null;
      })
      .then(function (html) {
        if (!html || !box.checked || live.contains(document.activeElement)) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("desk-live");
        if (fresh) {
          live.replaceChildren.apply(live, Array.prototype.slice.call(fresh.childNodes).map(function (node) {
            return document.importNode(node, true);
          }));
          live.dataset.refreshed = String(Number(live.dataset.refreshed || 0) + 1);
        }
      })
      .catch(function () {});
  }

  window.setInterval(refresh, every);
}());
