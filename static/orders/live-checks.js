// The dispatch forms ("Processar pedido", "Corrigir dados do despacho") warn while the lojista
// types: what is typed so far goes to the same-origin check endpoint, which runs the very rules
// the save runs (orders.status_fields), and the answer is shown under the tracking code.
// Without JavaScript the save shows the same warnings on a confirmation step instead.
"use strict";

(function () {
  const form = document.getElementById("jet-process-form");
  const region = form ? form.querySelector("[data-live-checks]") : null;
  if (!region || !form.dataset.checkUrl) {
    return;
  }
  const FIELDS = [
    "invoice_number", "nfe_key", "carrier", "shipping_method",
    "tracking_code", "nfe_content", "nfe_xml",
  ];
  const fieldset = region.closest("fieldset");
  const trackingRow = fieldset.querySelector(".field-tracking_code");
  if (trackingRow) {
    trackingRow.after(region);
  }

  function input(name) {
    return fieldset.querySelector("[name='" + name + "'], [name$='-" + name + "']");
  }

  function item(className, text) {
    const li = document.createElement("li");
    li.className = className;
    li.textContent = text;
    return li;
  }

  function show(result) {
    region.replaceChildren();
    const list = document.createElement("ul");
    (result.warnings || []).forEach(function (text) {
      list.append(item("jet-live-warning", "⚠ " + text));
    });
    Object.entries(result.problems || {}).forEach(function ([name, messages]) {
      const label = (result.labels || {})[name] || name;
      messages.forEach(function (text) {
        list.append(item("jet-live-problem", "✕ " + label + ": " + text));
      });
    });
    region.hidden = !list.children.length;
    if (list.children.length) {
      region.append(list);
    }
  }

  let timer = null;
  let latest = 0;
  function check() {
    const body = new FormData();
    const token = form.querySelector("[name=csrfmiddlewaretoken]");
    body.append("csrfmiddlewaretoken", token ? token.value : "");
    FIELDS.forEach(function (name) {
      const field = input(name);
      body.append(name, field ? field.value : "");
    });
    const mine = ++latest;
    fetch(form.dataset.checkUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) {
        // Only the answer to the latest keystroke counts; an older one may arrive later.
        if (result && mine === latest) {
          show(result);
        }
      })
      .catch(function () { /* A failed check is no warning: the save checks again. */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 300);
  }

  FIELDS.forEach(function (name) {
    const field = input(name);
    if (field) {
      field.addEventListener("input", later);
      field.addEventListener("change", later);
    }
  });
  // A form shown again (errors, a confirmation step) is checked at once.
  if (FIELDS.some(function (name) { const f = input(name); return f && f.value; })) {
    check();
  }
})();
