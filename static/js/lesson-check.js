/* Optional: answers a lesson's "check yourself" questions on the page, with no reload. Without
   this script the same form posts to the server, which re-renders the lesson with the same
   feedback. Nothing is graded or saved either way. The right options are marked in the page
   (data-correct) because these are practice questions; each feedback area is an aria-live
   region, so screen readers announce the verdict and the explanation. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-check-form]");
  if (!form) return;

  function clear(element) {
    while (element.firstChild) element.removeChild(element.firstChild);
  }

  function paragraph(text, className) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function check(question) {
    var inputs = Array.prototype.slice.call(question.querySelectorAll("input"));
    var chosen = inputs.filter(function (input) { return input.checked; });
    var feedback = question.querySelector("[data-feedback]");
    clear(feedback);
    inputs.forEach(function (input) {
      var label = input.closest("[data-option]");
      label.classList.remove("option--correct", "option--wrong");
      label.querySelector("[data-verdict]").textContent = "";
    });
    if (!chosen.length) {
      feedback.appendChild(
        paragraph(gettext("Not answered: choose an answer and check again."), "check-verdict"));
      return;
    }
    var right = inputs.every(function (input) {
      return input.checked === input.hasAttribute("data-correct");
    });
    inputs.forEach(function (input) {
      var label = input.closest("[data-option]");
      var verdict = label.querySelector("[data-verdict]");
      if (input.hasAttribute("data-correct")) {
        label.classList.add("option--correct");
        verdict.textContent = gettext("(right answer)");
      } else if (input.checked) {
        label.classList.add("option--wrong");
        verdict.textContent = gettext("(not right)");
      }
    });
    feedback.appendChild(paragraph(
      right ? "✓ Correct." : "✗ Not quite.",
      "check-verdict " + (right ? "check-verdict--right" : "check-verdict--wrong")));
    var explanation = document.createElement("div");
    explanation.className = "check-explanation";
    // The explanation is the server's sanitized HTML, kept in an inert <template>.
    var source = question.querySelector("template[data-explanation]");
    explanation.appendChild(document.importNode(source.content, true));
    feedback.appendChild(explanation);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    Array.prototype.forEach.call(form.querySelectorAll("[data-check]"), check);
  });
})();
