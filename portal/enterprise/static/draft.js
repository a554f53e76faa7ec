// Keeps a draft of the long application form in this browser (localStorage),
// so that a closed tab or a lost connection does not lose it. Files are not
// kept. The draft is dropped when the form is sent; the page works without
// this file.
(function () {
  "use strict";
  var form = document.getElementById("application");
  if (!form || !window.localStorage) return;
  var KEY = "sunshine.application.draft.v1";
  var status = document.getElementById("draft-status");
  function say(t) { if (status) status.textContent = t; }
  function save() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "hidden" || el.name === "_csrf") return;
      if (el.type === "checkbox" || el.type === "radio") {
        if (!data[el.name]) data[el.name] = [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = el.value;
      }
    });
    try {
      localStorage.setItem(KEY, JSON.stringify(data));
      say("草稿已自动保存在本机浏览器（" + new Date().toLocaleTimeString("zh-CN") + "）");
    } catch (e) { /* storage full or disabled: nothing to do */ }
  }
  function restore() {
    var raw = localStorage.getItem(KEY);
    if (!raw || form.getAttribute("data-restore") !== "1") return;
    var data;
    try { data = JSON.parse(raw); } catch (e) { return; }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.type === "file" || el.type === "hidden") return;
      var v = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0;
      } else if (typeof v === "string" && v !== "") {
        el.value = v;
      }
    });
    say("已恢复上次未提交的草稿");
  }
  restore();
  var timer = null;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  });
  form.addEventListener("change", save);
  form.addEventListener("submit", function () {
    try { localStorage.removeItem(KEY); } catch (e) { /* ignore */ }
  });
  var clear = document.getElementById("draft-clear");
  if (clear) clear.addEventListener("click", function () {
    localStorage.removeItem(KEY);
    say("草稿已清除");
  });
})();
