// "Payment being confirmed": ask the server every few seconds whether the payment service
// has told it about the payment, and show the paid order as soon as it has. Without this
// script the page refreshes itself (a <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  if (!box) { return; }
  var url = box.getAttribute("data-poll");
  var reload = box.getAttribute("data-reload");
  var tries = 0;

  function later(ms) { window.setTimeout(check, ms); }

  function check() {
    tries += 1;
    if (tries === 30) {
      var late = box.querySelector("[data-poll-late]");
      if (late) { late.hidden = false; }
    }
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.status && data.status !== "pending") {
          window.location.replace(reload);
          return;
        }
        later(tries < 30 ? 2000 : 10000);
      })
      .catch(function () { later(5000); });
  }
  later(1500);
}());
