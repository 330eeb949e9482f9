/*
 * Draws a Preflight scenario page's charts with Chart.js from the JSON in #preflight-data
 * (written by dev.preflight.report.ScenarioPage). Every chart shares one x axis, seconds since the
 * run's start, and shows the page's events as numbered dashed lines (annotation plugin).
 * Marks <body data-charts-drawn="N"> when done, or data-chart-error, so a headless browser can check.
 */
(function () {
  'use strict';

  var COLORS = {
    ok: 'rgba(46, 157, 79, 0.85)',
    failed: 'rgba(214, 69, 65, 0.9)',
    errors: 'rgb(120, 20, 20)',
    latency: 'rgb(45, 105, 200)',
    event: 'rgba(70, 70, 70, 0.75)'
  };
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];
  var LABEL_POSITIONS = ['start', 'center', 'end'];

  function points(xs, ys) {
    var out = [];
    for (var i = 0; i < xs.length; i++) {
      out.push({ x: xs[i], y: ys[i] });
    }
    return out;
  }

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1) + '\u2026' : text;
  }

  // one dashed vertical line per event, labels staggered so neighbours overlap less
  function eventLines(events) {
    var annotations = {};
    events.forEach(function (e, i) {
      annotations['event' + e.number] = {
        type: 'line',
        xMin: e.x,
        xMax: e.x,
        borderColor: COLORS.event,
        borderWidth: 1,
        borderDash: [4, 3],
        label: {
          display: true,
          content: '#' + e.number + ' ' + shorten(e.label, 32),
          position: LABEL_POSITIONS[i % LABEL_POSITIONS.length],
          font: { size: 10 },
          padding: 3,
          color: '#fff',
          backgroundColor: 'rgba(50, 50, 50, 0.75)'
        }
      };
    });
    return annotations;
  }

  function options(data, yTitle, stacked) {
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: data.xMin,
          max: data.xMax,
          offset: false,
          stacked: stacked,
          title: { display: true, text: 'seconds since time zero' }
        },
        y: {
          beginAtZero: true,
          stacked: stacked,
          title: { display: true, text: yTitle },
          // a fixed axis width keeps the plot areas of all charts aligned on x
          afterFit: function (scale) { scale.width = 70; }
        }
      },
      plugins: {
        legend: { position: 'top', align: 'start' },
        annotation: { annotations: eventLines(data.events) }
      }
    };
  }

  function chart(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return 0;
    }
    new Chart(canvas, config);
    return 1;
  }

  function draw(data) {
    var drawn = 0;
    var r = data.requests;
    if (r) {
      drawn += chart('chart-requests', {
        type: 'bar',
        data: {
          datasets: [
            { label: 'ok', data: points(r.x, r.ok), backgroundColor: COLORS.ok, stack: 'requests',
              barPercentage: 0.95, categoryPercentage: 1 },
            { label: 'failed', data: points(r.x, r.failed), backgroundColor: COLORS.failed, stack: 'requests',
              barPercentage: 0.95, categoryPercentage: 1 },
            { type: 'line', label: 'errors (no response)', data: points(r.x, r.errors), stack: 'errors',
              borderColor: COLORS.errors, backgroundColor: COLORS.errors, borderWidth: 1.5, pointRadius: 0 }
          ]
        },
        options: options(data, 'requests / s', true)
      });
      drawn += chart('chart-latency', {
        type: 'line',
        data: {
          datasets: [
            { label: 'p99 latency', data: points(r.x, r.p99Millis), borderColor: COLORS.latency,
              backgroundColor: COLORS.latency, borderWidth: 1.5, pointRadius: 1.5, spanGaps: false }
          ]
        },
        options: options(data, 'ms', false)
      });
    }
    data.charts.forEach(function (c, i) {
      drawn += chart('chart-' + i, {
        type: 'line',
        data: {
          datasets: c.series.map(function (s, j) {
            var color = PALETTE[j % PALETTE.length];
            // 'before': a sample's value holds until the next sample (task counts change in steps)
            return { label: s.name, data: s.points, stepped: 'before', borderColor: color,
              backgroundColor: color, borderWidth: 2, pointRadius: 2 };
          })
        },
        options: options(data, c.name, false)
      });
    });
    return drawn;
  }

  var body = document.body;
  try {
    var data = JSON.parse(document.getElementById('preflight-data').textContent);
    if (typeof Chart === 'undefined') {
      throw new Error('assets/chart.umd.js did not load');
    }
    body.setAttribute('data-charts-drawn', String(draw(data)));
  } catch (e) {
    body.setAttribute('data-chart-error', String(e && e.message ? e.message : e));
    var note = document.createElement('p');
    note.className = 'chart-error';
    note.textContent = 'The charts could not be drawn: ' + (e && e.message ? e.message : e);
    body.insertBefore(note, body.firstChild);
  }
})();
