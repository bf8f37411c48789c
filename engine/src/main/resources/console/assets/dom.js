// Building the page from data: every value from the server is set as text (textContent), never as
// HTML, because process names, computers and labels come from monitored hosts and may be hostile.

/** An element with attributes (strings only; event handlers as functions under "on*") and children (nodes or text). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      e.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      e.className = v;
    } else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) e.dataset[dk] = String(dv);
    } else if (k === 'value') {
      e.value = v;
    } else {
      e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(e, children);
  return e;
}

function append(parent, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces the children of a node. */
export function replace(node, ...children) {
  while (node.firstChild) node.removeChild(node.firstChild);
  append(node, children);
  return node;
}

/**
 * A table: columns as {key, title, num?, format?(value,row), cell?(row) -> node|text}, rows as
 * objects; rowClass?(row) names a class for a row, rowData?(row) gives its data-* attributes.
 */
export function table(name, columns, rows, rowClass, rowData) {
  const head = el('tr', {}, columns.map(c => el('th', { class: c.num ? 'num' : null }, c.title)));
  const body = el('tbody', {}, rows.map(r => el('tr', { class: rowClass ? rowClass(r) : null, dataset: rowData ? rowData(r) : null },
    columns.map(c => el('td', { class: [c.num ? 'num' : '', c.cls || ''].join(' ').trim() || null },
      c.cell ? c.cell(r) : (c.format ? c.format(r[c.key], r) : text(r[c.key])))))));
  return el('table', { dataset: { table: name } }, el('thead', {}, head), body);
}

export function text(v) {
  return v === undefined || v === null ? '' : String(v);
}

const NUMBER = new Intl.NumberFormat('en-US');

export function num(v) {
  return v === undefined || v === null ? '' : NUMBER.format(v);
}

export function bytes(v) {
  if (v === undefined || v === null) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let x = Number(v);
  let i = 0;
  while (Math.abs(x) >= 1000 && i < units.length - 1) { x /= 1000; i++; }
  return (i === 0 ? String(x) : x.toFixed(1)) + ' ' + units[i];
}

export function pct(v) {
  return v === undefined || v === null ? '–' : v.toFixed(1) + ' %';
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toISOString().replace('T', ' ').replace(/:00\.000Z$|\.000Z$/, 'Z');
}

export function kpi(label, value, cls) {
  return el('div', { class: 'kpi' }, el('div', { class: 'value ' + (cls || '') }, value), el('div', { class: 'label' }, label));
}

export function notice(message) {
  return el('p', { class: 'notice' }, message);
}
