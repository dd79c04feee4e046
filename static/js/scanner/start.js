// The door's start page: a phone already paired says so, with the way to its scanner.
(function () {
  "use strict";
  var paired = document.getElementById("start-paired");
  try {
    if (paired && localStorage.getItem("almoggar.scanner.token")) paired.hidden = false;
  } catch (error) { /* storage refused: the form is still there */ }
})();
