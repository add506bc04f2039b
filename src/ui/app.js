/* app.js: the cfmock dashboard. It uses only cfmock's control API
 * (/_cfmock/...), with the admin token as a bearer header when cfmock has
 * one. Everything it shows was written by API clients, so every string
 * goes into the page as text (el() and text nodes), never as HTML. */
'use strict';

const API = '/_cfmock';
const TOKEN_KEY = 'cfmock-admin-token';
const POLL_MS = 500;       // the journal: ask for what is new this often
const ROOT_CHUNK = 200;    // organizations drawn at a time in the tree
const SEARCH_MAX = 200;    // search results drawn at most

/* ---- small helpers ---- */

/* An element: @attrs sets properties (class, onclick, ...) and
 * data-/aria- attributes; strings in @kids become text nodes. */
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'title')
      e.setAttribute(k, v);
    else e[k] = v;
  }
  add(e, kids);
  return e;
}

function add(e, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k === undefined || k === null || k === false) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

function clear(e) {
  while (e.firstChild) e.firstChild.remove();
  return e;
}

const $ = (id) => document.getElementById(id);

function pretty(v) {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

function plural(n, word) {
  return n + ' ' + word + (n === 1 ? '' : 's');
}

function when(t) {
  return t ? String(t).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

function notice(msg, kind) {
  const n = $('notice');
  n.textContent = msg;
  n.className = 'notice ' + (kind || 'info');
  n.hidden = !msg;
  clearTimeout(notice.timer);
  if (msg && kind !== 'error') notice.timer = setTimeout(() => { n.hidden = true; }, 4000);
}

/* ---- the control API ---- */

class ApiError extends Error {
  constructor(status, body) {
    const e = body && body.errors && body.errors[0];
    super(e ? e.message + (e.code ? ' (' + status + ' / ' + e.code + ')' : ' (' + status + ')')
      : 'HTTP ' + status);
    this.status = status;
    this.code = e && e.code;
    this.body = body;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

async function call(method, path, body) {
  const headers = {};
  if (token()) headers.Authorization = 'Bearer ' + token();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(API + path, {
    method, headers, cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = text; }
  if (r.status === 401 && json && json.errors && json.errors[0] && json.errors[0].code === 1401) {
    askToken(token() ? 'That token was refused (401 / 1401): try again.' : '');
    throw new ApiError(401, json);
  }
  if (!r.ok && !(path.startsWith('/as/'))) throw new ApiError(r.status, json);
  return { status: r.status, body: json };
}

/* What the public API answers user @uid for GET @path (?@query). */
function asUser(uid, path, query) {
  const q = new URLSearchParams(Object.assign({ path: '/client/v4' + path }, query || {}));
  return call('GET', '/as/' + encodeURIComponent(uid) + '?' + q.toString());
}

/* ---- the admin token ---- */

let loginWaiters = [];

function askToken(error) {
  const d = $('login');
  $('login-error').textContent = error || '';
  $('login-error').hidden = !error;
  if (!d.open) d.showModal();
  $('login-token').focus();
  return new Promise((resolve) => loginWaiters.push(resolve));
}

async function submitToken(ev) {
  ev.preventDefault();
  const t = $('login-token').value.trim();
  if (!t) return;
  sessionStorage.setItem(TOKEN_KEY, t);
  try {
    await call('GET', '/faults');
  } catch (e) {
    return; // call() has asked again, with the reason
  }
  $('login').close();
  $('login-token').value = '';
  const w = loginWaiters;
  loginWaiters = [];
  w.forEach((f) => f());
  start();
}

/* ---- state: the index of what the export holds ---- */

const S = {
  users: [], byId: new Map(), byEmail: new Map(),
  roots: [], rootAccounts: [], nodes: new Map(), // id -> {kind, obj, parent, depth}
  flat: [],         // users and tokens, for search (nodes has the rest)
  open: new Set(),  // ids of expanded organizations
  shown: ROOT_CHUNK,
  selected: null,
  as: null,         // {uid, orgs: Set, accounts: Set, ...} when viewing as a user
};

/* The dashboard view of the state: users (no secrets), and every
 * organization and account as a flat row [id, name, parent id, owner
 * email]. The tree is built here, once, in one pass over each list. */
function indexState(st) {
  S.users = st.users || [];
  S.byId = new Map();
  S.byEmail = new Map();
  S.nodes = new Map();
  S.flat = [];
  for (const u of S.users) {
    S.byId.set(u.id, u);
    S.byEmail.set(String(u.email).toLowerCase(), u);
    S.nodes.set(u.id, { kind: 'user', obj: u, parent: null });
    S.flat.push({ id: u.id, name: u.email, kind: 'user' });
    for (const t of u.tokens || []) S.flat.push({ id: t.id, name: t.name || '', kind: 'token', owner: u.id });
  }
  S.roots = [];
  S.rootAccounts = [];
  const orgs = st.organizations || [], accts = st.accounts || [];
  for (let i = 0; i < orgs.length; i++) {
    const row = orgs[i], o = { id: row[0], name: row[1], owner: row[3], organizations: [], accounts: [] };
    S.nodes.set(o.id, { kind: 'org', obj: o, parent: row[2] });
  }
  // then linked (a parent may have been made after its child was moved under it)
  for (let i = 0; i < orgs.length; i++) {
    const o = S.nodes.get(orgs[i][0]).obj, up = orgs[i][2] && S.nodes.get(orgs[i][2]);
    if (up) up.obj.organizations.push(o); else S.roots.push(o);
  }
  for (let i = 0; i < accts.length; i++) {
    const row = accts[i], a = { id: row[0], name: row[1], owner: row[3] };
    const up = row[2] && S.nodes.get(row[2]);
    S.nodes.set(a.id, { kind: 'account', obj: a, parent: row[2] });
    if (up) up.obj.accounts.push(a); else S.rootAccounts.push(a);
  }
}

function path(id) {
  const out = [];
  for (let n = S.nodes.get(id); n; n = n.parent ? S.nodes.get(n.parent) : null) out.unshift(n.obj);
  return out;
}

function userLabel(uid) {
  const u = S.byId.get(uid);
  return u ? u.email : uid || '—';
}

/* A user who sees @id: its owner (the user who made it), or the owner of
 * an organization above it; else the first user. */
function readerOf(id) {
  for (const o of path(id).reverse()) {
    const u = o.owner && S.byEmail.get(String(o.owner).toLowerCase());
    if (u) return u.id;
  }
  return S.users.length ? S.users[0].id : '';
}

/* ---- state: drawing ---- */

function kindsBadges(u) {
  const kinds = u.credential_kinds || [];
  if (!kinds.length) return el('span', { class: 'muted small', title: 'made as a member or an owner by email' }, 'none');
  return kinds.map((k) => el('span', { class: 'badge' }, k.replace('_', ' ')));
}

function drawCounts() {
  let orgs = 0, accts = 0;
  for (const n of S.nodes.values()) {
    if (n.kind === 'org') orgs++;
    else if (n.kind === 'account') accts++;
  }
  $('state-counts').textContent = plural(orgs, 'organization') + ' · ' + plural(accts, 'account') +
    ' · ' + plural(S.users.length, 'user');
}

function visible(id, kind) {
  if (!S.as) return true;
  return kind === 'org' ? S.as.orgs.has(id) : kind === 'account' ? S.as.accounts.has(id) : true;
}

function nodeRow(kind, obj, depth) {
  const isOrg = kind === 'org';
  const kids = isOrg ? (obj.organizations || []).length + (obj.accounts || []).length : 0;
  const open = S.open.has(obj.id);
  const row = el('div', {
    class: 'node ' + kind + (S.selected === obj.id ? ' sel' : '') +
      (visible(obj.id, kind) ? '' : ' hidden-as'),
    role: 'treeitem', 'data-id': obj.id, 'aria-expanded': isOrg && kids ? String(open) : null,
  },
  el('span', { class: 'indent' }),
  isOrg && kids ? el('button', { class: 'twisty', title: open ? 'Collapse' : 'Expand',
    onclick: (ev) => { ev.stopPropagation(); toggle(obj.id); } }, open ? '▾' : '▸')
    : el('span', { class: 'twisty' }),
  el('span', { class: 'icon ' + kind, title: isOrg ? 'organization' : 'account' }),
  el('span', { class: 'name' }, obj.name),
  isOrg && kids ? el('span', { class: 'muted small' }, ' ' + kids) : null,
  el('code', { class: 'id' }, obj.id),
  S.as && !visible(obj.id, kind) ? el('span', { class: 'badge warn' }, 'not visible') : null);
  row.firstChild.style.width = (depth * 18) + 'px';
  row.onclick = () => select(obj.id);
  return row;
}

/* Draws the rows of @o's children (when open) into @frag. Children are
 * drawn only when their organization is opened, so a large state costs
 * what is on screen, not what it holds. */
function drawOrg(frag, o, depth) {
  frag.append(nodeRow('org', o, depth));
  if (!S.open.has(o.id)) return;
  for (const c of o.organizations || []) drawOrg(frag, c, depth + 1);
  for (const a of o.accounts || []) frag.append(nodeRow('account', a, depth + 1));
}

function drawTree() {
  const tree = clear($('tree'));
  const q = $('search').value.trim().toLowerCase();
  const frag = document.createDocumentFragment();
  if (q) {
    let n = 0;
    // users and tokens first (S.flat), then the organizations and accounts
    const hit = (id, name) => id.toLowerCase().includes(q) || String(name).toLowerCase().includes(q);
    for (const f of S.flat) {
      if (!hit(f.id, f.name)) continue;
      if (++n > SEARCH_MAX) break;
      frag.append(searchRow(f));
    }
    for (const [id, node] of S.nodes) {
      if (n > SEARCH_MAX) break;
      if (node.kind === 'user' || !hit(id, node.obj.name)) continue;
      if (++n > SEARCH_MAX) break;
      frag.append(searchRow({ id, name: node.obj.name, kind: node.kind }));
    }
    if (!n) frag.append(el('p', { class: 'muted' }, 'Nothing has that id or name.'));
    if (n > SEARCH_MAX) frag.append(el('p', { class: 'muted' }, 'More than ' + SEARCH_MAX + ' match: type more.'));
    tree.append(frag);
    return;
  }
  const roots = S.roots.slice(0, S.shown);
  roots.forEach((o) => drawOrg(frag, o, 0));
  if (S.roots.length > S.shown) {
    frag.append(el('button', { class: 'ghost more', onclick: () => { S.shown += ROOT_CHUNK; drawTree(); } },
      'Show ' + Math.min(ROOT_CHUNK, S.roots.length - S.shown) + ' more of ' +
      (S.roots.length - S.shown) + ' organizations'));
  }
  if (S.rootAccounts.length) {
    frag.append(el('div', { class: 'group' }, 'Accounts in no organization'));
    S.rootAccounts.forEach((a) => frag.append(nodeRow('account', a, 0)));
  }
  if (!S.roots.length && !S.rootAccounts.length)
    frag.append(el('p', { class: 'muted' }, 'No organization or account yet.'));
  tree.append(frag);
}

function searchRow(f) {
  const trail = f.kind === 'token' ? [userLabel(f.owner)] : path(f.id).slice(0, -1).map((o) => o.name);
  const target = f.kind === 'token' ? f.owner : f.id;
  return el('div', { class: 'node ' + f.kind, 'data-id': f.id, onclick: () => select(target) },
    el('span', { class: 'icon ' + f.kind }),
    el('span', { class: 'name' }, f.name || '(no name)'),
    el('code', { class: 'id' }, f.id),
    trail.length ? el('span', { class: 'muted small trail' }, trail.join(' › ')) : null);
}

function toggle(id) {
  if (S.open.has(id)) S.open.delete(id); else S.open.add(id);
  drawTree();
}

function drawUsers() {
  const box = clear($('users'));
  if (!S.users.length) { box.append(el('p', { class: 'muted' }, 'No user yet: the first request with a credential makes one.')); return; }
  const rows = S.users.slice(0, 500).map((u) => el('tr', { 'data-id': u.id, onclick: () => select(u.id),
    class: S.selected === u.id ? 'sel' : '' },
  el('td', {}, u.email, u.tenant_admin ? el('span', { class: 'badge' }, 'tenant admin') : null),
  el('td', {}, el('code', {}, u.id)),
  el('td', {}, kindsBadges(u)),
  el('td', {}, String((u.tokens || []).length))));
  box.append(el('table', { class: 'grid' },
    el('thead', {}, el('tr', {}, el('th', {}, 'email'), el('th', {}, 'id'), el('th', {}, 'credentials'),
      el('th', {}, 'tokens'))), el('tbody', {}, rows)));
  if (S.users.length > 500) box.append(el('p', { class: 'muted' }, 'The first 500 of ' + S.users.length + ': search to find the others.'));
}

function kv(rows) {
  return el('dl', { class: 'kv' }, rows.filter((r) => r[1] !== undefined && r[1] !== null && r[1] !== '')
    .map(([k, v]) => [el('dt', {}, String(k).replace(/_/g, ' ')), el('dd', {}, v instanceof Node ? v : String(v))]));
}

function section(title, ...kids) {
  return el('div', { class: 'sect' }, el('h3', {}, title), kids);
}

function tokenList(tokens) {
  if (!tokens || !tokens.length) return el('p', { class: 'muted' }, 'none');
  return el('ul', { class: 'plain' }, tokens.map((t) => el('li', {},
    el('b', {}, t.name || '(open-mode token)'), ' ', el('code', {}, t.id || ''), ' ',
    el('span', { class: 'badge ' + (t.status === 'active' ? 'ok' : 'warn') }, t.status || ''),
    t.expires_on ? el('span', { class: 'muted small' }, ' expires ' + when(t.expires_on)) : null)));
}

function select(id) {
  S.selected = id;
  const n = S.nodes.get(id);
  const d = clear($('detail'));
  document.querySelectorAll('.sel').forEach((e) => e.classList.remove('sel'));
  document.querySelectorAll('[data-id="' + CSS.escape(id) + '"]').forEach((e) => e.classList.add('sel'));
  if (!n) return;
  const o = n.obj;
  if (n.kind === 'user') {
    d.append(el('h2', {}, o.email),
      kv([['id', el('code', {}, o.id)], ['name', [o.first_name, o.last_name].filter(Boolean).join(' ')],
        ['tenant admin', o.tenant_admin ? 'yes' : 'no'], ['credentials', el('span', {}, kindsBadges(o))]]),
      section('API tokens', tokenList(o.tokens)),
      el('button', { class: 'primary', onclick: () => { $('view-as').value = o.id; viewAs(o.id); } },
        'View as this user'));
    return;
  }
  const isOrg = n.kind === 'org', trail = path(id);
  const body = el('div', { id: 'detail-body' }, el('p', { class: 'muted' }, 'Reading it through the API…'));
  d.append(el('div', { class: 'crumbs' }, trail.slice(0, -1).map((p) =>
    el('a', { href: '#', onclick: (ev) => { ev.preventDefault(); select(p.id); } }, p.name))),
  el('h2', {}, el('span', { class: 'icon ' + n.kind }), o.name),
  kv([['kind', isOrg ? 'organization' : 'account'], ['id', el('code', {}, o.id)], ['owner', o.owner],
    ['sub-organizations', isOrg ? o.organizations.length : null], ['accounts', isOrg ? o.accounts.length : null]]),
  body,
  el('button', { class: 'primary', onclick: () => openAudit(isOrg ? 'organizations' : 'accounts', o.id) }, 'Audit log'));
  loadDetail(n, body).catch((e) => { clear(body).append(el('p', { class: 'error' }, e.message)); });
}

/* What the public API answers about @n, read as a user who sees it: the
 * object itself, its profile, its members and (accounts) its tokens. */
async function loadDetail(n, body) {
  const o = n.obj, uid = readerOf(o.id), base = (n.kind === 'org' ? '/organizations/' : '/accounts/') + o.id;
  const lists = n.kind === 'org' ? { page_size: '100' } : { per_page: '50' };
  const want = [[base, {}], [base + '/profile', {}], [base + '/members', lists]]
    .concat(n.kind === 'account' ? [[base + '/tokens', lists]] : []);
  const got = await Promise.all(want.map(([p, q]) => asUser(uid, p, q)));
  if (S.selected !== o.id) return;
  const [main, profile, members, tokens] = got.map((r) => (r.status === 200 ? r.body.result : null));
  clear(body);
  if (!main) {
    body.append(el('p', { class: 'muted' }, 'The API does not show it to ' + userLabel(uid) + ' (' + got[0].status + ').'));
    return;
  }
  body.append(kv([['created', when(main.create_time || main.created_on)], ['type', main.type]]));
  if (profile && Object.keys(profile).length) body.append(section('Profile', kv(Object.entries(profile).map(([k, v]) => [k, pretty(v)]))));
  if (main.settings) body.append(section('Settings', kv(Object.entries(main.settings).map(([k, v]) => [k, pretty(v)]))));
  body.append(section('Members', members && members.length ? el('ul', { class: 'plain' }, members.map((m) => {
    const email = m.user ? m.user.email : m.email || (m.member && m.member.email) || m.id;
    const roles = (m.roles || []).map((r) => r.name || r.id).join(', ');
    return el('li', {}, email, ' ', el('span', { class: 'badge' }, m.status || ''), roles ? el('span', { class: 'muted small' }, ' ' + roles) : null);
  })) : el('p', { class: 'muted' }, members ? 'none' : 'not readable')));
  if (n.kind === 'account') body.append(section('Account tokens', tokenList(tokens)));
  body.append(el('p', { class: 'muted small' }, 'Read through GET ' + base + ' as ' + userLabel(uid) + '.'));
}

async function loadState() {
  const t0 = performance.now();
  const r = await call('GET', '/state?view=dashboard');
  const t1 = performance.now();
  indexState(r.body);
  const ti = performance.now();
  for (const id of [...S.open]) if (!S.nodes.has(id)) S.open.delete(id);
  drawCounts();
  drawTree();
  drawUsers();
  fillUserSelects();
  if (S.selected && S.nodes.has(S.selected)) select(S.selected);
  if (S.as) await viewAs(S.as.uid);
  const t2 = performance.now();
  performance.mark('cfmock-state-ready');
  window.cfmockTimings = { fetch_ms: Math.round(t1 - t0), index_ms: Math.round(ti - t1), draw_ms: Math.round(t2 - ti),
    total_ms: Math.round(t2 - t0), nodes: S.nodes.size };
  document.body.dataset.ready = '1';
}

function fillUserSelects() {
  for (const [id, first] of [['view-as', 'everything (control API)'], ['f-user', 'any credential']]) {
    const s = $(id), keep = s.value;
    clear(s).append(el('option', { value: '' }, first));
    S.users.forEach((u) => s.append(el('option', { value: u.id }, u.email)));
    s.value = S.byId.has(keep) ? keep : '';
  }
  const a = document.forms['audit-form'].elements.user, keep = a.value;
  clear(a);
  S.users.forEach((u) => a.append(el('option', { value: u.id }, u.email)));
  if (S.byId.has(keep)) a.value = keep;
}

/* "As this credential sees it": the public API's own lists, read as the
 * user through GET /_cfmock/as/{user_id}. */
async function viewAs(uid) {
  const box = $('as-summary');
  if (!uid) { S.as = null; box.hidden = true; drawTree(); return; }
  const orgs = new Set(), accounts = new Set();
  let orgTotal = 0, acctTotal = 0, pageToken = '', pages = 0;
  do {
    const q = { page_size: '1000' };
    if (pageToken) q.page_token = pageToken;
    const r = await asUser(uid, '/organizations', q);
    if (r.status !== 200) break;
    r.body.result.forEach((o) => orgs.add(o.id));
    orgTotal = r.body.result_info.total_size;
    pageToken = r.body.result_info.next_page_token || '';
  } while (pageToken && ++pages < 10);
  for (let page = 1; page <= 20; page++) {
    const r = await asUser(uid, '/accounts', { per_page: '50', page: String(page) });
    if (r.status !== 200) break;
    r.body.result.forEach((a) => accounts.add(a.id));
    acctTotal = r.body.result_info.total_count;
    if (page >= r.body.result_info.total_pages) break;
  }
  S.as = { uid, orgs, accounts };
  add(clear(box), [el('b', {}, 'As ', userLabel(uid), ' sees it: '),
    plural(orgTotal, 'organization') + ' and ' + plural(acctTotal, 'account') +
    ' (GET /organizations and GET /accounts as this user). ',
    'What it cannot see is greyed out.',
    orgs.size < orgTotal || accounts.size < acctTotal ? el('span', { class: 'muted' }, ' (the first pages are marked)') : null]);
  box.hidden = false;
  drawTree();
}

/* ---- requests: the journal, polled with since ---- */

const R = { rows: [], last: 0, timer: null, busy: false, selected: null, filterKey: '' };

function filters() {
  const f = {};
  if ($('f-method').value) f.method = $('f-method').value;
  if ($('f-path').value.trim()) f.path = $('f-path').value.trim();
  if (/^\d{3}$/.test($('f-status').value.trim())) f.status = $('f-status').value.trim();
  if ($('f-user').value) f.user_id = $('f-user').value;
  return f;
}

async function poll() {
  if (R.busy) return;
  R.busy = true;
  try {
    const f = filters(), key = JSON.stringify(f);
    if (key !== R.filterKey) { R.rows = []; R.last = 0; R.filterKey = key; }
    const q = new URLSearchParams(Object.assign({ since: String(R.last), limit: '500' }, f));
    const r = await call('GET', '/requests?' + q.toString());
    const b = r.body;
    if (b.total === 0 && R.rows.length) R.rows = []; // emptied (or reset)
    if (b.requests.length) {
      R.rows = b.requests.concat(R.rows).slice(0, 1000);
      R.last = Math.max(R.last, b.requests[0].seq);
      drawRequests(b.requests.length);
    } else if (!R.rows.length) {
      drawRequests(0);
    }
    $('req-counts').textContent = R.rows.length + ' shown · ' + b.total + ' kept of ' + b.capacity +
      (b.dropped ? ' · ' + b.dropped + ' dropped' : '');
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) notice('journal: ' + e.message, 'error');
  } finally {
    R.busy = false;
  }
}

function statusClass(s) {
  return s === 0 ? 's0' : s < 300 ? 's2' : s < 400 ? 's3' : s < 500 ? 's4' : 's5';
}

function drawRequests(fresh) {
  const tb = clear($('req-rows'));
  const frag = document.createDocumentFragment();
  R.rows.forEach((e, i) => {
    const tr = el('tr', { 'data-seq': String(e.seq), class: (i < fresh ? 'fresh ' : '') + (R.selected === e.seq ? 'sel' : ''),
      onclick: () => showRequest(e) },
    el('td', { class: 'muted' }, String(e.seq)),
    el('td', { class: 'nowrap' }, when(e.time).slice(11)),
    el('td', {}, el('span', { class: 'method ' + e.method }, e.method)),
    el('td', { class: 'path' }, e.path, e.query ? el('span', { class: 'muted' }, '?' + e.query) : null),
    el('td', {}, el('span', { class: 'st ' + statusClass(e.status) }, e.status === 0 ? 'dropped' : String(e.status))),
    el('td', { class: 'small' }, e.user_id ? userLabel(e.user_id) : el('span', { class: 'muted' }, 'refused')),
    el('td', { class: 'num' }, (e.duration_us / 1000).toFixed(1)));
    frag.append(tr);
  });
  if (!R.rows.length) frag.append(el('tr', {}, el('td', { colSpan: 7, class: 'muted' },
    'No request yet. Point a client at ' + location.origin + '/client/v4 and its requests show here as they come.')));
  tb.append(frag);
}

function shellQuote(s) {
  return "'" + String(s).replace(/'/g, "'\\''") + "'";
}

/* The request as a curl command. The journal keeps no credential (never
 * a secret), so the command reads the token from $CLOUDFLARE_API_TOKEN. */
function curlOf(e) {
  const url = location.origin + e.path + (e.query ? '?' + e.query.split('&').map((kv) => {
    const i = kv.indexOf('=');
    return i < 0 ? encodeURIComponent(kv) : encodeURIComponent(kv.slice(0, i)) + '=' + encodeURIComponent(kv.slice(i + 1));
  }).join('&') : '');
  const parts = ['curl', '-X', e.method, shellQuote(url), '-H', '"Authorization: Bearer $CLOUDFLARE_API_TOKEN"'];
  if (e.request_body !== null && e.request_body !== undefined) {
    parts.push('-H', shellQuote('Content-Type: application/json'), '--data', shellQuote(
      typeof e.request_body === 'string' ? e.request_body : JSON.stringify(e.request_body)));
  }
  return parts.join(' ');
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (err) {
    const t = el('textarea', { value: text });
    document.body.append(t);
    t.select();
    const ok = document.execCommand('copy');
    t.remove();
    return ok;
  }
}

function showRequest(e) {
  R.selected = e.seq;
  document.querySelectorAll('#req-rows tr.sel').forEach((x) => x.classList.remove('sel'));
  const tr = document.querySelector('#req-rows tr[data-seq="' + e.seq + '"]');
  if (tr) tr.classList.add('sel');
  const d = clear($('req-detail'));
  const curl = curlOf(e);
  d.append(el('h2', {}, el('span', { class: 'method ' + e.method }, e.method), ' ', e.path),
    kv([['seq', e.seq], ['time', when(e.time)], ['status', e.status === 0 ? 'dropped (no answer)' : e.status],
      ['credential', e.user_id ? userLabel(e.user_id) + ' (' + e.user_id + ')' : 'refused'],
      ['duration', (e.duration_us / 1000).toFixed(2) + ' ms'], ['query', e.query],
      ['truncated', e.truncated ? 'yes: a body was longer than 64 KiB' : null]]),
    el('div', { class: 'row' }, el('button', { class: 'primary', id: 'copy-curl', onclick: async (ev) => {
      const ok = await copyText(curl);
      ev.target.textContent = ok ? 'Copied' : 'Copy failed: select it below';
      setTimeout(() => { ev.target.textContent = 'Copy as curl'; }, 1500);
    } }, 'Copy as curl')),
    el('pre', { class: 'code curl', id: 'curl-text' }, curl),
    section('Request body', el('pre', { class: 'code', id: 'req-body' }, e.request_body === null ? '(none)' : pretty(e.request_body))),
    section('Response body', el('pre', { class: 'code', id: 'resp-body' }, e.response_body === null ? '(none)' : pretty(e.response_body))));
}

function startPolling() {
  clearInterval(R.timer);
  if ($('live').checked) R.timer = setInterval(poll, POLL_MS);
  poll();
}

/* ---- faults ---- */

function actionText(a) {
  switch (a.type) {
  case 'error': return 'error ' + a.status + (a.code ? ' / ' + a.code : '') + (a.message ? ': ' + a.message : '');
  case 'rate_limit': return 'rate_limit (429), Retry-After ' + (a.retry_after === undefined ? '—' : a.retry_after) + ' s';
  case 'latency': return 'latency ' + a.ms + ' ms';
  default: return a.type;
  }
}

async function loadFaults() {
  const r = await call('GET', '/faults');
  const tb = clear($('fault-rows'));
  for (const f of r.body.faults) {
    tb.append(el('tr', { 'data-id': f.id },
      el('td', {}, el('span', { class: 'method ' + f.method }, f.method === '*' ? 'any' : f.method)),
      el('td', { class: 'path' }, f.path),
      el('td', { class: 'small' }, f.credential || el('span', { class: 'muted' }, 'any')),
      el('td', {}, actionText(f.action)),
      el('td', { class: 'num' }, String(f.probability)),
      el('td', { class: 'num' }, String(f.hits)),
      el('td', { class: 'num' }, f.remaining === null || f.remaining === undefined ? '∞' : String(f.remaining)),
      el('td', {}, el('button', { class: 'ghost danger small', onclick: async () => {
        await act(() => call('DELETE', '/faults/' + f.id), 'Rule deleted');
        loadFaults();
      } }, 'Delete'))));
  }
  if (!r.body.faults.length) tb.append(el('tr', {}, el('td', { colSpan: 8, class: 'muted' }, 'No fault rule: every request is answered normally.')));
}

function faultFormType() {
  const f = document.forms['fault-form'], type = f.elements.type.value;
  f.querySelectorAll('[data-for]').forEach((e) => { e.hidden = e.dataset.for !== type; });
}

function intOrUndef(v) {
  v = String(v).trim();
  return v === '' ? undefined : Number(v);
}

async function addFault(ev) {
  ev.preventDefault();
  const f = ev.target.elements, err = $('fault-error');
  const rule = { method: f.method.value, path: f.path.value.trim() };
  if (f.credential.value.trim()) rule.credential = f.credential.value.trim();
  if (intOrUndef(f.times.value) !== undefined) rule.times = intOrUndef(f.times.value);
  if (intOrUndef(f.probability.value) !== undefined) rule.probability = intOrUndef(f.probability.value);
  const a = { type: f.type.value };
  if (a.type === 'error') {
    a.status = intOrUndef(f.status.value);
    if (intOrUndef(f.code.value) !== undefined) a.code = intOrUndef(f.code.value);
    if (f.message.value.trim()) a.message = f.message.value.trim();
  } else if (a.type === 'rate_limit') {
    if (intOrUndef(f.retry_after.value) !== undefined) a.retry_after = intOrUndef(f.retry_after.value);
  } else if (a.type === 'latency') {
    a.ms = intOrUndef(f.ms.value);
  }
  rule.action = a;
  try {
    await call('POST', '/faults', rule);
    err.hidden = true;
    notice('Rule added: ' + (rule.method === '*' ? 'any method' : rule.method) + ' ' + rule.path + ' → ' + actionText(a));
    loadFaults();
  } catch (e) {
    err.textContent = e.message;
    err.hidden = false;
  }
}

/* ---- snapshots, reset, export ---- */

async function act(fn, done) {
  try {
    const r = await fn();
    if (done) notice(done);
    return r;
  } catch (e) {
    notice(e.message, 'error');
    return null;
  }
}

function kib(n) {
  return n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(1) + ' MiB';
}

async function loadSnapshots() {
  const r = await call('GET', '/snapshots');
  const tb = clear($('snap-rows'));
  for (const s of r.body.snapshots) {
    tb.append(el('tr', { 'data-name': s.name },
      el('td', {}, el('b', {}, s.name)), el('td', {}, when(s.created_at)), el('td', { class: 'num' }, kib(s.bytes)),
      el('td', { class: 'actions' },
        el('button', { class: 'primary small', onclick: async () => {
          if (await act(() => call('POST', '/snapshots/' + encodeURIComponent(s.name) + '/restore'), 'Restored ' + s.name)) loadState();
        } }, 'Restore'),
        el('button', { class: 'ghost danger small', onclick: async () => {
          await act(() => call('DELETE', '/snapshots/' + encodeURIComponent(s.name)), 'Deleted ' + s.name);
          loadSnapshots();
        } }, 'Delete'))));
  }
  if (!r.body.snapshots.length) tb.append(el('tr', {}, el('td', { colSpan: 4, class: 'muted' }, 'No snapshot. Save one, change the state, and restore it.')));
}

async function download() {
  const headers = token() ? { Authorization: 'Bearer ' + token() } : {};
  const r = await fetch(API + '/state', { headers, cache: 'no-store' });
  if (!r.ok) { notice('export: HTTP ' + r.status, 'error'); return; }
  const url = URL.createObjectURL(await r.blob());
  const a = el('a', { href: url, download: 'cfmock-state.json' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/* ---- audit log ---- */

const A = { cursor: '', query: null };

function openAudit(kind, id) {
  const f = document.forms['audit-form'].elements;
  f.kind.value = kind;
  f.id.value = id;
  f.user.value = readerOf(id);
  show('audit');
  loadAudit(false);
}

async function loadAudit(more) {
  const f = document.forms['audit-form'].elements, info = $('audit-info');
  const id = f.id.value.trim(), uid = f.user.value;
  if (!more) {
    A.cursor = '';
    A.query = { kind: f.kind.value, id, uid };
    clear($('audit-rows'));
  }
  const q = { since: '1970-01-01', before: '2999-01-01', limit: '100' };
  if (A.cursor) q.cursor = A.cursor;
  const r = await asUser(A.query.uid, '/' + A.query.kind + '/' + A.query.id + '/logs/audit', q);
  if (r.status !== 200) {
    info.textContent = 'The API answered ' + r.status + ': ' + ((r.body && r.body.errors && r.body.errors[0] &&
      r.body.errors[0].message) || '') + ' (read as ' + userLabel(uid) + ')';
    $('audit-more').hidden = true;
    return;
  }
  const tb = $('audit-rows');
  for (const e of r.body.result) {
    tb.append(el('tr', {},
      el('td', { class: 'nowrap' }, when(e.action.time)),
      el('td', {}, el('b', {}, e.action.description), el('div', { class: 'muted small' }, e.action.type + ' · ' + e.action.result)),
      el('td', {}, e.actor.email, el('div', { class: 'muted small' }, e.actor.context + (e.actor.token_name ? ' · ' + e.actor.token_name : ''))),
      el('td', {}, e.resource.type || e.resource.product, ' ', el('code', {}, e.resource.id || '')),
      el('td', { class: 'small' }, el('span', { class: 'method ' + e.raw.method }, e.raw.method), ' ', e.raw.uri, ' → ', String(e.raw.status_code))));
  }
  if (!tb.firstChild) tb.append(el('tr', {}, el('td', { colSpan: 5, class: 'muted' }, 'No entry: nothing has changed it through the API.')));
  A.cursor = (r.body.result_info.cursors && r.body.result_info.cursors.after) || r.body.result_info.cursor || '';
  $('audit-more').hidden = !A.cursor;
  info.textContent = 'read as ' + userLabel(A.query.uid) + ' through GET /' + A.query.kind + '/{id}/logs/audit';
}

/* ---- tabs and start ---- */

function show(tab) {
  document.querySelectorAll('.tabs button').forEach((b) => b.classList.toggle('on', b.dataset.tab === tab));
  document.querySelectorAll('.panel').forEach((p) => { p.hidden = p.id !== 'panel-' + tab; });
  if (location.hash !== '#' + tab) history.replaceState(null, '', '#' + tab);
  const load = { faults: loadFaults, snapshots: loadSnapshots }[tab];
  if (load) load().catch((e) => notice(e.message, 'error'));
}

async function health() {
  try {
    const r = await fetch(API + '/health', { cache: 'no-store' });
    const h = await r.json();
    $('status').textContent = 'cfmock ' + h.version + ' · up ' + Math.round(h.uptime_ms / 1000) + ' s';
    $('status').className = 'status ok';
  } catch (e) {
    $('status').textContent = 'cfmock is not answering';
    $('status').className = 'status bad';
  }
}

async function start() {
  try {
    await loadState();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) notice(e.message, 'error');
    return;
  } finally {
    health();
  }
  startPolling();
  const tab = location.hash.slice(1);
  if (tab && tab !== 'state') show(tab);
}

function wire() {
  document.querySelectorAll('.tabs button').forEach((b) => { b.onclick = () => show(b.dataset.tab); });
  $('login-form').onsubmit = submitToken;
  $('login').oncancel = (ev) => ev.preventDefault(); // Escape: nothing to show without it
  let searchTimer = null;
  $('search').oninput = () => { clearTimeout(searchTimer); searchTimer = setTimeout(drawTree, 80); };
  $('view-as').onchange = (ev) => viewAs(ev.target.value).catch((e) => notice(e.message, 'error'));
  $('state-reload').onclick = () => loadState().catch((e) => notice(e.message, 'error'));
  for (const id of ['f-method', 'f-user']) $(id).onchange = poll;
  for (const id of ['f-path', 'f-status']) $(id).oninput = () => { clearTimeout(poll.t); poll.t = setTimeout(poll, 250); };
  $('live').onchange = startPolling;
  $('req-clear').onclick = async () => {
    await act(() => call('DELETE', '/requests'), 'Journal emptied');
    R.rows = []; drawRequests(0);
  };
  const ff = document.forms['fault-form'];
  ff.onsubmit = addFault;
  ff.elements.type.onchange = faultFormType;
  $('faults-clear').onclick = async () => { await act(() => call('DELETE', '/faults'), 'Every rule deleted'); loadFaults(); };
  document.forms['snap-form'].onsubmit = async (ev) => {
    ev.preventDefault();
    const name = ev.target.elements.name.value.trim();
    if (await act(() => call('POST', '/snapshots/' + encodeURIComponent(name)), 'Saved ' + name)) ev.target.reset();
    loadSnapshots();
  };
  $('snap-clear').onclick = async () => { await act(() => call('DELETE', '/snapshots'), 'Every snapshot deleted'); loadSnapshots(); };
  $('download').onclick = () => download().catch((e) => notice(e.message, 'error'));
  $('reset').onclick = async () => {
    if (!confirm('Reset cfmock to its start state?')) return;
    if (await act(() => call('POST', '/reset'), 'cfmock is back to its start state')) { R.rows = []; loadState(); }
  };
  document.forms['audit-form'].onsubmit = (ev) => { ev.preventDefault(); loadAudit(false).catch((e) => notice(e.message, 'error')); };
  $('audit-more').onclick = () => loadAudit(true).catch((e) => notice(e.message, 'error'));
  setInterval(health, 10000);
}

wire();
start();
