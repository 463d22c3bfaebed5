// The demand page's target table: select rows (or every row on the page) and give them one
// outcome at once. Without this script each row's own select still works.
(function () {
  "use strict";
  var table = document.getElementById("target-table");
  if (!table) { return; }
  var all = document.getElementById("pick-all");
  var picks = Array.prototype.slice.call(table.querySelectorAll(".row-pick"));
  var bulk = table.querySelector(".bulk");
  var status = document.getElementById("bulk-status");
  [all, bulk].concat(picks).forEach(function (el) { if (el) { el.hidden = false; } });

  function chosen() { return picks.filter(function (p) { return p.checked; }); }

  function sync() {
    var n = chosen().length;
    all.checked = n > 0 && n === picks.length;
    all.indeterminate = n > 0 && n < picks.length;
  }

  all.addEventListener("change", function () {
    picks.forEach(function (p) { p.checked = all.checked; });
    sync();
  });
  picks.forEach(function (p) { p.addEventListener("change", sync); });

  document.getElementById("bulk-apply").addEventListener("click", function () {
    var value = document.getElementById("bulk-outcome").value;
    var applied = 0, skipped = 0;
    chosen().forEach(function (p) {
      var select = p.closest("tr").querySelector("select.row-outcome");
      var fits = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      if (fits) { select.value = value; applied += 1; } else { skipped += 1; }
    });
    // The page hands over its words (translated), with __N__ where the number goes.
    var words = status.dataset;
    var said = (applied === 1 ? words.appliedOne : words.appliedOther).replace("__N__", applied);
    if (skipped) { said += "; " + words.skipped.replace("__N__", skipped); }
    status.textContent = said + ". " + words.keep;
  });
})();
