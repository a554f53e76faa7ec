// Shared behaviour of the browser surfaces (no inline script: the CSP
// forbids it). Every form works without this file; it adds the CSRF header
// to htmx requests, shows htmx errors, confirms destructive forms and keeps
// a form from being sent twice.
(function () {
  "use strict";
  function token() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = token();
  });
  document.addEventListener("htmx:responseError", function (e) {
    var slot = document.getElementById("page-error");
    if (slot && e.detail.xhr) {
      slot.innerHTML = e.detail.xhr.responseText;
      slot.scrollIntoView({ block: "nearest" });
    }
  });
  document.addEventListener("submit", function (e) {
    var f = e.target;
    var q = f.getAttribute("data-confirm");
    if (q && !window.confirm(q)) {
      e.preventDefault();
      return;
    }
    if (f.getAttribute("data-sent") === "1") {
      e.preventDefault();
      return;
    }
    f.setAttribute("data-sent", "1");
    f.querySelectorAll('button[type="submit"]').forEach(function (b) {
      b.setAttribute("aria-disabled", "true");
    });
  });
  // A page restored from the back/forward cache may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (f) {
      f.removeAttribute("data-sent");
    });
  });
})();
