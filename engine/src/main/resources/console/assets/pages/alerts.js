import { del, get, post, problem } from '../api.js';
import { el, notice, replace, text, time } from '../dom.js';
import { handoff } from '../state.js';

// GET /api/v1/alerts/groups answers {groups: [{groupKey, route, labels, receivers, alerts, acknowledged, nextTick}], truncated};
// each alert has a state: active, silenced, inhibited, acknowledged or resolved.

export function render(main) {
  const body = el('div', { id: 'alert-groups' });
  const status = el('p', { class: 'muted', id: 'alerts-status' });
  replace(main, el('h1', {}, 'Alerts'), status, body);
  // an acknowledgement comment being written is not wiped by the next refresh
  const composing = () => [...body.querySelectorAll('input[type=text]')].some(i => i.value !== '' || i === document.activeElement);
  /** Loads and draws the groups; a refresh (not an action's reload) leaves the page alone while a comment is written. */
  const load = async refresh => {
    if (refresh && composing()) return;
    const r = await get('/api/v1/alerts/groups');
    if (refresh && composing()) return;
    if (r.status === 404) {
      replace(body, notice('Alert groups are not available on this server.'));
      body.dataset.state = 'unavailable';
      return;
    }
    if (!r.ok || !r.data || !Array.isArray(r.data.groups)) {
      replace(body, notice('Alerts could not be loaded: ' + problem(r)));
      return;
    }
    const groups = r.data.groups;
    const alerts = groups.reduce((n, g) => n + (g.alerts || []).length, 0);
    body.dataset.state = 'loaded';
    status.textContent = groups.length + ' group(s), ' + alerts + ' alert(s)' + (r.data.truncated ? ' (the list is cut at the limit)' : '')
      + ', updated ' + new Date().toISOString().slice(11, 19) + 'Z';
    // an alert is inhibited by others, named by fingerprint: shown by their rule when they are listed
    const rules = new Map(groups.flatMap(g => (g.alerts || []).map(a => [a.fingerprint, a.rule])));
    const reload = () => load(false);
    replace(body, groups.length === 0 ? notice('No alerts.') : groups.map(g => groupView(g, reload, rules)));
  };
  load(false);
  const timer = setInterval(() => load(true), 10000);
  return () => clearInterval(timer);
}

function labels(map) {
  return Object.entries(map || {}).map(([k, v]) => el('span', { class: 'badge' }, k + '=' + v));
}

// an ATT&CK id links to its page on attack.mitre.org (a sub-technique T1021.002 to techniques/T1021/002/); anything else is text
const TACTIC = /^TA\d{4}$/;
const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

function attackLink(id) {
  const path = TACTIC.test(id) ? 'tactics/' + id : TECHNIQUE.test(id) ? 'techniques/' + id.replace('.', '/') : null;
  return path === null ? el('span', {}, id)
    : el('a', { href: 'https://attack.mitre.org/' + path + '/', target: '_blank', rel: 'noopener noreferrer' }, id);
}

/** The alert's ATT&CK tactic and technique ids (its labels tactic and technique), each a link. */
function attack(map) {
  const ids = ['tactic', 'technique'].flatMap(k => (map && map[k] ? map[k].split(',') : [])).map(id => id.trim()).filter(id => id);
  return ids.length === 0 ? null : el('span', { class: 'attack' }, ids.map(id => el('span', { class: 'badge' }, attackLink(id))));
}

function groupView(g, reload, rules) {
  const message = el('span', { class: 'muted ack-message' });
  const ack = g.acknowledged;
  let controls;
  if (ack) {
    const withdraw = async () => {
      const r = await del('/api/v1/groups/' + encodeURIComponent(g.groupKey) + '/ack');
      if (r.ok) reload();
      else message.textContent = 'not withdrawn: ' + problem(r);
    };
    controls = [el('span', { class: 'badge status-acknowledged ack-state' }, 'acknowledged'),
      el('span', { class: 'muted' }, 'by ' + text(ack.by) + ' at ' + time(ack.at) + (ack.until ? ', until ' + time(ack.until) : ', until it resolves')
        + (ack.comment ? ': ' + ack.comment : '')),
      el('button', { class: 'secondary withdraw', onclick: withdraw }, 'Withdraw')];
  } else {
    const comment = el('input', { type: 'text', placeholder: 'comment', 'aria-label': 'acknowledgement comment' });
    const hours = el('select', { 'aria-label': 'acknowledge for' },
      ['1', '4', '24'].map(h => el('option', { value: h }, h + ' h')));
    const acknowledge = async () => {
      const until = new Date(Date.now() + Number(hours.value) * 3600000).toISOString();
      const r = await post('/api/v1/groups/' + encodeURIComponent(g.groupKey) + '/ack', { comment: comment.value, until });
      if (r.ok) {
        comment.value = '';
        reload();
      } else {
        message.textContent = 'not acknowledged: ' + problem(r);
      }
    };
    controls = [comment, hours, el('button', { class: 'secondary acknowledge', onclick: acknowledge }, 'Acknowledge')];
  }
  return el('section', { class: 'card group', dataset: { groupKey: g.groupKey, acknowledged: ack ? 'true' : 'false' } },
    el('div', { class: 'group-head' }, el('strong', {}, 'Group'), labels(g.labels),
      (g.receivers || []).length ? el('span', { class: 'muted' }, '→ ' + g.receivers.join(', ')) : null, controls, message),
    el('table', { dataset: { table: 'alerts' } },
      el('thead', {}, el('tr', {}, ['State', 'Severity', 'Summary', 'ATT&CK', 'Labels', 'Since', ''].map(t => el('th', {}, t)))),
      el('tbody', {}, (g.alerts || []).map(a => alertRow(a, rules)))));
}

function alertRow(a, rules) {
  const silence = () => {
    handoff.silenceMatchers = Object.entries(a.labels || {}).map(([name, value]) => ({ name, op: '=', value }));
    location.hash = '#/silences/new';
  };
  const state = a.state || 'active';
  const why = [...(a.silencedBy || []).map(s => 'silenced by ' + s), ...(a.inhibitedBy || []).map(fp => 'inhibited by ' + (rules.get(fp) || fp))];
  return el('tr', { dataset: { fingerprint: a.fingerprint, state } },
    el('td', {}, el('span', { class: 'badge state status-' + state }, state), why.length ? el('div', { class: 'muted why' }, why.join(', ')) : null),
    el('td', {}, text(a.severity)),
    el('td', {}, (a.annotations && a.annotations.summary) || ''),
    el('td', {}, attack(a.labels)),
    el('td', {}, labels(a.labels)),
    el('td', {}, time(a.startsAt)),
    el('td', {}, state === 'resolved' ? null : el('button', { class: 'secondary silence', onclick: silence }, 'Silence…')));
}
