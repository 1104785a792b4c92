// Printing a plan page: open every collapsed section before printing and close those again
// afterwards. The stylesheet's @media print shows closed sections too where the browser
// supports ::details-content; without JavaScript, "Show all sections and activities"
// (?expand=all) gives a page with everything open to print.
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) {
      details.open = false;
    });
    opened = [];
  });
})();
