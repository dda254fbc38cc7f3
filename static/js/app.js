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
})();
