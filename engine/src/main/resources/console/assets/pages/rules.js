import { get, post, problem } from '../api.js';
import { el, notice, replace, table, time } from '../dom.js';

export function render(main) {
  const body = el('div');
  const outcome = el('p', { id: 'reload-outcome' });
  replace(main, el('h1', {}, 'Rules'),
    el('p', {}, el('button', { id: 'reload', onclick: () => reload(outcome, body) }, 'Reload rules'), ' ', outcome), body);
  load(body);
}

async function load(body) {
  const r = await get('/rules');
  if (!r.ok || !r.data) {
    replace(body, notice('Rules are not available: ' + problem(r)));
    return;
  }
  const d = r.data;
  const parts = [
    el('p', {}, 'Version ', el('strong', { id: 'rules-version' }, d.version), ' from ', el('code', {}, d.directory)),
    el('h2', {}, 'Rules (' + (d.rules || []).length + ')'),
    table('rules', [{ key: 'name', title: 'Rule' }], (d.rules || []).map(name => ({ name }))),
    el('h2', {}, 'Files'),
    table('rule-files', [{ key: 'file', title: 'File' }], (d.files || []).map(file => ({ file })))];
  if (d.lastReload) parts.push(el('h2', {}, 'Last reload'), reloadView(d.lastReload));
  replace(body, ...parts);
}

function reloadView(r) {
  return el('div', {},
    el('p', {}, time(r.at), ': version ', r.version, ', ', String(r.rules), ' rules, paused ', String(r.pausedMillis), ' ms'),
    (r.problems || []).length === 0 ? null : table('reload-problems',
      [{ key: 'file', title: 'File' }, { key: 'line', title: 'Line', num: true }, { key: 'column', title: 'Column', num: true },
        { key: 'message', title: 'Problem' }], r.problems));
}

async function reload(outcome, body) {
  outcome.textContent = 'reloading…';
  const r = await post('/admin/reload');
  if (r.status === 404) outcome.textContent = 'Reloading is not offered by this server.';
  else if (r.ok) outcome.textContent = 'Reloaded: version ' + r.data.version + '.';
  else if (r.status === 422) outcome.textContent = 'The new rules were refused; the running rules go on (see below).';
  else outcome.textContent = 'Reload failed: ' + problem(r);
  load(body);
}
