// Checklist editor. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  // Ask before a form marked data-confirm is sent (deleting a draft or an item).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Item form: show the choices and thresholds fieldsets only for the answer types they
  // apply to. Hidden fields are still sent, so nothing the user typed is lost.
  var answerType = document.getElementById("id_answer_type");
  if (!answerType) {
    return;
  }
  function update() {
    document.querySelectorAll("[data-answer-types]").forEach(function (fieldset) {
      var types = fieldset.getAttribute("data-answer-types").split(" ");
      fieldset.hidden = types.indexOf(answerType.value) === -1;
    });
  }
  answerType.addEventListener("change", update);
  update();
})();
