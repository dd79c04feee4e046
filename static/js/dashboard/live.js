// The attendance dashboard refreshes itself: every few seconds it asks the server for its live
// part (HTML drawn by the server, charts included) and swaps it in, without reloading the page.
// It pauses while the tab is hidden, says when it last succeeded, and says so when it cannot.
(function () {
  "use strict";
  var region = document.querySelector("[data-live-region]");
  if (!region || !window.fetch) return;
  var url = region.getAttribute("data-live-url");
  var seconds = Math.max(2, parseInt(region.getAttribute("data-interval"), 10) || 5);
  var updated = document.querySelector("[data-updated]");
  var stale = document.querySelector("[data-live-stale]");
  var status = document.querySelector("[data-live-status]");
  var timer = null;
  var busy = false;

  // The element with the focus (a scrolling table), found again after the swap.
  function focusedId() {
    var active = document.activeElement;
    return active && region.contains(active) && active.id ? active.id : null;
  }

  function scrollPositions() {
    var positions = {};
    region.querySelectorAll("[id].table-scroll").forEach(function (box) {
      positions[box.id] = [box.scrollTop, box.scrollLeft];
    });
    return positions;
  }

  function restore(id, positions) {
    Object.keys(positions).forEach(function (key) {
      var box = document.getElementById(key);
      if (box) { box.scrollTop = positions[key][0]; box.scrollLeft = positions[key][1]; }
    });
    if (id) {
      var again = document.getElementById(id);
      if (again) again.focus({ preventScroll: true });
    }
  }

  function markStale(isStale) {
    if (stale) stale.hidden = !isStale;
    if (status) status.classList.toggle("is-stale", isStale);
  }

  function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" },
                 cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var id = focusedId();
        var positions = scrollPositions();
        region.innerHTML = data.html;
        restore(id, positions);
        if (updated) {
          updated.textContent = data.updated_label;
          updated.setAttribute("datetime", data.updated_at);
        }
        region.setAttribute("data-updated-at", data.updated_at);
        markStale(false);
      })
      .catch(function () { markStale(true); })
      .then(function () { busy = false; });
  }

  function start() {
    if (timer === null) timer = window.setInterval(refresh, seconds * 1000);
  }

  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { stop(); } else { refresh(); start(); }
  });
  start();
})();
