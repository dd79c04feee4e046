/* The organisers' programme grid: drag a session to another room or time. The drop asks the
   server which clashes the move would cause (nothing saved), shows them, and saves only when
   the organiser confirms; then the page reloads with the grid as saved. */
(function () {
  "use strict";

  var grid = document.querySelector(".prog-grid-edit");
  var dialog = document.getElementById("move-dialog");
  if (!grid || !dialog) { return; }
  var csrf = document.querySelector("[data-csrf]").getAttribute("data-csrf");
  var sentence = document.querySelector("[data-text-to]").getAttribute("data-text-to");
  var step = parseInt(grid.getAttribute("data-step"), 10) || 5;
  var first = grid.getAttribute("data-first");   // "09:00", the first line's time
  var dragged = null;
  var grabbed = 0;   // rows between the card's top and where it was taken
  var pending = null;

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
                 height: box.height };
      }
    }
    if (!room) { return null; }
    var offset = Math.max(0, Math.round((y - room.top) / rowHeight() - grabbed));
    return { room: room.id, start: hhmm(minutesOf(first) + offset * step) };
  }

  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrf, "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      });
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
    dialog.querySelector("[data-move-save]").hidden = clashes;
    dialog.querySelector("[data-move-force]").hidden = !clashes;
    var error = dialog.querySelector("[data-move-error]");
    error.hidden = !answer.error;
    error.textContent = answer.error ? [answer.error].concat(answer.details || []).join(" ") : "";
    if (answer.title) {
      dialog.querySelector("[data-move-what]").textContent = sentence
        .replace("%(title)s", answer.title).replace("%(room)s", answer.room)
        .replace("%(span)s", answer.span);
    }
    if (!dialog.open) { dialog.showModal(); }
  }

  function save(force) {
    if (!pending) { return; }
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
  grid.addEventListener("dragend", function () { grid.classList.remove("is-dragging"); });
  grid.addEventListener("dragover", function (event) {
    if (dragged && target(event.clientX, event.clientY)) { event.preventDefault(); }
  });
  grid.addEventListener("drop", function (event) {
    event.preventDefault();
    var where = dragged && target(event.clientX, event.clientY);
    if (!where) { return; }
    pending = { url: dragged.getAttribute("data-move"), room: where.room, start: where.start };
    post(pending.url, { room_id: where.room, day: grid.getAttribute("data-day"),
                        start: where.start, check: "1" }).then(function (result) { show(result.data); });
  });
  dialog.querySelector("[data-move-save]").addEventListener("click", function () { save(false); });
  dialog.querySelector("[data-move-force]").addEventListener("click", function () { save(true); });
})();
