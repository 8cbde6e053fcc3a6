/* "Run the visible tests" without leaving the page: the button's post is sent by fetch (asking
   for JSON), the result block of the "Visible tests" section shows the queued run at once, and
   submission-status.js polls it until it is checked, announcing each change. Without this script
   the button posts the form and the page comes back with the run (refreshing while it runs). */
(function () {
  "use strict";
  var button = document.getElementById("run-visible");
  var form = document.getElementById("answer-form");
  var live = document.getElementById("run-live");
  if (!button || !form || !live || !window.fetch || !window.FormData) return;
  var result = document.getElementById("run-result");
  var announce = document.getElementById("run-announce");

  function say(text) { announce.textContent = text; }

  button.addEventListener("click", function (event) {
    if (!window.academyRunStatus) return; // the status script did not load: post the form
    event.preventDefault();
    button.disabled = true;
    say(gettext("Running the visible tests…"));
    fetch(button.formAction, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: new FormData(form)
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; },
        function () { return { ok: false, body: {} }; });
    }).then(function (answer) {
      if (!answer.ok) {
        say(interpolate(gettext("The visible tests did not run: %s"), [answer.body.error || gettext("the server refused the request.")]));
        return;
      }
      result.innerHTML = answer.body.html;
      live.dataset.status = answer.body.status;
      live.dataset.statusUrl = answer.body.status_url;
      window.academyRunStatus.watch(live);
      if (live.scrollIntoView) live.scrollIntoView({ block: "nearest" });
    }).catch(function () {
      say(gettext("The visible tests did not run: the server could not be reached. Try again."));
    }).then(function () {
      button.disabled = false;
    });
  });
})();
