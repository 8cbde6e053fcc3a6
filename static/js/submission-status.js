/* Live status of a grading, without reloading the page: polls the submission's status JSON and
   replaces the result block in place when the status or the place in line changes. Each change
   is announced once, in a few words, through a polite live region; the elapsed time and the limit
   are shown (not announced) while the grading takes long. Without this script the page refreshes
   itself (a <noscript> meta refresh). The exercise page uses it for its practice runs too. */
(function () {
  "use strict";
  if (!window.fetch) return;
  // Each watch() starts a new generation: polls of an earlier one (an earlier practice run on
  // the exercise page) stop at their next turn.
  var generation = 0;

  function watch(live) {
    var mine = ++generation;
    var url = live.dataset.statusUrl;
    var result = document.getElementById("run-result");
    var announce = document.getElementById("run-announce");
    var elapsed = document.getElementById("run-elapsed");
    var shown = live.dataset.status + "|";
    var failures = 0;
    // Past this many seconds in line or running, the page says how long it has taken so far.
    var SHOW_ELAPSED_AFTER = 5;

    function words(data) {
      if (data.place) return data.place.text;
      if (data.status === "graded") {
        var score = result.querySelector("#score");
        return data.status_display + (score ? ": " + score.textContent.trim() : ".");
      }
      if (data.status === "failed") {
        var message = result.querySelector("#status-message");
        return message ? interpolate(gettext("Failed: %s"), [message.textContent.trim()]) : gettext("Failed.");
      }
      return data.status_display + ".";
    }

    function showElapsed(data) {
      if (data.finished || data.elapsed_seconds === null || data.elapsed_seconds < SHOW_ELAPSED_AFTER) {
        elapsed.hidden = true;
        return;
      }
      var times = { elapsed: data.elapsed_seconds, limit: data.limit_seconds };
      var text = data.status === "running" ? gettext("Running for %(elapsed)s s (time limit %(limit)s s).")
        : gettext("Waiting for %(elapsed)s s (time limit %(limit)s s).");
      elapsed.textContent = interpolate(text, times, true);
      elapsed.hidden = false;
    }

    function apply(data) {
      var key = data.status + "|" + (data.place ? data.place.ahead : "");
      if (key !== shown) {
        shown = key;
        result.innerHTML = data.html;
        live.dataset.status = data.status;
        announce.textContent = words(data);
      }
      showElapsed(data);
    }

    function poll() {
      if (mine !== generation) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          apply(data);
          if (!data.finished) setTimeout(poll, 1500);
        })
        .catch(function () {
          // Offline or a server hiccup: back off, and say so after a few misses.
          failures += 1;
          if (failures === 3) announce.textContent = gettext("Lost contact with the server; still trying. You can also reload the page.");
          setTimeout(poll, Math.min(30000, 1500 * Math.pow(2, failures)));
        });
    }

    setTimeout(poll, 1000);
  }

  // The exercise page's "run the visible tests" starts watching the run it has just queued.
  window.academyRunStatus = { watch: watch };
  var live = document.getElementById("run-live");
  if (live && live.dataset.statusUrl) watch(live);
})();
