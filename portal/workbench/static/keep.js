// Keeps what a staff member typed when the session ended mid-form: on
// submit the form's fields are saved to sessionStorage (this tab only);
// if the answer was the login page, the page the login comes back to puts
// them back into the same form. A page that shows a confirmation (the
// post succeeded) forgets them. The case page also polls its version and
// offers to reload when someone else changed the case.
(function () {
  "use strict";
  var KEY = "wb-keep:";
  function formKey(f) { return KEY + location.pathname + "#" + (f.id || f.getAttribute("action")); }
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (!f.id || f.getAttribute("data-nokeep")) { return; }
    var data = [];
    Array.prototype.forEach.call(f.elements, function (el) {
      if (!el.name || el.name === "_csrf" || el.name === "version" || el.type === "file" || el.type === "password") { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      data.push([el.name, el.value]);
    });
    try { sessionStorage.setItem(formKey(f), JSON.stringify({ at: Date.now(), data: data })); } catch (err) { /* full or off */ }
  }, true);
  function restore() {
    var done = document.querySelector(".flash");
    if (done || document.querySelector(".alert")) {
      // Sent (or refused with the values kept by the server): forget every
      // saved form of this page, also of forms this page no longer shows.
      try {
        for (var i = sessionStorage.length - 1; i >= 0; i--) {
          var k = sessionStorage.key(i);
          if (k && k.indexOf(KEY + location.pathname + "#") === 0) { sessionStorage.removeItem(k); }
        }
      } catch (err) { /* storage off */ }
      return;
    }
    document.querySelectorAll("form[id]").forEach(function (f) {
      var k = formKey(f), raw;
      try { raw = sessionStorage.getItem(k); } catch (err) { return; }
      if (!raw) { return; }
      sessionStorage.removeItem(k);
      var saved;
      try { saved = JSON.parse(raw); } catch (err) { return; }
      if (!saved || Date.now() - saved.at > 12 * 3600 * 1000) { return; }
      saved.data.forEach(function (pair) {
        var els = f.querySelectorAll('[name="' + pair[0].replace(/"/g, "") + '"]');
        els.forEach(function (el) {
          if (el.type === "checkbox" || el.type === "radio") {
            if (el.value === pair[1]) { el.checked = true; }
          } else { el.value = pair[1]; }
        });
      });
      var d = f.closest("details");
      if (d) { d.open = true; }
      var note = document.createElement("p");
      note.className = "flash";
      note.setAttribute("role", "status");
      note.textContent = "已恢复登录前填写的内容，请检查后重新提交。";
      f.insertBefore(note, f.firstChild);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", restore); } else { restore(); }
})();
