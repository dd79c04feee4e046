// The shop and the box office: quantity steppers that change the number in place, and the
// total kept up to date. Without this script the same buttons submit the form and the
// server does the same; nothing here is needed to buy.
(function () {
  "use strict";
  // After a refused step, take the keyboard to the first field to correct.
  if (document.querySelector("[data-error-summary]")) {
    var invalid = document.querySelector("[aria-invalid='true']");
    if (invalid) { invalid.focus(); }
  }
  var form = document.querySelector("form[data-shop]");
  if (!form) { return; }
  var lang = document.documentElement.lang || "fr";
  // French when the browser does not know the page's language (Tamazight, in most of them).
  var money = new Intl.NumberFormat([lang === "ar" ? "ar-u-nu-latn" : lang, "fr"],
                                    { style: "currency", currency: "EUR" });
  var total = form.querySelector("[data-total]");
  var announce = document.createElement("p");
  announce.className = "visually-hidden";
  announce.setAttribute("aria-live", "polite");
  form.appendChild(announce);

  function euros(text) {
    var cleaned = (text || "").replace(/[\s\u00a0\u202f\u20ac]/g, "").replace("\u066b", ".")
      .replace(",", ".");
    if (!/^\d{1,7}(\.\d{1,2})?$/.test(cleaned)) { return null; }
    return Math.round(parseFloat(cleaned) * 100);
  }

  function quantity(input) {
    var n = parseInt(input.value, 10);
    return isFinite(n) && n > 0 ? n : 0;
  }

  function update() {
    var cents = 0;
    form.querySelectorAll("[data-offer]").forEach(function (offer) {
      var input = offer.querySelector(".stepper-input");
      if (!input) { return; }
      var n = quantity(input);
      var max = parseInt(input.max, 10);
      var unit = parseInt(offer.getAttribute("data-unit"), 10) || 0;
      if (offer.hasAttribute("data-pwyw")) {
        var chosen = euros(offer.querySelector("[data-price]").value);
        if (chosen !== null) { unit = chosen; }
      }
      cents += n * unit;
      offer.querySelectorAll("[data-step]").forEach(function (button) {
        var off = button.getAttribute("data-step") === "-1" ? n <= 0 : n >= max;
        if (off) { button.setAttribute("aria-disabled", "true"); }
        else { button.removeAttribute("aria-disabled"); }
      });
    });
    var donation = form.querySelector("[data-donation]");
    var gift = donation ? euros(donation.value) : null;
    if (gift) { cents += gift; }
    if (total) {
      total.textContent = money.format(cents / 100);
      total.setAttribute("data-cents", String(cents));
    }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-step]");
    if (!button) { return; }
    event.preventDefault();
    if (button.getAttribute("aria-disabled") === "true") { return; }
    var input = document.getElementById(button.getAttribute("aria-controls"));
    var max = parseInt(input.max, 10);
    var next = Math.min(Math.max(quantity(input) + parseInt(button.getAttribute("data-step"), 10), 0), max);
    input.value = String(next);
    var offer = button.closest("[data-offer]");
    var name = offer ? offer.querySelector("h3") : null;
    announce.textContent = (name ? name.textContent + " : " : "") + next;
    update();
  });
  form.addEventListener("input", update);
  update();

  // The voucher: "Apply" asks the server without leaving the page. Its answer goes next to
  // the field (a live region) and the ticket the code opened appears right under it, with
  // the keyboard on it. Any surprise (offline, a refusal page) falls back to the plain
  // submission, which shows the same answer.
  var apply = form.querySelector("[data-voucher-apply]");
  var status = form.querySelector("[data-voucher-status]");
  var field = form.querySelector("#voucher");
  if (!apply || !status || !field || !window.fetch || !window.DOMParser) { return; }
  var busy = false;

  function showOpened() {
    var opened = form.querySelector("[data-voucher-offers] [data-voucher-opened]");
    if (!opened) { return; }
    opened.focus({ preventScroll: true });
    // The field, its answer and the ticket together, from the field down; on a screen too
    // short for all three, the answer and the ticket (the sticky total bar stays below).
    var row = field.closest(".field");
    row.scrollIntoView({ block: "start" });
    var bar = form.querySelector(".shop-bar");
    var bottom = bar ? bar.getBoundingClientRect().top : window.innerHeight;
    var short = opened.getBoundingClientRect().bottom + 8 - bottom;
    if (short > 0) { window.scrollBy(0, Math.min(short, status.getBoundingClientRect().top)); }
  }

  function send() {
    if (busy) { return; }
    busy = true;
    apply.setAttribute("aria-busy", "true");
    var data = new FormData(form);
    data.set("action", "apply");
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (response.status !== 200 && response.status !== 422) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var parts = ["[data-voucher-status]", "[data-voucher-offers]", "[data-offers]"];
        var found = parts.map(function (selector) { return page.querySelector(selector); });
        if (found.some(function (part) { return !part; })) { throw new Error("page"); }
        parts.forEach(function (selector, n) {
          form.querySelector(selector).innerHTML = found[n].innerHTML;
        });
        var answered = page.querySelector("#voucher");
        ["aria-invalid", "aria-describedby"].forEach(function (name) {
          if (answered.hasAttribute(name)) { field.setAttribute(name, answered.getAttribute(name)); }
          else { field.removeAttribute(name); }
        });
        field.value = answered.value;
        field.closest(".field").classList.toggle("has-error", answered.hasAttribute("aria-invalid"));
        form.querySelector("[data-voucher-applied]").value =
          page.querySelector("[data-voucher-applied]").value;
        update();
        showOpened();
      })
      .catch(function () {
        apply.setAttribute("data-submitting", "");
        if (form.requestSubmit) { form.requestSubmit(apply); } else { apply.click(); }
      })
      .then(function () { busy = false; apply.removeAttribute("aria-busy"); });
  }

  apply.addEventListener("click", function (event) {
    if (busy) { event.preventDefault(); return; }
    if (apply.hasAttribute("data-submitting")) { return; }
    event.preventDefault();
    send();
  });
  field.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); send(); }
  });
}());
