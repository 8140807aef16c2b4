// A little help where JavaScript runs; every page works without it.
(function () {
  "use strict";
  // The indicator field matters only for codes that need one (应公开未公开, 公开不全面, 公开不真实).
  var code = document.getElementById("code");
  var field = document.getElementById("indicator-field");
  if (code && field) {
    var needs = (code.getAttribute("data-needs-indicator") || "").split(" ");
    var sync = function () {
      var select = field.querySelector("select");
      var wanted = needs.indexOf(code.value) >= 0;
      field.hidden = !wanted && !(select && select.value);
    };
    code.addEventListener("change", sync);
    sync();
  }
  // Period pickers submit on change; the button stays for browsers without JavaScript.
  Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Ask before deleting.
  Array.prototype.forEach.call(document.querySelectorAll("[data-confirm]"), function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Guard against a double tap sending a form twice (the server also ignores repeats).
  Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
        window.setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });
})();
