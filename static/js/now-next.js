/* "Now and next" on the screens at the venue: refresh the board in place every minute, keep
   the last known programme when the network drops, and keep the clock going. */
(function () {
  "use strict";

  var board = document.getElementById("now-next");
  var clock = document.getElementById("now-clock");

  function tick() {
    if (!clock) { return; }
    try {
      clock.textContent = new Intl.DateTimeFormat(clock.dataset.lang || "fr", {
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Europe/Paris"
      }).format(new Date());
    } catch (e) { /* keep the server's time */ }
  }

  function refresh() {
    fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("now-next");
        if (fresh && board) {
          board.replaceWith(fresh);
          board = fresh;
          document.dispatchEvent(new CustomEvent("almoggar:board-refreshed"));
        }
        document.documentElement.classList.remove("is-offline");
      })
      .catch(function () {
        document.documentElement.classList.add("is-offline");
      })
      .then(schedule);
  }

  function schedule() {
    var seconds = parseInt((board && board.dataset.refresh) || "60", 10);
    window.setTimeout(refresh, Math.max(seconds, 15) * 1000);
  }

  if (board && board.dataset.frozen !== "true") {
    window.setInterval(tick, 10000);
    schedule();
  }
})();
