// Overview: charts fed by /overview/stream (Server-Sent Events): the whole history on connect, then one point
// per sampling interval. Nothing reloads the page.
(function () {
  'use strict';
  var css = getComputedStyle(document.documentElement);
  var color = function (name) { return css.getPropertyValue('--' + name).trim(); };
  var throughput = new LineChart(document.getElementById('chart-throughput'), [
    {key: 'submitted', color: color('submitted')}, {key: 'dispatched', color: color('dispatched')},
    {key: 'completed', color: color('completed')}, {key: 'failed', color: color('failed')}]);
  var backlog = new LineChart(document.getElementById('chart-backlog'), [{key: 'backlog', color: color('backlog')}]);
  var webhooks = new LineChart(document.getElementById('chart-webhooks'), [{key: 'webhookSuccess', color: color('webhooks')}],
      {max: 100});
  var all = [];
  var windowMs = 15 * 60 * 1000;

  function withSuccess(p) {
    p.webhookSuccess = p.webhookAttempts ? 100 * p.webhooksDelivered / p.webhookAttempts : null;
    return p;
  }

  function rate(v) { return v < 10 ? v.toFixed(2) : v.toFixed(0); }

  function readouts() {
    var last = all[all.length - 1];
    if (!last) { return; }
    document.getElementById('now-submitted').textContent = rate(last.submitted);
    document.getElementById('now-dispatched').textContent = rate(last.dispatched);
    document.getElementById('now-completed').textContent = rate(last.completed);
    document.getElementById('now-failed').textContent = rate(last.failed);
    document.getElementById('now-backlog').textContent = String(last.backlog);
    var delivered = 0, attempts = 0;
    all.forEach(function (p) { delivered += p.webhooksDelivered; attempts += p.webhookAttempts; });
    document.getElementById('now-webhooks').textContent = attempts ? (100 * delivered / attempts).toFixed(1) + ' %' : '–';
  }

  function trim() {
    var from = all.length ? all[all.length - 1].at - windowMs : 0;
    all = all.filter(function (p) { return p.at >= from; });
  }

  consoleStream('overview/stream', {
    history: function (points) {
      all = points.map(withSuccess);
      throughput.set(all);
      backlog.set(all);
      webhooks.set(all);
      readouts();
    },
    sample: function (point) {
      withSuccess(point);
      all.push(point);
      trim();
      throughput.push(point);
      backlog.push(point);
      webhooks.push(point);
      readouts();
    }
  });
})();
