// Registration form: the passport fields are asked only of delegates who need a
// visa-support letter. Without this script every field stays visible.
(function () {
  "use strict";
  var box = document.getElementById("visa_letter_needed");
  var fields = document.getElementById("passport-fields");
  if (!box || !fields) {
    return;
  }
  var hint = document.getElementById("passport-hint");
  box.setAttribute("aria-controls", "passport-fields");

  function update() {
    // A passport field with an error stays in view, whatever the box says.
    var show = box.checked || fields.querySelector(".is-invalid") !== null;
    fields.hidden = !show;
    if (hint) {
      hint.hidden = !show;
    }
  }

  // The fields follow the box in the page, so Tab reaches them next.
  box.addEventListener("change", update);
  update();
}());
