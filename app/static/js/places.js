// Place fields (where the journey starts, where each leg ends): as the delegate types,
// airports whose code, city or name begin with the text are offered in the shared
// <datalist>. Without this script the fields are plain text fields.
(function () {
  "use strict";
  var list = document.getElementById("place-suggestions");
  if (!list || !window.fetch) {
    return;
  }
  var source = list.getAttribute("data-source");
  var timer = null;
  var last = "";

  function fill(pairs) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    pairs.forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.label = pair[1];
      option.textContent = pair[1];
      list.appendChild(option);
    });
  }

  function ask(text) {
    if (text.length < 2 || text === last) {
      return;
    }
    last = text;
    fetch(source + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
      .then(function (body) { fill(body.suggestions || []); })
      .catch(function () { /* no suggestions: the field still takes any text */ });
  }

  document.querySelectorAll("input[list='place-suggestions']").forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { ask(input.value.trim()); }, 200);
    });
  });
}());
