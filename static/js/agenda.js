/* A visitor's own agenda, kept in this browser (localStorage), one list of session ids per
   edition: ☆ buttons add and remove sessions; the agenda page shows the starred ones and
   builds their calendar link; the now/next board marks them. Nothing goes to the server. */
(function () {
  "use strict";

  var root = document.querySelector("[data-agenda]") || document.querySelector("[data-year]");
  var year = (root && root.getAttribute("data-year")) ||
    (window.location.pathname.match(/^\/(\d{4})\//) || [])[1];
  if (!year) { return; }
  var KEY = "almoggar-agenda-" + year;
  var LIMIT = parseInt((root && root.getAttribute("data-limit")) || "200", 10);

  function read() {
    try {
      var ids = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (id) {
        return typeof id === "number" && id > 0 && id % 1 === 0;
      }).slice(0, LIMIT) : [];
    } catch (e) { return []; }
  }

  function write(ids) {
    try { window.localStorage.setItem(KEY, JSON.stringify(ids)); } catch (e) { /* private mode */ }
  }

  function paint(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.querySelector(".star-icon").textContent = on ? "★" : "☆";
    button.querySelector(".star-add").hidden = on;
    button.querySelector(".star-remove").hidden = !on;
  }

  function refresh() {
    var ids = read();
    Array.prototype.forEach.call(document.querySelectorAll("[data-star]"), function (button) {
      button.hidden = false;
      paint(button, ids.indexOf(parseInt(button.getAttribute("data-star"), 10)) !== -1);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-starrable]"), function (item) {
      item.classList.toggle("is-starred",
        ids.indexOf(parseInt(item.getAttribute("data-starrable"), 10)) !== -1);
    });
    var page = document.querySelector("[data-agenda]");
    if (!page) { return; }
    var shown = 0;
    var day = null;
    var dayHasItems = false;
    Array.prototype.forEach.call(page.children, function (child) {
      if (child.hasAttribute("data-agenda-day")) {
        if (day) { day.hidden = !dayHasItems; }
        day = child;
        dayHasItems = false;
      } else if (child.hasAttribute("data-agenda-item")) {
        var on = ids.indexOf(parseInt(child.getAttribute("data-agenda-item"), 10)) !== -1;
        child.hidden = !on;
        if (on) { shown += 1; dayHasItems = true; }
      }
    });
    if (day) { day.hidden = !dayHasItems; }
    page.querySelector("[data-agenda-empty]").hidden = shown > 0;
    page.querySelector("[data-agenda-actions]").hidden = shown === 0;
    page.querySelector("[data-agenda-ics]").href =
      page.getAttribute("data-ics") + "?s=" + ids.join(",");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-star]");
    if (!button) { return; }
    var id = parseInt(button.getAttribute("data-star"), 10);
    var ids = read();
    var at = ids.indexOf(id);
    if (at === -1) {
      if (ids.length >= LIMIT) { return; }
      ids.push(id);
    } else {
      ids.splice(at, 1);
    }
    write(ids);
    refresh();
    button.focus();
  });
  // Another tab changed the agenda; the now/next board was refreshed in place.
  window.addEventListener("storage", function (event) { if (event.key === KEY) { refresh(); } });
  document.addEventListener("almoggar:board-refreshed", refresh);
  refresh();
})();
