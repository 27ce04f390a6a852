// Despacho por planilha: follow the job's progress without reloading, then show the result.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh).
"use strict";

(function () {
  const box = document.getElementById("jet-dispatch-progress");
  if (!box || box.dataset.done === "1") {
    return;
  }
  const bar = document.getElementById("jet-dispatch-bar");
  const status = document.getElementById("jet-dispatch-status");

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + " %";
    document.querySelectorAll("[data-field]").forEach(function (element) {
      const value = data[element.dataset.field];
      if (value !== undefined) {
        element.textContent = value;
      }
    });
    status.textContent = data.status_label;
  }

  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response.status);
      })
      .then(function (data) {
        show(data);
        if (data.done) {
          // The finished page lists what was not dispatched and links to the result file.
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
