// "Processar pedido": show only the chosen status's fields, read a pasted or uploaded NF-e XML
// into the key and invoice number, and submit once. The form works without any of this.
"use strict";

(function () {
  const form = document.getElementById("jet-process-form");
  if (!form) {
    return;
  }
  const groups = form.querySelectorAll("[data-status-fields]");

  function showChosenFields() {
    const chosen = form.querySelector("input[name=to_status]:checked");
    groups.forEach(function (group) {
      group.hidden = !chosen || group.dataset.statusFields !== chosen.value;
    });
  }

  // Fills the key and number only where they are empty; the server cross-checks them anyway.
  function fillFromXml(text) {
    const doc = new DOMParser().parseFromString(text, "application/xml");
    const info = doc.getElementsByTagNameNS("*", "infNFe")[0];
    const number = doc.getElementsByTagNameNS("*", "nNF")[0];
    const key = form.querySelector("[name$='nfe_key']");
    const invoice = form.querySelector("[name$='invoice_number']");
    const id = info ? info.getAttribute("Id") || "" : "";
    if (key && !key.value && id.startsWith("NFe")) {
      key.value = id.slice(3);
    }
    if (invoice && !invoice.value && number) {
      invoice.value = number.textContent.trim().replace(/^0+/, "");
    }
  }

  const pasted = form.querySelector("[name$='nfe_xml']");
  if (pasted) {
    pasted.addEventListener("change", function () { fillFromXml(pasted.value); });
  }
  const upload = form.querySelector("[name$='nfe_xml_file']");
  if (upload) {
    upload.addEventListener("change", function () {
      if (upload.files.length) {
        upload.files[0].text().then(fillFromXml);
      }
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "to_status") {
      showChosenFields();
    }
  });
  showChosenFields();

  // One click, one submission: later clicks and Enter presses are ignored.
  let submitted = false;
  form.addEventListener("submit", function (event) {
    if (submitted) {
      event.preventDefault();
      return;
    }
    submitted = true;
    const button = document.getElementById("jet-process-submit");
    window.setTimeout(function () {
      button.disabled = true;
      button.value = button.dataset.busyLabel || button.value;
    }, 0);
  });
})();
