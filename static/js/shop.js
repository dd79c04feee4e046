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
  var money = new Intl.NumberFormat(lang === "ar" ? "ar-u-nu-latn" : lang,
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
}());
