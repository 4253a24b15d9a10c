// The progress charts (issue 8, part 2): reads the JSON in #progress-data (made by
// services/charts.py) and draws each <canvas data-chart="ID"> with the vendored Chart.js.
// No inline script: the page's data is JSON, this file is the only code. Each chart's table
// (under <details>) is its text alternative and works without this file.
(function () {
  "use strict";

  // Colours that read on both the light and the dark background (checked at 3:1 or more).
  var PALETTE = ["#2f7fd1", "#d9822b", "#2e9e5b", "#b455b6", "#c9513a", "#1f9c9c", "#8c7a1e", "#7266d6"];

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function datasetsOf(chart) {
    var colour = 0;
    return chart.series.map(function (series) {
      var set = {
        label: series.name,
        data: series.values,
        spanGaps: true,
        yAxisID: series.axis || "y",
      };
      set.role = series.role;
      // In a mixed chart the lines are drawn over the bars (lower order is drawn last).
      if (series.kind) { set.type = series.kind; set.order = series.kind === "line" ? 0 : 1; }
      if (series.stack) { set.stack = series.stack; }
      if (series.role === "band-low" || series.role === "band-high") {
        var band = cssVar("--ok", "#1d6b2f");
        set.type = "line";
        set.borderColor = band;
        set.borderWidth = 1;
        set.borderDash = [4, 4];
        set.pointRadius = 0;
        set.backgroundColor = band + "33";
        set.fill = series.role === "band-high" ? "-1" : false;
        set.order = 10;
        return set;
      }
      var c = PALETTE[colour++ % PALETTE.length];
      set.borderColor = c;
      set.backgroundColor = (set.type || chart.kind) === "line" ? c : c + "cc";
      set.pointRadius = 3;
      set.borderWidth = 2;
      return set;
    });
  }

  function optionsOf(chart) {
    var text = cssVar("--fg", "#1a1a1a");
    var grid = cssVar("--line", "#d0d4da");
    var axis = function (title, max, position) {
      var a = {
        beginAtZero: true,
        stacked: chart.stacked,
        title: { display: !!title, text: title || "", color: text },
        ticks: { color: text },
        grid: { color: grid },
        position: position,
      };
      if (max !== null && max !== undefined) { a.max = max; }
      return a;
    };
    var scales = {
      x: { stacked: chart.stacked, ticks: { color: text }, grid: { color: grid } },
      y: axis(chart.y_title, chart.y_max, "left"),
    };
    if (chart.y2_title) {
      scales.y2 = axis(chart.y2_title, chart.y2_max, "right");
      scales.y2.stacked = false;
      scales.y2.grid = { drawOnChartArea: false };
    }
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: scales,
      plugins: {
        legend: {
          labels: {
            color: text,
            filter: function (item, data) {
              return data.datasets[item.datasetIndex].role !== "band-low";
            },
          },
        },
      },
    };
  }

  function draw() {
    var source = document.getElementById("progress-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = data[canvas.dataset.chart];
      if (!chart) { return; }
      new window.Chart(canvas, {
        type: chart.kind,
        data: { labels: chart.labels, datasets: datasetsOf(chart) },
        options: optionsOf(chart),
      });
      canvas.dataset.drawn = "true";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
