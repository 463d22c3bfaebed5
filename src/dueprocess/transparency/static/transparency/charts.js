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
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.getAttribute("data-chart");
    var config;
    if (name === "trend" && trend) {
      config = {
        type: "line",
        data: {
          labels: trend.labels,
          datasets: Object.keys(trend.series).map(function (label, i) {
            return { label: label, data: trend.series[label], borderColor: palette[i],
                     backgroundColor: palette[i], tension: 0.2 };
          })
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      };
    } else if (bars[name]) {
      config = {
        type: "bar",
        data: { labels: bars[name].labels,
                datasets: [{ label: bars[name].label, data: bars[name].values,
                             backgroundColor: palette[0] }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   indexAxis: "y",
                   plugins: { legend: { display: false } },
                   scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
      };
    }
    if (config) {
      canvas.chart = new Chart(canvas, config);
      canvas.setAttribute("data-rendered", "true");
    }
  });
})();
