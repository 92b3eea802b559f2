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

  // The team's feed: ask every 4 seconds for what arrived, put it on top (server-rendered,
  // escaped HTML of our own origin); without JavaScript the page is simply reloaded by hand.
  function followFeed(feed) {
    var news = document.getElementById("feed-news");
    function poll() {
      var url = new URL(feed.dataset.url, window.location.href);
      url.searchParams.set("after", feed.dataset.newest || "0");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (s && s.count > 0) {
            feed.insertAdjacentHTML("afterbegin", s.html);
            feed.dataset.newest = String(s.newest);
            var empty = document.getElementById("feed-empty");
            if (empty) empty.remove();
            if (news) news.textContent = feed.dataset.news;
          }
          setTimeout(poll, 4000);
        })
        .catch(function () { setTimeout(poll, 8000); });
    }
    setTimeout(poll, 4000);
  }

  // An entry typed with no connection is kept on the phone (text only: files cannot be kept)
  // and sent by itself when the connection is back; its idempotency key makes a double send
  // harmless.
  var KEPT = "kinerja.pending-entry";
  function keepOffline(form) {
    var note = document.getElementById("offline-note");
    function say(text) { if (note) { note.textContent = text; note.classList.remove("d-none"); } }
    function send() {
      var kept = window.localStorage.getItem(KEPT);
      if (!kept || !navigator.onLine) return;
      var fields = JSON.parse(kept);
      var body = new FormData();
      Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) {
          if (r.ok || r.redirected) {
            window.localStorage.removeItem(KEPT);
            say(note ? note.dataset.sent : "");
          }
        })
        .catch(function () { /* still offline: the next "online" event tries again */ });
    }
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return;
      event.preventDefault();
      var fields = {};
      new FormData(form).forEach(function (value, key) {
        if (typeof value === "string") fields[key] = value;
      });
      window.localStorage.setItem(KEPT, JSON.stringify(fields));
      say(note ? note.dataset.pending : "");
    });
    window.addEventListener("online", send);
    send();
  }

  // An entry's indicator list shows only the indicators of the chosen result; without the
  // script every result's indicators are there, grouped, and the server refuses a mismatch.
  function filterIndicators(rhk, iki) {
    function show() {
      Array.prototype.forEach.call(iki.querySelectorAll("optgroup"), function (group) {
        var mine = group.dataset.rhk === rhk.value;
        group.hidden = !mine;
        group.disabled = !mine;
      });
      var chosen = iki.options[iki.selectedIndex];
      if (chosen && chosen.parentNode.disabled) iki.value = "";
    }
    rhk.addEventListener("change", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var rhk = document.getElementById("rhk_id");
    var iki = document.getElementById("iki_id");
    if (rhk && iki) filterIndicators(rhk, iki);
    var state = document.getElementById("job-state");
    if (state) followJob(state);
    var feed = document.getElementById("feed");
    if (feed && feed.dataset.url) followFeed(feed);
    var entry = document.querySelector("form[data-offline='log-entry']");
    if (entry && window.localStorage) keepOffline(entry);
  });
})();
