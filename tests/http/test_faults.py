"""test_faults.py: fault injection, POST/GET/DELETE /_cfmock/faults (the
README's "Control API"): each action (error, rate_limit, latency, drop),
times, probability, the method, credential and path filters, the order
rules are tried in, listing and removing rules, bad rules (400 / 1003 with
source.pointer, 404 / 1404), and that /_cfmock is never touched.

Every test gets a fresh server (seed 1, fake clock). Latency is checked by
order and lower bounds only: the machine may be busy."""
import http.client
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import ApiTest, HEX32, UNKNOWN_ID  # noqa: E402

RULE_KEYS = {'id', 'method', 'path', 'credential', 'action', 'times', 'probability', 'remaining',
             'hits'}
SERVICE_KEY = 'v1.0-fault-service-key'


def injected(code, message):
    """The whole envelope an error fault answers."""
    return {'success': False, 'errors': [{'code': code, 'message': message}], 'messages': [],
            'result': None}


class FaultTest(ApiTest):
    def add_fault(self, rule, srv=None):
        """POST /_cfmock/faults; returns the rule as answered, checked
        against what was asked."""
        r = (srv or self.srv).request('POST', '/_cfmock/faults', rule, auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        got = r.json
        self.assertIsInstance(got, dict, r)
        self.assertRegex(got['id'], HEX32)
        self.assertLessEqual(set(got), RULE_KEYS, got)
        self.assertEqual(got['action']['type'], rule['action']['type'])
        for k, v in rule['action'].items():
            self.assertEqual(got['action'].get(k), v, got)
        self.assertEqual(got['hits'], 0, got)
        if 'times' in rule:
            self.assertEqual(got['remaining'], rule['times'], got)
        return got

    def faults(self, srv=None):
        r = (srv or self.srv).request('GET', '/_cfmock/faults', auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {'faults'}, r)
        return r.json['faults']

    def fault(self, id, srv=None):
        found = [f for f in self.faults(srv) if f['id'] == id]
        self.assertEqual(len(found), 1, id)
        return found[0]

    def assertInjected(self, r, status, code, message):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(r.json, injected(code, message))

    def assertBadRule(self, rule, pointer):
        r = self.req('POST', '/_cfmock/faults', rule, auth=None)
        self.assertError(r, 400, [1003])
        self.assertEqual(r.json['errors'][0].get('source'), {'pointer': pointer}, r)
        # the message names the field
        field = pointer.rsplit('/', 1)[1]
        self.assertIn(field, r.json['errors'][0]['message'])

    def assertDropped(self, method, path, headers=None, body=b''):
        """Sends one request on a raw socket: the server must close the
        connection without a byte of answer."""
        s = socket.create_connection((self.srv.host, self.srv.port), timeout=30)
        try:
            h = {'Host': 'localhost', 'Authorization': 'Bearer ' + TOKEN_A,
                 'Content-Length': str(len(body))}
            if body:
                h['Content-Type'] = 'application/json'
            h.update(headers or {})
            head = '%s %s HTTP/1.1\r\n%s\r\n' % (
                method, path, ''.join('%s: %s\r\n' % kv for kv in h.items()))
            s.sendall(head.encode() + body)
            got = harness.read_to_close(s, reset_ok=True)
            self.assertEqual(got, b'', 'an answer came on a dropped connection')
        finally:
            s.close()


# ---------------------------------------------------------------------------
# Actions


class Actions(FaultTest):
    def test_flt_1_1_error_is_answered_exactly(self):
        rule = self.add_fault({'path': '/organizations', 'action': {
            'type': 'error', 'status': 503, 'code': 1099, 'message': 'injected outage'}})
        self.assertEqual(rule['action'], {'type': 'error', 'status': 503, 'code': 1099,
                                          'message': 'injected outage'})
        for method, body in (('GET', None), ('POST', {'name': 'x'})):
            with self.subTest(method=method):
                self.assertInjected(self.req(method, '/organizations', body), 503, 1099,
                                    'injected outage')
        # other paths are served, and nothing was created
        r = self.req('GET', '/accounts')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.req('GET', '/_cfmock/state', auth=None).json['organizations'], [])
        self.assertEqual(self.fault(rule['id'])['hits'], 2)

    def test_flt_1_2_error_statuses_and_codes(self):
        for status, code, message in ((400, 1000, 'bad'), (404, 1201, 'gone'),
                                      (500, 999999, 'boom'), (599, 123456, 'odd')):
            with self.subTest(status=status):
                rule = self.add_fault({'path': '/user', 'times': 1, 'action': {
                    'type': 'error', 'status': status, 'code': code, 'message': message}})
                self.assertInjected(self.req('GET', '/user'), status, code, message)
                self.assertEqual(self.req('GET', '/user').status, 200)
                self.assertEqual(self.fault(rule['id'])['remaining'], 0)

    def test_flt_1_3_error_without_code_or_message(self):
        self.add_fault({'path': '/user', 'action': {'type': 'error', 'status': 502}})
        r = self.req('GET', '/user')
        self.assertEqual(r.status, 502, r)
        self.assertEqual(len(r.json['errors']), 1, r)
        self.assertError(r, 502, [r.json['errors'][0]['code']])
        self.assertGreaterEqual(r.json['errors'][0]['code'], 1000)

    def test_flt_1_4_error_fires_before_credentials_are_read(self):
        self.add_fault({'path': '/accounts', 'action': {'type': 'error', 'status': 500,
                                                        'code': 1099, 'message': 'm'}})
        self.assertInjected(self.req('GET', '/accounts', auth=None), 500, 1099, 'm')

    def test_flt_2_1_rate_limit(self):
        rule = self.add_fault({'path': '/accounts*', 'action': {'type': 'rate_limit',
                                                                'retry_after': 7}})
        self.assertEqual(rule['action'], {'type': 'rate_limit', 'retry_after': 7})
        for path in ('/accounts', '/accounts/' + UNKNOWN_ID + '/members'):
            with self.subTest(path=path):
                r = self.req('GET', path)
                self.assertEqual(r.status, 429, r)
                self.assertEqual(r.headers.get('retry-after'), '7')
                self.assertError(r, 429, [971])
                self.assertEqual(r.json['result'], None)

    def test_flt_2_2_rate_limit_default_retry_after(self):
        self.add_fault({'path': '/user', 'action': {'type': 'rate_limit'}})
        r = self.req('GET', '/user')
        self.assertError(r, 429, [971])
        self.assertRegex(r.headers.get('retry-after', ''), r'^[1-9][0-9]*$')
        # other answers carry no Retry-After
        self.assertNotIn('retry-after', self.req('GET', '/accounts').headers)

    def test_flt_3_1_latency_holds_back_only_that_request(self):
        rule = self.add_fault({'path': '/accounts', 'method': 'GET',
                               'action': {'type': 'latency', 'ms': 1500}})
        normal = self.req('GET', '/organizations')
        self.assertEqual(normal.status, 200)
        done = {}

        def slow():
            t0 = time.monotonic()
            r = self.req('GET', '/accounts')
            done['slow'] = (time.monotonic(), time.monotonic() - t0, r)
        t = threading.Thread(target=slow)
        t.start()
        # wait until the server holds it (the rule has fired)
        deadline = time.monotonic() + 30
        while self.fault(rule['id'])['hits'] < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(self.fault(rule['id'])['hits'], 1)
        # meanwhile, another connection is answered at once
        fast = self.req('GET', '/organizations')
        fast_done = time.monotonic()
        self.assertNotIn('slow', done, 'the delayed request came back before the other one')
        self.assertEqual(fast.json, normal.json)
        t.join(60)
        end, elapsed, r = done['slow']
        self.assertLess(fast_done, end)
        self.assertGreaterEqual(elapsed, 1.5)
        # and then it is answered normally
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, harness.ok_envelope([], result_info={
            'page': 1, 'per_page': 20, 'count': 0, 'total_count': 0, 'total_pages': 0}))

    def test_flt_3_1b_held_requests_leave_room_for_the_control_api(self):
        """Requests held by a latency fault keep their connections. Once
        they fill --max-connections, the control API is still reached on
        the connections kept for it, and anything else there answers 503 /
        6014 and is closed."""
        srv = self.server('--max-connections', '4')
        rule = self.add_fault({'path': '/user', 'action': {'type': 'latency', 'ms': 4000}},
                              srv=srv)
        held = []
        try:
            for _ in range(4):
                s = socket.create_connection((srv.host, srv.port), timeout=30)
                s.sendall(b'GET /client/v4/user HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ' +
                          TOKEN_A.encode() + b'\r\n\r\n')
                held.append(s)
            deadline = time.monotonic() + 20
            while self.fault(rule['id'], srv)['hits'] < 4 and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(self.fault(rule['id'], srv)['hits'], 4)
            # every slot is held: the control API answers all the same
            self.assertEqual(srv.request('GET', '/_cfmock/health', auth=None, timeout=5).status,
                             200)
            # a fifth client request is refused at once, in the envelope
            s = socket.create_connection((srv.host, srv.port), timeout=5)
            try:
                s.sendall(b'GET /client/v4/organizations HTTP/1.1\r\nHost: x\r\n'
                          b'Authorization: Bearer ' + TOKEN_A.encode() + b'\r\n\r\n')
                status, headers, body = harness.read_http_response(s, 5)
                self.assertEqual(status, 503)
                self.assertEqual(headers.get('connection'), 'close')
                self.assertEqual(json.loads(body), {
                    'success': False, 'messages': [], 'result': None,
                    'errors': [{'code': 6014, 'message': '4 connections are already open to '
                                '/client/v4 (--max-connections): try again later'}]})
                self.assertEqual(s.recv(1), b'')
            finally:
                s.close()
            # and the fault can be taken away
            r = srv.request('DELETE', '/_cfmock/faults', auth=None, timeout=5)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(self.faults(srv), [])
            # the held requests are answered when their time is up
            for s in held:
                status, _, body = harness.read_http_response(s, 30)
                self.assertEqual(status, 200, body)
        finally:
            for s in held:
                s.close()
        # their connections closed, client requests are served again
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            r = srv.request('GET', '/organizations', timeout=5)
            if r.status == 200:
                break
            time.sleep(0.1)
        self.assertEqual(r.status, 200, r)

    def test_flt_3_2_latency_then_a_write_happens(self):
        self.add_fault({'path': '/organizations', 'method': 'POST', 'times': 1,
                        'action': {'type': 'latency', 'ms': 300}})
        t0 = time.monotonic()
        r = self.req('POST', '/organizations', {'name': 'Late'})
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)
        self.assertEqual(r.status, 200, r)
        orgs = self.req('GET', '/organizations').json['result']
        self.assertEqual(orgs, [r.json['result']])

    def test_flt_3_3_latency_of_several_requests_at_once(self):
        rule = self.add_fault({'path': '/user', 'action': {'type': 'latency', 'ms': 1000}})
        results = []

        def call():
            t0 = time.monotonic()
            r = self.req('GET', '/user')
            results.append((time.monotonic() - t0, r.status))
        threads = [threading.Thread(target=call) for _ in range(4)]
        for t in threads:
            t.start()
        # all four are held at the same time: side by side, not in a queue
        deadline = time.monotonic() + 30
        while self.fault(rule['id'])['hits'] < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(self.fault(rule['id'])['hits'], 4)
        self.assertEqual(results, [], 'one came back before all four were held')
        for t in threads:
            t.join(60)
        self.assertEqual(len(results), 4)
        for elapsed, status in results:
            self.assertEqual(status, 200)
            self.assertGreaterEqual(elapsed, 1.0)

    def test_flt_4_1_drop_closes_the_connection_without_an_answer(self):
        rule = self.add_fault({'path': '/organizations', 'action': {'type': 'drop'}})
        self.assertEqual(rule['action'], {'type': 'drop'})
        self.assertDropped('GET', '/client/v4/organizations')
        self.assertDropped('POST', '/client/v4/organizations', body=b'{"name": "x"}')
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.req('GET', '/organizations')
        self.assertEqual(self.fault(rule['id'])['hits'], 3)
        # the server goes on; nothing was created
        self.assertEqual(self.req('GET', '/accounts').status, 200)
        self.assertEqual(self.req('GET', '/_cfmock/state', auth=None).json['organizations'], [])


# ---------------------------------------------------------------------------
# times and probability


class Counting(FaultTest):
    def test_flt_5_1_times_fires_exactly_n_times(self):
        rule = self.add_fault({'path': '/user', 'times': 3,
                               'action': {'type': 'error', 'status': 503, 'code': 1099,
                                          'message': 'm'}})
        self.assertEqual((rule['remaining'], rule['hits']), (3, 0))
        for n in range(1, 4):
            with self.subTest(n=n):
                self.assertInjected(self.req('GET', '/user'), 503, 1099, 'm')
                f = self.fault(rule['id'])
                self.assertEqual((f['remaining'], f['hits']), (3 - n, n))
        for _ in range(3):
            self.assertEqual(self.req('GET', '/user').status, 200)
        f = self.fault(rule['id'])
        self.assertEqual((f['remaining'], f['hits']), (0, 3))

    def test_flt_5_2_times_counts_only_matches(self):
        rule = self.add_fault({'path': '/user', 'method': 'GET', 'times': 1,
                               'action': {'type': 'error', 'status': 500}})
        self.assertEqual(self.req('GET', '/accounts').status, 200)
        self.assertEqual(self.req('PATCH', '/user', {'first_name': 'A'}).status, 200)
        self.assertEqual(self.fault(rule['id'])['remaining'], 1)
        self.assertEqual(self.req('GET', '/user').status, 500)
        self.assertEqual(self.req('GET', '/user').status, 200)

    def test_flt_5_3_hits_count_every_firing(self):
        rule = self.add_fault({'path': '/user', 'action': {'type': 'error', 'status': 500}})
        for _ in range(5):
            self.assertEqual(self.req('GET', '/user').status, 500)
        f = self.fault(rule['id'])
        self.assertEqual(f['hits'], 5)

    def test_flt_5_4_probability_zero_never_fires(self):
        rule = self.add_fault({'path': '/user', 'probability': 0,
                               'action': {'type': 'error', 'status': 500}})
        for _ in range(30):
            self.assertEqual(self.req('GET', '/user').status, 200)
        self.assertEqual(self.fault(rule['id'])['hits'], 0)

    def test_flt_5_5_probability_one_always_fires(self):
        rule = self.add_fault({'path': '/user', 'probability': 1,
                               'action': {'type': 'error', 'status': 500}})
        for _ in range(30):
            self.assertEqual(self.req('GET', '/user').status, 500)
        self.assertEqual(self.fault(rule['id'])['hits'], 30)

    def pattern(self, srv, n=200):
        rule = self.add_fault({'path': '/user', 'probability': 0.5,
                               'action': {'type': 'error', 'status': 503}}, srv=srv)
        out = []
        for _ in range(n):
            r = srv.request('GET', '/user')
            self.assertIn(r.status, (200, 503), r)
            out.append(r.status == 503)
        self.assertEqual(self.fault(rule['id'], srv=srv)['hits'], sum(out))
        return out

    def test_flt_5_6_seeded_probability_half(self):
        fired = self.pattern(self.srv)
        self.assertGreaterEqual(sum(fired), 50, sum(fired))
        self.assertLessEqual(sum(fired), 150, sum(fired))
        # not all at the start or the end
        self.assertTrue(any(fired[:100]) and any(fired[100:]))
        self.assertFalse(all(fired[:100]) or all(fired[100:]))
        # the same seed fires on the very same requests
        self.assertEqual(self.pattern(self.server()), fired)

    def test_flt_5_7_probability_with_times(self):
        rule = self.add_fault({'path': '/user', 'probability': 0.5, 'times': 5,
                               'action': {'type': 'error', 'status': 503}})
        fired = sum(self.req('GET', '/user').status == 503 for _ in range(100))
        self.assertEqual(fired, 5)
        f = self.fault(rule['id'])
        self.assertEqual((f['remaining'], f['hits']), (0, 5))


# ---------------------------------------------------------------------------
# Matching


class Matching(FaultTest):
    def error(self, status=503, **rule):
        rule['action'] = {'type': 'error', 'status': status, 'code': 1099, 'message': 'm'}
        return self.add_fault(rule)

    def test_flt_6_1_method(self):
        rule = self.error(path='/organizations', method='POST')
        self.assertEqual(rule['method'], 'POST')
        self.assertEqual(self.req('GET', '/organizations').status, 200)
        self.assertEqual(self.req('POST', '/organizations', {'name': 'x'}).status, 503)
        self.assertEqual(self.fault(rule['id'])['hits'], 1)

    def test_flt_6_2_method_star_or_absent_is_any(self):
        for method in ('*', None):
            with self.subTest(method=method):
                self.req('DELETE', '/_cfmock/faults', auth=None)
                rule = {'path': '/user'}
                if method:
                    rule['method'] = method
                self.error(**rule)
                self.assertEqual(self.req('GET', '/user').status, 503)
                self.assertEqual(self.req('PATCH', '/user', {}).status, 503)

    def test_flt_6_3_credential_token(self):
        rule = self.error(path='/user', credential=TOKEN_B)
        self.assertEqual(rule['credential'], TOKEN_B)
        self.assertEqual(self.req('GET', '/user').status, 200)
        self.assertEqual(self.req('GET', '/user', auth=TOKEN_B).status, 503)
        self.assertEqual(self.req('GET', '/user', auth=None).status, 400)
        self.assertEqual(self.fault(rule['id'])['hits'], 1)

    def test_flt_6_4_credential_email_and_service_key(self):
        self.error(path='/user', credential='bob@example.com')
        self.error(path='/user', credential=SERVICE_KEY, status=502)
        self.assertEqual(self.req('GET', '/user', auth='bob@example.com').status, 503)
        self.assertEqual(self.req('GET', '/user', auth='carol@example.com').status, 200)
        r = self.req('GET', '/user', auth=None, headers={'X-Auth-User-Service-Key': SERVICE_KEY})
        self.assertEqual(r.status, 502, r)
        r = self.req('GET', '/user', auth=None, headers={'X-Auth-User-Service-Key': 'other-key'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.req('GET', '/user').status, 200)

    def test_flt_6_5_path_glob(self):
        self.error(path='/accounts/*')
        self.assertEqual(self.req('GET', '/accounts').status, 200)
        for path in ('/accounts/' + UNKNOWN_ID, '/accounts/%s/members' % UNKNOWN_ID,
                     '/accounts/%s/members/%s' % (UNKNOWN_ID, UNKNOWN_ID)):
            with self.subTest(path=path):
                self.assertEqual(self.req('GET', path).status, 503)
        self.assertEqual(self.req('GET', '/organizations').status, 200)

    def test_flt_6_6_glob_in_the_middle_and_no_glob(self):
        self.error(path='/organizations/*/members')
        self.error(path='/user', status=502)
        org = self.create_org('Org')
        self.assertEqual(self.req('GET', '/organizations/%s/members' % org['id']).status, 503)
        self.assertEqual(self.req('GET', '/organizations/' + org['id']).status, 200)
        self.assertEqual(self.req('GET', '/organizations/%s/members/%s'
                                  % (org['id'], UNKNOWN_ID)).status, 404)
        self.assertEqual(self.req('GET', '/user').status, 502)
        self.assertEqual(self.req('GET', '/user/tokens/verify').status, 200)
        # the query string is not part of the path
        self.assertEqual(self.req('GET', '/user', query={'x': '1'}).status, 502)

    def test_flt_6_7_star_matches_everything_under_client_v4(self):
        self.error(path='*')
        for path in ('/user', '/accounts', '/nowhere'):
            with self.subTest(path=path):
                self.assertEqual(self.req('GET', path).status, 503)

    def test_flt_6_8_full_path_is_accepted(self):
        rule = self.error(path='/client/v4/organizations')
        self.assertEqual(self.req('GET', '/organizations').status, 503)
        self.assertEqual(self.req('GET', '/accounts').status, 200)
        rule2 = self.error(path='/client/v4/accounts/*', status=502)
        self.assertEqual(self.req('GET', '/accounts/' + UNKNOWN_ID).status, 502)
        self.assertEqual((self.fault(rule['id'])['hits'], self.fault(rule2['id'])['hits']),
                         (1, 1))

    def test_flt_6_9_first_matching_rule_wins(self):
        first = self.error(path='/organizations', status=503)
        second = self.error(path='/organizations*', status=502)
        self.assertEqual(self.req('GET', '/organizations').status, 503)
        self.assertEqual(self.req('GET', '/organizations/' + UNKNOWN_ID).status, 502)
        self.assertEqual((self.fault(first['id'])['hits'], self.fault(second['id'])['hits']),
                         (1, 1))

    def test_flt_6_10_a_rule_that_does_not_fire_lets_the_next_one_win(self):
        spent = self.error(path='/user', status=500, times=1)
        never = self.error(path='/user', status=501, probability=0)
        other = self.error(path='/user', status=502, method='POST')
        last = self.error(path='/user', status=503)
        self.assertEqual([self.req('GET', '/user').status for _ in range(3)], [500, 503, 503])
        self.assertEqual([self.fault(r['id'])['hits'] for r in (spent, never, other, last)],
                         [1, 0, 0, 2])

    def test_flt_6_11_other_actions_keep_the_order_too(self):
        self.add_fault({'path': '/user', 'times': 1, 'action': {'type': 'rate_limit',
                                                                'retry_after': 3}})
        self.add_fault({'path': '/user', 'times': 1, 'action': {'type': 'drop'}})
        self.error(path='/user', times=1)
        r = self.req('GET', '/user')
        self.assertEqual((r.status, r.headers.get('retry-after')), (429, '3'))
        self.assertDropped('GET', '/client/v4/user')
        self.assertEqual(self.req('GET', '/user').status, 503)
        self.assertEqual(self.req('GET', '/user').status, 200)

    def test_flt_6_12_never_on_control_paths(self):
        self.error(path='*')
        self.add_fault({'path': '/_cfmock/*', 'action': {'type': 'drop'}})
        self.add_fault({'path': '*', 'method': 'GET', 'action': {'type': 'drop'}})
        for method, path in (('GET', '/_cfmock/health'), ('GET', '/_cfmock/state'),
                             ('GET', '/_cfmock/requests'), ('GET', '/_cfmock/snapshots'),
                             ('POST', '/_cfmock/snapshots/s'), ('GET', '/_cfmock/faults')):
            with self.subTest(method=method, path=path):
                r = self.req(method, path, auth=None)
                self.assertEqual(r.status, 200, r)
        self.assertEqual([f['hits'] for f in self.faults()], [0, 0, 0])
        # and they do fire on the API
        self.assertEqual(self.req('POST', '/organizations', {'name': 'x'}).status, 503)


# ---------------------------------------------------------------------------
# Managing rules


class Rules(FaultTest):
    def test_flt_7_1_list_in_the_order_added(self):
        self.assertEqual(self.faults(), [])
        a = self.add_fault({'path': '/a', 'method': 'GET', 'times': 2, 'probability': 0.25,
                            'credential': TOKEN_A,
                            'action': {'type': 'error', 'status': 418, 'code': 4242,
                                       'message': 'teapot'}})
        b = self.add_fault({'path': '/b', 'action': {'type': 'latency', 'ms': 5}})
        c = self.add_fault({'path': '/c', 'action': {'type': 'drop'}})
        self.assertEqual(len({a['id'], b['id'], c['id']}), 3)
        listed = self.faults()
        self.assertEqual(listed, [a, b, c])
        self.assertEqual((a['method'], a['path'], a['credential'], a['probability']),
                         ('GET', '/a', TOKEN_A, 0.25))
        for f in listed:
            self.assertLessEqual({'id', 'path', 'action', 'hits', 'remaining'}, set(f), f)

    def test_flt_7_2_delete_one(self):
        a = self.add_fault({'path': '/user', 'action': {'type': 'error', 'status': 500}})
        b = self.add_fault({'path': '/accounts', 'action': {'type': 'error', 'status': 502}})
        r = self.req('DELETE', '/_cfmock/faults/' + a['id'], auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.faults(), [b])
        self.assertEqual(self.req('GET', '/user').status, 200)
        self.assertEqual(self.req('GET', '/accounts').status, 502)
        r = self.req('DELETE', '/_cfmock/faults/' + a['id'], auth=None)
        self.assertError(r, 404, [1404])
        self.assertEqual(r.json['errors'][0]['message'], "fault '%s' not found" % a['id'])

    def test_flt_7_3_delete_unknown_is_1404(self):
        for id in (UNKNOWN_ID, 'f' * 32):
            with self.subTest(id=id):
                r = self.req('DELETE', '/_cfmock/faults/' + id, auth=None)
                self.assertError(r, 404, [1404])
                self.assertEqual(r.json['errors'][0]['message'], "fault '%s' not found" % id)

    def test_flt_7_4_delete_all(self):
        for p in ('/user', '/accounts', '/organizations'):
            self.add_fault({'path': p, 'action': {'type': 'error', 'status': 500}})
        r = self.req('DELETE', '/_cfmock/faults', auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.faults(), [])
        for p in ('/user', '/accounts', '/organizations'):
            self.assertEqual(self.req('GET', p).status, 200)

    def test_flt_7_5_bad_rules_name_the_field(self):
        err = {'type': 'error', 'status': 500}
        cases = [
            ({'action': err}, '/path'),
            ({'path': '', 'action': err}, '/path'),
            ({'path': 42, 'action': err}, '/path'),
            ({'path': 'accounts', 'action': err}, '/path'),
            ({'path': '/x'}, '/action'),
            ({'path': '/x', 'action': 'drop'}, '/action'),
            ({'path': '/x', 'action': {}}, '/action/type'),
            ({'path': '/x', 'action': {'type': 'explode'}}, '/action/type'),
            ({'path': '/x', 'action': {'type': 5}}, '/action/type'),
            ({'path': '/x', 'action': {'type': 'error'}}, '/action/status'),
            ({'path': '/x', 'action': {'type': 'error', 'status': 200}}, '/action/status'),
            ({'path': '/x', 'action': {'type': 'error', 'status': 399}}, '/action/status'),
            ({'path': '/x', 'action': {'type': 'error', 'status': 600}}, '/action/status'),
            ({'path': '/x', 'action': {'type': 'error', 'status': '503'}}, '/action/status'),
            ({'path': '/x', 'action': {'type': 'error', 'status': 500, 'code': 999}},
             '/action/code'),
            ({'path': '/x', 'action': {'type': 'latency'}}, '/action/ms'),
            ({'path': '/x', 'action': {'type': 'latency', 'ms': -1}}, '/action/ms'),
            ({'path': '/x', 'times': 0, 'action': err}, '/times'),
            ({'path': '/x', 'times': -1, 'action': err}, '/times'),
            ({'path': '/x', 'times': 1.5, 'action': err}, '/times'),
            ({'path': '/x', 'times': '2', 'action': err}, '/times'),
            ({'path': '/x', 'probability': 1.5, 'action': err}, '/probability'),
            ({'path': '/x', 'probability': -0.1, 'action': err}, '/probability'),
            ({'path': '/x', 'probability': '0.5', 'action': err}, '/probability'),
            ({'path': '/x', 'method': 'GE T', 'action': err}, '/method'),
            ({'path': '/x', 'method': 5, 'action': err}, '/method'),
            ({'path': '/x', 'method': '', 'action': err}, '/method'),
            # past int64_t: refused, never cast (UBSan caught the cast)
            ({'path': '/x', 'action': {'type': 'error', 'status': 1e300}}, '/action/status'),
            ({'path': '/x', 'times': 1e300, 'action': err}, '/times'),
            ({'path': '/x', 'action': {'type': 'latency', 'ms': -1e300}}, '/action/ms'),
        ]
        for rule, pointer in cases:
            with self.subTest(rule=rule):
                self.assertBadRule(rule, pointer)
        self.assertEqual(self.faults(), [])

    def test_flt_7_6_bad_bodies(self):
        for raw in (b'', b'not json', b'[]', b'{"path": "/x", "path": "/y", "action": {}}'):
            with self.subTest(raw=raw):
                r = self.req('POST', '/_cfmock/faults', raw=raw, auth=None,
                             headers={'Content-Type': 'application/json'})
                self.assertEqual(r.status, 400, r)
                self.assertIs(r.json['success'], False, r)
        self.assertEqual(self.faults(), [])

    def test_flt_7_7_reset_clears_rules(self):
        self.add_fault({'path': '/user', 'action': {'type': 'error', 'status': 500}})
        r = self.req('POST', '/_cfmock/reset', auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.faults(), [])
        self.assertEqual(self.req('GET', '/user').status, 200)


if __name__ == '__main__':
    harness.main()
