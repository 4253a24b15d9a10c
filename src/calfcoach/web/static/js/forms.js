/* calfcoach forms: a form the server refused (422, "Bad input") comes back with a message at
   each answer to change; the focus goes to the first of them, so keyboard and screen-reader
   users land where the change is to be made (the summary above the form is an alert, read
   out on its own). A question of several boxes (a fieldset) gives the focus to its chosen
   box, or its first one. Loaded only on a page with problems. No inline scripts (the CSP of
   issue 9). */
(function () {
  "use strict";
  function focusFirstProblem() {
    var main = document.querySelector("main");
    if (!main) return;
    var at = main.querySelector('[aria-invalid="true"], fieldset[aria-describedby$="-error"]');
    if (!at) return;
    if (at.tagName === "FIELDSET") {
      at = at.querySelector("input:checked") || at.querySelector("input, select, textarea");
    }
    if (at && typeof at.focus === "function") at.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusFirstProblem);
  else focusFirstProblem();
})();
