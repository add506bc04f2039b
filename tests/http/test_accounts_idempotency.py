"""test_accounts_idempotency.py: the Idempotency-Key header of POST /accounts
(issue 14, section 3; README "Idempotency-Key").

CF-API: the official SDK's AccountCreateParams sends the header when the
caller passes one: "Reuse the same key when retrying the same request". The
docs say nothing more; cfmock's choices: a key is its user's; the same key
with a body that reads as the same JSON answers the first result again, byte
for byte, and creates nothing; with another body, 422 / 1009; only a request
that succeeded is remembered; keys live 24 hours of cfmock's clock, survive
a restart, are forgotten by reset, are part of a snapshot and are not in the
state export. A key is 1 to 255 printable ASCII characters (else 400 /
1008)."""
import http.client
import json
import os
import resource
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import ApiTest, email_headers, iam_account, page_info, UNKNOWN_ID, HEX32, \
    CREATED_ON  # noqa: E402

BODY = {'name': 'Acme Web', 'type': 'standard'}


def key_header(key):
    return {'Idempotency-Key': key}


def reused(key):
    return {
        'success': False,
        'errors': [{'code': 1009,
                    'message': "'Idempotency-Key' '%s' was sent with another request body in "
                               "the last 24 hours: use a new key for a new request" % key}],
        'messages': [],
        'result': None,
    }


def invalid(why):
    return {
        'success': False,
        'errors': [{'code': 1008, 'message': "invalid 'Idempotency-Key' header: %s" % why}],
        'messages': [],
        'result': None,
    }


class Base(ApiTest):
    def post(self, body=BODY, key=None, auth=TOKEN_A, raw=None, srv=None):
        """POST /accounts with @body (or the bytes @raw, as JSON) and the
        Idempotency-Key @key (None: none)."""
        srv = srv or self.srv
        headers = {'Content-Type': 'application/json'}
        if key is not None:
            headers.update(key_header(key))
        if isinstance(auth, str) and '@' in auth:
            headers.update(email_headers(auth))
            auth = None
        if raw is None:
            raw = json.dumps(body).encode()
        return srv.request('POST', '/accounts', raw=raw, auth=auth, headers=headers)

    def created(self, r, name='Acme Web', type='standard'):
        """@r is 200 with a new account's whole envelope; returns it."""
        self.assertEqual(r.status, 200, r)
        res = r.json['result']
        self.assertRegex(res['id'], HEX32)
        self.assertRegex(res['created_on'], CREATED_ON)
        self.assertEqual(r.json, harness.ok_envelope(
            iam_account(res['id'], name, res['created_on'], type)))
        return res

    def ids(self, auth=TOKEN_A, srv=None):
        srv = srv or self.srv
        r = srv.request('GET', '/accounts', auth=auth, query={'per_page': 50})
        self.assertEqual(r.status, 200, r)
        return [a['id'] for a in r.json['result']]


class Replay(Base):
    def test_idem_1_1_a_retry_answers_the_first_result_and_creates_nothing(self):
        first = self.post(key='k1')
        acct = self.created(first)
        for i in range(3):
            with self.subTest(retry=i):
                again = self.post(key='k1')
                self.assertEqual(again.status, 200, again)
                self.assertEqual(again.raw, first.raw)
        self.assertEqual(self.ids(), [acct['id']])
        env = self.list_accounts()
        self.assertEqual(env, harness.ok_envelope([acct], result_info=page_info(1, 20, 1, 1)))

    def test_idem_1_2_the_same_json_in_another_spelling_is_the_same_request(self):
        first = self.post(key='k1', raw=b'{"name":"Acme Web","type":"standard"}')
        acct = self.created(first)
        for raw in (b'{"type":"standard","name":"Acme Web"}',
                    b' {\n  "type" : "standard",\r\n\t"name" : "Acme Web"\n} ',
                    b'{"name":"\\u0041cme Web","type":"standard"}'):
            with self.subTest(raw=raw):
                r = self.post(key='k1', raw=raw)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.raw, first.raw)
        self.assertEqual(self.ids(), [acct['id']])
        # nested objects too, whatever their order
        org = self.create_org('Org')
        body = {'name': 'In org', 'unit': {'id': org['id']}, 'type': 'enterprise'}
        first = self.post(body, key='k2')
        self.assertEqual(first.status, 200, first)
        raw = b'{"unit":{"id":"%s"},"type":"enterprise","name":"In org"}' % org['id'].encode()
        self.assertEqual(self.post(key='k2', raw=raw).raw, first.raw)
        self.assertEqual(len(self.ids()), 2)

    def test_idem_1_3_the_same_key_with_another_body_is_422_and_creates_nothing(self):
        acct = self.created(self.post(key='k1'))
        for body in ({'name': 'Acme Web 2', 'type': 'standard'},
                     {'name': 'Acme Web', 'type': 'enterprise'},
                     # the body is compared as sent: the default spelled
                     # out, or left out, is another body
                     {'name': 'Acme Web'},
                     {'name': 'Acme Web', 'type': 'standard', 'standalone': True}):
            with self.subTest(body=body):
                r = self.post(body, key='k1')
                self.assertEqual(r.status, 422, r)
                self.assertEqual(r.json, reused('k1'))
                self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(self.ids(), [acct['id']])
        # and the first body still replays
        self.assertEqual(self.post(key='k1').json['result'], acct)

    def test_idem_1_4_keys_are_each_users_own(self):
        a = self.created(self.post(key='shared'))
        b = self.created(self.post(key='shared', auth=TOKEN_B))
        self.assertNotEqual(a['id'], b['id'])
        # each one's retry answers its own
        self.assertEqual(self.post(key='shared').json['result'], a)
        self.assertEqual(self.post(key='shared', auth=TOKEN_B).json['result'], b)
        # another body from B does not touch A's key
        r = self.post({'name': 'B2'}, key='shared', auth=TOKEN_B)
        self.assertEqual(r.json, reused('shared'))
        self.assertEqual(self.ids(), [a['id']])
        self.assertEqual(self.ids(auth=TOKEN_B), [b['id']])
        # X-Auth-Email names the user: the same email with another
        # well-formed key is the same user, so the same key
        c = self.created(self.post(key='mail', auth='ops@example.com'))
        r = self.srv.request('POST', '/accounts', BODY, auth=None,
                             headers=dict(email_headers('ops@example.com', '1' * 32),
                                          **key_header('mail')))
        self.assertEqual(r.json['result'], c)

    def test_idem_1_5_without_a_key_every_post_creates(self):
        a = self.created(self.post())
        b = self.created(self.post())
        self.assertNotEqual(a['id'], b['id'])
        # and a keyed request does not make a later unkeyed one a replay
        c = self.created(self.post(key='k1'))
        d = self.created(self.post())
        self.assertEqual(self.ids(), [a['id'], b['id'], c['id'], d['id']])

    def test_idem_1_6_a_request_that_failed_is_not_remembered(self):
        # 400 / 1103: the organization does not exist
        r = self.post({'name': 'Acme Web', 'unit': {'id': UNKNOWN_ID}}, key='k1')
        self.assertError(r, 400, [1103])
        r = self.post({'name': 'Acme Web', 'unit': {'id': UNKNOWN_ID}}, key='k1')
        self.assertError(r, 400, [1103])
        # 400 / 1001: no name
        self.assertError(self.post({'type': 'standard'}, key='k1'), 400, [1001])
        self.assertEqual(self.ids(), [])
        # the key is still free: another body takes it
        acct = self.created(self.post(key='k1'))
        self.assertEqual(self.post(key='k1').json['result'], acct)
        self.assertEqual(self.ids(), [acct['id']])

    def test_idem_1_7_the_replay_is_the_first_answer_whatever_happened_since(self):
        first = self.post(key='k1')
        acct = self.created(first)
        self.put_account(acct, {'name': 'Renamed', 'type': 'enterprise'})
        self.assertEqual(self.post(key='k1').raw, first.raw)
        r = self.req('DELETE', self.url(acct))
        self.assertEqual(r.status, 200, r)
        again = self.post(key='k1')
        self.assertEqual(again.status, 200, again)
        self.assertEqual(again.raw, first.raw)
        self.assertEqual(self.ids(), [])
        self.assertNotFound(self.req('GET', self.url(acct)), acct['id'])

    def test_idem_1_8_other_routes_ignore_the_header(self):
        """Only POST /accounts reads it (the one operation whose SDK method
        sends it); elsewhere it is ignored, shape and all."""
        for key in ('k1', 'k1', 'caf\u00e9'.encode()):
            r = self.req('POST', '/organizations', {'name': 'Org'}, headers=key_header(key))
            self.assertEqual(r.status, 200, r)
        self.assertEqual(len(self.list_orgs()['result']), 3)

    def test_idem_1_9_retries_at_once_from_many_connections_make_one_account(self):
        """Requests that arrive together run in one group commit: the
        second sees the first's key inside the same transaction."""
        answers, lock = [], threading.Lock()

        def send():
            r = self.post(key='burst')
            with lock:
                answers.append(r)
        threads = [threading.Thread(target=send) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(len(answers), 16)
        self.assertEqual({(r.status, r.raw) for r in answers}, {(200, answers[0].raw)})
        self.assertEqual(self.ids(), [answers[0].json['result']['id']])


class Shape(Base):
    def test_idem_2_1_a_key_is_1_to_255_printable_ascii_characters(self):
        for key in ('8e03978e-40d5-43e8-bc93-6894a57f9324', 'a', 'k' * 255,
                    'a key with spaces, "quotes" and ~!@#$%^&*()'):
            with self.subTest(key=key[:40]):
                first = self.post({'name': key[:100]}, key=key)
                self.assertEqual(first.status, 200, first)
                self.assertEqual(self.post({'name': key[:100]}, key=key).raw, first.raw)
        self.assertEqual(len(self.ids()), 4)

    def test_idem_2_2_other_keys_are_400_1008_and_create_nothing(self):
        for key, why in ((b'', 'must be 1 to 255 characters'),
                         (b'k' * 256, 'must be 1 to 255 characters'),
                         ('caf\u00e9'.encode(), 'must hold only printable ASCII characters'),
                         (b'\xff\xfe', 'must hold only printable ASCII characters'),
                         (b'a\tb', 'must hold only printable ASCII characters')):
            with self.subTest(key=key[:20]):
                r = self.post(key=key)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.json, invalid(why))
        self.assertEqual(self.ids(), [])

    def test_idem_2_3_the_header_twice_is_400_1008(self):
        def send(*keys):
            conn = http.client.HTTPConnection(self.srv.host, self.srv.port, timeout=15)
            try:
                conn.putrequest('POST', '/client/v4/accounts')
                conn.putheader('Authorization', 'Bearer ' + TOKEN_A)
                conn.putheader('Content-Type', 'application/json')
                for k in keys:
                    conn.putheader('Idempotency-Key', k)
                body = json.dumps(BODY).encode()
                conn.putheader('Content-Length', str(len(body)))
                conn.endheaders(body)
                resp = conn.getresponse()
                return resp.status, json.loads(resp.read())
            finally:
                conn.close()
        for keys in (('k1', 'k2'), ('k1', 'k1')):
            with self.subTest(keys=keys):
                self.assertEqual(send(*keys), (400, invalid('given more than once')))
        self.assertEqual(self.ids(), [])
        # the name is case-insensitive, as every header's
        status, env = send()
        self.assertEqual(status, 200)
        r = self.srv.request('POST', '/accounts', BODY, headers={'IDEMPOTENCY-KEY': 'k3'})
        self.assertEqual(r.status, 200, r)
        r2 = self.srv.request('POST', '/accounts', BODY, headers={'idempotency-key': 'k3'})
        self.assertEqual(r2.raw, r.raw)
        self.assertEqual(len(self.ids()), 2)


class Lifetime(Base):
    """Keys are state, kept in the database by cfmock's (fake) clock."""

    def test_idem_3_1_keys_survive_a_restart_and_live_24_hours_of_the_clock(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'keys.db')
            with harness.Server(db=db) as srv:
                first = self.post(key='k1', srv=srv)
                acct = self.created(first)
                other = self.created(self.post({'name': 'Other'}, key='k2', srv=srv),
                                     name='Other')
            # the same clock again: both keys are there
            with harness.Server(db=db) as srv:
                self.assertEqual(self.post(key='k1', srv=srv).raw, first.raw)
                self.assertEqual(self.post({'name': 'x'}, key='k2', srv=srv).json, reused('k2'))
                self.assertEqual(self.ids(srv=srv), [acct['id'], other['id']])
            # a second short of 24 hours later: still there
            with harness.Server(db=db, clock='2026-01-01T23:59:59Z') as srv:
                self.assertEqual(self.post(key='k1', srv=srv).raw, first.raw)
                self.assertEqual(len(self.ids(srv=srv)), 2)
            # past 24 hours: forgotten, so the retry creates, and the
            # other key takes another body
            with harness.Server(db=db, clock='2026-01-02T00:00:01Z') as srv:
                again = self.post(key='k1', srv=srv)
                self.assertEqual(again.status, 200, again)
                self.assertNotEqual(again.json['result']['id'], acct['id'])
                r = self.post({'name': 'Other 2'}, key='k2', srv=srv)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(len(self.ids(srv=srv)), 4)
                # and the new k1 is remembered from now
                self.assertEqual(self.post(key='k1', srv=srv).raw, again.raw)
            with harness.Server(db=db, clock='2026-01-02T00:00:01Z') as srv:
                self.assertEqual(self.post(key='k1', srv=srv).raw, again.raw)
                self.assertEqual(len(self.ids(srv=srv)), 4)
            harness.assert_database_sound(self, db)

    def test_idem_3_2_reset_forgets_the_keys(self):
        self.created(self.post(key='k1'))
        r = self.req('POST', '/_cfmock/reset', auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.ids(), [])
        # reset starts ids and the clock again, so the answer may look the
        # same: that it created is seen in the list
        self.created(self.post({'name': 'Other'}, key='k1'), name='Other')
        self.assertEqual(len(self.ids()), 1)

    def test_idem_3_3_a_snapshot_holds_the_keys_as_it_holds_the_accounts(self):
        first = self.post(key='k1')
        acct = self.created(first)
        self.assertEqual(self.req('POST', '/_cfmock/snapshots/one', auth=None).status, 200)
        self.created(self.post({'name': 'Later'}, key='k2'), name='Later')
        r = self.req('POST', '/_cfmock/snapshots/one/restore', auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.ids(), [acct['id']])
        # k1 was in the snapshot; k2 came after it
        self.assertEqual(self.post(key='k1').raw, first.raw)
        again = self.post({'name': 'Later'}, key='k2')
        self.assertEqual(again.status, 200, again)
        # (a replay would have answered an account the list does not hold)
        self.assertEqual(self.ids(), [acct['id'], again.json['result']['id']])

    def test_idem_3_5_a_commit_that_fails_keeps_neither_account_nor_key(self):
        """The key row is written in the account's transaction: when the
        group commit fails (a file-size limit, as in test_machine.py), the
        answer is 500 and the key is as free as before."""
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'keys.db')
            srv = harness.Server(db=db)
            for i in range(20):
                self.created(self.post({'name': 'Kept %02d' % i}, srv=srv), name='Kept %02d' % i)
            kept = self.ids(srv=srv)
            srv.proc.kill()             # the WAL stays, at its size
            srv.proc.wait()
            srv.stop()
            limit = os.path.getsize(db + '-wal')

            def small_files():
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            with harness.Server(db=db, preexec=small_files) as srv:
                r = self.post(key='k1', srv=srv)
                self.assertError(r, 500, [1099])
                self.assertEqual(self.ids(srv=srv), kept)
            with harness.Server(db=db) as srv:
                self.assertEqual(self.ids(srv=srv), kept)
                # another body takes the key: it was never kept
                acct = self.created(self.post({'name': 'Other'}, key='k1', srv=srv),
                                    name='Other')
                self.assertEqual(self.post(key='k1', srv=srv).json, reused('k1'))
                self.assertEqual(self.ids(srv=srv), kept + [acct['id']])

    def test_idem_3_4_the_state_export_has_no_keys(self):
        self.created(self.post(key='a-very-recognisable-key'))
        r = self.req('GET', '/_cfmock/state', auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(b'a-very-recognisable-key', r.raw)
        self.assertNotIn(b'dempotency', r.raw)
        self.assertEqual(len(r.json['accounts']), 1)


if __name__ == '__main__':
    harness.main()
