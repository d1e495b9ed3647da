/* Public agenda: times in the reader's own zone on hover, and filtering in the page. */
(function () {
  "use strict";
  var root = document.getElementById("agenda-root");
  var yourTime = (root && root.dataset.yourTime) || "Your time";

  // Every <time class="local-time"> shows event time; its title tells the reader's time.
  var format = new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  document.querySelectorAll("time.local-time[datetime]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when.getTime())) { el.title = yourTime + ": " + format.format(when); }
  });

  var form = document.getElementById("agenda-filters");
  if (!form) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll(".agenda-item"));
  var count = document.getElementById("agenda-count");
  // The server renders the full agenda once per publication; narrowing it happens here.
  var serverFiltered = window.location.search.length > 1;

  function apply() {
    var track = form.elements.track.value, type = form.elements.type.value, sdg = form.elements.sdg.value,
        room = form.elements.room.value, q = form.elements.q.value.trim().toLocaleLowerCase();
    var shown = 0;
    items.forEach(function (item) {
      var ok = (!track || item.dataset.track === track) && (!type || item.dataset.type === type) &&
        (!sdg || item.dataset.sdgs.indexOf(" " + sdg + " ") !== -1) && (!room || item.dataset.room === room) &&
        (!q || item.textContent.toLocaleLowerCase().indexOf(q) !== -1);
      item.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.querySelectorAll(".agenda-day").forEach(function (day) {
      day.hidden = !day.querySelector(".agenda-item:not([hidden])");
    });
    if (count && root && root.dataset.countTemplate) {
      count.textContent = root.dataset.countTemplate.replace("{n}", String(shown));
    }
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (key) { if (!params.get(key)) { params.delete(key); } });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  if (serverFiltered) { return; }  // a filtered page from the server: plain form submits keep working
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("change", apply);
  form.elements.q.addEventListener("input", apply);
})();
