// Keeps the queue's countdowns current: every minute each <time data-countdown> is redrawn
// from its datetime, in the same words the server used, and turns red once overdue.
(function () {
  "use strict";
  function words(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var span = days ? days + " d " + hours + " h" : hours ? hours + " h " + mins + " min" : mins + " min";
    return ms >= 0 ? span + " left" : "overdue by " + span;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) { return; }
      el.textContent = words(due - now);
      if (due < now && el.parentElement) { el.parentElement.classList.add("overdue"); }
    });
  }
  tick();
  window.setInterval(tick, 60000);
}());
