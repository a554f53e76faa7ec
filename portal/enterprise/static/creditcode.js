// Checks the 统一社会信用代码 in the page with the rule the server applies
// (GB 32100-2015: 18 characters, the 18th a check character; the same
// alphabet, weights and message as app/casework's CreditCodeValid), so the
// enterprise hears of a typo before it sends the form. The server checks
// again; the page works without this file.
(function () {
  "use strict";
  var CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  var MESSAGE = "统一社会信用代码不正确（应为18位且校验位正确）";
  function valid(s) {
    if (s.length !== 18) return false;
    var sum = 0;
    for (var i = 0; i < 17; i++) {
      var v = CHARS.indexOf(s.charAt(i));
      if (v < 0) return false;
      sum += v * WEIGHTS[i];
    }
    return s.charAt(17) === CHARS.charAt((31 - (sum % 31)) % 31);
  }
  var inputs = document.querySelectorAll('input[name="enterprise.credit_code"]');
  Array.prototype.forEach.call(inputs, function (el) {
    function check() {
      var v = el.value.trim().toUpperCase();
      el.setCustomValidity(v === "" || valid(v) ? "" : MESSAGE);
    }
    el.addEventListener("input", check);
    el.addEventListener("blur", function () { check(); if (!el.checkValidity()) el.reportValidity(); });
    check();
  });
})();
