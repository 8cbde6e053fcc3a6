/* Optional: keeps the quiz page's "answered" counter and its list of unanswered questions live,
   and asks for confirmation before "Submit for scoring" ends an attempt with questions left
   unanswered. Without this script the page still lists what was unanswered when it was last
   saved, and submitting works as before; nothing here changes what is sent. */
(function () {
  "use strict";
  var form = document.getElementById("questions");
  var dialog = document.getElementById("submit-confirm");
  if (!form) return;
  var counter = document.getElementById("answered-count");
  var note = document.getElementById("unanswered-note");
  var list = document.getElementById("unanswered-list");
  var sections = Array.prototype.slice.call(form.querySelectorAll("section[data-question]"));
  var confirmed = false;

  function isAnswered(section) {
    var inputs = section.querySelectorAll('[name^="q-"]');
    return Array.prototype.some.call(inputs, function (input) {
      if (input.type === "radio" || input.type === "checkbox") return input.checked;
      return input.value.trim() !== "";
    });
  }

  function unanswered() {
    return sections.filter(function (section) { return !isAnswered(section); });
  }

  function link(section) {
    var item = document.createElement("span");
    item.className = "unanswered-item";
    var anchor = document.createElement("a");
    anchor.href = "#" + section.id;
    anchor.textContent = interpolate(gettext("question %s"), [section.dataset.number]);
    item.appendChild(anchor);
    return item;
  }

  function update() {
    var missing = unanswered();
    if (counter) counter.textContent = String(sections.length - missing.length);
    if (note && list) {
      list.replaceChildren.apply(list, missing.map(link));
      note.hidden = missing.length === 0;
    }
    return missing;
  }

  function focusQuestion(section) {
    var first = section.querySelector('[name^="q-"]');
    section.scrollIntoView({ block: "center" });
    if (first) first.focus();
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.value !== "submit" || confirmed) return;
    var missing = update();
    if (!missing.length || !dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    var numbers = missing.map(function (section) { return section.dataset.number; });
    var text = ngettext(
      "%(count)s question is not answered yet (question %(numbers)s). An unanswered question scores 0, and submitting ends this attempt.",
      "%(count)s questions are not answered yet (questions %(numbers)s). An unanswered question scores 0, and submitting ends this attempt.",
      missing.length);
    dialog.querySelector("#submit-confirm-text").textContent =
      interpolate(text, { count: missing.length, numbers: numbers.join(", ") }, true);
    dialog.returnValue = "";
    dialog.showModal();
    dialog.querySelector('[data-confirm="back"]').focus();
  });

  if (dialog) {
    dialog.addEventListener("click", function (event) {
      var choice = event.target.closest && event.target.closest("[data-confirm]");
      if (!choice) return;
      dialog.close(choice.dataset.confirm);
    });
    dialog.addEventListener("close", function () {
      if (dialog.returnValue === "submit") {
        confirmed = true;
        var submit = form.querySelector('button[name="action"][value="submit"]');
        // requestSubmit keeps the button's action=submit in the posted form.
        if (typeof form.requestSubmit === "function") form.requestSubmit(submit);
        else submit.click();
        return;
      }
      // "Keep answering" or Escape: go to the first unanswered question.
      var missing = unanswered();
      if (missing.length) focusQuestion(missing[0]);
    });
  }

  update();
})();
