"""test_text.py: every answer cfmock gives, on /client/v4 and /_cfmock, is
valid JSON in UTF-8, whatever bytes a request held (the README's "Limits
and security"). What must be text (credentials, emails, names, filters) is
refused when it is not UTF-8; what is only echoed (a method or path in a
message, the journal of requests, the access log) shows each byte that is
not UTF-8 as U+FFFD. The state export still loads back afterwards."""
import json
import os
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A  # noqa: E402
import helpers  # noqa: E402

AUTH = b'Authorization: Bearer ' + TOKEN_A.encode() + b'\r\n'
JSON = b'Content-Type: application/json\r\n'


def request(method=b'GET', target=b'/client/v4/organizations', headers=AUTH, body=b''):
    if body:
        headers += b'Content-Length: %d\r\n' % len(body)
    return method + b' ' + target + b' HTTP/1.1\r\nHost: x\r\n' + headers + b'\r\n' + body


# Requests that each put bytes that are not UTF-8 (or control bytes)
# somewhere: (what, the request, the status, the error codes).
HOSTILE = [
    ('a path', request(target=b'/client/v4/organiz\xffations'), 400, [7003, 7000]),
    ('a path, escaped', request(target=b'/client/v4/%ff%fe'), 400, [7003, 7000]),
    ('an overlong path byte', request(target=b'/client/v4/\xc0\xaf'), 400, [7003, 7000]),
    ('a query value', request(target=b'/client/v4/organizations?name=\xff'), 400, [1004]),
    ('a query key', request(target=b'/client/v4/organizations?n%ffme=x'), 400, [1004]),
    ('a body', request(b'POST', headers=AUTH + JSON, body=b'{"name":"\xff"}'), 400, [6007]),
    ('a body, not JSON', request(b'POST', headers=AUTH + b'Content-Type: text/plain\r\n',
                                 body=b'\xff\xfe'), 400, [9207]),
    ('a bearer token', request(headers=b'Authorization: Bearer tok\xff\r\n'), 400, [6003]),
    ('an email', request(target=b'/client/v4/user',
                         headers=b'X-Auth-Email: \xe4lice@example.com\r\nX-Auth-Key: ' +
                         helpers.KEY.encode() + b'\r\n'), 400, [6003]),
    ('a service key', request(target=b'/client/v4/user',
                              headers=b'X-Auth-User-Service-Key: v1.0-\xff\xfe\r\n'), 400, [6003]),
    ('another header', request(headers=AUTH + b'User-Agent: caf\xe9\r\n'), 200, []),
    ('a method', request(b'G\xffT'), 400, [6012]),
    ('a method with a control byte', request(b'G\x01T'), 400, [6012]),
    ('a method in UTF-8', request(b'P\xc3\xa9ST'), 400, [6012]),
    ('a control path', request(b'GET', b'/_cfmock/\xffhealth', b''), 400, [7003, 7000]),
    ('an unknown method', request(b'BREW'), 405, [7001]),
]


def strict_json(data, what):
    """data as UTF-8 JSON, refusing what Python's reader lets through (lone
    surrogates come out of \\ud800 escapes, so they are looked for too)."""
    text = data.decode('utf-8')             # raises on bytes that are not UTF-8
    doc = json.loads(text)
    json.dumps(doc, ensure_ascii=False).encode('utf-8')     # raises on lone surrogates
    return doc


class TextTest(helpers.ApiTest):
    server_kwargs = {'access_log': True, 'env': {'CFMOCK_LOG_FORMAT': 'json'}}

    def exchange(self, data):
        s = socket.create_connection(('127.0.0.1', self.srv.port))
        try:
            s.sendall(data)
            return harness.read_http_response(s)
        finally:
            s.close()

    def test_text_1_every_answer_to_a_hostile_request_is_utf8_json(self):
        for what, data, status, codes in HOSTILE:
            with self.subTest(what=what):
                got, headers, body = self.exchange(data)
                self.assertEqual(got, status, (what, body))
                self.assertEqual(headers.get('content-type'), 'application/json', what)
                doc = strict_json(body, what)
                self.assertEqual([e['code'] for e in doc['errors']], codes, (what, doc))
                self.assertIs(doc['success'], not codes, what)

    def test_text_2_a_method_or_path_is_echoed_with_u_fffd(self):
        _, _, body = self.exchange(request(target=b'/client/v4/a\xffb\xc3'))
        self.assertEqual(strict_json(body, 'path')['errors'][0]['message'],
                         'Could not route to /client/v4/a\ufffdb\ufffd, perhaps your object '
                         'identifier is invalid?')
        _, _, body = self.exchange(request(b'G\xffT'))
        self.assertEqual(strict_json(body, 'method'), {
            'success': False, 'messages': [], 'result': None,
            'errors': [{'code': 6012, 'message': 'malformed request framing: the request method '
                        'is not a token'}]})

    def test_text_3_the_journal_stays_json_and_shows_what_came(self):
        for _, data, _, _ in HOSTILE:
            self.exchange(data)
        r = self.req('GET', '/_cfmock/requests', auth=None)
        self.assertEqual(r.status, 200, r)
        doc = strict_json(r.raw, 'journal')
        entries = list(reversed(doc['requests']))
        # every one but the /_cfmock path: the journal keeps /client/v4
        self.assertEqual(len(entries), len(HOSTILE) - 1)
        self.assertEqual([(e['method'], e['path'], e['query']) for e in entries[:5]], [
            ('GET', '/client/v4/organiz\ufffdations', ''),
            ('GET', '/client/v4/\ufffd\ufffd', ''),
            ('GET', '/client/v4/\ufffd\ufffd', ''),
            ('GET', '/client/v4/organizations', 'name=\ufffd'),
            ('GET', '/client/v4/organizations', 'n\ufffdme=x'),
        ])
        self.assertEqual(entries[5]['request_body'], {'name': '\ufffd'})
        self.assertEqual(entries[6]['request_body'], '\ufffd\ufffd')
        self.assertEqual(entries[11]['method'], 'G\ufffdT')
        self.assertEqual(entries[12]['method'], 'G\x01T')
        self.assertEqual(entries[13]['method'], 'P\u00e9ST')
        # each answer is journalled as it was sent
        for e in entries:
            self.assertIsInstance(e['response_body'], dict, e)

    def test_text_4_the_state_export_loads_back(self):
        helpers_org = self.req('POST', '/organizations', {'name': 'Caf\u00e9 \u2603'}).json['result']
        for _, data, _, _ in HOSTILE:
            self.exchange(data)
        r = self.req('GET', '/_cfmock/state', auth=None)
        self.assertEqual(r.status, 200, r)
        state = strict_json(r.raw, 'state')
        with tempfile.NamedTemporaryFile('wb', suffix='.json', delete=False) as f:
            f.write(r.raw)
        self.addCleanup(os.unlink, f.name)
        again = self.server('--fixtures', f.name)
        back = again.request('GET', '/_cfmock/state', auth=None)
        self.assertEqual(back.status, 200, back)
        self.assertEqual(strict_json(back.raw, 'state again'), state)
        got = again.request('GET', '/organizations/' + helpers_org['id'])
        self.assertEqual(got.json['result']['name'], 'Caf\u00e9 \u2603')

    def test_text_5_access_log_lines_are_json(self):
        for _, data, _, _ in HOSTILE:
            self.exchange(data)
        self.req('GET', '/_cfmock/health', auth=None)
        code = self.srv.stop()
        self.assertEqual(code, 0)
        lines = [strict_json(line, 'log line') for line in self.srv.stdout_raw[:]
                 if line.startswith(b'{')]
        self.assertEqual(len(lines), len(HOSTILE) + 2, self.srv.stdout_lines)
        methods = [line['method'] for line in lines]
        self.assertIn('G\ufffdT', methods)
        self.assertIn('/client/v4/organiz\ufffdations', [line['path'] for line in lines])
        self.srv = harness.Server()     # for tearDown


if __name__ == '__main__':
    harness.main()
