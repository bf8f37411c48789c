import { auth, get, post, problem } from '../api.js';
import { el, kpi, notice, num, replace, table, text, time } from '../dom.js';

// /stats and /health for the service, GET /api/v1/receivers ({receivers: [...]}) for each receiver's counters and circuit,
// GET /api/v1/dead-letters ({deadLetters: [...], total, pending, truncated}) with replay and drop (admin only).

export function render(main) {
  const body = el('div', { id: 'delivery' });
  const message = el('p', { id: 'delivery-message', class: 'muted' });
  replace(main, el('h1', {}, 'Delivery'), message, body);
  const load = async () => {
    const [stats, health, receivers, dead] = await Promise.all([get('/stats'), get('/health'), get('/api/v1/receivers'),
      get('/api/v1/dead-letters')]);
    if (!stats.ok || !stats.data) {
      replace(body, notice('Delivery status is not available: ' + problem(stats)));
      return;
    }
    const s = stats.data;
    const outputs = Object.entries(s.outputs || {}).map(([name, o]) => ({ name, ...o }));
    const problems = health.ok && health.data ? (health.data.problems || []) : [];
    const lifecycle = s.lifecycle || null;
    replace(body,
      el('div', { class: 'kpis' },
        kpi('health', health.ok && health.data ? health.data.status : 'unknown',
          health.data && health.data.status === 'ok' ? 'trend-falling' : 'trend-rising'),
        kpi('records accepted', num(s.accepted)), kpi('records rejected', num(s.rejected)),
        kpi('alerts raised', num(s.alertsRaised)), kpi('alerts published', num(s.alertsPublished)),
        kpi('rule errors', num(s.ruleErrors)), kpi('watermark', time(s.watermark))),
      problems.length ? el('ul', { class: 'error', id: 'health-problems' }, problems.map(p => el('li', {}, p))) : null,
      lifecycle ? lifecycleView(lifecycle) : null,
      el('h2', {}, 'Receivers'), receiversView(receivers),
      el('h2', {}, 'Dead letters'), deadLettersView(dead, message, load),
      el('h2', {}, 'Alert outputs'),
      outputs.length === 0 ? notice('No outputs are reported.') : table('outputs', [
        { key: 'name', title: 'Output' }, { key: 'durable', title: 'Durable', format: v => (v ? 'yes' : 'no') },
        { key: 'failing', title: 'Failing', format: v => (v ? 'FAILING' : 'no') },
        { key: 'failures', title: 'Failures', num: true, format: num },
        { key: 'lastFailure', title: 'Last failure', format: time }, { key: 'lastError', title: 'Last error', cls: 'error' }],
      outputs, o => (o.failing ? 'wildcard' : null)),
      s.kafka ? [el('h2', {}, 'Kafka'), keyValues('kafka', s.kafka)] : null,
      s.http ? [el('h2', {}, 'HTTP'), keyValues('http', s.http)] : null);
  };
  load();
  const timer = setInterval(load, 10000);
  return () => clearInterval(timer);
}

function lifecycleView(l) {
  const n = l.notifications || {};
  const held = l.held || {};
  return el('div', { class: 'kpis', id: 'lifecycle-kpis' },
    kpi('groups', num(l.groups)), kpi('acknowledged groups', num(l.acknowledgedGroups)),
    kpi('notifications firing', num(n.firing)), kpi('notifications resolved', num(n.resolved)),
    kpi('repeats skipped (acknowledged)', num(n.repeatsSkippedAcknowledged)),
    kpi('held silenced', num(held.silenced)), kpi('held inhibited', num(held.inhibited)), kpi('held muted', num(held.muted)));
}

function receiversView(r) {
  if (r.status === 404) return notice('Receivers are not reported by this server.');
  if (!r.ok || !r.data || !Array.isArray(r.data.receivers)) return notice('Receivers could not be loaded: ' + problem(r));
  const list = r.data.receivers;
  if (list.length === 0) return notice('No receiver is configured: alerts go to the outputs below only.');
  return table('receivers', [
    { key: 'name', title: 'Receiver' },
    { key: 'delivered', title: 'Delivered', num: true, format: num },
    { key: 'alertsDelivered', title: 'Alerts delivered', num: true, format: num },
    { key: 'pending', title: 'Pending', num: true, format: num },
    { key: 'failures', title: 'Failures', num: true, format: num },
    { key: 'deadLettered', title: 'Dead-lettered', num: true, format: num },
    { key: 'deadLetters', title: 'Dead letters held', num: true, format: num },
    { key: 'circuit', title: 'Circuit', format: v => text(v) },
    { key: 'circuitOpenUntil', title: 'Open until', format: time },
    { key: 'pausedUntil', title: 'Paused until', format: time }],
  list, x => (x.circuit === 'open' ? 'wildcard' : null), x => ({ receiver: x.name }));
}

function deadLettersView(r, message, reload) {
  if (r.status === 404) return notice('Dead letters are not reported by this server.');
  if (!r.ok || !r.data || !Array.isArray(r.data.deadLetters)) return notice('Dead letters could not be loaded: ' + problem(r));
  const list = r.data.deadLetters;
  if (list.length === 0) return notice('No dead letters.');
  // replaying and dropping need the admin role; others see the list only
  const admin = auth.enabled === false || (auth.roles || []).includes('admin');
  const change = async (action, body) => {
    const a = await post('/api/v1/dead-letters/' + action, body);
    if (a.ok && a.data) {
      const n = action === 'replay' ? a.data.replayed : a.data.dropped;
      message.textContent = n + ' dead letter(s) ' + (action === 'replay' ? 'queued again' : 'dropped')
        + ((a.data.notDeadLetters || []).length ? '; no longer dead letters: ' + a.data.notDeadLetters.join(', ') : '') + '.';
    } else {
      message.textContent = (action === 'replay' ? 'Not replayed: ' : 'Not dropped: ') + problem(a);
    }
    reload();
  };
  const columns = [
    { key: 'id', title: 'Id', num: true }, { key: 'receiver', title: 'Receiver' }, { key: 'groupKey', title: 'Group' },
    { key: 'status', title: 'Status' }, { key: 'severity', title: 'Severity' },
    { key: 'alerts', title: 'Alerts', num: true, format: num }, { key: 'attempts', title: 'Attempts', num: true, format: num },
    { key: 'firstAlert', title: 'First alert', format: a => (a ? text(a.rule) + ' on ' + text(a.computer) + ': ' + text(a.summary) : '') },
    { key: 'lastError', title: 'Last error', cls: 'error' }, { key: 'queuedAt', title: 'Queued', format: time }];
  if (admin) {
    columns.push({ key: 'id', title: '', cell: d => [
      el('button', { class: 'secondary replay', onclick: () => change('replay', { ids: [d.id] }) }, 'Replay'), ' ',
      el('button', { class: 'danger drop', onclick: () => change('drop', { ids: [d.id] }) }, 'Drop')] });
  }
  return el('div', {},
    el('p', { class: 'muted' }, r.data.total + ' dead letter(s)' + (r.data.truncated ? ', ' + list.length + ' shown' : ''),
      admin ? [' ', el('button', { class: 'secondary', id: 'replay-all', onclick: () => change('replay', { all: true }) }, 'Replay all')] : null),
    table('dead-letters', columns, list, null, d => ({ id: d.id })));
}

function keyValues(name, object) {
  const rows = Object.entries(object).filter(([, v]) => typeof v !== 'object' || v === null).map(([key, value]) => ({ key, value }));
  return table(name, [{ key: 'key', title: 'Counter' }, { key: 'value', title: 'Value', num: true }], rows);
}
