import { get, post, problem } from '../api.js';
import { el, notice, replace, time } from '../dom.js';
import { handoff } from '../state.js';

export function render(main) {
  const body = el('div', { id: 'alert-groups' });
  const status = el('p', { class: 'muted', id: 'alerts-status' });
  replace(main, el('h1', {}, 'Alerts'), status, body);
  const load = async () => {
    const r = await get('/api/v1/alerts/groups');
    if (r.status === 404) {
      replace(body, notice('Alert groups are not available on this server.'));
      body.dataset.state = 'unavailable';
      return;
    }
    if (!r.ok || !Array.isArray(r.data)) {
      replace(body, notice('Alerts could not be loaded: ' + problem(r)));
      return;
    }
    body.dataset.state = 'loaded';
    status.textContent = r.data.length + ' group(s), updated ' + new Date().toISOString().slice(11, 19) + 'Z';
    replace(body, r.data.length === 0 ? notice('No alerts.') : r.data.map(groupView));
  };
  load();
  const timer = setInterval(load, 10000);
  return () => clearInterval(timer);
}

function labels(map) {
  return Object.entries(map || {}).map(([k, v]) => el('span', { class: 'badge' }, k + '=' + v));
}

function groupView(g) {
  const message = el('span', { class: 'muted' });
  const comment = el('input', { type: 'text', placeholder: 'comment', 'aria-label': 'acknowledgement comment' });
  const hours = el('select', { 'aria-label': 'acknowledge for' },
    ['1', '4', '24'].map(h => el('option', { value: h }, h + ' h')));
  const ack = async () => {
    const until = new Date(Date.now() + Number(hours.value) * 3600000).toISOString();
    const r = await post('/api/v1/groups/' + encodeURIComponent(g.groupKey) + '/ack', { comment: comment.value, until });
    message.textContent = r.ok ? 'acknowledged until ' + until : 'not acknowledged: ' + problem(r);
  };
  return el('section', { class: 'card group', dataset: { groupKey: g.groupKey } },
    el('div', { class: 'group-head' }, el('strong', {}, 'Group'), labels(g.labels),
      comment, hours, el('button', { class: 'secondary', onclick: ack }, 'Acknowledge'), message),
    el('table', { dataset: { table: 'alerts' } },
      el('thead', {}, el('tr', {}, ['Status', 'Summary', 'Labels', 'Since', ''].map(t => el('th', {}, t)))),
      el('tbody', {}, (g.alerts || []).map(alertRow))));
}

function alertRow(a) {
  const silence = () => {
    handoff.silenceMatchers = Object.entries(a.labels || {}).map(([name, value]) => ({ name, op: '=', value }));
    location.hash = '#/silences/new';
  };
  const status = a.status || 'active';
  const why = [...(a.silencedBy || []).map(s => 'silenced by ' + s), ...(a.inhibitedBy || []).map(s => 'inhibited by ' + s)];
  return el('tr', { dataset: { fingerprint: a.fingerprint, status } },
    el('td', {}, el('span', { class: 'badge status-' + status }, status), why.length ? el('div', { class: 'muted' }, why.join(', ')) : null),
    el('td', {}, (a.annotations && a.annotations.summary) || ''),
    el('td', {}, labels(a.labels)),
    el('td', {}, time(a.startsAt)),
    el('td', {}, el('button', { class: 'secondary silence', onclick: silence }, 'Silence…')));
}
