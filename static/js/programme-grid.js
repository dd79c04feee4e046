/* The organisers' programme grid: drag a session to another room or time. While it is
   dragged, a frame shows where it would land (snapped to the grid's step, its duration kept).
   The drop asks the server which clashes the move would cause (nothing saved), shows them, and
   saves only when the organiser confirms; then the page reloads with the grid as saved. */
(function () {
  "use strict";

  var grid = document.querySelector(".prog-grid-edit");
  var dialog = document.getElementById("move-dialog");
  if (!grid || !dialog) { return; }
  var csrf = document.querySelector("[data-csrf]").getAttribute("data-csrf");
  var sentence = document.querySelector("[data-text-to]").getAttribute("data-text-to");
  var failed = document.querySelector("[data-text-failed]").getAttribute("data-text-failed");
  var step = parseInt(grid.getAttribute("data-step"), 10) || 5;
  var first = grid.getAttribute("data-first");   // "09:00", the first line's time
  var dragged = null;
  var grabbed = 0;   // rows between the card's top and where it was taken
  var pending = null;
  var ghost = document.createElement("span");
  ghost.className = "prog-ghost";
  ghost.setAttribute("aria-hidden", "true");
  ghost.hidden = true;
  grid.appendChild(ghost);

  function minutesOf(hhmm) {
    var parts = hhmm.split(":");
    return parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10);
  }

  function hhmm(minutes) {
    var h = Math.floor(minutes / 60) % 24;
    var m = minutes % 60;
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
  }

  // Where a point of the grid is: the room of the column under it and the time of the line
  // above it (snapped to the grid's step), measured from the page itself.
  function rowHeight() {
    var zone = grid.querySelector("[data-drop-room]");
    return zone.getBoundingClientRect().height / parseInt(grid.getAttribute("data-grid-rows"), 10);
  }

  function target(x, y) {
    var zones = grid.querySelectorAll("[data-drop-room]");
    var room = null;
    for (var i = 0; i < zones.length; i += 1) {
      var box = zones[i].getBoundingClientRect();
      if (x >= box.left && x <= box.right && y >= box.top && y <= box.bottom) {
        room = { id: zones[i].getAttribute("data-drop-room"), top: box.top,
                 height: box.height, zone: zones[i] };
      }
    }
    if (!room) { return null; }
    var offset = Math.max(0, Math.round((y - room.top) / rowHeight() - grabbed));
    return { room: room.id, zone: room.zone, offset: offset,
             start: hhmm(minutesOf(first) + offset * step) };
  }

  // The frame where the dragged session would land: the drop zone's column, from the row of
  // its start for as many rows as it lasts (cut at the end of the grid).
  function showGhost(where) {
    if (!where) { ghost.hidden = true; return; }
    var minutes = parseInt(dragged.getAttribute("data-minutes"), 10) || step;
    var rows = Math.max(1, Math.ceil(minutes / step));
    var total = parseInt(grid.getAttribute("data-grid-rows"), 10);
    var firstRow = parseInt(window.getComputedStyle(where.zone).gridRowStart, 10);
    ghost.style.gridColumn = where.zone.style.gridColumn;
    ghost.style.gridRow = (firstRow + where.offset) + " / span " +
      Math.max(1, Math.min(rows, total - where.offset));
    ghost.textContent = where.start + "–" + hhmm(minutesOf(where.start) + minutes);
    ghost.hidden = false;
  }

  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrf, "Accept": "application/json" } })
      .then(function (response) {
        // A refusal before the view (an expired form, a lost login) answers a page, not JSON.
        if ((response.headers.get("Content-Type") || "").indexOf("application/json") !== 0) {
          return { status: response.status, data: { error: failed } };
        }
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      })
      .catch(function () { return { status: 0, data: { error: failed } }; });
  }

  function show(answer) {
    var list = dialog.querySelector("[data-move-clash-list]");
    list.textContent = "";
    (answer.clashes || []).forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    var clashes = (answer.clashes || []).length > 0;
    dialog.querySelector("[data-move-clashes]").hidden = !clashes;
    dialog.querySelector("[data-move-save]").hidden = clashes || Boolean(answer.error);
    dialog.querySelector("[data-move-force]").hidden = !clashes;
    dialog.querySelector("[data-move-save]").disabled = false;
    dialog.querySelector("[data-move-force]").disabled = false;
    var error = dialog.querySelector("[data-move-error]");
    error.hidden = !answer.error;
    error.textContent = answer.error ? [answer.error].concat(answer.details || []).join(" ") : "";
    var what = dialog.querySelector("[data-move-what]");
    if (answer.title) {
      what.textContent = sentence
        .replace("%(title)s", answer.title).replace("%(room)s", answer.room)
        .replace("%(span)s", answer.span);
    }
    what.hidden = !what.textContent;
    if (!dialog.open) { dialog.showModal(); }
    // Enter must not save a clash by accident: with clashes (or an error) the focus starts on
    // "Cancel".
    dialog.querySelector(clashes || answer.error ? "button[value=cancel]" : "[data-move-save]")
      .focus();
  }

  function save(force) {
    if (!pending) { return; }
    dialog.querySelector("[data-move-save]").disabled = true;
    dialog.querySelector("[data-move-force]").disabled = true;
    var fields = { room_id: pending.room, day: grid.getAttribute("data-day"),
                   start: pending.start };
    if (force) { fields.confirm_clashes = "1"; }
    post(pending.url, fields).then(function (result) {
      if (result.status === 200 && result.data.saved) {
        window.location.reload();
      } else {
        show(result.data);
      }
    });
  }

  grid.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-move]");
    if (!card) { return; }
    dragged = card;
    grabbed = (event.clientY - card.getBoundingClientRect().top) / rowHeight();
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-session"));
    grid.classList.add("is-dragging");
  });
  grid.addEventListener("dragend", function () {
    grid.classList.remove("is-dragging");
    if (!pending) { ghost.hidden = true; }
  });
  grid.addEventListener("dragover", function (event) {
    var where = dragged && target(event.clientX, event.clientY);
    if (where) { event.preventDefault(); }
    if (dragged) { showGhost(where); }
  });
  grid.addEventListener("drop", function (event) {
    event.preventDefault();
    var where = dragged && target(event.clientX, event.clientY);
    if (!where) { ghost.hidden = true; return; }
    showGhost(where);
    dialog.querySelector("[data-move-what]").textContent = "";
    pending = { url: dragged.getAttribute("data-move"), room: where.room, start: where.start };
    post(pending.url, { room_id: where.room, day: grid.getAttribute("data-day"),
                        start: where.start, check: "1" }).then(function (result) { show(result.data); });
  });
  // Cancelled (its button or Escape): nothing moves.
  dialog.addEventListener("close", function () {
    pending = null;
    dragged = null;
    ghost.hidden = true;
  });
  dialog.querySelector("[data-move-save]").addEventListener("click", function () { save(false); });
  dialog.querySelector("[data-move-force]").addEventListener("click", function () { save(true); });
})();
