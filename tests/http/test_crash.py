"""test_crash.py: SIGKILL in the middle of a write load, then a restart on
the same database file (the README's Flags: "Writes are committed before
they are answered (SQLite WAL, synchronous=NORMAL): an answered write
survives a crash of the process").

Each round starts cfmock on a file in a temporary folder (random ids, the
wall clock), runs writer threads that create organizations (three levels
deep), accounts, organization and account members, set profiles and move
accounts, and records every write answered 200 with its result. The server
is killed with SIGKILL while they run. A second server on the same file
must then answer every recorded write (GET by id), hold nothing half-done
(every account's organization exists and lists it, its chain of
organizations answers, every organization's parent exists, every member's
organization exists, every account kept its creator as member; the audit
log names exactly the organizations and accounts created, and every
answered member addition), and stop
cleanly; the file must then pass PRAGMA integrity_check and
foreign_key_check. The rounds build on one another, so what round 1 wrote
must still be there after round 3."""
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A  # noqa: E402
from helpers import ADMIN, PROFILE  # noqa: E402

ROUNDS = 3
WRITERS = 4


class Record:
    """What the writers were told, shared by them (one lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.orgs = {}          # id -> {'parent': id or None, 'tags': [...]}
        self.accounts = {}      # id -> set of organization ids it may be in (None: none)
        self.org_members = {}   # member id -> (org id, email)
        self.acct_members = {}  # member id -> (account id, email)
        self.profiles = {}      # org id -> set of profiles it may hold
        self.failures = []      # answers no writer should get before the kill


# GET .../profile of an organization whose profile was never set
EMPTY_PROFILE = tuple(sorted((k, '') for k in PROFILE))


def profile(tag):
    return dict(PROFILE, business_name='Crash %s' % tag)


class Writer(threading.Thread):
    """Writes until the server goes away. Only its own organizations and
    accounts are moved or changed, so the last answered move of an account
    is its place, unless a later one was in flight at the kill."""

    def __init__(self, srv, rec, n, rnd, killed):
        super().__init__(daemon=True)
        self.srv, self.rec, self.n, self.killed = srv, rec, n, killed
        self.rng = random.Random(rnd * 100 + n)
        self.tag = 'r%dw%d' % (rnd, n)
        self.seq = 0
        self.roots = []         # [(id, tags)]
        self.orgs = []          # [(id, tags)] of its own
        self.accounts = []      # its own account ids
        self.writes = 0

    def uniq(self):
        self.seq += 1
        return '%s-%d' % (self.tag, self.seq)

    def call(self, method, path, body, status=200):
        """The answer's result, or None once the server is gone. Any other
        answer before the kill is a failure."""
        try:
            r = self.srv.request(method, path, body, timeout=30)
        except OSError as e:
            if not self.killed.is_set():
                self.rec.failures.append('%s %s: %r before the kill' % (method, path, e))
            raise
        if r.status != status:
            if not self.killed.is_set() or r.status >= 500:
                self.rec.failures.append('%s %s %r: %r' % (method, path, body, r))
            raise OSError('unexpected answer')
        self.writes += 1
        return r.json['result'] if r.json else None

    def create_org(self):
        name = 'Org ' + self.uniq()
        candidates = [o for o in self.orgs if len(o[1]) < 3]
        parent = self.rng.choice(candidates) if candidates and self.rng.random() < 0.8 else None
        body = {'name': name}
        if parent:
            body['parent'] = {'id': parent[0]}
        org = self.call('POST', '/organizations', body)
        tags = org['meta']['hierarchy_tags']
        with self.rec.lock:
            self.rec.orgs[org['id']] = {'parent': parent[0] if parent else None, 'tags': tags,
                                        'name': name}
        self.orgs.append((org['id'], tags))

    def create_account(self):
        org = self.rng.choice(self.orgs) if self.orgs and self.rng.random() < 0.8 else None
        body = {'name': 'Acct ' + self.uniq()}
        if org:
            body['unit'] = {'id': org[0]}
        acct = self.call('POST', '/accounts', body)
        with self.rec.lock:
            self.rec.accounts[acct['id']] = {org[0] if org else None}
        self.accounts.append(acct['id'])

    def move(self):
        if not self.accounts or len(self.orgs) < 2:
            return
        aid = self.rng.choice(self.accounts)
        with self.rec.lock:
            places = self.rec.accounts[aid]
        if len(places) != 1:
            return
        here = next(iter(places))
        root = self.rec.orgs[here]['tags'][0] if here else None
        dests = [o for o in self.orgs if o[0] != here and (root is None or o[1][0] == root)]
        if not dests:
            return
        dest = self.rng.choice(dests)[0]
        with self.rec.lock:
            self.rec.accounts[aid] = {here, dest}      # in flight: either
        self.call('POST', '/accounts/%s/move' % aid, {'destination_organization_id': dest})
        with self.rec.lock:
            self.rec.accounts[aid] = {dest}

    def add_org_member(self):
        if not self.orgs:
            return
        oid = self.rng.choice(self.orgs)[0]
        email = self.uniq() + '@crash.example'
        m = self.call('POST', '/organizations/%s/members' % oid,
                      {'member': {'user': {'email': email}}})
        with self.rec.lock:
            self.rec.org_members[m['id']] = (oid, email)

    def add_account_member(self):
        if not self.accounts:
            return
        aid = self.rng.choice(self.accounts)
        email = self.uniq() + '@crash.example'
        m = self.call('POST', '/accounts/%s/members' % aid, {'email': email, 'roles': [ADMIN]})
        with self.rec.lock:
            self.rec.acct_members[m['id']] = (aid, email)

    def set_profile(self):
        if not self.orgs:
            return
        oid = self.rng.choice(self.orgs)[0]
        p = profile(self.uniq())
        with self.rec.lock:
            before = self.rec.profiles.get(oid, {EMPTY_PROFILE})
            if len(before) != 1:
                return
            self.rec.profiles[oid] = before | {tuple(sorted(p.items()))}
        self.call('PUT', '/organizations/%s/profile' % oid, p, status=204)
        with self.rec.lock:
            self.rec.profiles[oid] = {tuple(sorted(p.items()))}

    def run(self):
        ops = [self.create_org] * 3 + [self.create_account] * 3 + [self.move] * 3 + \
              [self.add_org_member, self.add_account_member, self.set_profile]
        try:
            self.create_org()
            while True:
                self.rng.choice(ops)()
        except OSError:
            return


class CrashTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='cfmock-crash-')
        self.db = os.path.join(self.dir, 'cfmock.db')
        self.rec = Record()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self):
        # random ids and the wall clock: a restarted server must not make
        # the ids of the first again
        return harness.Server(db=self.db, seed=None, clock=None)

    def stop(self, srv):
        code = srv.stop()
        self.assertEqual(code, 0, 'cfmock exited %d; stderr: %s' % (code, srv.stderr.decode()))

    # -- the load --------------------------------------------------------

    def load_and_kill(self, rnd):
        srv = self.start()
        killed = threading.Event()
        writers = [Writer(srv, self.rec, n, rnd, killed) for n in range(WRITERS)]
        for w in writers:
            w.start()
        time.sleep(random.Random(rnd).uniform(1.0, 2.5))
        killed.set()
        srv.proc.kill()                 # SIGKILL: no clean-up of any kind
        srv.proc.wait()
        for w in writers:
            w.join(60)
            self.assertFalse(w.is_alive(), 'a writer never saw the server go')
        for t in srv._threads:
            t.join(5)
        self.assertEqual(srv.proc.returncode, -9)
        self.assertEqual(self.rec.failures, [])
        writes = sum(w.writes for w in writers)
        print('# round %d: %d writes answered; %d organizations, %d accounts, %d and %d '
              'members recorded so far' % (rnd, writes, len(self.rec.orgs), len(self.rec.accounts),
                                           len(self.rec.org_members), len(self.rec.acct_members)),
              flush=True)
        self.assertGreater(writes, 20, 'too few writes answered before the kill to prove much')
        return writes

    # -- the checks after a restart --------------------------------------

    def get(self, srv, path, status=200, query=None):
        r = srv.request('GET', path, query=query)
        self.assertEqual(r.status, status, (path, r))
        return r.json

    def cursor_all(self, srv, path, query=None):
        """Every item of a cursor list; each page's total_size must be the
        number of items the whole walk finds."""
        items, totals, token = [], [], None
        while True:
            q = dict(query or {}, page_size=1000)
            if token:
                q['page_token'] = token
            env = self.get(srv, path, query=q)
            items += env['result']
            totals.append(env['result_info']['total_size'])
            token = env['result_info'].get('next_page_token')
            if not token:
                self.assertEqual(set(totals), {len(items)}, path)
                return items

    def pages_all(self, srv, path):
        items, page = [], 1
        while True:
            env = self.get(srv, path, query={'page': page, 'per_page': 50})
            items += env['result']
            if not env['result']:
                self.assertEqual(env['result_info']['total_count'], len(items))
                return items
            page += 1

    def check_restart(self, rnd):
        srv = self.start()
        try:
            r = srv.request('GET', '/_cfmock/health', auth=None)
            self.assertEqual(r.status, 200, r)
            self.check_answered_writes(srv)
            self.check_nothing_half_done(srv)
        finally:
            self.stop(srv)
        self.check_file()

    def check_answered_writes(self, srv):
        for oid, want in self.rec.orgs.items():
            with self.subTest(org=oid):
                org = self.get(srv, '/organizations/' + oid)['result']
                self.assertEqual(org['name'], want['name'])
                self.assertEqual(org['meta']['hierarchy_tags'], want['tags'])
                self.assertEqual(org.get('parent', {}).get('id'), want['parent'])
        for aid, places in self.rec.accounts.items():
            with self.subTest(account=aid):
                acct = self.get(srv, '/accounts/' + aid)['result']
                self.assertIn(acct.get('managed_by', {}).get('parent_org_id'), places)
        for mid, (oid, email) in self.rec.org_members.items():
            with self.subTest(org_member=mid):
                m = self.get(srv, '/organizations/%s/members/%s' % (oid, mid))['result']
                self.assertEqual(m['user']['email'], email)
        for mid, (aid, email) in self.rec.acct_members.items():
            with self.subTest(account_member=mid):
                m = self.get(srv, '/accounts/%s/members/%s' % (aid, mid))['result']
                self.assertEqual(m['email'], email)
        for oid, profiles in self.rec.profiles.items():
            with self.subTest(profile=oid):
                p = self.get(srv, '/organizations/%s/profile' % oid)['result']
                self.assertIn(tuple(sorted(p.items())), profiles)

    def check_nothing_half_done(self, srv):
        orgs = {o['id']: o for o in self.cursor_all(srv, '/organizations')}
        self.assertGreaterEqual(len(orgs), len(self.rec.orgs))
        holder = {}
        for oid, org in orgs.items():
            tags = org['meta']['hierarchy_tags']
            self.assertEqual(tags[-1], oid)
            self.assertEqual(len(set(tags)), len(tags), tags)
            for t in tags:
                self.assertIn(t, orgs, 'organization %s has a missing ancestor %s' % (oid, t))
            if len(tags) > 1:
                self.assertEqual(org['parent']['id'], tags[-2])
            else:
                self.assertNotIn('parent', org)
            for a in self.cursor_all(srv, '/organizations/%s/accounts' % oid):
                self.assertNotIn(a['id'], holder, 'account in two organizations')
                holder[a['id']] = oid
            for m in self.cursor_all(srv, '/organizations/%s/members' % oid):
                self.get(srv, '/organizations/%s/members/%s' % (oid, m['id']))
        accounts = self.pages_all(srv, '/accounts')
        self.assertGreaterEqual(len(accounts), len(self.rec.accounts))
        for a in accounts:
            with self.subTest(account=a['id']):
                place = a.get('managed_by', {}).get('parent_org_id')
                self.assertEqual(place, holder.get(a['id']))
                chain = self.get(srv, '/accounts/%s/organizations' % a['id'])['result']
                self.assertEqual([o['id'] for o in chain],
                                 orgs[place]['meta']['hierarchy_tags'] if place else [])
                members = self.get(srv, '/accounts/%s/members' % a['id'])
                self.assertGreaterEqual(members['result_info']['total_count'], 1)
        self.assertEqual(set(holder), {a['id'] for a in accounts if 'managed_by' in a})
        self.check_audit_log(srv, set(orgs), {a['id'] for a in accounts})

    def check_audit_log(self, srv, orgs, accounts):
        """A change and its audit-log entry are kept together or not at
        all: the user's log names exactly the organizations and accounts
        that exist as created, and every answered member addition."""
        created = {}
        page = 1
        while True:
            env = self.get(srv, '/user/audit_logs', query={'page': page, 'per_page': 1000})
            for e in env['result']:
                created.setdefault(e['metadata']['description'], []).append(e['resource']['id'])
            if page >= env['result_info']['total_pages']:
                break
            page += 1
        for what in ('Create Organization', 'Create Account'):
            ids = created.get(what, [])
            self.assertEqual(len(ids), len(set(ids)), '%s logged twice' % what)
        self.assertEqual(set(created.get('Create Organization', [])), orgs)
        self.assertEqual(set(created.get('Create Account', [])), accounts)
        self.assertLessEqual(set(self.rec.acct_members), set(created.get('Add Member', [])))
        self.assertLessEqual(set(self.rec.org_members),
                             set(created.get('Add Organization Member', [])))

    def check_file(self):
        harness.assert_database_sound(self, self.db)

    def test_crash_1_answered_writes_survive_sigkill_rounds(self):
        total = 0
        for rnd in range(1, ROUNDS + 1):
            with self.subTest(round=rnd):
                total += self.load_and_kill(rnd)
                self.check_restart(rnd)
        self.assertGreater(len(self.rec.orgs), 3)
        self.assertGreater(total, 60)

    def test_crash_2_kill_while_idle_after_writes_loses_nothing(self):
        """The simplest case: writes answered, then SIGKILL with nothing in
        flight (nothing checkpointed: the WAL alone holds them)."""
        srv = self.start()
        root = srv.request('POST', '/organizations', {'name': 'Idle root'}).json['result']
        child = srv.request('POST', '/organizations',
                            {'name': 'Idle child', 'parent': {'id': root['id']}}).json['result']
        acct = srv.request('POST', '/accounts', {'name': 'Idle', 'unit': {'id': root['id']}})
        self.assertEqual(acct.status, 200, acct)
        acct = acct.json['result']
        r = srv.request('POST', '/accounts/%s/move' % acct['id'],
                        {'destination_organization_id': child['id']})
        self.assertEqual(r.status, 200, r)
        srv.proc.kill()
        srv.proc.wait()
        for t in srv._threads:
            t.join(5)
        srv = self.start()
        try:
            got = self.get(srv, '/accounts/' + acct['id'])['result']
            self.assertEqual(got['managed_by'], {'parent_org_id': child['id'],
                                                 'parent_org_name': 'Idle child'})
            chain = self.get(srv, '/accounts/%s/organizations' % acct['id'])['result']
            self.assertEqual([o['id'] for o in chain], [root['id'], child['id']])
            # and the server goes on writing on the recovered file
            r = srv.request('POST', '/accounts', {'name': 'After', 'unit': {'id': child['id']}},
                            auth=TOKEN_A)
            self.assertEqual(r.status, 200, r)
        finally:
            self.stop(srv)
        self.check_file()


if __name__ == '__main__':
    harness.main()
