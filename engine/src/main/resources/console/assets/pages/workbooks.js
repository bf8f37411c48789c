// The six VM insights workbooks over the last hours of ingested data, redrawn every 10 s.
import { get, problem } from '../api.js';
import { bytes, el, kpi, notice, num, pct, replace, table, text, time } from '../dom.js';

const VIEWS = [
  ['overview', 'Connections overview'], ['failures', 'Failed connections'], ['security', 'Security'],
  ['ports', 'Listening ports'], ['processes', 'Connections by process'], ['traffic', 'Traffic']];
const RANGES = [['15', '15 min'], ['60', '1 hour'], ['180', '3 hours'], ['360', '6 hours']];
const POLL_MILLIS = 10000;
const filters = { machine: '', minutes: '60', top: '10' };

export function render(main, params) {
  const view = VIEWS.some(([v]) => v === params[0]) ? params[0] : 'overview';
  const charts = new Map();
  const content = el('div', { id: 'workbook', dataset: { view } });
  const status = el('span', { class: 'muted', id: 'workbook-status' });
  const machines = el('datalist', { id: 'machine-list' });
  const machine = el('input', { type: 'text', id: 'machine-filter', list: 'machine-list', placeholder: 'all machines (glob: web-*)',
    value: filters.machine });
  const range = el('select', { id: 'range' }, RANGES.map(([v, t]) => el('option', { value: v, selected: v === filters.minutes }, t)));
  const top = el('select', { id: 'top' }, ['5', '10', '20', '50'].map(v => el('option', { value: v, selected: v === filters.top }, v)));
  let timer = null;
  let stopped = false;

  const load = async () => {
    filters.machine = machine.value.trim();
    filters.minutes = range.value;
    filters.top = top.value;
    const store = await get('/api/v1/workbooks');
    if (stopped) return;
    if (!store.ok || !store.data) {
      replace(content, notice(store.status === 404 ? 'Workbooks are not available on this server.'
        : 'Workbooks could not be loaded: ' + problem(store)));
      return;
    }
    replace(machines, (store.data.machines || []).map(m => el('option', { value: m.computer })));
    if (!store.data.newest) {
      replace(content, notice('No data yet: ingest records (POST /ingest) and they appear here within seconds.'));
      return;
    }
    const to = new Date(Date.parse(store.data.newest) + 60000);
    const from = new Date(to.getTime() - Number(filters.minutes) * 60000);
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), top: filters.top });
    if (filters.machine) query.set('machine', filters.machine);
    const r = await get('/api/v1/workbooks/' + view + '?' + query);
    if (stopped) return;
    if (!r.ok || !r.data) {
      replace(content, notice('This workbook could not be loaded: ' + problem(r)));
      return;
    }
    status.textContent = time(r.data.from) + ' to ' + time(r.data.to) + ', ' + r.data.machines + ' machine(s), '
      + r.data.binMinutes + ' min per point; updated ' + new Date().toISOString().slice(11, 19) + 'Z';
    DRAW[view](content, r.data, charts);
    content.dataset.loaded = String(Number(content.dataset.loaded || 0) + 1);
  };
  const restart = () => {
    clearInterval(timer);
    load();
    timer = setInterval(load, POLL_MILLIS);
  };
  machine.addEventListener('change', restart);
  range.addEventListener('change', restart);
  top.addEventListener('change', restart);
  const resize = () => charts.forEach(c => c.resize());
  window.addEventListener('resize', resize);

  replace(main, el('h1', {}, 'Workbooks'),
    el('nav', { class: 'subnav' }, VIEWS.map(([v, t]) => el('a', { href: '#/workbooks/' + v, class: v === view ? 'active' : null,
      dataset: { view: v } }, t))),
    el('div', { class: 'filters' },
      el('label', {}, 'Machine', machine), machines, el('label', {}, 'Time range', range), el('label', {}, 'Top', top),
      el('button', { class: 'secondary', onclick: restart }, 'Refresh'), status),
    content);
  restart();
  return () => {
    stopped = true;
    clearInterval(timer);
    window.removeEventListener('resize', resize);
    charts.forEach(c => c.dispose());
  };
}

// ---- charts ----

/** The card holding a chart, made once per view and redrawn in place on every poll. */
function chartCard(container, charts, name, title) {
  let card = container.querySelector('[data-card="' + name + '"]');
  if (!card) {
    card = el('div', { class: 'card', dataset: { card: name } }, el('h2', {}, title), el('div', { class: 'chart', dataset: { chart: name } }));
  }
  return card;
}

function draw(charts, card, option) {
  const node = card.querySelector('.chart');
  if (typeof echarts === 'undefined') {
    node.textContent = 'The charting library did not load.';
    return;
  }
  let chart = charts.get(node);
  if (!chart) {
    chart = echarts.init(node);
    charts.set(node, chart);
  }
  chart.setOption(option, { notMerge: true });
}

const BASE = {
  animation: false,
  // tooltips drawn on the canvas, not as HTML: names come from monitored hosts
  tooltip: { trigger: 'axis', renderMode: 'richText', confine: true },
  legend: { type: 'scroll', top: 0 },
  grid: { left: 60, right: 20, top: 40, bottom: 30 }
};

function timeAxis(times) {
  return { type: 'category', data: times.map(t => t.slice(11, 16)), boundaryGap: false };
}

function lines(times, series, options = {}) {
  return {
    ...BASE,
    xAxis: timeAxis(times),
    yAxis: { type: 'value', ...(options.yAxis || {}) },
    series: series.map(s => ({ name: s.name, type: 'line', data: s.data, showSymbol: false, connectNulls: false,
      ...(options.stack ? { stack: 'total', areaStyle: {} } : {}) }))
  };
}

function bars(categories, series, stack) {
  return {
    ...BASE,
    tooltip: { ...BASE.tooltip, axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value' },
    grid: { ...BASE.grid, bottom: 80 },
    series: series.map(s => ({ type: 'bar', ...s, ...(stack ? { stack: 'total' } : {}) }))
  };
}

function timeBars(times, series) {
  return {
    ...BASE,
    tooltip: { ...BASE.tooltip, axisPointer: { type: 'shadow' } },
    xAxis: { ...timeAxis(times), boundaryGap: true },
    yAxis: { type: 'value' },
    series: series.map(s => ({ name: s.name, type: 'bar', stack: 'total', data: s.data }))
  };
}

function pie(name, items) {
  return {
    animation: false,
    tooltip: { trigger: 'item', renderMode: 'richText' },
    legend: { type: 'scroll', top: 0 },
    series: [{ name, type: 'pie', radius: ['35%', '65%'], top: 30, data: items }]
  };
}

function layout(container, ...parts) {
  // keep chart cards (and their chart instances) across polls; rebuild the rest
  replace(container, ...parts);
}

function machineCell(r) {
  return el('span', { title: text(r.machine) }, text(r.computer));
}

const DRAW = {
  overview(container, d, charts) {
    const inbound = chartCard(container, charts, 'inbound', 'Inbound links established, by machine');
    const outbound = chartCard(container, charts, 'outbound', 'Outbound links established, by machine');
    const t = d.totals;
    layout(container,
      el('div', { class: 'kpis' }, kpi('inbound established', num(t.inbound.established)), kpi('inbound terminated', num(t.inbound.terminated)),
        kpi('outbound established', num(t.outbound.established)), kpi('outbound failed', num(t.outbound.failed)),
        kpi('outbound terminated', num(t.outbound.terminated))),
      el('div', { class: 'grid' }, inbound, outbound),
      el('h2', {}, 'By machine'),
      table('overview', [
        { key: 'computer', title: 'Computer', cell: machineCell },
        { key: 'inEstablished', title: 'In established', num: true, format: num }, { key: 'inLive', title: 'In live (max)', num: true, format: num },
        { key: 'inTerminated', title: 'In terminated', num: true, format: num },
        { key: 'outEstablished', title: 'Out established', num: true, format: num }, { key: 'outLive', title: 'Out live (max)', num: true, format: num },
        { key: 'outFailed', title: 'Out failed', num: true, format: num }, { key: 'outTerminated', title: 'Out terminated', num: true, format: num },
        { key: 'responses', title: 'Responses', num: true, format: num }, { key: 'avgResponseMs', title: 'Avg response ms', num: true },
        { key: 'bytesSent', title: 'Sent', num: true, format: bytes }, { key: 'bytesReceived', title: 'Received', num: true, format: bytes }],
      d.table));
    draw(charts, inbound, lines(d.times, d.series.inbound, { stack: true }));
    draw(charts, outbound, lines(d.times, d.series.outbound, { stack: true }));
  },

  failures(container, d, charts) {
    const failed = chartCard(container, charts, 'failed', 'Failed links, by machine');
    const percent = chartCard(container, charts, 'percentFailed', 'Percent failed (fleet)');
    const t = d.totals;
    layout(container,
      el('div', { class: 'kpis' }, kpi('failed links', num(t.failed)), kpi('established links', num(t.established)),
        kpi('percent failed', pct(t.percentFailed)),
        el('div', { class: 'kpi', id: 'failure-trend' }, el('div', { class: 'value trend-' + t.trend }, t.trend),
          el('div', { class: 'label' }, 'trend: ' + pct(t.firstHalfPercent) + ' → ' + pct(t.secondHalfPercent)))),
      el('div', { class: 'grid' }, failed, percent),
      el('h2', {}, 'By machine'),
      table('failures', [
        { key: 'computer', title: 'Computer', cell: machineCell },
        { key: 'established', title: 'Established', num: true, format: num }, { key: 'failed', title: 'Failed', num: true, format: num },
        { key: 'percentFailed', title: 'Failed %', num: true, format: pct },
        { key: 'firstHalfPercent', title: 'First half %', num: true, format: pct },
        { key: 'secondHalfPercent', title: 'Second half %', num: true, format: pct },
        { key: 'trend', title: 'Trend', cell: r => el('span', { class: 'trend-' + r.trend }, text(r.trend)) }],
      d.table));
    draw(charts, failed, timeBars(d.times, d.series.failed));
    draw(charts, percent, lines(d.times, d.series.percentFailed, { yAxis: { max: 100 } }));
  },

  security(container, d, charts) {
    const trend = chartCard(container, charts, 'malicious', 'Malicious connections over time');
    const types = chartCard(container, charts, 'threatTypes', 'By threat type');
    const countries = chartCard(container, charts, 'countries', 'By country');
    const t = d.totals;
    layout(container,
      el('div', { class: 'kpis' }, kpi('connections', num(t.connections)), kpi('benign', num(t.benign)),
        kpi('malicious', num(t.malicious), t.malicious > 0 ? 'trend-rising' : '')),
      el('div', { class: 'grid' }, trend, types, countries),
      el('h2', {}, 'By indicator'),
      d.byIndicator.length === 0 ? notice('No malicious connections in this range.') : table('indicators', [
        { key: 'indicator', title: 'Indicator' }, { key: 'threatType', title: 'Threat type' }, { key: 'country', title: 'Country' },
        { key: 'direction', title: 'Direction' }, { key: 'source', title: 'Verdict from' },
        { key: 'rows', title: 'Rows', num: true, format: num }, { key: 'links', title: 'Links', num: true, format: num },
        { key: 'bytes', title: 'Bytes', num: true, format: bytes },
        { key: 'computers', title: 'Computers', format: v => (v || []).join(', ') }], d.byIndicator),
      el('h2', {}, 'By machine'),
      table('security-machines', [{ key: 'computer', title: 'Computer', cell: machineCell },
        { key: 'malicious', title: 'Malicious rows', num: true, format: num }], d.byMachine));
    draw(charts, trend, lines(d.times, d.series.malicious));
    draw(charts, types, pie('threat type', d.byThreatType.map(x => ({ name: x.name, value: x.value }))));
    draw(charts, countries, bars(d.byCountry.map(c => c.name), [
      { name: 'inbound', data: d.byCountry.map(c => c.inbound) }, { name: 'outbound', data: d.byCountry.map(c => c.outbound) }], true));
  },

  ports(container, d, charts) {
    const open = chartCard(container, charts, 'openPorts', 'Open ports by machine (wildcard binds highlighted)');
    layout(container,
      el('div', { class: 'kpis' }, kpi('listening ports', num(d.totals.ports)),
        kpi('open on all interfaces', num(d.totals.wildcard), d.totals.wildcard > 0 ? 'trend-rising' : '')),
      el('div', { class: 'grid' }, open),
      el('h2', {}, 'Listening ports by machine and process'),
      table('ports', [
        { key: 'computer', title: 'Computer', cell: machineCell }, { key: 'process', title: 'Process' },
        { key: 'ip', title: 'Address' }, { key: 'port', title: 'Port', num: true },
        { key: 'wildcard', title: 'Wildcard', cls: 'flag', format: (v, r) => (v ? 'all interfaces' : r.loopback ? 'loopback' : '') },
        { key: 'linksEstablished', title: 'Links', num: true, format: num }, { key: 'linksLive', title: 'Live (latest)', num: true, format: num },
        { key: 'bytesSent', title: 'Sent', num: true, format: bytes }, { key: 'bytesReceived', title: 'Received', num: true, format: bytes },
        { key: 'lastSeen', title: 'Last seen', format: time }],
      d.table, r => (r.wildcard ? 'wildcard' : null)),
      d.truncated ? el('p', { class: 'muted' }, 'Only the first rows are listed.') : null);
    const m = d.byMachine;
    draw(charts, open, bars(m.map(x => x.computer), [
      { name: 'bound to one address', data: m.map(x => x.openPorts - x.wildcardPorts) },
      { name: 'wildcard (all interfaces)', data: m.map(x => x.wildcardPorts), itemStyle: { color: '#e67e22' } }], true));
  },

  processes(container, d, charts) {
    const links = chartCard(container, charts, 'processLinks', 'Links (established + failed) by process');
    layout(container,
      el('div', { class: 'grid' }, links),
      el('h2', {}, 'Connections by process'),
      table('processes', [
        { key: 'process', title: 'Process' }, { key: 'computer', title: 'Computer', cell: machineCell },
        { key: 'inboundLinks', title: 'Inbound links', num: true, format: num },
        { key: 'outboundLinks', title: 'Outbound links', num: true, format: num },
        { key: 'failed', title: 'Failed', num: true, format: num }, { key: 'rows', title: 'Rows', num: true, format: num },
        { key: 'bytesSent', title: 'Sent', num: true, format: bytes }, { key: 'bytesReceived', title: 'Received', num: true, format: bytes }],
      d.table),
      el('p', { class: 'muted' }, 'Per minute, the top processes by bytes and by links are kept; the rest count as (other).'));
    draw(charts, links, lines(d.times, d.series.links));
  },

  traffic(container, d, charts) {
    const sent = chartCard(container, charts, 'sent', 'Bytes sent, by machine');
    const received = chartCard(container, charts, 'received', 'Bytes received, by machine');
    const t = d.totals;
    layout(container,
      el('div', { class: 'kpis' }, kpi('sent', bytes(t.bytesSent)), kpi('received', bytes(t.bytesReceived)),
        el('div', { class: 'kpi', id: 'traffic-trend' }, el('div', { class: 'value' }, t.trend),
          el('div', { class: 'label' }, 'trend: ' + bytes(t.firstHalfBytes) + ' → ' + bytes(t.secondHalfBytes)))),
      el('div', { class: 'grid' }, sent, received),
      el('h2', {}, 'Top talkers'),
      table('talkers', [
        { key: 'remoteIp', title: 'Remote' }, { key: 'country', title: 'Country' },
        { key: 'bytesSent', title: 'Sent', num: true, format: bytes }, { key: 'bytesReceived', title: 'Received', num: true, format: bytes },
        { key: 'links', title: 'Links', num: true, format: num }, { key: 'computers', title: 'Computers', format: v => (v || []).join(', ') }],
      d.topTalkers),
      el('h2', {}, 'By machine'),
      table('traffic-machines', [{ key: 'computer', title: 'Computer', cell: machineCell },
        { key: 'bytesSent', title: 'Sent', num: true, format: bytes }, { key: 'bytesReceived', title: 'Received', num: true, format: bytes }],
      d.byMachine));
    draw(charts, sent, lines(d.times, d.series.sent, { stack: true }));
    draw(charts, received, lines(d.times, d.series.received, { stack: true }));
  }
};
