"""test_startup.py: the command line, the environment, start-up failures,
fixtures at start, persistence across restarts and clean shutdown."""
import json
import os
import re
import signal
import socket
import sqlite3
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

FIXTURES = os.path.join(harness.HERE, '..', '..', 'fixtures', 'example.json')


class CommandLine(unittest.TestCase):
    def test_start_1_1_help_lists_every_flag_with_its_variable(self):
        code, out, err = harness.run_cfmock('--help')
        self.assertEqual(code, 0)
        self.assertEqual(err, '')
        for flag, env in [('--bind', 'CFMOCK_BIND'), ('--port', 'CFMOCK_PORT'),
                          ('--db', 'CFMOCK_DB'), ('--fixtures', 'CFMOCK_FIXTURES'),
                          ('--seed', 'CFMOCK_SEED'), ('--clock', 'CFMOCK_CLOCK'),
                          ('--access-log', 'CFMOCK_ACCESS_LOG'), ('--auth', 'CFMOCK_AUTH'),
                          ('--max-body-bytes', 'CFMOCK_MAX_BODY_BYTES')]:
            self.assertRegex(out, re.escape(flag) + r'.*\[\$' + env + r'\]')

    def test_start_1_2_version(self):
        code, out, err = harness.run_cfmock('--version')
        self.assertEqual((code, err), (0, ''))
        self.assertRegex(out, r'^cfmock \d+\.\d+\.\d+\n$')

    def test_start_1_3_bad_flags_fail_with_one_line(self):
        for args, want in [(['--nope'], "unknown flag '--nope'"),
                           (['--port', '70000'], "invalid value '70000' for --port"),
                           (['--port'], "missing value for '--port'"),
                           (['--clock', 'yesterday'], "invalid value 'yesterday' for --clock"),
                           (['--auth', 'closed'], "invalid value 'closed' for --auth"),
                           (['extra'], "unexpected argument 'extra'")]:
            code, out, err = harness.run_cfmock(*args)
            self.assertEqual(code, 1, args)
            self.assertEqual(out, '')
            self.assertEqual(err.count('\n'), 1, err)
            self.assertIn(want, err)

    def test_start_1_4_bad_environment_value_names_the_variable(self):
        code, _, err = harness.run_cfmock(env={'CFMOCK_PORT': 'many'})
        self.assertEqual(code, 1)
        self.assertIn("invalid value 'many' for $CFMOCK_PORT", err)

    def test_start_1_5_port_taken_fails_clearly(self):
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        s.listen(1)
        port = s.getsockname()[1]
        try:
            code, out, err = harness.run_cfmock('--port', str(port), '--db', ':memory:')
        finally:
            s.close()
        self.assertEqual(code, 1)
        self.assertEqual(out, '')
        self.assertEqual(err, 'cfmock: cannot listen on 127.0.0.1:%d: Address already in use\n' % port)

    def test_start_1_6_unreadable_database_fails_clearly(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'garbage.db')
            with open(path, 'wb') as f:
                f.write(b'this is not a database' * 100)
            code, out, err = harness.run_cfmock('--port', '0', '--db', path)
            self.assertEqual(code, 1)
            self.assertEqual(err.count('\n'), 1)
            self.assertIn("database '%s'" % path, err)
            self.assertIn('not a database', err)
            code, _, err = harness.run_cfmock('--port', '0', '--db', os.path.join(d, 'no', 'such', 'x.db'))
            self.assertEqual(code, 1)
            self.assertIn('cannot open database', err)

    def test_start_1_6b_a_database_in_use_by_another_cfmock_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'shared.db')
            with harness.Server(db=db) as srv:
                made = srv.request('POST', '/organizations', body={'name': 'First'}).json['result']
                code, out, err = harness.run_cfmock('--port', '0', '--db', db)
                self.assertEqual(code, 1)
                self.assertEqual(out, '')
                self.assertEqual(err, "cfmock: database '%s' is in use by another cfmock\n" % db)
                # the first goes on, and its file can be read beside it
                r = srv.request('GET', '/organizations')
                self.assertEqual(r.json['result'], [made])
                ro = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
                try:
                    self.assertEqual(ro.execute('SELECT id, name FROM organizations').fetchall(),
                                     [(made['id'], 'First')])
                finally:
                    ro.close()
            with harness.Server(db=db) as srv:
                self.assertEqual(srv.request('GET', '/organizations').json['result'], [made])

    def test_start_1_7_bad_fixtures_fail_naming_the_entry(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'f.json')
            with open(path, 'w') as f:
                json.dump({'users': [{'email': 'a@example.com'}],
                           'organizations': [{'name': 'Root', 'owner': 'a@example.com',
                                              'organizations': [{'nme': 'typo'}]}]}, f)
            code, out, err = harness.run_cfmock('--port', '0', '--db', ':memory:', '--fixtures', path)
            self.assertEqual(code, 1)
            self.assertEqual(err, "cfmock: %s: /organizations/0/organizations/0/nme: "
                                  "unknown key\n" % path)
            code, _, err = harness.run_cfmock('--port', '0', '--db', ':memory:', '--fixtures',
                                              os.path.join(d, 'missing.json'))
            self.assertEqual(code, 1)
            self.assertIn('No such file or directory', err)


class Running(unittest.TestCase):
    def test_start_2_1_ready_line_names_the_real_port(self):
        with harness.Server() as srv:
            self.assertRegex(srv.base, r'^http://127\.0\.0\.1:\d+/client/v4$')
            self.assertNotEqual(srv.port, 0)
            self.assertEqual(srv.request('GET', '/organizations').status, 200)

    def test_start_2_2_flags_come_from_the_environment(self):
        srv = harness.Server(env={'CFMOCK_MAX_BODY_BYTES': '1024'})
        try:
            r = srv.request('POST', '/organizations', body={'name': 'x' * 2000})
            self.assertEqual(r.status, 413)
        finally:
            self.assertEqual(srv.stop(), 0)

    def test_start_2_3_same_seed_same_ids(self):
        ids = []
        for _ in range(2):
            with harness.Server(seed='42') as srv:
                ids.append(srv.request('POST', '/organizations', body={'name': 'x'}).json['result']['id'])
        self.assertEqual(ids[0], ids[1])
        with harness.Server(seed='43') as srv:
            other = srv.request('POST', '/organizations', body={'name': 'x'}).json['result']['id']
        self.assertNotEqual(other, ids[0])

    def test_start_2_4_fake_clock_stamps_create_time(self):
        with harness.Server(clock='2030-05-06T07:08:09.5Z') as srv:
            t = srv.request('POST', '/organizations', body={'name': 'x'}).json['result']['create_time']
            self.assertRegex(t, r'^2030-05-06T07:08:09\.5\d\dZ$')
        with harness.Server(clock=None) as srv:
            t = srv.request('POST', '/organizations', body={'name': 'x'}).json['result']['create_time']
            self.assertRegex(t, r'^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')

    def test_start_2_5_state_survives_a_restart(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'state.db')
            with harness.Server(db=db) as srv:
                root = srv.request('POST', '/organizations', body={'name': 'Kept'}).json['result']
                child = srv.request('POST', '/organizations', body={
                    'name': 'Child', 'parent': {'id': root['id']}}).json['result']
            with harness.Server(db=db, seed='2') as srv:
                r = srv.request('GET', '/organizations')
                self.assertEqual(r.json, harness.ok_envelope([root, child], result_info={'total_size': 2}))
                # page tokens made before the restart still work after it
                r = srv.request('GET', '/organizations', query={'page_size': 1})
                token = r.json['result_info']['next_page_token']
            with harness.Server(db=db) as srv:
                r = srv.request('GET', '/organizations', query={'page_size': 1, 'page_token': token})
                self.assertEqual(r.json['result'], [child])

    def test_start_2_5b_a_database_of_an_older_schema_is_upgraded_in_place(self):
        # a database as cfmock's first schema left it, with one user (a
        # token) and one organization, written as that schema stores them
        import sqlite3
        schema1 = open(os.path.join(harness.HERE, '..', '..', 'schema', '001-init.sql')).read()
        org_id, user_id = 'a' * 32, 'b' * 32
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'old.db')
            con = sqlite3.connect(db)
            con.executescript(schema1)
            con.executescript(f"""
                INSERT INTO users(seq, id, email, create_time)
                  VALUES (1, '{user_id}', 'old@example.com', '2025-12-01T00:00:00.000Z');
                INSERT INTO credentials(kind, secret, user_seq) VALUES ('token', '{harness.TOKEN_A}', 1);
                INSERT INTO organizations(seq, id, name, creator_seq, tags, create_time)
                  VALUES (1, '{org_id}', 'Before', 1, '{org_id}', '2025-12-01T00:00:00.000Z');
                INSERT INTO org_access(user_seq, org_seq) VALUES (1, 1);
                PRAGMA user_version = 1;""")
            con.close()
            with harness.Server(db=db) as srv:
                r = srv.request('GET', '/_cfmock/health', auth=None)
                self.assertEqual(r.json['schema_version'], 8)
                r = srv.request('GET', '/organizations/' + org_id)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.json['result']['name'], 'Before')
                r = srv.request('POST', '/accounts', body={'name': 'After', 'unit': {'id': org_id}})
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.json['result']['managed_by'],
                                 {'parent_org_id': org_id, 'parent_org_name': 'Before'})
            con = sqlite3.connect(db)
            self.assertEqual(con.execute('PRAGMA user_version').fetchone()[0], 8)
            self.assertEqual(con.execute('PRAGMA integrity_check').fetchone()[0], 'ok')
            con.close()

    def test_start_2_6_sigint_also_stops_cleanly(self):
        srv = harness.Server()
        srv.proc.send_signal(signal.SIGINT)
        self.assertEqual(srv.proc.wait(timeout=10), 0)
        srv.stop()

    def test_start_2_7_access_log_has_one_line_per_request(self):
        srv = harness.Server(access_log=True)
        try:
            srv.request('GET', '/organizations')
            srv.request('GET', '/nowhere')
        finally:
            self.assertEqual(srv.stop(), 0)
        lines = srv.stdout_lines
        self.assertEqual(len([line for line in lines if '/_cfmock/health' not in line]), 2, lines)
        self.assertRegex(lines[-2], r'^\S+Z 127\.0\.0\.1 GET /client/v4/organizations 200 \d+us\n$')
        self.assertRegex(lines[-1], r' GET /client/v4/nowhere 400 \d+us\n$')


class Fixtures(unittest.TestCase):
    def test_start_3_1_example_fixtures_load_and_are_visible_to_their_owner(self):
        with open(FIXTURES) as f:
            fx = json.load(f)
        owner = fx['users'][0]
        with harness.Server('--fixtures', FIXTURES) as srv:
            r = srv.request('GET', '/organizations', auth=None, headers={
                'X-Auth-Email': owner['email'], 'X-Auth-Key': owner['api_key']},
                query={'page_size': 1000})
            self.assertEqual(r.status, 200)
            names = [o['name'] for o in r.json['result']]

            def walk(orgs):
                for o in orgs:
                    if o.get('owner', owner['email']) == owner['email']:
                        yield o['name']
                        yield from walk(o.get('organizations', []))
            self.assertEqual(sorted(names), sorted(walk(fx['organizations'])))
            # a token from the fixtures is the same user
            r2 = srv.request('GET', '/organizations', auth=owner['tokens'][0], query={'page_size': 1000})
            self.assertEqual(r2.json, r.json)
            # a stranger sees nothing
            self.assertEqual(srv.request('GET', '/organizations').json['result_info'], {'total_size': 0})

    def test_start_3_2_fixtures_are_not_loaded_over_existing_state(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 's.db')
            with harness.Server('--fixtures', FIXTURES, db=db) as srv:
                srv.request('POST', '/organizations', body={'name': 'mine'})
            srv = harness.Server('--fixtures', FIXTURES, db=db)
            try:
                r = srv.request('GET', '/organizations')
                self.assertEqual([o['name'] for o in r.json['result']], ['mine'])
            finally:
                self.assertEqual(srv.stop(), 0)
            self.assertIn(b'already holds state', srv.stderr)


if __name__ == '__main__':
    harness.main()
