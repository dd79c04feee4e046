// After pairing: keep the device's token in this browser and open the scanner.
(function () {
  "use strict";
  var paired = document.getElementById("paired");
  if (!paired) return;
  try {
    localStorage.setItem("almoggar.scanner.token", paired.dataset.token);
    paired.removeAttribute("data-token");
    window.location.replace(paired.dataset.scanner);
  } catch (error) {
    document.getElementById("paired-status").textContent = String(error);
  }
})();
