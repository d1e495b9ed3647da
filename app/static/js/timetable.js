/* Timetable editor: drag sessions between rooms and times, drag their lower edge to resize,
   drag down an empty column to create one. Positions snap to the grid's 5-minute rows.
   Every change is sent to the server, which refuses room double bookings; the grid then
   goes back to where it was and says why. Without a mouse, each session's page has a form. */
(function () {
  "use strict";
  var grid = document.getElementById("timetable");
  if (!grid) { return; }
  var status = document.getElementById("tt-status");
  var rows = parseInt(grid.dataset.rows, 10);
  var firstHour = parseInt(grid.dataset.firstHour, 10);
  var slot = parseInt(grid.dataset.slot, 10) || 5;
  var day = grid.dataset.day;
  var columns = Array.prototype.slice.call(grid.querySelectorAll(".tt-col-bg"));
  var FIRST_ROW = 2;  // row 1 holds the room names
  var THRESHOLD = 4;  // pixels before a press becomes a drag (so clicks still open the session)

  function classValue(el, prefix) {
    var found = null;
    el.classList.forEach(function (name) {
      if (name.indexOf(prefix) === 0 && /^\d+$/.test(name.slice(prefix.length))) {
        found = parseInt(name.slice(prefix.length), 10);
      }
    });
    return found;
  }

  function setClass(el, prefix, value) {
    Array.prototype.slice.call(el.classList).forEach(function (name) {
      if (name.indexOf(prefix) === 0 && /^\d+$/.test(name.slice(prefix.length))) { el.classList.remove(name); }
    });
    el.classList.add(prefix + value);
  }

  function place(el, pos) {
    setClass(el, "gr-", pos.row);
    setClass(el, "gs-", pos.span);
    setClass(el, "gc-", pos.column);
  }

  function positionOf(el) {
    return { row: classValue(el, "gr-"), span: classValue(el, "gs-"), column: classValue(el, "gc-") };
  }

  function rowHeight() {
    var rect = columns[0].getBoundingClientRect();
    return rect.height / rows;
  }

  function rowAt(clientY) {
    var rect = columns[0].getBoundingClientRect();
    var row = Math.floor((clientY - rect.top) / rowHeight()) + FIRST_ROW;
    return Math.max(FIRST_ROW, Math.min(FIRST_ROW + rows - 1, row));
  }

  function columnAt(clientX) {
    for (var i = 0; i < columns.length; i += 1) {
      var rect = columns[i].getBoundingClientRect();
      if (clientX >= rect.left && clientX < rect.right) { return columns[i]; }
    }
    return null;
  }

  function roomOfColumn(column) {
    for (var i = 0; i < columns.length; i += 1) {
      if (parseInt(columns[i].dataset.column, 10) === column) { return parseInt(columns[i].dataset.roomId, 10); }
    }
    return null;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function localStamp(minutes) {
    // minutes since midnight of the grid's day, in event time; may run past midnight
    var base = new Date(day + "T00:00:00Z");
    base.setUTCMinutes(base.getUTCMinutes() + minutes);
    return base.getUTCFullYear() + "-" + pad(base.getUTCMonth() + 1) + "-" + pad(base.getUTCDate()) +
      "T" + pad(base.getUTCHours()) + ":" + pad(base.getUTCMinutes());
  }

  function times(pos) {
    var start = firstHour * 60 + (pos.row - FIRST_ROW) * slot;
    return { start: localStamp(start), end: localStamp(start + pos.span * slot) };
  }

  function clock(stamp) { return stamp.slice(11, 16); }

  function say(message, kind) {
    if (!status) { return; }
    status.textContent = message;
    status.className = "alert alert-" + kind;
  }

  function showConflicts(conflicts) {
    grid.querySelectorAll(".tt-session").forEach(function (el) {
      var problems = conflicts[el.dataset.sessionId] || [];
      var flag = el.querySelector(".tt-flag");
      el.classList.toggle("tt-conflict", problems.length > 0);
      if (flag) {
        flag.hidden = problems.length === 0;
        flag.querySelector(".tt-flag-text").textContent = problems.join(" ");
        flag.title = problems.join(" ");
      }
    });
  }

  function save(el, pos, before) {
    var when = times(pos);
    var url = grid.dataset.moveUrl.replace(/\/0\/move\.json$/, "/" + el.dataset.sessionId + "/move.json");
    el.classList.add("tt-saving");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": grid.dataset.csrf, "Accept": "application/json" },
      body: JSON.stringify({ room_id: roomOfColumn(pos.column), start: when.start, end: when.end })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { ok: response.ok, body: body };
      });
    }).then(function (result) {
      el.classList.remove("tt-saving");
      if (!result.ok) {
        place(el, before);
        el.querySelector(".tt-time").textContent = clock(el.dataset.start) + "–" + clock(el.dataset.end);
        var message = (result.body.error && result.body.error.message) || grid.dataset.errorText || "Error";
        say(message, "danger");
        el.classList.add("tt-refused");
        return;
      }
      el.classList.remove("tt-refused");
      el.dataset.roomId = String(result.body.session.room_id);
      el.dataset.start = result.body.session.start;
      el.dataset.end = result.body.session.end;
      el.dataset.column = String(pos.column);
      showConflicts(result.body.conflicts || {});
      say(result.body.message, "success");
    }).catch(function () {
      el.classList.remove("tt-saving");
      place(el, before);
      say(grid.dataset.errorText || "The change could not be saved.", "danger");
    });
  }

  // --- moving and resizing ---
  var drag = null;
  var swallowClick = false;

  grid.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) { return; }
    var el = event.target.closest(".tt-session.tt-editable");
    if (el) {
      var pos = positionOf(el);
      drag = {
        el: el, mode: event.target.classList.contains("tt-resize") ? "resize" : "move",
        x: event.clientX, y: event.clientY, before: pos, pos: pos, moved: false,
        offsetRows: rowAt(event.clientY) - pos.row, pointerId: event.pointerId
      };
      // Capturing the pointer now would send the click to the block instead of its title
      // link, so a plain click would open nothing: a move captures once it is a drag.
      if (drag.mode === "resize") {
        el.setPointerCapture(event.pointerId);
        event.preventDefault();
      }
      return;
    }
    var column = event.target.closest(".tt-col-bg");
    if (column && grid.dataset.canCreate === "1") {
      var ghost = document.createElement("div");
      ghost.className = "tt-ghost";
      ghost.setAttribute("aria-hidden", "true");
      var start = rowAt(event.clientY);
      var c = parseInt(column.dataset.column, 10);
      place(ghost, { row: start, span: 12, column: c });
      grid.appendChild(ghost);
      drag = { mode: "create", ghost: ghost, startRow: start, column: c, pos: { row: start, span: 12, column: c },
               x: event.clientX, y: event.clientY, moved: false };
      column.setPointerCapture(event.pointerId);
      event.preventDefault();
    }
  });

  grid.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    if (!drag.moved && Math.abs(event.clientX - drag.x) < THRESHOLD && Math.abs(event.clientY - drag.y) < THRESHOLD) {
      return;
    }
    if (!drag.moved && drag.mode === "move" && drag.el.hasPointerCapture &&
        !drag.el.hasPointerCapture(drag.pointerId)) {
      drag.el.setPointerCapture(drag.pointerId);
    }
    drag.moved = true;
    var pos;
    if (drag.mode === "move") {
      var column = columnAt(event.clientX);
      var row = rowAt(event.clientY) - drag.offsetRows;
      row = Math.max(FIRST_ROW, Math.min(FIRST_ROW + rows - drag.before.span, row));
      pos = { row: row, span: drag.before.span,
              column: column ? parseInt(column.dataset.column, 10) : drag.pos.column };
      drag.el.classList.add("tt-dragging");
    } else if (drag.mode === "resize") {
      var end = rowAt(event.clientY);
      pos = { row: drag.before.row, span: Math.max(1, end - drag.before.row + 1), column: drag.before.column };
      drag.el.classList.add("tt-dragging");
    } else {
      var here = rowAt(event.clientY);
      var top = Math.min(here, drag.startRow);
      pos = { row: top, span: Math.abs(here - drag.startRow) + 1, column: drag.column };
    }
    drag.pos = pos;
    if (drag.mode === "create") {
      place(drag.ghost, pos);
      var span = times(pos);
      drag.ghost.textContent = clock(span.start) + "–" + clock(span.end);
    } else {
      place(drag.el, pos);
      var when = times(pos);
      drag.el.querySelector(".tt-time").textContent = clock(when.start) + "–" + clock(when.end);
    }
  });

  function finish(event, cancelled) {
    if (!drag) { return; }
    var current = drag;
    drag = null;
    if (current.mode === "create") {
      current.ghost.remove();
      if (cancelled) { return; }
      var when = times(current.pos);
      var url = grid.dataset.newUrl + "?room=" + roomOfColumn(current.column) +
        "&start=" + encodeURIComponent(when.start) + "&end=" + encodeURIComponent(when.end);
      window.location.assign(url);
      return;
    }
    current.el.classList.remove("tt-dragging");
    if (!current.moved) { return; }
    swallowClick = true;
    window.setTimeout(function () { swallowClick = false; }, 0);
    var same = current.pos.row === current.before.row && current.pos.span === current.before.span &&
      current.pos.column === current.before.column;
    if (cancelled || same) {
      place(current.el, current.before);
      current.el.querySelector(".tt-time").textContent =
        clock(current.el.dataset.start) + "–" + clock(current.el.dataset.end);
      return;
    }
    save(current.el, current.pos, current.before);
  }

  grid.addEventListener("pointerup", function (event) { finish(event, false); });
  grid.addEventListener("pointercancel", function (event) { finish(event, true); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && drag) { finish(event, true); }
  });
  // The browser's own link dragging would cancel our pointer events.
  grid.addEventListener("dragstart", function (event) { event.preventDefault(); });
  // A drag that ends over the title link must not also open the session.
  grid.addEventListener("click", function (event) {
    if (swallowClick) { event.preventDefault(); event.stopPropagation(); swallowClick = false; }
  }, true);
})();
