// The dashboard's charts (Apache ECharts, vendored next to this file): the
// numbers come from the JSON endpoint named by #charts[data-src], the same
// numbers the tables under each chart show. No inline script (CSP).
(function () {
  "use strict";
  var root = document.getElementById("charts");
  if (!root || !window.echarts || !window.fetch) { return; }
  var blue = "#1d4ed8", green = "#15803d", amber = "#b45309", red = "#b42318", grey = "#6b7280";
  var font = { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif" };
  function grid() { return { left: 48, right: 16, top: 36, bottom: 40, containLabel: true }; }
  // A pie of nothing would draw equal slices: say so instead.
  function empty(list) { return list.every(function (s) { return !s.count; }); }
  var none = { text: "区间内暂无数据", left: "center", top: "middle", textStyle: { color: grey, fontSize: 14, fontWeight: "normal" } };
  function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }
  var build = {
    flow: function (d) {
      return { legend: { top: 0 }, tooltip: { trigger: "axis" }, grid: grid(), xAxis: { type: "category", data: d.months },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: "新受理", type: "bar", barMaxWidth: 36, data: d.new, itemStyle: { color: blue } },
                 { name: "办结", type: "bar", barMaxWidth: 36, data: d.closed, itemStyle: { color: green } }] };
    },
    ontime: function (d) {
      return { tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } }, grid: grid(),
        xAxis: { type: "category", data: d.months }, yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: [{ name: "按时办结率", type: "line", connectNulls: false, data: d.on_time_rate.map(pct), itemStyle: { color: green } }] };
    },
    satisfaction: function (d) {
      if (empty(d.satisfaction)) { return { title: none }; }
      return { tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ name: "满意度", type: "pie", radius: ["35%", "65%"], color: [green, "#65a30d", amber, "#ea580c", red],
          data: d.satisfaction.map(function (s) { return { name: s.label, value: s.count }; }) }] };
    },
    sattrend: function (d) {
      return { legend: { top: 0 }, tooltip: { trigger: "axis" }, grid: grid(), xAxis: { type: "category", data: d.months },
        yAxis: [{ type: "value", name: "件", minInterval: 1 }, { type: "value", name: "平均分", min: 1, max: 5 }],
        series: [{ name: "评价件数", type: "bar", barMaxWidth: 36, data: d.rating_count, itemStyle: { color: grey } },
                 { name: "平均分", type: "line", yAxisIndex: 1, data: d.rating_avg, itemStyle: { color: blue } }] };
    },
    channels: function (d) {
      if (empty(d.channels)) { return { title: none }; }
      return { tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ name: "受理渠道", type: "pie", radius: "60%", data: d.channels.map(function (s) { return { name: s.label, value: s.count }; }) }] };
    },
    departments: function (d) {
      if (!d.departments.length) { return { title: none }; }
      var names = d.departments.map(function (x) { return x.department; });
      return { legend: { top: 0 }, tooltip: { trigger: "axis" }, grid: grid(), yAxis: { type: "category", data: names },
        xAxis: { type: "value", minInterval: 1 },
        series: [{ name: "超期办结", type: "bar", barMaxWidth: 36, stack: "late", data: d.departments.map(function (x) { return x.done_late; }), itemStyle: { color: amber } },
                 { name: "超期未办结", type: "bar", barMaxWidth: 36, stack: "late", data: d.departments.map(function (x) { return x.overdue_open; }), itemStyle: { color: red } }] };
    },
    workload: function (d) {
      var w = d.workload || [];
      return { legend: { top: 0 }, tooltip: { trigger: "axis" }, grid: grid(), xAxis: { type: "category", data: w.map(function (x) { return x.name; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: "在办", type: "bar", barMaxWidth: 36, data: w.map(function (x) { return x.open; }), itemStyle: { color: blue } },
                 { name: "超期", type: "bar", barMaxWidth: 36, data: w.map(function (x) { return x.overdue; }), itemStyle: { color: red } }] };
    }
  };
  fetch(root.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (d) {
      var charts = [];
      root.querySelectorAll("[data-chart]").forEach(function (el) {
        var f = build[el.getAttribute("data-chart")];
        if (!f) { return; }
        var ch = window.echarts.init(el, null, { renderer: "canvas" });
        var opt = f(d);
        opt.textStyle = font;
        opt.animation = false;
        ch.setOption(opt);
        charts.push(ch);
        el.setAttribute("data-drawn", "1");
      });
      root.setAttribute("data-ready", "1");
      window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    })
    .catch(function () { root.setAttribute("data-ready", "error"); });
})();
