/* Autosave of the exercise page: a second after typing stops, the code of every answer cell is
   sent to the server as the learner's draft, so a reload or another device opens where they left
   off. One request at a time, always carrying the latest text, so an older save never lands after
   a newer one. The status line (a polite live region) says "Saved" or why not. Without this
   script nothing is saved until "Submit"; the form works the same. */
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form || !form.dataset.draftUrl || !window.fetch || !window.JSON) return;
  var status = document.getElementById("draft-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var DELAY_MS = 1000;
  var timer = null;
  var dirty = false;
  var inFlight = false;
  form.dataset.draftPending = "0";

  function say(text) { if (status) status.textContent = text; }

  function code() {
    var cells = {};
    form.querySelectorAll("textarea[data-grade-id]").forEach(function (area) {
      cells[area.dataset.gradeId] = area.value;
    });
    return cells;
  }

  function save() {
    if (inFlight || !dirty) return;
    dirty = false;
    inFlight = true;
    say(gettext("Saving draft…"));
    fetch(form.dataset.draftUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify({ code: code() })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; },
        function () { return { ok: false, body: {} }; });
    }).then(function (result) {
      if (result.ok) {
        var at = new Date(result.body.saved_at);
        // The time in the page's language (<html lang>), as the server's dates are.
        var time = at.toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
        say(interpolate(gettext("Draft saved at %s."), [time]));
      } else {
        say(interpolate(gettext("Draft not saved: %s"), [result.body.error || gettext("the server refused it.")]));
      }
    }).catch(function () {
      say(gettext("Draft not saved (offline?): it is tried again at your next change."));
    }).then(function () {
      inFlight = false;
      if (dirty) save();
      else form.dataset.draftPending = "0";
    });
  }

  form.addEventListener("input", function (event) {
    if (!event.target.dataset || !event.target.dataset.gradeId) return;
    dirty = true;
    form.dataset.draftPending = "1";
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  });
})();
