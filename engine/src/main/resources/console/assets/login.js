import { post, get, setCsrfToken } from './api.js';

const form = document.getElementById('login-form');
const message = document.getElementById('login-message');

function next() {
  const target = decodeURIComponent((location.hash || '').slice(1));
  // only a route inside the console, never another page or site
  return 'index.html' + (target.startsWith('/') ? '#' + target : '');
}

async function checkAuthExists() {
  const r = await get('/api/v1/session');
  if (r.status === 404) {
    message.textContent = 'This server has no sign-in: opening the console.';
    location.replace(next());
  } else if (r.ok) {
    location.replace(next());
  }
}

form.addEventListener('submit', async event => {
  event.preventDefault();
  message.textContent = '';
  const token = document.getElementById('token').value;
  const r = await post('/api/v1/session', { token });
  if (r.ok && r.data) {
    setCsrfToken(r.data.csrfToken);
    location.replace(next());
  } else if (r.status === 404) {
    location.replace(next());
  } else if (r.status === 401 || r.status === 403) {
    message.textContent = 'That token was not accepted.';
  } else {
    message.textContent = 'Sign-in failed (' + (r.status || 'no answer') + ').';
  }
});

checkAuthExists();
