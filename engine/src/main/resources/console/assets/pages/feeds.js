import { get, problem } from '../api.js';
import { el, notice, num, replace, table, time } from '../dom.js';

export function render(main) {
  const body = el('div');
  replace(main, el('h1', {}, 'Threat-intelligence feeds'), body);
  const load = async () => {
    const r = await get('/feeds');
    if (!r.ok || !Array.isArray(r.data)) {
      replace(body, notice('Feeds are not available: ' + problem(r)));
      return;
    }
    replace(body, r.data.length === 0 ? notice('No feeds are configured.') : table('feeds', [
      { key: 'name', title: 'Feed' }, { key: 'source', title: 'Source' },
      { key: 'indicators', title: 'Indicators', num: true, format: num },
      { key: 'allowEntries', title: 'Allowlist entries', num: true, format: num },
      { key: 'problems', title: 'Unreadable', num: true, format: num }, { key: 'skipped', title: 'Skipped', num: true, format: num },
      { key: 'lastSuccess', title: 'Last success', format: time }, { key: 'lastAttempt', title: 'Last attempt', format: time },
      { key: 'nextRefresh', title: 'Next refresh', format: time },
      { key: 'lastError', title: 'Last error', cls: 'error' }], r.data));
  };
  load();
  const timer = setInterval(load, 30000);
  return () => clearInterval(timer);
}
