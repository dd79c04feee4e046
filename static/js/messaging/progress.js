// A mailing's progress while the sender works: poll its counts every few seconds, update the
// bar and the figures, and stop once nothing waits. Without this script the page shows the
// counts of its last load and a "Refresh" link.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("[data-progress-bar]");
  var text = box.querySelector("[data-progress-text]");
  var waiting = document.querySelector("[data-progress-waiting]");
  var done = document.querySelector("[data-progress-done]");
  var link = document.querySelector("[data-refresh-link]");
  var EVERY = 2000;
  var failures = 0;

  if (link) { link.hidden = true; }

  function show(p) {
    bar.max = p.queued || 1;
    bar.value = p.sent;
    if (text.textContent !== p.text) { text.textContent = p.text; }
    ["queued", "sent", "waiting", "failed", "bounced"].forEach(function (key) {
      var cell = document.querySelector("[data-count='" + key + "']");
      if (cell) { cell.textContent = p[key]; }
    });
    if (p.done) {
      if (waiting) { waiting.hidden = true; }
      if (done) { done.hidden = false; }
    }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (p) {
        failures = 0;
        show(p);
        if (!p.done) { window.setTimeout(poll, EVERY); }
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) { window.setTimeout(poll, EVERY * 2); }
        else if (link) { link.hidden = false; }
      });
  }

  window.setTimeout(poll, EVERY);
})();
