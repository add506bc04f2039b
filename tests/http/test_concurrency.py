"""test_concurrency.py: many clients at once on overlapping hierarchies,
then invariants over the whole state.

Sixteen threads, one credential, run a random mix at the same time on
three shared three-level hierarchies: create organizations under any
organization of depth < 3, create accounts (in an organization or
stand-alone), move them (one by one and in batches) between organizations
of one hierarchy, delete accounts, delete organizations (which must be
empty), add and remove organization and account members, rename, and read
lists. Every answer must be one the README allows for that call in a race
(the target may have gone, the destination may be the account's place
already), never a 5xx and never a dropped connection.

Then, with the server quiet: every account is in at most one
organization, and its /accounts/{id}/organizations chain ends at the
organization whose /accounts list holds it; no other list holds it; every
organization's hierarchy_tags start at a root, end at itself, have no
repeats and follow its parents; every total_size and total_count equals
the number of items a full walk of the list finds; what was created and
not deleted is there, and what was deleted answers 404. The same run on a
database file ends with PRAGMA integrity_check and foreign_key_check."""
import os
import random
import shutil
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from helpers import ADMIN  # noqa: E402

THREADS = 16
OPS_PER_THREAD = 70
ROOTS = 3
EMAILS = ['user%d@race.example' % i for i in range(12)]

# What each call may answer while others race it: {(status, first code)}.
OK = {(200, None)}
ALLOWED = {
    'create_org': OK | {(400, 1103)},                    # the parent was deleted
    'create_account': OK | {(400, 1103)},
    'move': OK | {(400, 1202), (400, 1203), (404, 1201), (400, 1103)},
    'move_batch': OK | {(400, 1103)},
    'delete_account': OK | {(404, 1201)},
    'delete_org': OK | {(400, 1102), (404, 1101)},
    'rename_org': OK | {(404, 1101)},
    'add_org_member': OK | {(400, 1302), (404, 1101)},
    'remove_org_member': {(204, None), (404, 1301), (404, 1101)},
    'add_account_member': OK | {(400, 1302), (404, 1201)},
    'remove_account_member': OK | {(404, 1301), (404, 1201)},
    'read_org_accounts': OK | {(404, 1101)},
    'read_chain': OK | {(404, 1201)},
    'read_account': OK | {(404, 1201)},
}


class World:
    """What the threads were told, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.orgs = {}              # id -> {'parent', 'root', 'depth'}
        self.deleted_orgs = set()
        self.accounts = set()
        self.deleted_accounts = set()
        self.org_members = {}       # member id -> org id
        self.removed_org_members = {}   # member id -> org id
        self.acct_members = {}      # member id -> account id
        self.removed_acct_members = {}  # member id -> account id
        self.problems = []
        self.answers = 0
        self.outcomes = {}          # (op, status, code) -> how many

    def pick(self, rng, items):
        with self.lock:
            items = sorted(items)
        return rng.choice(items) if items else None


class Racer(threading.Thread):
    def __init__(self, srv, world, n):
        super().__init__(daemon=True)
        self.srv, self.w, self.n = srv, world, n
        self.rng = random.Random(1000 + n)
        self.seq = 0

    def call(self, op, method, path, body=None, query=None):
        try:
            r = self.srv.request(method, path, body, query=query, timeout=60)
        except Exception as e:  # noqa: BLE001 (every one is a problem)
            self.w.problems.append('%s %s %s: %r' % (op, method, path, e))
            return None
        code = r.json['errors'][0]['code'] if r.json and r.json.get('errors') else None
        with self.w.lock:
            self.w.answers += 1
            key = (op, r.status, code)
            self.w.outcomes[key] = self.w.outcomes.get(key, 0) + 1
        if (r.status, code) not in ALLOWED[op]:
            self.w.problems.append('%s %s %s %r: %r' % (op, method, path, body, r))
        return r

    def name(self):
        self.seq += 1
        return 't%d-%d' % (self.n, self.seq)

    def live_orgs(self, max_depth=3, root=None):
        with self.w.lock:
            return sorted(o for o, v in self.w.orgs.items()
                          if v['depth'] <= max_depth and (root is None or v['root'] == root))

    def create_org(self):
        parent = self.rng.choice(self.live_orgs(2) or [None])
        if parent is None:
            return
        r = self.call('create_org', 'POST', '/organizations',
                      {'name': 'Org ' + self.name(), 'parent': {'id': parent}})
        if r and r.status == 200:
            org = r.json['result']
            with self.w.lock:
                p = self.w.orgs.get(parent) or {'root': org['meta']['hierarchy_tags'][0], 'depth': 0}
                self.w.orgs[org['id']] = {'parent': parent, 'root': p['root'],
                                          'depth': len(org['meta']['hierarchy_tags'])}

    def create_account(self):
        body = {'name': 'Acct ' + self.name()}
        if self.rng.random() < 0.85:
            org = self.rng.choice(self.live_orgs() or [None])
            if org:
                body['unit'] = {'id': org}
        r = self.call('create_account', 'POST', '/accounts', body)
        if r and r.status == 200:
            with self.w.lock:
                self.w.accounts.add(r.json['result']['id'])

    def destination_for(self, aid):
        """An organization of the account's hierarchy (any, if it stands
        alone), learnt from a read: it may be stale by the time it is used."""
        r = self.call('read_account', 'GET', '/accounts/' + aid)
        if not r or r.status != 200:
            return None
        here = r.json['result'].get('managed_by', {}).get('parent_org_id')
        with self.w.lock:
            root = self.w.orgs[here]['root'] if here in self.w.orgs else None
        if here and root is None:
            return None
        return self.rng.choice(self.live_orgs(3, root) or [None])

    def move(self):
        aid = self.w.pick(self.rng, self.w.accounts)
        dest = aid and self.destination_for(aid)
        if dest:
            self.call('move', 'POST', '/accounts/%s/move' % aid, {'destination_organization_id': dest})

    def move_batch(self):
        root = self.rng.choice(self.live_orgs(1) or [None])
        dest = root and self.rng.choice(self.live_orgs(3, root))
        if not dest:
            return
        # those of the destination's hierarchy move, the others answer why not
        with self.w.lock:
            pool = sorted(self.w.accounts)
        ids = self.rng.sample(pool, min(len(pool), self.rng.randint(1, 6)))
        if not ids:
            return
        r = self.call('move_batch', 'POST', '/accounts/move',
                      {'account_ids': ids, 'destination_organization_id': dest})
        if r and r.status == 200:
            statuses = [e['tag'] for e in r.json['result']['statuses']['accounts']]
            if statuses != ids:
                self.w.problems.append('batch move answered for %r, asked %r' % (statuses, ids))

    def delete_account(self):
        aid = self.w.pick(self.rng, self.w.accounts)
        if not aid:
            return
        r = self.call('delete_account', 'DELETE', '/accounts/' + aid)
        if r and r.status == 200:
            with self.w.lock:
                self.w.accounts.discard(aid)
                self.w.deleted_accounts.add(aid)

    def delete_org(self):
        # leaves mostly; roots never (they keep the hierarchies going)
        orgs = [o for o in self.live_orgs() if self.w.orgs.get(o, {}).get('depth', 1) > 1]
        oid = self.rng.choice(orgs or [None])
        if not oid:
            return
        r = self.call('delete_org', 'DELETE', '/organizations/' + oid)
        if r and r.status == 200:
            with self.w.lock:
                self.w.orgs.pop(oid, None)
                self.w.deleted_orgs.add(oid)

    def rename_org(self):
        oid = self.rng.choice(self.live_orgs() or [None])
        if oid:
            self.call('rename_org', 'PUT', '/organizations/' + oid, {'name': 'Renamed ' + self.name()})

    def add_org_member(self):
        oid = self.rng.choice(self.live_orgs() or [None])
        if not oid:
            return
        r = self.call('add_org_member', 'POST', '/organizations/%s/members' % oid,
                      {'member': {'user': {'email': self.rng.choice(EMAILS)}}})
        if r and r.status == 200:
            with self.w.lock:
                self.w.org_members[r.json['result']['id']] = oid

    def remove_org_member(self):
        mid = self.w.pick(self.rng, self.w.org_members)
        with self.w.lock:
            oid = self.w.org_members.get(mid)
        if not oid:
            return
        r = self.call('remove_org_member', 'DELETE', '/organizations/%s/members/%s' % (oid, mid))
        if r and r.status == 204:
            with self.w.lock:
                self.w.org_members.pop(mid, None)
                self.w.removed_org_members[mid] = oid

    def add_account_member(self):
        aid = self.w.pick(self.rng, self.w.accounts)
        if not aid:
            return
        r = self.call('add_account_member', 'POST', '/accounts/%s/members' % aid,
                      {'email': self.rng.choice(EMAILS), 'roles': [ADMIN]})
        if r and r.status == 200:
            with self.w.lock:
                self.w.acct_members[r.json['result']['id']] = aid

    def remove_account_member(self):
        mid = self.w.pick(self.rng, self.w.acct_members)
        with self.w.lock:
            aid = self.w.acct_members.get(mid)
        if not aid:
            return
        r = self.call('remove_account_member', 'DELETE', '/accounts/%s/members/%s' % (aid, mid))
        if r and r.status == 200:
            with self.w.lock:
                self.w.acct_members.pop(mid, None)
                self.w.removed_acct_members[mid] = aid

    def read(self):
        oid = self.rng.choice(self.live_orgs() or [None])
        if oid:
            self.call('read_org_accounts', 'GET', '/organizations/%s/accounts' % oid,
                      query={'page_size': 3})
        aid = self.w.pick(self.rng, self.w.accounts)
        if aid:
            self.call('read_chain', 'GET', '/accounts/%s/organizations' % aid)

    def run(self):
        ops = ([self.create_org] * 4 + [self.create_account] * 4 + [self.move] * 5 +
               [self.move_batch] * 2 + [self.delete_account] * 2 + [self.delete_org] * 3 +
               [self.rename_org, self.add_org_member, self.add_org_member,
                self.remove_org_member, self.add_account_member, self.remove_account_member,
                self.read])
        for _ in range(OPS_PER_THREAD):
            try:
                self.rng.choice(ops)()
            except Exception as e:  # noqa: BLE001 (a bug of the test or the server)
                self.w.problems.append('thread %d: %r' % (self.n, e))


class ConcurrencyTest(harness.ServerTest):
    """The race and the checks; the classes below run them."""

    def run_race(self):
        world = World()
        for i in range(ROOTS):
            r = self.req('POST', '/organizations', {'name': 'Root %d' % i})
            self.assertEqual(r.status, 200, r)
            world.orgs[r.json['result']['id']] = {'parent': None, 'root': r.json['result']['id'],
                                                  'depth': 1}
        racers = [Racer(self.srv, world, n) for n in range(THREADS)]
        for t in racers:
            t.start()
        for t in racers:
            t.join(280)
            self.assertFalse(t.is_alive(), 'a client never finished')
        self.assertEqual(world.problems, [])
        self.assertGreater(world.answers, THREADS * OPS_PER_THREAD // 2)
        print('# %d answers: %s' % (world.answers, ', '.join(
            '%s %d%s x%d' % (op, st, '/%d' % c if c else '', n)
            for (op, st, c), n in sorted(world.outcomes.items(), key=str))), flush=True)
        # the race did race: every kind of write went through at least once
        done = {op for (op, st, c), n in world.outcomes.items() if st in (200, 204)}
        self.assertLessEqual({'create_org', 'create_account', 'move', 'move_batch',
                              'delete_account', 'delete_org', 'add_org_member',
                              'remove_org_member', 'add_account_member',
                              'remove_account_member'}, done)
        return world

    # -- walking lists ----------------------------------------------------

    def get(self, path, status=200, query=None):
        r = self.req('GET', path, query=query)
        self.assertEqual(r.status, status, (path, r))
        return r.json

    def cursor_walk(self, path, page_size, query=None):
        items, totals, token = [], [], None
        while True:
            q = dict(query or {}, page_size=page_size)
            if token:
                q['page_token'] = token
            env = self.get(path, query=q)
            self.assertLessEqual(len(env['result']), page_size)
            items += env['result']
            totals.append(env['result_info']['total_size'])
            token = env['result_info'].get('next_page_token')
            if not token:
                break
            self.assertLess(len(totals), 5000, 'paging never ends')
        ids = [i['id'] for i in items]
        self.assertEqual(len(ids), len(set(ids)), 'an item on two pages of ' + path)
        self.assertEqual(set(totals), {len(items)}, 'total_size of %s is not what a walk finds' % path)
        return items

    def page_walk(self, path, per_page):
        items, page = [], 1
        while True:
            env = self.get(path, query={'page': page, 'per_page': per_page})
            info = env['result_info']
            self.assertEqual(info['page'], page)
            self.assertEqual(info['count'], len(env['result']))
            total = info['total_count']
            self.assertEqual(info['total_pages'], -(-total // per_page))
            if not env['result']:
                break
            items += env['result']
            page += 1
        ids = [i['id'] for i in items]
        self.assertEqual(len(ids), len(set(ids)), 'an item on two pages of ' + path)
        self.assertEqual(total, len(items), 'total_count of %s is not what a walk finds' % path)
        return items

    # -- the invariants ---------------------------------------------------

    def check_invariants(self, world):
        orgs = {o['id']: o for o in self.cursor_walk('/organizations', 7)}
        whole = self.get('/organizations', query={'page_size': 1000})
        self.assertEqual([o['id'] for o in whole['result']], list(orgs))
        # what was made and not deleted is there; what was deleted is not
        self.assertEqual(set(orgs), set(world.orgs))
        for oid in sorted(world.deleted_orgs)[:40]:
            r = self.req('GET', '/organizations/' + oid)
            self.assertError(r, 404, [1101], 'absent')
        # hierarchy_tags: from a root down to itself, no repeats, following
        # the parents: no cycles
        for oid, org in orgs.items():
            with self.subTest(org=oid):
                tags = org['meta']['hierarchy_tags']
                self.assertEqual(tags[-1], oid)
                self.assertEqual(len(tags), len(set(tags)), tags)
                self.assertLessEqual(len(tags), 3)
                self.assertNotIn('parent', orgs[tags[0]])
                for up, down in zip(tags, tags[1:]):
                    self.assertEqual(orgs[down]['parent']['id'], up)
                    self.assertEqual(orgs[down]['parent']['name'], orgs[up]['name'])
                    self.assertEqual(orgs[down]['meta']['hierarchy_tags'][:-1],
                                     orgs[up]['meta']['hierarchy_tags'])
                if len(tags) == 1:
                    self.assertNotIn('parent', org)
                self.assertEqual(self.get('/organizations/' + oid)['result'], org)
        # every account in at most one organization's list
        holder = {}
        for oid in orgs:
            for a in self.cursor_walk('/organizations/%s/accounts' % oid, 3):
                self.assertNotIn(a['id'], holder, 'account %s listed by %s and %s'
                                 % (a['id'], holder.get(a['id']), oid))
                holder[a['id']] = oid
            members = self.cursor_walk('/organizations/%s/members' % oid, 3)
            emails = [m['user']['email'] for m in members]
            self.assertEqual(len(emails), len(set(emails)), 'a user twice among members of ' + oid)
            for m in members:
                self.assertEqual(self.get('/organizations/%s/members/%s' % (oid, m['id']))['result'], m)
        accounts = {a['id']: a for a in self.page_walk('/accounts', 5)}
        self.assertEqual(set(accounts), world.accounts)
        self.assertLessEqual(set(holder), set(accounts))
        for aid in sorted(world.deleted_accounts)[:40]:
            self.assertError(self.req('GET', '/accounts/' + aid), 404, [1201])
        for aid, a in accounts.items():
            with self.subTest(account=aid):
                chain = self.get('/accounts/%s/organizations' % aid)['result']
                place = holder.get(aid)
                if place is None:
                    self.assertEqual(chain, [])
                    self.assertNotIn('managed_by', a)
                else:
                    self.assertEqual([o['id'] for o in chain], orgs[place]['meta']['hierarchy_tags'])
                    self.assertEqual(a['managed_by'], {'parent_org_id': place,
                                                       'parent_org_name': orgs[place]['name']})
                members = self.page_walk('/accounts/%s/members' % aid, 5)
                emails = [m['email'] for m in members]
                self.assertEqual(len(emails), len(set(emails)))
        # members answered and not removed are there, removed ones are not
        for mid, oid in world.org_members.items():
            if oid in orgs:
                self.get('/organizations/%s/members/%s' % (oid, mid))
        for mid, aid in world.acct_members.items():
            if aid in accounts:
                self.get('/accounts/%s/members/%s' % (aid, mid))
        for mid, oid in world.removed_org_members.items():
            if oid in orgs:
                r = self.req('GET', '/organizations/%s/members/%s' % (oid, mid))
                self.assertError(r, 404, [1301], 'absent')
        for mid, aid in world.removed_acct_members.items():
            if aid in accounts:
                r = self.req('GET', '/accounts/%s/members/%s' % (aid, mid))
                self.assertError(r, 404, [1301])


class InMemoryTest(ConcurrencyTest):
    def test_concurrency_1_sixteen_clients_in_memory(self):
        world = self.run_race()
        self.check_invariants(world)
        self.assertEqual(self.req('GET', '/_cfmock/health', auth=None).status, 200)


class OnFileTest(ConcurrencyTest):
    """The same race on a database file (WAL), then the file's own checks."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='cfmock-race-')
        self.db = os.path.join(self.dir, 'cfmock.db')
        self.server_kwargs = {'db': self.db}
        super().setUp()

    def tearDown(self):
        try:
            super().tearDown()
            harness.assert_database_sound(self, self.db)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def test_concurrency_2_sixteen_clients_on_a_file(self):
        world = self.run_race()
        self.check_invariants(world)


if __name__ == '__main__':
    harness.main()
