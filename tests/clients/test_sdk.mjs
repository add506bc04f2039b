// test_sdk.mjs: the official TypeScript SDK (npm `cloudflare`, the version
// package-lock.json pins) against cfmock, through its own methods: one case
// per resource cfmock serves, with `for await` over every list the SDK
// pages, the results asserted (ids, names, counts) and the errors by class
// and Cloudflare code. Each case has a fresh cfmock (harness.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Cloudflare from 'cloudflare';
import { run, test } from './harness.mjs';

const SDK_VERSION = JSON.parse(readFileSync(new URL('node_modules/cloudflare/package.json',
  import.meta.url))).version;
const ADMIN = '05784afa30c1afe1440e79d9351c7430';          // role "Administrator"
const SUPER_ADMIN = '33666b9c79b9a5273fc7344ff42f953d';
const ADMIN_RO = 'f2b20b3ba2d1bbb0a4aa2d3b7c3d0b5f';
const UNKNOWN = '0123456789abcdef0123456789abcdef';
// token permission groups (README "Token permission groups")
const TOKENS_READ = '0cc3a61731504c89b99ec1be78b77aa0';
const USER_DETAILS_READ = '8acbe5bb0d54464ab867149d7f7cf8ac';
const ACCOUNT_SETTINGS_READ = 'c1fde68c7bcc44588cbb6ddbc16d6480';
const ACCOUNT_TOKENS_READ = 'eb56a6953c034b9d97dd838155666f06';
const PROFILE = {
  business_address: '1 Acme Way', business_email: 'ops@acme.example', business_name: 'Acme Inc',
  business_phone: '+1-555-0100', external_metadata: '{}',
};

function client(srv, creds = { apiToken: 'sdk-user-token' }) {
  return new Cloudflare({ ...creds, baseURL: srv.base, maxRetries: 0 });
}

async function all(list) {
  const out = [];
  for await (const x of list) out.push(x);
  return out;
}

// the error cf's promise rejects with: its class and the Cloudflare codes
async function rejects(promise, cls, status, codes) {
  let err = null;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'expected ' + cls.name);
  assert.ok(err instanceof cls, `${err.constructor.name}, not ${cls.name}: ${err.message}`);
  assert.equal(err.status, status);
  assert.deepEqual(err.errors.map((e) => e.code), codes);
  return err;
}

// the journal's requests (method, path, query) to a path prefix
async function sent(srv, prefix) {
  return (await srv.journal()).filter((r) => r.path.startsWith('/client/v4' + prefix))
    .map((r) => [r.method, r.path.slice('/client/v4'.length), r.query]);
}

test('sdk version is the pinned 7.3.0', async () => {
  assert.equal(SDK_VERSION, '7.3.0');
});

test('organizations: create, get, update, list, delete and their errors', async (srv) => {
  const cf = client(srv);
  const org = await cf.organizations.create({ name: 'Acme' });
  assert.match(org.id, /^[0-9a-f]{32}$/);
  assert.equal(org.name, 'Acme');
  const sub = await cf.organizations.create({ name: 'Acme Europe', parent: { id: org.id } });
  assert.deepEqual(sub.meta.hierarchy_tags, [org.id, sub.id]);
  assert.equal((await cf.organizations.get(org.id)).name, 'Acme');
  const upd = await cf.organizations.update(org.id, { name: 'Acme Corp' });
  assert.equal(upd.name, 'Acme Corp');
  assert.equal((await cf.organizations.get(org.id)).name, 'Acme Corp');
  // the SDK types the list as one page: for await reads that page only;
  // the next page's token is at page.body.result_info
  for (let i = 0; i < 3; i++) await cf.organizations.create({ name: 'Extra ' + i });
  const first = await cf.organizations.list({ page_size: 2 });
  assert.equal(first.result.length, 2);
  assert.equal(first.hasNextPage(), false);
  assert.equal(first.body.result_info.total_size, 5);
  const token = first.body.result_info.next_page_token;
  assert.equal(typeof token, 'string');
  assert.equal((await all(cf.organizations.list({ page_size: 2 }))).length, 2);
  const ids = first.result.map((o) => o.id);
  let page = first;
  while (page.body.result_info.next_page_token) {
    page = await cf.organizations.list({ page_size: 2,
      page_token: page.body.result_info.next_page_token });
    ids.push(...page.result.map((o) => o.id));
  }
  assert.equal(ids.length, 5);
  assert.equal(new Set(ids).size, 5);
  const named = await cf.organizations.list({ name: { contains: 'extra' } });
  assert.deepEqual(named.result.map((o) => o.name).sort(), ['Extra 0', 'Extra 1', 'Extra 2']);
  // not empty: a sub-organization is in it
  await rejects(cf.organizations.delete(org.id), Cloudflare.BadRequestError, 400, [1102]);
  await cf.organizations.delete(sub.id);
  await cf.organizations.delete(org.id);
  await rejects(cf.organizations.get(org.id), Cloudflare.NotFoundError, 404, [1101]);
  await rejects(cf.organizations.update(UNKNOWN, { name: 'x' }), Cloudflare.NotFoundError, 404,
    [1101]);
  await rejects(cf.organizations.create({ name: '' }), Cloudflare.BadRequestError, 400, [1003]);
  // another user sees none of it
  const other = client(srv, { apiToken: 'sdk-other-token' });
  assert.equal((await other.organizations.list()).result.length, 0);
  await rejects(other.organizations.get(ids[0]), Cloudflare.NotFoundError, 404, [1101]);
});

test('organizations.organizationProfile: get and update', async (srv) => {
  const cf = client(srv);
  const org = await cf.organizations.create({ name: 'Acme', profile: PROFILE });
  assert.deepEqual(await cf.organizations.organizationProfile.get(org.id), PROFILE);
  const next = { ...PROFILE, business_name: 'Acme Holdings' };
  await cf.organizations.organizationProfile.update(org.id, next);
  assert.deepEqual(await cf.organizations.organizationProfile.get(org.id), next);
  await rejects(cf.organizations.organizationProfile.get(UNKNOWN), Cloudflare.NotFoundError, 404,
    [1101]);
});

test('accounts: create in an organization, get, update, for await over pages, delete',
  async (srv) => {
    const cf = client(srv);
    const org = await cf.organizations.create({ name: 'Acme' });
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push(await cf.accounts.create({ name: 'Acme ' + i, unit: { id: org.id } }));
    }
    assert.equal(made[0].name, 'Acme 0');
    assert.equal(made[0].type, 'standard');
    const got = await cf.accounts.get({ account_id: made[0].id });
    assert.equal(got.id, made[0].id);
    const upd = await cf.accounts.update({ account_id: made[1].id, id: made[1].id,
      name: 'Acme One', type: 'standard' });
    assert.equal(upd.name, 'Acme One');
    // every page of 3, then the empty one that ends the SDK's walk
    const listed = await all(cf.accounts.list({ per_page: 3 }));
    assert.deepEqual(listed.map((a) => a.id).sort(), made.map((a) => a.id).sort());
    assert.deepEqual((await sent(srv, '/accounts')).filter(([m, p]) => m === 'GET' &&
      p === '/accounts').map(([, , q]) => q),
    ['per_page=3', 'per_page=3&page=2', 'per_page=3&page=3', 'per_page=3&page=4']);
    const page = await cf.accounts.list({ per_page: 3, page: 3 });
    assert.equal(page.result.length, 1);
    assert.equal(page.result_info.total_count, 7);
    const orgAccounts = await srv.request('GET', `/organizations/${org.id}/accounts`,
      { token: 'sdk-user-token' });
    assert.equal(orgAccounts.json.result.length, 7);
    await cf.accounts.delete({ account_id: made[6].id });
    await rejects(cf.accounts.get({ account_id: made[6].id }), Cloudflare.NotFoundError, 404,
      [1201]);
    await rejects(cf.accounts.update({ account_id: UNKNOWN, id: UNKNOWN, name: 'x',
      type: 'standard' }),
      Cloudflare.NotFoundError, 404, [1201]);
    assert.equal((await all(cf.accounts.list())).length, 6);
  });

test('accounts.members and accounts.roles', async (srv) => {
  const cf = client(srv);
  const acct = await cf.accounts.create({ name: 'Acme Web' });
  const roles = await all(cf.accounts.roles.list({ account_id: acct.id, per_page: 2 }));
  assert.equal(roles.length, 7);
  assert.equal(roles[0].id, SUPER_ADMIN);
  const role = await cf.accounts.roles.get(ADMIN, { account_id: acct.id });
  assert.equal(role.name, 'Administrator');
  await rejects(cf.accounts.roles.get(UNKNOWN, { account_id: acct.id }), Cloudflare.NotFoundError,
    404, [1303]);
  const bob = await cf.accounts.members.create({ account_id: acct.id, email: 'bob@example.com',
    roles: [ADMIN] });
  assert.equal(bob.status, 'pending');
  assert.equal(bob.user.email, 'bob@example.com');
  assert.deepEqual(bob.roles.map((r) => r.name), ['Administrator']);
  for (let i = 0; i < 4; i++) {
    await cf.accounts.members.create({ account_id: acct.id, email: `m${i}@example.com`,
      roles: [ADMIN_RO] });
  }
  const members = await all(cf.accounts.members.list({ account_id: acct.id, per_page: 2 }));
  assert.equal(members.length, 6);       // the creator and five
  assert.ok(members.some((m) => m.id === bob.id));
  const got = await cf.accounts.members.get(bob.id, { account_id: acct.id });
  assert.equal(got.email, 'bob@example.com');
  const upd = await cf.accounts.members.update(bob.id, { account_id: acct.id,
    roles: [{ id: ADMIN_RO }] });
  assert.deepEqual(upd.roles.map((r) => r.id), [ADMIN_RO]);
  await rejects(cf.accounts.members.create({ account_id: acct.id, email: 'bob@example.com',
    roles: [ADMIN] }), Cloudflare.BadRequestError, 400, [1302]);
  await cf.accounts.members.delete(bob.id, { account_id: acct.id });
  await rejects(cf.accounts.members.get(bob.id, { account_id: acct.id }), Cloudflare.NotFoundError,
    404, [1301]);
});

test('memberships and user.invites: the invitee accepts, then leaves', async (srv) => {
  const cf = client(srv);
  const acct = await cf.accounts.create({ name: 'Acme Web' });
  const member = await cf.accounts.members.create({ account_id: acct.id,
    email: 'bob@example.com', roles: [ADMIN] });
  const bob = client(srv, { apiEmail: 'bob@example.com', apiKey: '0'.repeat(32) });
  const invites = await all(bob.user.invites.list());
  assert.deepEqual(invites.map((i) => [i.id, i.status]), [[member.id, 'pending']]);
  assert.equal((await bob.user.invites.get(member.id)).organization_name, 'Acme Web');
  const mine = await all(bob.memberships.list());
  assert.deepEqual(mine.map((m) => [m.id, m.status, m.account.name]),
    [[member.id, 'pending', 'Acme Web']]);
  await rejects(bob.accounts.get({ account_id: acct.id }), Cloudflare.NotFoundError, 404, [1201]);
  const accepted = await bob.memberships.update(member.id, { status: 'accepted' });
  assert.equal(accepted.status, 'accepted');
  assert.equal((await bob.memberships.get(member.id)).status, 'accepted');
  assert.equal((await bob.accounts.get({ account_id: acct.id })).name, 'Acme Web');
  const owner = await all(cf.memberships.list({ status: 'accepted' }));
  assert.deepEqual(owner.map((m) => m.account.id), [acct.id]);
  await bob.memberships.delete(member.id);
  await rejects(bob.memberships.get(member.id), Cloudflare.NotFoundError, 404, [1306]);
  await rejects(bob.accounts.get({ account_id: acct.id }), Cloudflare.NotFoundError, 404, [1201]);
});

test('user: get and edit', async (srv) => {
  const cf = client(srv);
  const me = await cf.user.get();
  assert.match(me.id, /^[0-9a-f]{32}$/);
  assert.equal(me.email, `${me.id}@users.cfmock.invalid`);
  const upd = await cf.user.edit({ first_name: 'Ada', last_name: 'Lovelace', country: 'GB' });
  assert.equal(upd.first_name, 'Ada');
  const again = await cf.user.get();
  assert.deepEqual([again.first_name, again.last_name, again.country], ['Ada', 'Lovelace', 'GB']);
});

test('user.tokens: create, use, get, list, update, roll, verify, delete', async (srv) => {
  const cf = client(srv);
  const me = await cf.user.get();
  const groups = await all(cf.user.tokens.permissionGroups.list());
  assert.ok(groups.some((g) => g.id === TOKENS_READ && g.name === 'API Tokens Read'));
  const policies = [{ effect: 'allow', permission_groups: [{ id: USER_DETAILS_READ }],
    resources: { [`com.cloudflare.api.user.${me.id}`]: '*' } }];
  const tok = await cf.user.tokens.create({ name: 'ci reader', policies });
  assert.equal(tok.value.length, 40);
  assert.equal(tok.status, 'active');
  const as = client(srv, { apiToken: tok.value });
  assert.deepEqual(await as.user.tokens.verify(), { id: tok.id, status: 'active' });
  assert.equal((await as.user.get()).id, me.id);
  // User Details Read only: no token reading
  await rejects(as.user.tokens.list(), Cloudflare.PermissionDeniedError, 403, [9109]);
  for (let i = 0; i < 3; i++) await cf.user.tokens.create({ name: 'extra ' + i, policies });
  const listed = await all(cf.user.tokens.list({ per_page: 2 }));
  assert.deepEqual(listed.map((t) => t.name).sort(), ['ci reader', 'extra 0', 'extra 1',
    'extra 2']);
  assert.ok(listed.every((t) => !('value' in t)));
  assert.equal((await cf.user.tokens.get(tok.id)).name, 'ci reader');
  const upd = await cf.user.tokens.update(tok.id, { name: 'ci reader 2', policies,
    status: 'disabled' });
  assert.deepEqual([upd.name, upd.status], ['ci reader 2', 'disabled']);
  await rejects(as.user.get(), Cloudflare.PermissionDeniedError, 403, [10000]);
  await cf.user.tokens.update(tok.id, { name: 'ci reader', policies, status: 'active' });
  const secret = await cf.user.tokens.value.update(tok.id, {});
  assert.equal(typeof secret, 'string');
  assert.equal(secret.length, 40);
  assert.notEqual(secret, tok.value);
  await rejects(as.user.tokens.verify(), Cloudflare.AuthenticationError, 401, [1000]);
  const rolled = client(srv, { apiToken: secret });
  assert.equal((await rolled.user.tokens.verify()).id, tok.id);
  await cf.user.tokens.delete(tok.id);
  await rejects(cf.user.tokens.get(tok.id), Cloudflare.NotFoundError, 404, [1501]);
  await rejects(rolled.user.tokens.verify(), Cloudflare.AuthenticationError, 401, [1000]);
  await rejects(cf.user.tokens.create({ name: 'bad', policies: [{ effect: 'allow',
    permission_groups: [{ id: UNKNOWN }], resources: { 'com.cloudflare.api.account.*': '*' } }] }),
  Cloudflare.BadRequestError, 400, [1003]);
});

test('accounts.tokens: an account-owned token, its groups, verify and roll', async (srv) => {
  const cf = client(srv);
  const acct = await cf.accounts.create({ name: 'Acme Web' });
  await cf.accounts.create({ name: 'Acme Other' });
  const groups = await all(cf.accounts.tokens.permissionGroups.list({ account_id: acct.id }));
  assert.ok(groups.some((g) => g.id === ACCOUNT_SETTINGS_READ));
  assert.ok(groups.every((g) => g.scopes.every((s) => !s.includes('.user'))));
  const policies = [{ effect: 'allow',
    permission_groups: [{ id: ACCOUNT_SETTINGS_READ }, { id: ACCOUNT_TOKENS_READ }],
    resources: { [`com.cloudflare.api.account.${acct.id}`]: '*' } }];
  const tok = await cf.accounts.tokens.create({ account_id: acct.id, name: 'deploy', policies });
  assert.equal(tok.value.length, 40);
  const as = client(srv, { apiToken: tok.value });
  assert.deepEqual(await as.accounts.tokens.verify({ account_id: acct.id }),
    { id: tok.id, status: 'active' });
  // it acts for its account alone and has no user
  assert.deepEqual((await all(as.accounts.list())).map((a) => a.id), [acct.id]);
  await rejects(as.user.get(), Cloudflare.PermissionDeniedError, 403, [9109]);
  await rejects(as.user.tokens.verify(), Cloudflare.AuthenticationError, 401, [1000]);
  assert.deepEqual((await all(as.accounts.tokens.list({ account_id: acct.id }))).map((t) => t.id),
    [tok.id]);
  assert.equal((await cf.accounts.tokens.get(tok.id, { account_id: acct.id })).name, 'deploy');
  const upd = await cf.accounts.tokens.update(tok.id, { account_id: acct.id, name: 'deploy 2',
    policies });
  assert.equal(upd.name, 'deploy 2');
  const secret = await cf.accounts.tokens.value.update(tok.id, { account_id: acct.id, body: {} });
  assert.equal(secret.length, 40);
  await rejects(as.accounts.tokens.verify({ account_id: acct.id }), Cloudflare.AuthenticationError,
    401, [1000]);
  await cf.accounts.tokens.delete(tok.id, { account_id: acct.id });
  assert.equal((await all(cf.accounts.tokens.list({ account_id: acct.id }))).length, 0);
  await rejects(cf.accounts.tokens.create({ account_id: acct.id, name: 'too far', policies: [{
    effect: 'allow', permission_groups: [{ id: USER_DETAILS_READ }],
    resources: { 'com.cloudflare.api.user.x': '*' } }] }), Cloudflare.BadRequestError, 400, [1003]);
});

test('iam: permission groups and resource groups', async (srv) => {
  const cf = client(srv);
  const acct = await cf.accounts.create({ name: 'Acme Web' });
  const groups = await all(cf.iam.permissionGroups.list({ account_id: acct.id, per_page: 5 }));
  assert.equal(groups.length, 11);
  assert.deepEqual(groups[1], { id: ADMIN, name: 'Administrator',
    meta: { key: 'label', value: 'admin' } });
  assert.deepEqual(await cf.iam.permissionGroups.get(ADMIN, { account_id: acct.id }), groups[1]);
  await rejects(cf.iam.permissionGroups.get(UNKNOWN, { account_id: acct.id }),
    Cloudflare.NotFoundError, 404, [1304]);
  const rgs = await all(cf.iam.resourceGroups.list({ account_id: acct.id }));
  assert.equal(rgs.length, 1);
  assert.equal(rgs[0].scope.key, `com.cloudflare.api.account.${acct.id}`);
  assert.deepEqual(await cf.iam.resourceGroups.get(rgs[0].id, { account_id: acct.id }), rgs[0]);
});

test('audit logs v2: accounts.logs.audit and organizations.logs.audit, cursor paging',
  async (srv) => {
    const cf = client(srv);
    const org = await cf.organizations.create({ name: 'Acme' });
    const acct = await cf.accounts.create({ name: 'Acme Web', unit: { id: org.id } });
    for (let i = 0; i < 4; i++) {
      await cf.accounts.members.create({ account_id: acct.id, email: `m${i}@example.com`,
        roles: [ADMIN] });
    }
    await cf.accounts.update({ account_id: acct.id, id: acct.id, name: 'Acme Site',
      type: 'standard' });
    const range = { since: '2026-01-01', before: '2026-01-02' };
    const entries = await all(cf.accounts.logs.audit.list({ account_id: acct.id, ...range,
      limit: 2, direction: 'asc' }));
    assert.deepEqual(entries.map((e) => e.action.description),
      ['Create Account', 'Add Member', 'Add Member', 'Add Member', 'Add Member', 'Update Account']);
    assert.ok(entries.every((e) => e.account.id === acct.id && e.actor.type === 'user'));
    assert.equal(entries[5].account.name, 'Acme Site');
    // three pages of 2: the SDK followed result_info.cursors.after, and stopped
    const pages = (await sent(srv, `/accounts/${acct.id}/logs/audit`)).map(([, , q]) => q);
    assert.equal(pages.length, 3);
    assert.ok(pages.slice(1).every((q) => /(^|&)cursor=/.test(q)));
    const members = await all(cf.accounts.logs.audit.list({ account_id: acct.id, ...range,
      action_type: ['create'], resource_type: ['member'] }));
    assert.equal(members.length, 4);
    const orgLog = await all(cf.organizations.logs.audit.list(org.id, { ...range, limit: 1 }));
    assert.ok(orgLog.length >= 2);
    assert.ok(orgLog.some((e) => e.action.description === 'Create Organization'));
    await rejects(cf.accounts.logs.audit.list({ account_id: acct.id, since: '2026-01-02',
      before: '2026-01-01' }), Cloudflare.BadRequestError, 400, [undefined]);
  });

test('audit logs v1: auditLogs.list and user.auditLogs.list, page-numbered', async (srv) => {
  const cf = client(srv);
  const acct = await cf.accounts.create({ name: 'Acme Web' });
  for (let i = 0; i < 4; i++) {
    await cf.accounts.members.create({ account_id: acct.id, email: `m${i}@example.com`,
      roles: [ADMIN] });
  }
  const v1 = await all(cf.auditLogs.list({ account_id: acct.id, per_page: 2 }));
  assert.equal(v1.length, 5);
  assert.ok(v1.every((e) => e.interface === 'API' && e.actor.type === 'user'));
  const adds = await all(cf.auditLogs.list({ account_id: acct.id, action: { type: 'create' },
    per_page: 10 }));
  assert.equal(adds.length, 5);
  const mine = await all(cf.user.auditLogs.list({ per_page: 3 }));
  assert.equal(mine.length, 5);
  const other = client(srv, { apiToken: 'sdk-other-token' });
  assert.equal((await all(other.user.auditLogs.list())).length, 0);
});

test('user.organizations: the legacy view of memberships', async (srv) => {
  const cf = client(srv);
  const a = await cf.accounts.create({ name: 'Acme Web' });
  const b = await cf.accounts.create({ name: 'Acme Mail' });
  const orgs = await all(cf.user.organizations.list({ per_page: 1 }));
  assert.deepEqual(orgs.map((o) => [o.id, o.name, o.status]),
    [[a.id, 'Acme Web', 'member'], [b.id, 'Acme Mail', 'member']].sort());
  assert.equal((await cf.user.organizations.get(a.id)).name, 'Acme Web');
  await cf.user.organizations.delete(b.id);
  assert.deepEqual((await all(cf.user.organizations.list())).map((o) => o.id), [a.id]);
  await rejects(cf.user.organizations.get(b.id), Cloudflare.NotFoundError, 404, [1101]);
});

test('client.post and client.get reach what has no method: a move and its organizations',
  async (srv) => {
    const cf = client(srv);
    const org = await cf.organizations.create({ name: 'Acme' });
    const acct = await cf.accounts.create({ name: 'Acme Web', unit: { id: org.id } });
    const eu = await cf.organizations.create({ name: 'Acme Europe', parent: { id: org.id } });
    await cf.post(`/accounts/${acct.id}/move`, { body: { destination_organization_id: eu.id } });
    const orgs = await cf.get(`/accounts/${acct.id}/organizations`);
    assert.equal(orgs.success, true);
    assert.deepEqual(orgs.result.map((o) => o.id), [org.id, eu.id]);   // the root first
    const inEu = await cf.get(`/organizations/${eu.id}/accounts`);
    assert.deepEqual(inEu.result.map((a) => a.id), [acct.id]);
  });

test('CLOUDFLARE_BASE_URL and CLOUDFLARE_API_TOKEN are read when no option is given',
  async (srv) => {
    process.env.CLOUDFLARE_BASE_URL = srv.base;
    process.env.CLOUDFLARE_API_TOKEN = 'sdk-env-token';
    try {
      const cf = new Cloudflare({ maxRetries: 0 });
      const acct = await cf.accounts.create({ name: 'From Env' });
      assert.deepEqual((await all(cf.accounts.list())).map((a) => a.id), [acct.id]);
    } finally {
      delete process.env.CLOUDFLARE_BASE_URL;
      delete process.env.CLOUDFLARE_API_TOKEN;
    }
    assert.equal((await srv.journal()).filter((r) => r.path === '/client/v4/accounts').length, 3);
  });

test('credentials: the SDK\'s missing and refused ones answer their codes', async (srv) => {
  const none = new Cloudflare({ apiToken: null, apiEmail: null, apiKey: null, baseURL: srv.base,
    maxRetries: 0 });
  await rejects(none.user.get(), Cloudflare.BadRequestError, 400, [9106]);
  const bad = client(srv, { apiEmail: 'bob@example.com', apiKey: 'not-a-key' });
  await rejects(bad.user.get(), Cloudflare.BadRequestError, 400, [6003]);
});

run();
