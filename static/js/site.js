// Site-wide behaviour: the main menu is a <details> on phones and always open on wide screens.
(function () {
  "use strict";
  // A table that scrolls sideways on a small screen (or, like the organisers' programme grid,
  // up and down in its box) must be reachable with the keyboard.
  Array.prototype.forEach.call(document.querySelectorAll(".table-scroll"), function (box) {
    var scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var heading = box.previousElementSibling;
      box.setAttribute("aria-label", (heading && heading.textContent.trim()) || document.title);
    }
  });
  var menu = document.querySelector("details.menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 48rem)");
  function sync() {
    if (wide.matches) menu.setAttribute("open", "");
    else menu.removeAttribute("open");
  }
  sync();
  if (wide.addEventListener) wide.addEventListener("change", sync);
  // Escape closes the phone menu and gives the focus back to its button.
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !wide.matches && menu.open) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    }
  });
})();
