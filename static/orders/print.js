// The packing list's "Imprimir" button: shown only when scripts run (Ctrl+P works anyway).
// A static file, not an inline handler: the Content-Security-Policy allows no inline script.
"use strict";

(function () {
  document.querySelectorAll("[data-jet-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
