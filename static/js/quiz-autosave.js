/* Optional: saves each quiz answer as it changes, through the JSON API. The quiz form works
   the same without this script (answers are then saved by the "Save answers" button). */
(function () {
  "use strict";
  var form = document.getElementById("questions");
  if (!form || !window.fetch || !form.dataset.answersUrl) return;
  var status = document.getElementById("autosave-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timers = {};
  var pending = 0;
  form.dataset.pending = "0";

  function settle(delta) {
    pending += delta;
    form.dataset.pending = String(pending);
  }

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

  function save(id) {
    var value = valueOf(id);
    var answers = {};
    answers[id] = value === "" ? null : value;
    var error = form.querySelector('[data-error-for="' + id + '"]');
    if (status) status.textContent = "Saving…";
    settle(1);
    fetch(form.dataset.answersUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ answers: answers })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok) {
        var shown = form.querySelector('input[name="shown-' + id + '"]');
        if (shown) shown.value = JSON.stringify(value);
        if (error) { error.textContent = ""; error.hidden = true; }
        if (status) status.textContent = "All answers saved.";
      } else {
        if (error) { error.textContent = result.body.error || "Not saved."; error.hidden = false; }
        if (status) status.textContent = "Not saved: see the question marked in red.";
      }
    }).catch(function () {
      if (status) status.textContent = "Not saved (offline?): press “Save answers” to retry.";
    }).then(function () { settle(-1); });
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (name.indexOf("q-") === 0) save(name.slice(2));
  });
  form.addEventListener("input", function (event) {
    var target = event.target;
    if (target.type !== "text" || (target.name || "").indexOf("q-") !== 0) return;
    var id = target.name.slice(2);
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () { save(id); }, 800);
  });
})();
