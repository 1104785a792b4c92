/* The survey form's progressive enhancement: a question shown only after a given answer to
   an earlier one (its fieldset's data-condition names that question's field, and
   data-condition-value the option) is hidden until that answer is chosen. Without this
   script every question is shown with "answer only if…", and the server ignores the answer
   to a question whose condition is not met. */
(function () {
  "use strict";

  function update(form) {
    form.querySelectorAll("fieldset[data-condition]").forEach(function (set) {
      var name = set.getAttribute("data-condition");
      var value = set.getAttribute("data-condition-value");
      var chosen = Array.prototype.some.call(
        form.querySelectorAll("input[name='" + CSS.escape(name) + "']:checked"),
        function (input) { return input.value === value; }
      );
      var controller = form.querySelector("input[name='" + CSS.escape(name) + "']");
      var controllerSet = controller && controller.closest("fieldset");
      set.hidden = !chosen || Boolean(controllerSet && controllerSet.hidden);
    });
  }

  function start() {
    var form = document.querySelector("form.survey-form");
    if (!form) {
      return;
    }
    update(form);
    form.addEventListener("change", function () { update(form); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
