"""test_journal.py: the request journal, GET and DELETE /_cfmock/requests
(the README's "Control API" and --journal-size under "Flags"): one entry
per Cloudflare API request and none for /_cfmock, newest first, the bodies
as the client sent and got them, the filters, the size limit and what it
drops, bodies cut at 64 KiB, and dropped connections.

Every test gets a fresh server (seed 1, fake clock)."""
import http.client
import json
import os
import re
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import ApiTest, ADMIN, PROFILE, UNKNOWN_ID  # noqa: E402

ENTRY_KEYS = {'seq', 'time', 'duration_us', 'method', 'path', 'query', 'status', 'user_id',
              'request_body', 'response_body'}
LIST_KEYS = {'requests', 'count', 'total', 'capacity', 'dropped'}
TIME = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$')
BODY_LIMIT = 64 * 1024


class JournalTest(ApiTest):
    def journal(self, query=None, srv=None):
        """GET /_cfmock/requests: the whole answer, checked for its shape."""
        r = (srv or self.srv).request('GET', '/_cfmock/requests', auth=None, query=query)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        body = r.json
        self.assertEqual(set(body), LIST_KEYS, body)
        self.assertEqual(body['count'], len(body['requests']), body)
        for e in body['requests']:
            self.assertLessEqual(ENTRY_KEYS, set(e), e)
            self.assertLessEqual(set(e), ENTRY_KEYS | {'truncated'}, e)
            self.assertIsInstance(e['seq'], int)
            self.assertRegex(e['time'], TIME)
            self.assertIsInstance(e['duration_us'], int)
            self.assertGreaterEqual(e['duration_us'], 0)
            if 'truncated' in e:
                self.assertIs(e['truncated'], True, e)
        seqs = [e['seq'] for e in body['requests']]
        self.assertEqual(seqs, sorted(seqs, reverse=True), 'newest first')
        self.assertEqual(len(set(seqs)), len(seqs))
        return body

    def entries(self, query=None, srv=None):
        return self.journal(query, srv)['requests']

    def brief(self, query=None, srv=None):
        """(method, path, status) of each entry, newest first."""
        return [(e['method'], e['path'], e['status']) for e in self.entries(query, srv)]

    def clear(self, srv=None):
        r = (srv or self.srv).request('DELETE', '/_cfmock/requests', auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        return r.json

    def call(self, method, path, body=None, status=200, **kw):
        r = self.req(method, path, body, **kw)
        self.assertEqual(r.status, status, r)
        return r


def entry(method, path, status, user_id, request_body=None, response_body=None, query=''):
    """An entry as the journal shows it, without seq, time and duration."""
    return {'method': method, 'path': '/client/v4' + path, 'query': query, 'status': status,
            'user_id': user_id, 'request_body': request_body, 'response_body': response_body}


def strip(e):
    return {k: v for k, v in e.items() if k not in ('seq', 'time', 'duration_us')}


class Entries(JournalTest):
    def test_jr_1_1_empty_at_start(self):
        body = self.journal()
        self.assertEqual(body, {'requests': [], 'count': 0, 'total': 0, 'capacity': 1000,
                                'dropped': 0})

    def test_jr_1_2_one_whole_entry_per_request(self):
        me = self.me()
        self.clear()
        body = {'name': 'Acme', 'profile': PROFILE}
        r = self.call('POST', '/organizations', body)
        got = self.entries()
        self.assertEqual(len(got), 1, got)
        self.assertEqual(strip(got[0]), entry('POST', '/organizations', 200, me['id'], body,
                                              json.loads(r.raw)))
        self.assertNotIn('truncated', got[0])

    def test_jr_1_3_newest_first_with_every_status_and_user(self):
        me = self.me()
        org = self.create_org('Org')
        r_missing = self.call('GET', '/accounts/' + UNKNOWN_ID, status=404)
        r_noauth = self.call('GET', '/organizations', status=400, auth=None)
        r_b = self.call('GET', '/user', auth=TOKEN_B)
        r_405 = self.call('PATCH', '/organizations', {}, status=405)
        r_route = self.call('GET', '/nowhere', status=400)
        self.call('PUT', '/organizations/%s/profile' % org['id'], PROFILE, status=204)
        got = [strip(e) for e in self.entries()]
        b_id = r_b.json['result']['id']
        self.assertNotEqual(b_id, me['id'])
        want = [
            entry('PUT', '/organizations/%s/profile' % org['id'], 204, me['id'], PROFILE, None),
            entry('GET', '/nowhere', 400, got[1]['user_id'], None, r_route.json),
            entry('PATCH', '/organizations', 405, got[2]['user_id'], {}, r_405.json),
            entry('GET', '/user', 200, b_id, None, r_b.json),
            entry('GET', '/organizations', 400, None, None, r_noauth.json),
            entry('GET', '/accounts/' + UNKNOWN_ID, 404, me['id'], None, r_missing.json),
            entry('POST', '/organizations', 200, me['id'], {'name': 'Org'},
                  harness.ok_envelope(org)),
            entry('GET', '/user', 200, me['id'], None, harness.ok_envelope(me)),
        ]
        self.assertEqual(got, want)
        # routing errors may or may not name the caller, but never another one
        for e in got[1:3]:
            self.assertIn(e['user_id'], (None, me['id']))

    def test_jr_1_4_control_requests_are_not_journaled(self):
        self.create_org('Org')
        before = self.journal()
        for method, path in (('GET', '/_cfmock/health'), ('GET', '/_cfmock/state'),
                             ('GET', '/_cfmock/snapshots'), ('POST', '/_cfmock/snapshots/s'),
                             ('GET', '/_cfmock/faults'), ('GET', '/_cfmock/requests'),
                             ('GET', '/_cfmock/nowhere')):
            self.req(method, path, auth=None)
        self.assertEqual(self.journal(), before)
        self.assertEqual(before['count'], 1)

    def test_jr_1_5_seq_and_time_grow(self):
        for n in range(5):
            self.create_org('Org %d' % n)
        got = self.entries()
        seqs = [e['seq'] for e in got]
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] - 5, -1)))
        times = [e['time'] for e in got]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_jr_1_6_query_is_kept(self):
        self.call('GET', '/organizations', query=[('page_size', '5'), ('name', 'Acme')])
        self.call('GET', '/accounts')
        got = self.entries()
        self.assertEqual([e['query'] for e in got], ['', 'page_size=5&name=Acme'])
        self.assertEqual([e['path'] for e in got],
                         ['/client/v4/accounts', '/client/v4/organizations'])

    def test_jr_1_7_bodies_that_are_not_json_are_strings(self):
        me = self.me()
        self.clear()
        r = self.call('POST', '/organizations', status=400, raw=b'name=Acme',
                      headers={'Content-Type': 'application/json'})
        got = self.entries()
        self.assertEqual(strip(got[0]), entry('POST', '/organizations', 400, me['id'],
                                              'name=Acme', r.json))

    def test_jr_1_8_response_body_is_exactly_what_the_client_got(self):
        org = self.create_org('Ünïcode “quotes” \\ / \u2028', profile=PROFILE)
        for n in range(3):
            self.add(org, 'm%d@example.com' % n)
        calls = [('GET', '/organizations/' + org['id']),
                 ('GET', self.murl(org)),
                 ('GET', '/organizations/%s/profile' % org['id']),
                 ('GET', '/accounts')]
        raws = [self.call(m, p).raw for m, p in calls]
        got = self.entries({'method': 'GET'})
        self.assertEqual([e['response_body'] for e in reversed(got[:4])],
                         [json.loads(raw) for raw in raws])

    def test_jr_1_9_a_latency_fault_shows_in_duration(self):
        r = self.req('POST', '/_cfmock/faults', {'path': '/user', 'times': 1,
                                                 'action': {'type': 'latency', 'ms': 300}},
                     auth=None)
        self.assertEqual(r.status, 200, r)
        self.call('GET', '/user')
        self.call('GET', '/accounts')
        got = self.entries()
        self.assertGreaterEqual(got[1]['duration_us'], 300000, got[1])
        self.assertEqual(got[1]['status'], 200)


class Filters(JournalTest):
    def make(self):
        org = self.create_org('Org')                                     # POST 200
        acct = self.create_account('Acct', org=org)                             # POST 200
        self.call('GET', '/accounts')                                   # GET 200
        self.call('GET', '/accounts/' + acct['id'])                     # GET 200
        self.call('GET', '/accounts/' + UNKNOWN_ID, status=404)         # GET 404
        self.call('POST', '/accounts/%s/members' % acct['id'],
                  {'email': 'bob@example.com', 'roles': [ADMIN]})       # POST 200
        self.call('GET', '/organizations/' + UNKNOWN_ID, status=404)    # GET 404
        self.call('DELETE', '/accounts/' + acct['id'])                  # DELETE 200
        return org, acct

    def test_jr_2_1_method(self):
        org, acct = self.make()
        self.assertEqual(self.brief({'method': 'POST'}), [
            ('POST', '/client/v4/accounts/%s/members' % acct['id'], 200),
            ('POST', '/client/v4/accounts', 200),
            ('POST', '/client/v4/organizations', 200)])
        self.assertEqual(self.brief({'method': 'DELETE'}),
                         [('DELETE', '/client/v4/accounts/' + acct['id'], 200)])
        self.assertEqual(len(self.brief({'method': 'GET'})), 4)
        self.assertEqual(self.brief({'method': 'PUT'}), [])

    def test_jr_2_2_path_prefix(self):
        org, acct = self.make()
        self.assertEqual(self.brief({'path': '/client/v4/accounts/' + acct['id']}), [
            ('DELETE', '/client/v4/accounts/' + acct['id'], 200),
            ('POST', '/client/v4/accounts/%s/members' % acct['id'], 200),
            ('GET', '/client/v4/accounts/' + acct['id'], 200)])
        self.assertEqual(len(self.brief({'path': '/client/v4/accounts'})), 6)
        self.assertEqual(len(self.brief({'path': '/client/v4/org'})), 2)
        self.assertEqual(len(self.brief({'path': '/client/v4/'})), 8)
        self.assertEqual(self.brief({'path': '/client/v4/user'}), [])

    def test_jr_2_3_status(self):
        org, acct = self.make()
        self.assertEqual(self.brief({'status': '404'}), [
            ('GET', '/client/v4/organizations/' + UNKNOWN_ID, 404),
            ('GET', '/client/v4/accounts/' + UNKNOWN_ID, 404)])
        self.assertEqual(len(self.brief({'status': '200'})), 6)
        self.assertEqual(self.brief({'status': '500'}), [])

    def test_jr_2_4_limit_keeps_the_newest(self):
        org, acct = self.make()
        body = self.journal({'limit': '2'})
        self.assertEqual([(e['method'], e['path']) for e in body['requests']], [
            ('DELETE', '/client/v4/accounts/' + acct['id']),
            ('GET', '/client/v4/organizations/' + UNKNOWN_ID)])
        self.assertEqual((body['count'], body['total'], body['capacity'], body['dropped']),
                         (2, 8, 1000, 0))
        self.assertEqual(len(self.entries({'limit': '1000'})), 8)

    def test_jr_2_5_filters_combine(self):
        org, acct = self.make()
        self.assertEqual(self.brief({'method': 'GET', 'path': '/client/v4/accounts',
                                     'status': '200'}), [
            ('GET', '/client/v4/accounts/' + acct['id'], 200),
            ('GET', '/client/v4/accounts', 200)])
        body = self.journal({'method': 'GET', 'status': '404', 'limit': '1'})
        self.assertEqual([(e['method'], e['path'], e['status']) for e in body['requests']],
                         [('GET', '/client/v4/organizations/' + UNKNOWN_ID, 404)])
        self.assertEqual((body['count'], body['total']), (1, 8))

    def test_jr_2_6_the_client_called_it_exactly_twice(self):
        """The README's example: did my code create exactly two accounts?"""
        org = self.create_org('Org')
        self.create_account('One', org=org)
        self.call('GET', '/accounts')
        self.create_account('Two')
        self.call('POST', '/accounts', {}, status=400)     # a failed attempt
        self.call('GET', '/accounts')
        body = self.journal({'method': 'POST', 'path': '/client/v4/accounts', 'status': '200'})
        self.assertEqual(body['count'], 2)
        self.assertEqual([e['request_body'] for e in body['requests']],
                         [{'name': 'Two'}, {'name': 'One', 'unit': {'id': org['id']}}])
        self.assertEqual([e['response_body']['result']['name'] for e in body['requests']],
                         ['Two', 'One'])

    def test_jr_2_7_bad_status_and_limit_are_1004(self):
        for key, values in (('status', ('abc', '', '99', '600', '2OO', '-200', '200.5')),
                            ('limit', ('0', '-1', 'x', '', '1.5'))):
            for v in values:
                with self.subTest(key=key, value=v):
                    r = self.req('GET', '/_cfmock/requests', auth=None, query={key: v})
                    self.assertError(r, 400, [1004])
                    self.assertEqual(r.json['errors'][0].get('source'), {'parameter': key}, r)
                    self.assertIn(key, r.json['errors'][0]['message'])


class Clear(JournalTest):
    def test_jr_3_1_delete_empties_it(self):
        for n in range(3):
            self.create_org('Org %d' % n)
        self.assertEqual(self.journal()['count'], 3)
        self.clear()
        self.assertEqual(self.journal(), {'requests': [], 'count': 0, 'total': 0,
                                          'capacity': 1000, 'dropped': 0})
        # and goes on journaling
        self.create_org('After')
        self.assertEqual(self.brief(), [('POST', '/client/v4/organizations', 200)])

    def test_jr_3_2_delete_changes_no_state(self):
        self.create_org('Org')
        before = self.req('GET', '/_cfmock/state', auth=None).json
        self.clear()
        self.assertEqual(self.req('GET', '/_cfmock/state', auth=None).json, before)


class Size(JournalTest):
    def test_jr_4_1_journal_size_keeps_the_newest_and_counts_dropped(self):
        srv = self.server('--journal-size', '3')
        for n in range(5):
            r = srv.request('POST', '/organizations', {'name': 'Org %d' % n})
            self.assertEqual(r.status, 200, r)
        body = self.journal(srv=srv)
        self.assertEqual([e['request_body'] for e in body['requests']],
                         [{'name': 'Org 4'}, {'name': 'Org 3'}, {'name': 'Org 2'}])
        self.assertEqual((body['count'], body['total'], body['capacity'], body['dropped']),
                         (3, 3, 3, 2))
        # the filters see only what is kept
        self.assertEqual(self.journal({'limit': '10'}, srv=srv)['count'], 3)
        srv.request('GET', '/accounts')
        body = self.journal(srv=srv)
        self.assertEqual([e['path'] for e in body['requests']],
                         ['/client/v4/accounts', '/client/v4/organizations',
                          '/client/v4/organizations'])
        self.assertEqual(body['dropped'], 3)

    def test_jr_4_2_journal_size_zero_keeps_none(self):
        srv = self.server('--journal-size', '0')
        for n in range(3):
            self.assertEqual(srv.request('POST', '/organizations', {'name': str(n)}).status, 200)
        body = self.journal(srv=srv)
        self.assertEqual((body['requests'], body['count'], body['total'], body['capacity']),
                         ([], 0, 0, 0))

    def test_jr_4_3_journal_size_from_the_environment(self):
        srv = self.server(env={'CFMOCK_JOURNAL_SIZE': '2'})
        for n in range(4):
            srv.request('POST', '/organizations', {'name': str(n)})
        body = self.journal(srv=srv)
        self.assertEqual((body['count'], body['capacity'], body['dropped']), (2, 2, 2))

    def test_jr_4_4_a_70_kib_body_is_cut_and_marked(self):
        me = self.me()
        self.clear()
        # a request of 70 KiB (the key cfmock does not read pads it)
        big = {'name': 'Big', 'profile': PROFILE, 'pad': 'x' * (70 * 1024)}
        sent = json.dumps(big)
        self.assertGreater(len(sent), 70 * 1024)
        self.call('POST', '/organizations', raw=sent, headers={'Content-Type': 'application/json'})
        e = self.entries()[0]
        self.assertIs(e.get('truncated'), True, {k: v for k, v in e.items() if 'body' not in k})
        self.assertEqual((e['method'], e['path'], e['status'], e['user_id']),
                         ('POST', '/client/v4/organizations', 200, me['id']))
        # the request body is cut (no longer JSON: a string), a prefix of what was sent
        req = e['request_body']
        self.assertIsInstance(req, str)
        self.assertLessEqual(len(req.encode()), BODY_LIMIT)
        self.assertGreater(len(req.encode()), BODY_LIMIT - 16)
        self.assertTrue(sent.startswith(req))
        # an answer of more than 70 KiB: a page of organizations with long profiles
        for i in range(40):
            self.call('POST', '/organizations',
                      {'name': 'Org %d' % i, 'profile': dict(PROFILE, external_metadata='m' * 2000)})
        self.clear()
        r = self.call('GET', '/organizations', query={'page_size': '1000'})
        self.assertGreater(len(r.raw), 70 * 1024)
        e = self.entries()[0]
        self.assertIs(e.get('truncated'), True)
        resp = e['response_body']
        self.assertIsInstance(resp, str)
        self.assertLessEqual(len(resp.encode()), BODY_LIMIT)
        self.assertTrue(r.raw.decode().startswith(resp))
        # a small one after it is whole again
        self.call('GET', '/user')
        self.assertNotIn('truncated', self.entries()[0])

    def test_jr_4_5_a_body_of_exactly_64_kib_is_whole(self):
        pad = BODY_LIMIT - len(json.dumps({'name': 'x', 'pad': ''}))
        body = {'name': 'x', 'pad': 'p' * pad}
        self.assertEqual(len(json.dumps(body)), BODY_LIMIT)
        self.call('POST', '/accounts', raw=json.dumps(body),
                  headers={'Content-Type': 'application/json'})
        e = self.entries()[0]
        self.assertNotIn('truncated', e)
        self.assertEqual(e['request_body'], body)


class Dropped(JournalTest):
    def test_jr_5_1_a_dropped_connection_shows_status_0(self):
        r = self.req('POST', '/_cfmock/faults',
                     {'path': '/organizations', 'method': 'POST', 'action': {'type': 'drop'}},
                     auth=None)
        self.assertEqual(r.status, 200, r)
        me = self.me()
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.req('POST', '/organizations', {'name': 'Never'})
        got = self.entries()
        self.assertEqual((got[0]['method'], got[0]['path'], got[0]['status']),
                         ('POST', '/client/v4/organizations', 0), got[0])
        self.assertIsNone(got[0]['response_body'])
        self.assertEqual(got[0]['request_body'], {'name': 'Never'})
        self.assertIn(got[0]['user_id'], (None, me['id']))
        self.assertEqual(self.journal({'status': '200'})['count'], 1)

    def test_jr_5_2_a_client_that_goes_away_is_journaled(self):
        # a latency fault holds the answer back; the client does not wait
        r = self.req('POST', '/_cfmock/faults', {'path': '/user', 'times': 1,
                                                 'action': {'type': 'latency', 'ms': 400}},
                     auth=None)
        self.assertEqual(r.status, 200, r)
        s = socket.create_connection((self.srv.host, self.srv.port))
        s.sendall(b'GET /client/v4/user HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer '
                  + TOKEN_A.encode() + b'\r\n\r\n')
        s.close()
        # the server is fine and keeps journaling
        self.call('GET', '/accounts')
        got = self.brief()
        self.assertEqual(got[0], ('GET', '/client/v4/accounts', 200))


if __name__ == '__main__':
    harness.main()
