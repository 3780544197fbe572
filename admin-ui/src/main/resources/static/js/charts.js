// A small SVG line chart for time series: points {at: epoch ms, <key>: number|null}, drawn over a fixed time
// window ending at the newest point. Written for the console so no charting library (or CDN) is needed.
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var W = 600, H = 200, LEFT = 44, BOTTOM = 18, TOP = 8;

  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function niceMax(v) {
    if (!(v > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) { if (steps[i] * p >= v) { return steps[i] * p; } }
    return 10 * p;
  }

  function label(v) {
    if (v >= 1000) { return (v / 1000).toFixed(v >= 10000 ? 0 : 1) + 'k'; }
    return v % 1 === 0 ? String(v) : v.toFixed(1);
  }

  /**
   * @param svg     the <svg> element (its data-window-ms gives the window)
   * @param series  [{key, color}]
   * @param options {max: fixed top of the scale (else from the data), capacity: points kept}
   */
  function LineChart(svg, series, options) {
    this.svg = svg;
    this.series = series;
    this.windowMs = Number(svg.getAttribute('data-window-ms')) || 300000;
    this.max = options && options.max;
    this.points = [];
  }

  LineChart.prototype.set = function (points) {
    this.points = points.slice();
    this.draw();
  };

  LineChart.prototype.push = function (point) {
    this.points.push(point);
    this.draw();
  };

  LineChart.prototype.draw = function () {
    var svg = this.svg, series = this.series;
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var end = this.points.length ? this.points[this.points.length - 1].at : Date.now();
    var start = end - this.windowMs;
    this.points = this.points.filter(function (p) { return p.at >= start; });
    var visible = this.points;
    var top = this.max;
    if (!top) {
      var highest = 0;
      visible.forEach(function (p) {
        series.forEach(function (s) { if (p[s.key] != null && p[s.key] > highest) { highest = p[s.key]; } });
      });
      top = niceMax(highest);
    }
    var plotW = W - LEFT, plotH = H - BOTTOM - TOP;
    for (var i = 0; i <= 2; i++) {
      var y = TOP + plotH - plotH * i / 2;
      svg.appendChild(el('line', {x1: LEFT, x2: W, y1: y, y2: y, 'class': 'axis'}));
      var t = el('text', {x: LEFT - 6, y: y + 4, 'text-anchor': 'end', 'class': 'tick'});
      t.textContent = label(top * i / 2);
      svg.appendChild(t);
    }
    var minutes = Math.round(this.windowMs / 60000);
    var startLabel = el('text', {x: LEFT, y: H - 4, 'class': 'tick'});
    startLabel.textContent = '-' + minutes + ' min';
    svg.appendChild(startLabel);
    var nowLabel = el('text', {x: W, y: H - 4, 'text-anchor': 'end', 'class': 'tick'});
    nowLabel.textContent = 'now';
    svg.appendChild(nowLabel);
    var windowMs = this.windowMs;
    series.forEach(function (s) {
      // a null value (nothing measured) breaks the line instead of drawing it down to zero
      var runs = [[]];
      visible.forEach(function (p) {
        var v = p[s.key];
        if (v == null) { if (runs[runs.length - 1].length) { runs.push([]); } return; }
        var x = LEFT + plotW * (p.at - start) / windowMs;
        var y = TOP + plotH - plotH * Math.min(v, top) / top;
        runs[runs.length - 1].push(x.toFixed(1) + ',' + y.toFixed(1));
      });
      runs.filter(function (r) { return r.length; }).forEach(function (r) {
        if (r.length === 1) { r.push(r[0]); }
        svg.appendChild(el('polyline', {points: r.join(' '), stroke: s.color, 'data-series': s.key}));
      });
      // latest and highest value of each series, as attributes: what the readouts (and tests) look at
      var last = null, highest = null;
      visible.forEach(function (p) {
        if (p[s.key] != null) { last = p[s.key]; highest = highest == null ? last : Math.max(highest, last); }
      });
      svg.setAttribute('data-last-' + s.key.toLowerCase(), last == null ? '' : String(last));
      svg.setAttribute('data-max-' + s.key.toLowerCase(), highest == null ? '' : String(highest));
    });
    svg.setAttribute('data-points', String(visible.length));
  };

  window.LineChart = LineChart;
})();
