// Live queue view: every table is redrawn from the snapshot /queues/stream sends each refresh interval.
(function () {
  'use strict';
  var view = document.getElementById('queue-view');
  var admin = view.getAttribute('data-admin') === 'true';

  function text(tag, value, cls) {
    var e = document.createElement(tag);
    e.textContent = value;
    if (cls) { e.className = cls; }
    return e;
  }

  function row(cells, attrs) {
    var tr = document.createElement('tr');
    Object.keys(attrs || {}).forEach(function (k) { tr.setAttribute(k, attrs[k]); });
    cells.forEach(function (c) {
      var td = document.createElement('td');
      if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c; }
      tr.appendChild(td);
    });
    return tr;
  }

  function fill(id, rows, empty, columns) {
    var body = document.querySelector('#' + id + ' tbody');
    body.replaceChildren();
    if (!rows.length) {
      var tr = document.createElement('tr');
      var td = text('td', empty, 'muted');
      td.colSpan = columns;
      tr.appendChild(td);
      body.appendChild(tr);
    }
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function link(href, label) {
    var a = text('a', label);
    a.href = href;
    return a;
  }

  function post(action, label, cls) {
    var form = document.createElement('form');
    form.method = 'post';
    form.action = action;
    form.className = 'inline';
    var csrf = consoleCsrf();
    var token = document.createElement('input');
    token.type = 'hidden';
    token.name = csrf.name;
    token.value = csrf.token;
    form.appendChild(token);
    var button = text('button', label, cls);
    button.type = 'submit';
    form.appendChild(button);
    return form;
  }

  function render(s) {
    document.getElementById('q-total').textContent = s.total;
    document.getElementById('q-intake').textContent = s.intake;
    document.getElementById('q-inflight').textContent = s.inFlight;
    document.getElementById('q-delayed').textContent = s.delayed;
    document.getElementById('q-dead').textContent = s.deadLetterCount;
    document.getElementById('q-sample-note').textContent = 'Split by destination and tenant from ' + s.sampled
        + ' stream entries' + (s.partial ? ' (the oldest of each stream: counts are lower bounds).' : ' (all of them).')
        + ' Updated ' + new Date(s.at).toLocaleTimeString() + '.';
    fill('q-domains', s.domains.map(function (d) {
      return row([link('domains?destination=' + encodeURIComponent(d.destination), d.destination), d.queued, d.overflow,
        d.inFlight], {'data-destination': d.destination});
    }), 'Nothing waiting.', 4);
    fill('q-tenants', s.tenants.map(function (t) {
      return row([link('tenants/' + encodeURIComponent(t.tenantId), t.tenantId), t.queued], {'data-tenant': t.tenantId});
    }), 'Nothing waiting.', 2);
    fill('q-accounts', s.accountQueues.map(function (a) {
      return row([a.destination, a.account, a.length]);
    }), 'No overflow.', 3);
    fill('q-regions', Object.keys(s.regions).map(function (r) { return row([r, s.regions[r]]); }), 'No region streams.', 2);
    fill('q-dead-letters', s.deadLetters.map(function (l) {
      var actions = document.createElement('span');
      if (admin) {
        var base = 'queues/dead-letters/' + encodeURIComponent(l.tenantId) + '/' + encodeURIComponent(l.id);
        actions.appendChild(post(base + '/replay', 'Replay', 'replay'));
        actions.appendChild(post(base + '/discard', 'Discard', 'danger discard'));
      }
      return row([new Date(l.failedAt).toLocaleString(), l.tenantId,
        link('jobs/' + encodeURIComponent(l.jobId), l.jobId), l.url, l.attempts,
        l.lastStatus ? String(l.lastStatus) : (l.lastError || '–'), actions], {'data-dead-letter': l.id});
    }), 'No dead letters.', 7);
  }

  consoleStream('queues/stream', {snapshot: render});
})();
