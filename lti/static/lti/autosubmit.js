// Posts the deep-linking answer back to the LMS as soon as the page loads (the button is there
// for browsers without JavaScript).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosubmit]");
  if (form) { form.submit(); }
}());
