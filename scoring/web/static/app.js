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
  // The period follows the date: a finding's date must lie in its period, so choosing a date picks the
  // period containing it (of the same kind as the one shown: year, half, quarter or month).
  var day = document.getElementById("finding-date");
  var period = document.getElementById("finding-period");
  if (day && period) {
    day.addEventListener("change", function () {
      var options = Array.prototype.slice.call(period.options), current = period.options[period.selectedIndex];
      var fits = options.filter(function (o) {
        return o.getAttribute("data-start") <= day.value && day.value <= o.getAttribute("data-end");
      });
      if (!fits.length || fits.indexOf(current) >= 0) { return; }
      var kind = current ? current.getAttribute("data-kind") : "";
      var same = fits.filter(function (o) { return o.getAttribute("data-kind") === kind; });
      period.value = (same[0] || fits[0]).value;
    });
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
