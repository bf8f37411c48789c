// The console's shell: checks the session, draws the navigation and routes #/page/... to a page
// module. Each page's render(main, params) may return a function that stops its polling.
import { auth, get, request, setCsrfToken, toLogin } from './api.js';
import { el, replace } from './dom.js';
import * as alerts from './pages/alerts.js';
import * as silences from './pages/silences.js';
import * as rules from './pages/rules.js';
import * as feeds from './pages/feeds.js';
import * as delivery from './pages/delivery.js';
import * as workbooks from './pages/workbooks.js';

const pages = { alerts, silences, rules, feeds, delivery, workbooks };
const main = document.getElementById('main');
let stop = null;

async function checkSession() {
  const r = await get('/api/v1/session');
  const box = document.getElementById('session');
  if (r.status === 401) {
    auth.enabled = true;
    toLogin();
    return false;
  }
  if (r.ok && r.data) {
    auth.enabled = true;
    auth.name = r.data.name || null;
    auth.roles = r.data.roles || [];
    if (r.data.csrfToken) setCsrfToken(r.data.csrfToken);
    replace(box, el('span', { id: 'session-name' }, auth.name || ''),
      el('button', { class: 'secondary', id: 'logout', onclick: logout }, 'Sign out'));
  } else {
    // no sign-in on this server (404), or it cannot tell: the console works without
    auth.enabled = false;
    replace(box, el('span', { class: 'muted' }, 'no sign-in'));
  }
  return true;
}

async function logout() {
  await request('DELETE', '/api/v1/session');
  setCsrfToken(null);
  location.assign('login.html');
}

function route() {
  if (stop) {
    try { stop(); } catch (e) { /* a page's cleanup must not block the next page */ }
    stop = null;
  }
  const parts = (location.hash || '#/workbooks/overview').replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const name = pages[parts[0]] ? parts[0] : 'workbooks';
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.page === name);
  }
  replace(main);
  const result = pages[name].render(main, parts.slice(1));
  if (typeof result === 'function') stop = result;
}

window.addEventListener('hashchange', route);
checkSession().then(ok => { if (ok) route(); });
