/* Shared public pages are stored once for every reader: this lays the reader's own parts over
   them (their menu, a notice, the stars of a delegate), from one small request. Without
   JavaScript the page keeps the visitor's menu, and a star button asks again on a page of
   the reader's own before it changes anything. */
(function () {
  "use strict";
  var url = document.body.getAttribute("data-overlay");
  if (!url || !window.fetch) { return; }

  function replace(id, html) {
    var el = document.getElementById(id);
    if (el && typeof html === "string") { el.innerHTML = html; }
  }

  function hidden(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  function stars(me) {
    var root = document.getElementById("agenda-root") || document.body;
    var add = root.getAttribute("data-star-add") || "Add to my agenda";
    var remove = root.getAttribute("data-star-remove") || "Remove from my agenda";
    var starred = {}, signedUp = {};
    me.starred.forEach(function (id) { starred[id] = true; });
    me.signed_up.forEach(function (id) { signedUp[id] = true; });
    document.querySelectorAll("form.star-form[data-session]").forEach(function (form) {
      var id = Number(form.getAttribute("data-session"));
      if (signedUp[id]) { return; }  // a place in the session: it is in the agenda already
      var on = !!starred[id];
      form.appendChild(hidden("csrf_token", me.csrf));
      form.appendChild(hidden("do", on ? "unstar" : "star"));
      var button = form.querySelector("button");
      if (button) {
        button.textContent = on ? "★" : "☆";
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.setAttribute("aria-label", on ? remove : add);
        button.title = on ? remove : add;
      }
      form.classList.add("star-ready");
    });
  }

  fetch(url + "?page=" + encodeURIComponent(window.location.pathname),
        { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (me) {
      if (!me || !me.authenticated) { return; }
      replace("nav-main", me.nav_main);
      replace("nav-user", me.nav_user);
      replace("personal-notices", me.notices);
      if (me.delegate) { stars(me); }
    })
    .catch(function () { /* the visitor's page stays as it is */ });
})();
