// Talking to the server: same-origin JSON, the session cookie sent by the browser, and the CSRF
// token (kept in sessionStorage after signing in) on every request that changes something.

const CSRF_KEY = 'connwatch.csrf';

export function csrfToken() {
  return sessionStorage.getItem(CSRF_KEY);
}

export function setCsrfToken(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

/** Whether the server has sign-in at all (set by the session check; null until known). */
export const auth = { enabled: null, name: null, roles: [] };

/**
 * A request; resolves to {status, ok, data} (data parsed from JSON when the answer is JSON).
 * A 401 while sign-in is on sends the browser to the login page.
 */
export async function request(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    return { status: 0, ok: false, data: null, error: 'the server cannot be reached' };
  }
  let data = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { data = await response.json(); } catch (e) { data = null; }
  }
  if (response.status === 401 && auth.enabled !== false && !path.startsWith('/api/v1/session')) {
    toLogin();
  }
  return { status: response.status, ok: response.ok, data };
}

export const get = path => request('GET', path);
export const post = (path, body) => request('POST', path, body === undefined ? {} : body);
export const del = path => request('DELETE', path);

export function toLogin() {
  const here = location.hash || '';
  location.assign('login.html' + (here ? '#' + encodeURIComponent(here.slice(1)) : ''));
}

/** An error message from an answer, never echoing more than the server's own text. */
export function problem(answer) {
  if (answer.error) return answer.error;
  if (answer.data && typeof answer.data.error === 'string') return answer.data.error;
  return 'the server answered ' + answer.status;
}
