// The compose page's live count: as the filters change, ask the back office how many people
// the message reaches (debounced) and say it in the polite live region. Without this script
// the "Count" button saves the draft and shows the same count.
(function () {
  "use strict";
  var form = document.querySelector("form[data-compose]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-count-url");
  var reach = form.querySelector("[data-reach]");
  var box = form.querySelector("[data-reach-box]");
  var button = form.querySelector("[data-count-button]");
  var FILTERS = ["ticket_type_ids", "days", "checked_in", "statuses", "languages"];
  var timer = null;
  var asked = 0;

  function query() {
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) {
      form.querySelectorAll("input[name='" + name + "']").forEach(function (input) {
        if (input.checked) { params.append(name, input.value); }
      });
    });
    return params.toString();
  }

  function count() {
    var mine = ++asked;
    box.setAttribute("aria-busy", "true");
    fetch(url + "?" + query(), { headers: { "Accept": "application/json" },
                                 credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (mine !== asked) { return; }  // a newer count is on its way
        box.removeAttribute("aria-busy");
        var body = answer.body || {};
        reach.textContent = answer.ok ? body.text : (body.message || "");
        box.classList.toggle("reach-warn", !answer.ok || Boolean(body.too_many));
      })
      .catch(function () {
        if (mine !== asked) { return; }
        box.removeAttribute("aria-busy");
        button.hidden = false;  // offline or refused: the button still counts
      });
  }

  function changed(event) {
    if (!event.target.name || FILTERS.indexOf(event.target.name) < 0) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(count, 350);
  }

  button.hidden = true;  // the count is shown live
  form.addEventListener("change", changed);
  if (!reach.textContent.trim()) { count(); }
})();
