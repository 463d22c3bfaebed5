// Keeps the queue's countdowns current: every minute each <time data-countdown> is redrawn
// from its datetime, in the same words the server used (the page hands them over in the
// reader's language as #countdown-words), and turns red once overdue.
(function () {
  "use strict";
  var fallback = {
    days: "%(days)s d %(hours)s h", hours: "%(hours)s h %(minutes)s min",
    minutes: "%(minutes)s min", left: "%(span)s left", overdue: "overdue by %(span)s"
  };
  var source = document.getElementById("countdown-words");
  var patterns = source ? JSON.parse(source.textContent) : fallback;
  function fill(pattern, values) {
    return pattern.replace(/%\((\w+)\)s/g, function (hole, name) {
      return String(values[name]);
    });
  }
  function words(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var parts = {days: days, hours: hours, minutes: mins};
    var span = fill(days ? patterns.days : hours ? patterns.hours : patterns.minutes, parts);
    return fill(ms >= 0 ? patterns.left : patterns.overdue, {span: span});
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
