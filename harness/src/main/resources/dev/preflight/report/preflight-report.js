/*
 * Draws a Preflight scenario page's charts with Chart.js from the JSON in #preflight-data
 * (written by dev.preflight.report.ScenarioPage). Every chart shares one x axis, seconds since the
 * run's start, and shows the page's events as numbered dashed lines (annotation plugin).
 * Marks <body data-charts-drawn="N"> when done, or data-chart-error, so a headless browser can check.
 */
(function () {
  'use strict';

  // Chart.js draws datasets with a lower 'order' last, i.e. on top
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
      if (e.xEnd !== null && e.xEnd !== undefined) {
        // a band: the fault while it lasted
        annotations['band' + e.number] = {
          type: 'box',
          xMin: e.x,
          xMax: e.xEnd,
          backgroundColor: 'rgba(214, 39, 40, 0.12)',
          borderWidth: 0,
          label: {
            display: true,
            content: '#' + e.number + ' ' + shorten(e.label, 32),
            position: { x: 'start', y: 'start' },
            font: { size: 10 },
            color: 'rgba(150, 20, 20, 0.9)'
          }
        };
        return;
      }
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

  // counts (tasks, requests) get whole-number ticks
  function integerValued(datasets) {
    return datasets.every(function (d) {
      return d.data.every(function (p) { return p.y === null || Number.isInteger(p.y); });
    });
  }

  // a sample's value holds until the next one, so the last one is drawn on to the end of the axis
  function heldToEnd(points, xMax) {
    var last = points[points.length - 1];
    return last && last.x < xMax ? points.concat([{ x: xMax, y: last.y }]) : points;
  }

  function options(data, yTitle, stacked, integers) {
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
          grace: '5%',
          stacked: stacked,
          title: { display: true, text: yTitle },
          ticks: integers ? { precision: 0 } : {},
          // a fixed axis width keeps the plot areas of all charts aligned on x
          afterFit: function (scale) { scale.width = 70; }
        }
      },
      plugins: {
        // in the order given, not the drawing order
        legend: { position: 'top', align: 'start',
          labels: { sort: function (a, b) { return a.datasetIndex - b.datasetIndex; } } },
        annotation: { annotations: eventLines(data.events) }
      }
    };
  }

  function chart(id, type, datasets, data, yTitle, stacked) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return 0;
    }
    new Chart(canvas, {
      type: type,
      data: { datasets: datasets },
      options: options(data, yTitle, stacked, integerValued(datasets))
    });
    return 1;
  }

  function draw(data) {
    var drawn = 0;
    var r = data.requests;
    if (r) {
      drawn += chart('chart-requests', 'bar', [
        { label: 'ok', data: points(r.x, r.ok), backgroundColor: COLORS.ok, stack: 'requests',
          barPercentage: 0.95, categoryPercentage: 1 },
        { label: 'failed', data: points(r.x, r.failed), backgroundColor: COLORS.failed, stack: 'requests',
          barPercentage: 0.95, categoryPercentage: 1 },
        { type: 'line', label: 'errors (no response)', data: points(r.x, r.errors), stack: 'errors',
          borderColor: COLORS.errors, backgroundColor: COLORS.errors, borderWidth: 2, pointRadius: 0, order: -1 }
      ], data, 'requests / s', true);
      drawn += chart('chart-latency', 'line', [
        { label: 'p99 latency', data: points(r.x, r.p99Millis), borderColor: COLORS.latency,
          backgroundColor: COLORS.latency, borderWidth: 1.5, pointRadius: 1.5, spanGaps: false }
      ], data, 'ms', false);
    }
    data.charts.forEach(function (c, i) {
      drawn += chart('chart-' + i, 'line', c.series.map(function (s, j) {
        var color = PALETTE[j % PALETTE.length];
        var samples = s.points.length;
        var goal = /^(desired|target)/i.test(s.name);
        return {
          label: s.name,
          data: heldToEnd(s.points, data.xMax),
          // 'before': the line stays at a sample's value until the next sample (counts change in steps)
          stepped: 'before',
          borderColor: color,
          backgroundColor: color,
          // a goal (desired count, scaling target) is dashed and on top, visible where it equals a measured line
          borderDash: goal ? [6, 4] : [],
          order: goal ? -1 : 0,
          borderWidth: 2,
          pointRadius: function (ctx) { return ctx.dataIndex < samples ? 2 : 0; }
        };
      }), data, c.name, false);
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
