import { auth, del, get, post, problem } from '../api.js';
import { el, notice, replace, table, time } from '../dom.js';
import { handoff } from '../state.js';

const OPS = ['=', '!=', '=~', '!~'];

export function render(main, params) {
  if (params[0] === 'new') {
    return renderForm(main);
  }
  const body = el('div', { id: 'silences' });
  replace(main, el('h1', {}, 'Silences'),
    el('p', {}, el('a', { href: '#/silences/new', id: 'new-silence' }, 'New silence')), body);
  const load = async () => {
    const r = await get('/api/v1/silences');
    if (r.status === 404) {
      replace(body, notice('Silences are not available on this server.'));
      body.dataset.state = 'unavailable';
      return;
    }
    if (!r.ok || !Array.isArray(r.data)) {
      replace(body, notice('Silences could not be loaded: ' + problem(r)));
      return;
    }
    body.dataset.state = 'loaded';
    replace(body, r.data.length === 0 ? notice('No silences.') : table('silences', [
      { key: 'id', title: 'Id' },
      { key: 'matchers', title: 'Matchers', format: ms => (ms || []).map(m => m.name + m.op + '"' + m.value + '"').join(', ') },
      { key: 'startsAt', title: 'Starts', format: time }, { key: 'endsAt', title: 'Ends', format: time },
      { key: 'createdBy', title: 'By' }, { key: 'comment', title: 'Comment' },
      { key: 'status', title: 'Status', format: s => (s && typeof s === 'object' ? s.state : s) },
      { key: 'id', title: '', cell: s => el('button', { class: 'danger', onclick: () => expire(s.id, load) }, 'Expire') }],
    r.data));
  };
  load();
  const timer = setInterval(load, 10000);
  return () => clearInterval(timer);
}

async function expire(id, reload) {
  const r = await del('/api/v1/silences/' + encodeURIComponent(id));
  if (!r.ok) alert('Not expired: ' + problem(r));
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
  const comment = el('textarea', { id: 'comment', rows: '2' });
  const preview = el('div', { id: 'preview' });
  const message = el('p', { id: 'silence-message', class: 'message' });
  const matchers = () => [...rows.querySelectorAll('.matcher-row')].map(r => ({
    name: r.querySelector('.m-name').value.trim(), op: r.querySelector('.m-op').value, value: r.querySelector('.m-value').value
  })).filter(m => m.name !== '');
  const doPreview = async () => {
    const query = matchers().map(m => 'filter=' + encodeURIComponent(m.name + m.op + JSON.stringify(m.value))).join('&');
    const r = await get('/api/v1/alerts' + (query ? '?' + query : ''));
    if (r.status === 404) {
      replace(preview, notice('Previewing is not available on this server.'));
    } else if (!r.ok || !Array.isArray(r.data)) {
      replace(preview, notice('Preview failed: ' + problem(r)));
    } else {
      replace(preview, el('p', {}, r.data.length + ' alert(s) match'), table('preview', [
        { key: 'status', title: 'Status' }, { key: 'annotations', title: 'Summary', format: a => (a && a.summary) || '' },
        { key: 'labels', title: 'Labels', format: l => Object.entries(l || {}).map(([k, v]) => k + '=' + v).join(', ') }], r.data));
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
      createdBy: createdBy.value, comment: comment.value };
    const r = await post('/api/v1/silences', body);
    if (r.ok) {
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
