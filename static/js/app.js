// DueDiligence page behaviour. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";
  // htmx sends the CSRF token with every request it makes.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    var cookie = document.cookie.split("; ").find(function (c) { return c.indexOf("csrftoken=") === 0; });
    var value = token ? token.content : (cookie ? cookie.split("=")[1] : null);
    if (value) { event.detail.headers["X-CSRFToken"] = value; }
  });

  var TYPING = "input:not([type=radio]):not([type=checkbox]):not([type=hidden]), textarea, select";

  // An answer's save swaps small pieces out of band; none of them may replace a field
  // the user is in, or one whose value changed since the save was sent (data-sent):
  // a later save then sends what the user typed, not what the server normalised.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    if (active && active !== document.body && target.contains(active) && active.matches(TYPING)) {
      event.detail.shouldSwap = false;
      return;
    }
    var incoming = event.detail.fragment && event.detail.fragment.firstElementChild;
    var sent = incoming ? incoming.getAttribute("data-sent") : null;
    if (sent !== null && "value" in target && target.value !== sent) {
      event.detail.shouldSwap = false;
    }
  });

  // After a save the server says which conditional items of the section now show
  // (HX-Trigger "dd:visibility"); they are shown or hidden where they are.
  document.addEventListener("dd:visibility", function (event) {
    var items = (event.detail && event.detail.items) || {};
    Object.keys(items).forEach(function (code) {
      var item = document.getElementById("item-" + code);
      if (!item) { return; }
      var shown = Boolean(items[code]);
      item.hidden = !shown;
      item.classList.toggle("d-none", !shown);
      item.setAttribute("data-visible", shown ? "true" : "false");
    });
  });
  // Approving: the vendor's next status follows the conclusion chosen, so "do not adopt"
  // never leaves "make it approved" checked (the server refuses that pair either way).
  document.addEventListener("change", function (event) {
    var radio = event.target;
    if (!radio.matches || !radio.matches("input[name=conclusion]")) { return; }
    var form = radio.form;
    var statuses = form ? form.querySelectorAll("input[name=vendor_status]") : [];
    if (!statuses.length) { return; }
    var pick = function (value) {
      statuses.forEach(function (s) { if (s.value === value) { s.checked = true; } });
    };
    var current = form.querySelector("input[name=vendor_status]:checked");
    var value = current ? current.value : "";
    var forward = ["approved", "active"];
    if (radio.value === "reject" && forward.indexOf(value) !== -1) {
      var rejected = form.querySelector("input[name=vendor_status][value=rejected]");
      pick(rejected ? "rejected" : "");
    } else if (radio.value !== "reject" && value === "rejected") {
      var next = Array.prototype.find.call(statuses, function (s) {
        return forward.indexOf(s.value) !== -1;
      });
      pick(next ? next.value : "");
    }
  });
})();
