import { get, problem } from '../api.js';
import { el, kpi, notice, num, replace, table, time } from '../dom.js';

export function render(main) {
  const body = el('div');
  replace(main, el('h1', {}, 'Delivery'), body);
  const load = async () => {
    const [stats, health] = await Promise.all([get('/stats'), get('/health')]);
    if (!stats.ok || !stats.data) {
      replace(body, notice('Delivery status is not available: ' + problem(stats)));
      return;
    }
    const s = stats.data;
    const outputs = Object.entries(s.outputs || {}).map(([name, o]) => ({ name, ...o }));
    const problems = health.ok && health.data ? (health.data.problems || []) : [];
    replace(body,
      el('div', { class: 'kpis' },
        kpi('health', health.ok && health.data ? health.data.status : 'unknown',
          health.data && health.data.status === 'ok' ? 'trend-falling' : 'trend-rising'),
        kpi('records accepted', num(s.accepted)), kpi('records rejected', num(s.rejected)),
        kpi('alerts raised', num(s.alertsRaised)), kpi('alerts published', num(s.alertsPublished)),
        kpi('rule errors', num(s.ruleErrors)), kpi('watermark', time(s.watermark))),
      problems.length ? el('ul', { class: 'error', id: 'health-problems' }, problems.map(p => el('li', {}, p))) : null,
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

function keyValues(name, object) {
  const rows = Object.entries(object).filter(([, v]) => typeof v !== 'object' || v === null).map(([key, value]) => ({ key, value }));
  return table(name, [{ key: 'key', title: 'Counter' }, { key: 'value', title: 'Value', num: true }], rows);
}
