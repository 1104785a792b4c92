/* Plantrack's only script, a progressive enhancement: every page works without it.
   After a form comes back with errors, focus moves to the error summary, so screen readers
   read it and keyboard users start there; its links put focus in the field they name. */
(function () {
  "use strict";

  function fieldIn(target) {
    if (target.matches("input, select, textarea, button")) {
      return target;
    }
    return target.querySelector("input:not([type=hidden]), select, textarea");
  }

  function start() {
    var summary = document.getElementById("error-summary");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      var field = target && fieldIn(target);
      if (!field) {
        return;
      }
      event.preventDefault();
      var label = field.id && document.querySelector("label[for='" + CSS.escape(field.id) + "']");
      var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
      (legend || label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
