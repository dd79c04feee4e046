// The box office's cash helper, live: the change to give as the cash received is typed,
// from the total the shop script keeps (data-cents). Without this script the "Work out the
// change" button asks the server, which shows the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-shop]");
  var cash = form && form.querySelector("[data-cash]");
  if (!cash) { return; }
  var total = form.querySelector("[data-total]");
  var received = cash.querySelector("[data-received]");
  var change = cash.querySelector("[data-change]");
  var short = cash.querySelector("[data-short]");
  var lang = document.documentElement.lang || "fr";
  // French when the browser does not know the page's language (Tamazight, in most of them).
  var money = new Intl.NumberFormat([lang === "ar" ? "ar-u-nu-latn" : lang, "fr"],
                                    { style: "currency", currency: "EUR" });
  var missing = short.getAttribute("data-template") || "";

  function euros(text) {
    var cleaned = (text || "").replace(/[\s\u00a0\u202f\u20ac]/g, "").replace("\u066b", ".")
      .replace(",", ".");
    if (!/^\d{1,7}(\.\d{1,2})?$/.test(cleaned)) { return null; }
    return Math.round(parseFloat(cleaned) * 100);
  }

  function method() {
    var checked = form.querySelector("input[name='method']:checked");
    return checked ? checked.value : "";
  }

  function update() {
    var isCash = method() === "cash";
    cash.hidden = !isCash;
    var given = euros(received.value);
    var due = parseInt(total.getAttribute("data-cents"), 10) || 0;
    change.textContent = "";
    short.hidden = true;
    if (!isCash || given === null) { return; }
    if (given >= due) {
      change.textContent = money.format((given - due) / 100);
    } else {
      short.textContent = missing.replace("%(amount)s", money.format((due - given) / 100));
      short.hidden = false;
    }
  }

  cash.querySelector("[data-change-button]").hidden = true; // the change is shown live
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  new MutationObserver(update).observe(total, { attributes: true, childList: true });
  update();
})();
