/* The check-in desk: answers scans in place, keeps the field focused and empty for
   the next badge, scans with the camera where the browser offers BarcodeDetector,
   and refreshes the live counts. Without this file the desk still works, one page
   per scan. */
(function () {
  "use strict";
  var form = document.getElementById("desk-form");
  if (!form) { return; }
  var field = document.getElementById("code");
  var result = document.getElementById("desk-result");
  var busy = false;

  function focusField() {
    field.value = "";
    field.focus();
  }

  function show(html) {
    result.innerHTML = html;
  }

  function post(url, data) {
    busy = true;
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (answer) {
      show(answer.html);
      refreshCounts();
    }).catch(function () {
      show('<div class="alert alert-danger" role="alert">' + form.getAttribute("data-error") + "</div>");
    }).then(function () {
      busy = false;
      focusField();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy || !field.value.trim()) { focusField(); return; }
    post(form.action, new FormData(form));
  });

  // Buttons in the search results (check in the person chosen) answer in place too.
  result.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.classList || !target.classList.contains("js-desk-pick")) { return; }
    event.preventDefault();
    post(target.action, new FormData(target));
  });

  // Keep the scanner's target focused: a click elsewhere on the page (not on a control) gives it back.
  document.addEventListener("click", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (["input", "select", "textarea", "button", "a", "video", "label", "option"].indexOf(tag) === -1) {
      field.focus();
    }
  });

  // The door chooser reloads the page for that door.
  var door = document.getElementById("door");
  if (door) {
    door.addEventListener("change", function () { document.getElementById("door-form").submit(); });
  }

  // Live counts
  var countsUrl = form.getAttribute("data-counts-url");
  function cell(text, end) {
    var td = document.createElement("td");
    td.textContent = text;
    if (end) { td.className = "text-end"; }
    return td;
  }
  function refreshCounts() {
    fetch(countsUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        document.getElementById("count-checked").textContent = data.checked_in;
        document.getElementById("count-approved").textContent = data.approved;
        var rows = document.getElementById("count-rows");
        while (rows.firstChild) { rows.removeChild(rows.firstChild); }
        data.categories.forEach(function (row) {
          var tr = document.createElement("tr");
          tr.appendChild(cell(row.category));
          tr.appendChild(cell(row.checked_in, true));
          tr.appendChild(cell(row.approved, true));
          rows.appendChild(tr);
        });
      }).catch(function () {});
  }
  window.setInterval(function () { if (!document.hidden) { refreshCounts(); } }, 10000);

  // The camera, where the browser can read QR codes itself.
  var start = document.getElementById("camera-start");
  var video = document.getElementById("camera");
  if ("BarcodeDetector" in window && navigator.mediaDevices && start && video) {
    start.classList.remove("d-none");
    start.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      var last = "", lastAt = 0;
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (stream) {
          video.srcObject = stream;
          video.classList.remove("d-none");
          start.classList.add("d-none");
          return video.play();
        }).then(function () {
          function tick() {
            detector.detect(video).then(function (codes) {
              var now = Date.now();
              if (codes.length && !busy) {
                var value = codes[0].rawValue;
                // the same badge held in front of the camera counts once every few seconds
                if (value !== last || now - lastAt > 4000) {
                  last = value; lastAt = now;
                  field.value = value;
                  // through the form's submit event, so an offline desk (js/desk/main.js) decides it
                  if (form.requestSubmit) { form.requestSubmit(); } else { post(form.action, new FormData(form)); }
                }
              }
            }).catch(function () {}).then(function () { window.setTimeout(tick, 250); });
          }
          tick();
        }).catch(function () { start.disabled = true; });
    });
  }

  focusField();
})();
