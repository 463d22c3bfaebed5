/* Draw the report's charts with Chart.js from the JSON the page embeds.
   The tables next to each chart hold the same numbers; this script only adds pictures. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var palette = ["#1b4f72", "#b9770e", "#1e8449", "#884ea0", "#a93226", "#5d6d7e"];
  var bars = read("chart-data") || {};
  var trend = read("trend-data");
  /* A count is drawn as a bar from zero; a small count the page shows as a band ("1-9")
     is drawn as a floating bar over the whole band, never as a guessed point inside it. */
  function highest(values) {
    var top = 0;
    values.forEach(function (v) {
      var hi = Array.isArray(v) ? v[1] : v;
      if (typeof hi === "number" && hi > top) { top = hi; }
    });
    return top;
  }
  function shown(ctx) {
    var raw = ctx.raw;
    var text = Array.isArray(raw) ? raw[0] + "-" + raw[1] : String(raw);
    return (ctx.dataset.label ? ctx.dataset.label + ": " : "") + text;
  }
  /* The value axis runs from zero to the largest figure shown (at least 1), so the bars
     of a small period fill the chart instead of lying flat. */
  function axis(top) {
    return { beginAtZero: true, suggestedMax: Math.max(1, top), ticks: { precision: 0 } };
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.getAttribute("data-chart");
    var config;
    if (name === "trend" && trend) {
      var all = [];
      Object.keys(trend.series).forEach(function (k) { all = all.concat(trend.series[k]); });
      config = {
        type: "bar",
        data: {
          labels: trend.labels,
          datasets: Object.keys(trend.series).map(function (label, i) {
            return { label: label, data: trend.series[label], borderColor: palette[i],
                     backgroundColor: palette[i] };
          })
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   plugins: { tooltip: { callbacks: { label: shown } } },
                   scales: { y: axis(highest(all)) } }
      };
    } else if (bars[name]) {
      config = {
        type: "bar",
        data: { labels: bars[name].labels,
                datasets: [{ label: bars[name].label, data: bars[name].values,
                             backgroundColor: palette[0] }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   indexAxis: "y",
                   plugins: { legend: { display: false },
                              tooltip: { callbacks: { label: shown } } },
                   scales: { x: axis(highest(bars[name].values)) } }
      };
    }
    if (config) {
      canvas.chart = new Chart(canvas, config);
      canvas.setAttribute("data-rendered", "true");
    }
  });
})();
