/* Optional: saves quiz answers as they change, through the JSON API. The quiz form works the
   same without this script (answers are then saved by the "Save answers" button).
   One request at a time, carrying the latest value of every changed question, so an older
   save can never land after a newer one. Once the form is posted (it carries every answer),
   or the server refuses the attempt as a whole (submitted in another tab, past its due date),
   nothing more is sent. */
(function () {
  "use strict";
  var form = document.getElementById("questions");
  if (!form || !window.fetch || !form.dataset.answersUrl) return;
  var status = document.getElementById("autosave-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timers = {};
  var dirty = {};
  var inFlight = false;
  var stopped = false;
  form.dataset.pending = "0";

  function say(text) { if (status) status.textContent = text; }

  function valueOf(id) {
    var inputs = form.querySelectorAll('[name="q-' + id + '"]');
    if (!inputs.length) return null;
    var first = inputs[0];
    if (first.type === "checkbox") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; })
        .map(function (i) { return i.value; }).sort();
    }
    if (first.type === "radio") {
      var checked = Array.prototype.filter.call(inputs, function (i) { return i.checked; });
      return checked.length ? checked[0].value : "";
    }
    return first.value;
  }

  function showError(id, message) {
    var error = form.querySelector('[data-error-for="' + id + '"]');
    if (!error) return;
    error.textContent = message || "";
    error.hidden = !message;
  }

  function stop() {
    stopped = true;
    dirty = {};
    Object.keys(timers).forEach(function (id) { clearTimeout(timers[id]); });
    form.dataset.pending = inFlight ? "1" : "0";
  }

  function flush() {
    if (stopped) {
      form.dataset.pending = inFlight ? "1" : "0";
      return;
    }
    var ids = Object.keys(dirty);
    form.dataset.pending = String(ids.length + (inFlight ? 1 : 0));
    if (inFlight || !ids.length) return;
    dirty = {};
    inFlight = true;
    form.dataset.pending = "1";
    var answers = {};
    var values = {};
    ids.forEach(function (id) {
      values[id] = valueOf(id);
      answers[id] = values[id] === "" ? null : values[id];
    });
    say(gettext("Saving…"));
    fetch(form.dataset.answersUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ answers: answers })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok) {
        ids.forEach(function (id) {
          var shown = form.querySelector('input[name="shown-' + id + '"]');
          if (shown) shown.value = JSON.stringify(values[id]);
          showError(id, "");
        });
        say(gettext("All answers saved."));
      } else if (result.body.question) {
        var bad = result.body.question;
        showError(bad, result.body.error || gettext("Not saved."));
        // One answer was refused, and with it the request: send the other answers again.
        ids.forEach(function (id) { if (id !== bad) dirty[id] = true; });
        say(gettext("Not saved: see the question marked in red."));
      } else {
        // The attempt itself was refused (submitted elsewhere, past its due date): sending
        // again would be refused again. The server's message says why.
        stop();
        say(result.body.error || result.body.detail || gettext("Not saved."));
      }
    }).catch(function () {
      say(gettext("Not saved (offline?): press “Save answers” to retry."));
    }).then(function () {
      inFlight = false;
      flush();
    });
  }

  function changed(id) {
    dirty[id] = true;
    flush();
  }

  // After every listener on the form (the confirmation dialog may hold the post back).
  document.addEventListener("submit", function (event) {
    if (event.target === form && !event.defaultPrevented) stop();
  });
  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (name.indexOf("q-") === 0) changed(name.slice(2));
  });
  form.addEventListener("input", function (event) {
    var target = event.target;
    if (target.type !== "text" || (target.name || "").indexOf("q-") !== 0) return;
    var id = target.name.slice(2);
    clearTimeout(timers[id]);
    form.dataset.pending = "1";
    timers[id] = setTimeout(function () { changed(id); }, 800);
  });
})();
