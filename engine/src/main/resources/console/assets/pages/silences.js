import { auth, del, get, post, problem } from '../api.js';
import { el, notice, replace, table, text, time } from '../dom.js';
import { handoff } from '../state.js';

const OPS = ['=', '!=', '=~', '!~'];

export function render(main, params) {
  if (params[0] === 'new') {
    return renderForm(main);
  }
  const body = el('div', { id: 'silences' });
  const message = el('p', { id: 'silences-message', class: 'message' });
  replace(main, el('h1', {}, 'Silences'),
    el('p', {}, el('a', { href: '#/silences/new', id: 'new-silence' }, 'New silence')), message, body);
  if (handoff.createdSilence) {
    message.className = 'muted';
    message.textContent = 'Silence ' + handoff.createdSilence + ' created.';
    handoff.createdSilence = null;
  }
  const load = async () => {
    const r = await get('/api/v1/silences');
    if (r.status === 404) {
      replace(body, notice('Silences are not available on this server.'));
      body.dataset.state = 'unavailable';
      return;
    }
    if (!r.ok || !r.data || !Array.isArray(r.data.silences)) {
      replace(body, notice('Silences could not be loaded: ' + problem(r)));
      return;
    }
    const list = r.data.silences;
    body.dataset.state = 'loaded';
    replace(body, list.length === 0 ? notice('No silences.') : table('silences', [
      { key: 'id', title: 'Id', cls: 'silence-id' },
      { key: 'matchers', title: 'Matchers', format: ms => (ms || []).map(matcherText).join(', ') },
      { key: 'startsAt', title: 'Starts', format: time }, { key: 'endsAt', title: 'Ends', format: time },
      { key: 'createdBy', title: 'By' }, { key: 'comment', title: 'Comment' },
      { key: 'status', title: 'State', cls: 'silence-state', format: state },
      { key: 'id', title: '', cell: s => state(s.status) === 'expired' ? null
        : el('button', { class: 'danger expire', onclick: () => expire(s.id, message, load) }, 'Expire') }],
    list, s => 'silence-' + state(s.status), s => ({ silenceId: s.id, state: state(s.status) })),
    r.data.truncated ? notice('Showing ' + list.length + ' of ' + r.data.total + ' silences.') : null);
  };
  load();
  const timer = setInterval(load, 10000);
  return () => clearInterval(timer);
}

/** {status: {state: "active"}} in Alertmanager's form. */
function state(status) {
  return status && typeof status === 'object' ? text(status.state) : text(status);
}

/** A matcher as the API reads it in a filter: name, operator and the value quoted as Matcher.quote does. */
function matcherText(m) {
  return m.name + m.op + '"' + String(m.value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

async function expire(id, message, reload) {
  const r = await del('/api/v1/silences/' + encodeURIComponent(id));
  message.className = r.ok ? 'muted' : 'message';
  message.textContent = r.ok ? 'Silence ' + id + ' expired.' : 'Not expired: ' + problem(r);
  reload();
}

function localInput(date) {
  const pad = n => String(n).padStart(2, '0');
  return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + 'T' + pad(date.getHours()) + ':'
    + pad(date.getMinutes());
}

function renderForm(main) {
  const prefill = handoff.silenceMatchers || [{ name: '', op: '=', value: '' }];
  handoff.silenceMatchers = null;
  const rows = el('div', { id: 'matchers' });
  const addRow = m => {
    const row = el('div', { class: 'matcher-row' },
      el('input', { type: 'text', class: 'm-name', placeholder: 'label', value: m.name, 'aria-label': 'label name' }),
      el('select', { class: 'm-op', 'aria-label': 'operator' }, OPS.map(op => el('option', { value: op, selected: op === m.op }, op))),
      el('input', { type: 'text', class: 'm-value', placeholder: 'value', value: m.value, 'aria-label': 'label value' }),
      el('button', { type: 'button', class: 'secondary', onclick: () => row.remove() }, 'Remove'));
    rows.appendChild(row);
  };
  prefill.forEach(addRow);
  const now = new Date();
  const starts = el('input', { type: 'datetime-local', id: 'starts', value: localInput(now) });
  const ends = el('input', { type: 'datetime-local', id: 'ends', value: localInput(new Date(now.getTime() + 2 * 3600000)) });
  const createdBy = el('input', { type: 'text', id: 'created-by', value: auth.name || '' });
  const comment = el('textarea', { id: 'comment', rows: '2', required: true });
  const preview = el('div', { id: 'preview' });
  const message = el('p', { id: 'silence-message', class: 'message' });
  const matchers = () => [...rows.querySelectorAll('.matcher-row')].map(r => ({
    name: r.querySelector('.m-name').value.trim(), op: r.querySelector('.m-op').value, value: r.querySelector('.m-value').value
  })).filter(m => m.name !== '');
  const doPreview = async () => {
    const query = matchers().map(m => 'filter=' + encodeURIComponent(matcherText(m))).join('&');
    const r = await get('/api/v1/alerts' + (query ? '?' + query : ''));
    if (r.status === 404) {
      replace(preview, notice('Previewing is not available on this server.'));
    } else if (!r.ok || !r.data || !Array.isArray(r.data.alerts)) {
      replace(preview, notice('Preview failed: ' + problem(r)));
    } else {
      const list = r.data.alerts;
      replace(preview, el('p', { id: 'preview-count' }, r.data.total + ' alert(s) match' + (r.data.truncated ? ', ' + list.length + ' shown' : '')),
        table('preview', [
          { key: 'state', title: 'State' }, { key: 'annotations', title: 'Summary', format: a => (a && a.summary) || '' },
          { key: 'labels', title: 'Labels', format: l => Object.entries(l || {}).map(([k, v]) => k + '=' + v).join(', ') }],
        list, null, a => ({ fingerprint: a.fingerprint })));
    }
  };
  const submit = async event => {
    event.preventDefault();
    const ms = matchers();
    if (ms.length === 0) {
      message.textContent = 'Add at least one matcher.';
      return;
    }
    const body = { matchers: ms, startsAt: new Date(starts.value).toISOString(), endsAt: new Date(ends.value).toISOString(),
      comment: comment.value };
    // left empty, the server records the signed-in name
    if (createdBy.value.trim() !== '') body.createdBy = createdBy.value;
    const r = await post('/api/v1/silences', body);
    if (r.ok) {
      handoff.createdSilence = r.data && r.data.silenceID;
      location.hash = '#/silences';
    } else {
      message.textContent = r.status === 404 ? 'Silences are not available on this server.' : 'Not saved: ' + problem(r);
    }
  };
  replace(main, el('h1', {}, 'New silence'),
    el('form', { class: 'stack', id: 'silence-form', onsubmit: submit },
      el('strong', {}, 'Matchers'), rows,
      el('div', {}, el('button', { type: 'button', class: 'secondary', onclick: () => addRow({ name: '', op: '=', value: '' }) },
        'Add matcher')),
      el('label', {}, 'Starts ', starts), el('label', {}, 'Ends ', ends),
      el('label', {}, 'Created by ', createdBy), el('label', {}, 'Comment ', comment),
      el('div', {}, el('button', { type: 'button', class: 'secondary', id: 'preview-button', onclick: doPreview },
        'Preview matching alerts'), ' ', el('button', { type: 'submit', id: 'save-silence' }, 'Create silence')),
      message),
    el('h2', {}, 'Matching alerts'), preview);
}
