// On a phone, a multilingual field (one input per language of the event) shows one
// language at a time behind tabs (the WAI-ARIA tab pattern: arrow keys, Home and
// End move between the tabs). Every input stays in the form and is posted. Wider
// screens, and any screen without this script, show the inputs side by side or
// stacked.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 991.98px)");

  document.querySelectorAll("fieldset.translated-field").forEach(function (fieldset, n) {
    var panels = Array.prototype.slice.call(fieldset.querySelectorAll("[data-translated-panel]"));
    if (panels.length < 2) {
      return;
    }
    var tablist = document.createElement("div");
    tablist.className = "translated-tabs nav nav-tabs mb-2";
    tablist.setAttribute("role", "tablist");
    var legend = fieldset.querySelector("legend");
    if (legend && legend.id) {
      tablist.setAttribute("aria-labelledby", legend.id);
    }
    var tabs = panels.map(function (panel, i) {
      var tab = document.createElement("button");
      tab.type = "button";
      tab.className = "nav-link";
      tab.id = (fieldset.id || "translated-" + n) + "-tab-" + panel.dataset.translatedPanel;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.textContent = panel.dataset.tabLabel;
      if (panel.dataset.note) {
        var mark = document.createElement("span");
        mark.className = "translation-tab-note ms-1";
        mark.textContent = panel.dataset.noteLabel;
        tab.appendChild(mark);
      }
      panel.setAttribute("aria-labelledby", tab.id);
      tab.addEventListener("click", function () { select(i, false); });
      tab.addEventListener("keydown", function (event) {
        var next = {ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: panels.length - 1}[event.key];
        if (next === undefined) {
          return;
        }
        event.preventDefault();
        select((next + panels.length) % panels.length, true);
      });
      tablist.appendChild(tab);
      return tab;
    });

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var active = i === index;
        tab.setAttribute("aria-selected", active ? "true" : "false");
        tab.tabIndex = active ? 0 : -1;
        tab.classList.toggle("active", active);
        panels[i].classList.toggle("translated-panel-hidden", !active);
      });
      if (focus) {
        tabs[index].focus();
      }
    }

    function apply() {
      // Tab semantics only while the tabs are shown.
      panels.forEach(function (panel) {
        if (narrow.matches) {
          panel.setAttribute("role", "tabpanel");
        } else {
          panel.removeAttribute("role");
        }
      });
      fieldset.classList.toggle("translated-tabbed", narrow.matches);
    }

    var firstInvalid = panels.findIndex(function (panel) { return panel.querySelector(".is-invalid"); });
    fieldset.insertBefore(tablist, legend ? legend.nextSibling : fieldset.firstChild);
    select(firstInvalid > 0 ? firstInvalid : 0, false);
    apply();
    if (narrow.addEventListener) {
      narrow.addEventListener("change", apply);
    }
  });
})();
