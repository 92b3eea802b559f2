// Kinerja's only script, loaded from our own origin (the CSP allows no inline scripts).
// Progressive enhancement: every page works without it.
(function () {
  "use strict";

  // Import status: poll the job and move the bar; reload for the report when done.
  function followJob(state) {
    if (state.dataset.done === "1") return;
    var bar = document.getElementById("bar");
    var labels = JSON.parse(state.dataset.labels || "{}");
    function poll() {
      fetch(state.dataset.url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (bar) bar.value = s.progress;
          state.textContent = (labels[s.status] || s.status) + " · " + s.progress + "%";
          if (s.done) { window.location.reload(); } else { setTimeout(poll, 1000); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    setTimeout(poll, 500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var state = document.getElementById("job-state");
    if (state) followJob(state);
  });
})();
