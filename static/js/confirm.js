// Ask before a step that cannot be undone. A form with data-confirm-dialog="question"
// opens a dialog first; confirming adds confirmed=1 and sends the form. Without
// JavaScript the server asks on a page of its own (core/confirm.py). No inline scripts:
// the CSP forbids them.
(function () {
  "use strict";
  var template = document.getElementById("confirm-dialog-template");
  if (!template || typeof HTMLDialogElement === "undefined") {
    return; // the server's confirmation page asks instead
  }

  function shown(form) {
    // What the user chose or wrote in the fields marked data-confirm-show.
    var rows = [];
    form.querySelectorAll("[data-confirm-show]").forEach(function (field) {
      var label;
      var value = "";
      if (field.tagName === "FIELDSET") {
        var legend = field.querySelector("legend");
        var checked = field.querySelector("input:checked");
        label = legend ? legend.textContent : "";
        if (checked) {
          var text = form.querySelector("label[for='" + checked.id + "']");
          value = text ? text.textContent : checked.value;
        }
      } else {
        var own = form.querySelector("label[for='" + field.id + "']");
        label = own ? own.textContent : field.name;
        value = field.value.trim();
      }
      if (value) {
        rows.push([label.trim(), value]);
      }
    });
    return rows;
  }

  function ask(form, submitter) {
    var dialog = template.content.firstElementChild.cloneNode(true);
    dialog.querySelector("[data-confirm-question]").textContent =
      form.getAttribute("data-confirm-dialog");
    var list = dialog.querySelector("[data-confirm-details]");
    shown(form).forEach(function (row) {
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = row[0];
      dd.textContent = row[1];
      list.append(dt, dd);
    });
    list.hidden = !list.children.length;
    var ok = dialog.querySelector("[data-confirm-ok]");
    ok.textContent = form.getAttribute("data-confirm-button") || ok.textContent;
    ok.classList.add(form.hasAttribute("data-confirm-danger") ? "btn-danger" : "btn-primary");
    dialog.querySelector("[data-confirm-cancel]").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      dialog.remove();
      if (submitter) {
        submitter.focus();
      }
    });
    ok.addEventListener("click", function () {
      var field = form.querySelector("input[name=confirmed]");
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "confirmed";
        form.append(field);
      }
      field.value = "1";
      form.setAttribute("data-confirmed", "1");
      dialog.close();
      form.requestSubmit(submitter || undefined);
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector("[data-confirm-cancel]").focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-confirm-dialog") || form.getAttribute("data-confirmed") === "1") {
      return;
    }
    event.preventDefault();
    ask(form, event.submitter);
  });
})();
