// A header box that ticks or clears every row box named by its data-select-all
// (the registrations on this page, for a bulk decision). Without this script the
// header box stays hidden and each row is ticked on its own.
(function () {
  "use strict";
  document.querySelectorAll("input[type=checkbox][data-select-all]").forEach(function (all) {
    var form = all.form;
    if (!form) {
      return;
    }
    var rows = Array.prototype.slice.call(
      form.querySelectorAll("input[type=checkbox][name='" + all.dataset.selectAll + "']"));
    if (rows.length === 0) {
      return;
    }

    function reflect() {
      var ticked = rows.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    }

    all.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = all.checked; });
      all.indeterminate = false;
    });
    rows.forEach(function (box) { box.addEventListener("change", reflect); });
    all.hidden = false;
    reflect();
  });
}());
