"""test_framing.py: HTTP/1.1 framing as RFC 9112 demands it, over raw
sockets. A request whose framing could be read two ways (two
Content-Lengths, a space before the colon, Content-Length beside
Transfer-Encoding, a folded header line, a NUL inside a value) is answered
400 in the envelope before its body is read, and the connection is closed,
so that a request hidden after it never runs. A Transfer-Encoding other than
chunked answers 501 at once; a chunked body past --max-body-bytes answers
413 as soon as it passes the limit; an absolute-form target is routed by its
path."""
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A  # noqa: E402
import helpers  # noqa: E402

HIDDEN = b'{"name":"hidden"}'


def hidden_request():
    """A whole second request: if it ever runs, an organization 'hidden'
    exists."""
    return (b'POST /client/v4/organizations HTTP/1.1\r\nHost: x\r\n'
            b'Authorization: Bearer ' + TOKEN_A.encode() + b'\r\n'
            b'Content-Type: application/json\r\nContent-Length: %d\r\n\r\n' % len(HIDDEN) + HIDDEN)


def head(*lines, method=b'POST', target=b'/client/v4/organizations'):
    return (method + b' ' + target + b' HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ' +
            TOKEN_A.encode() + b'\r\n' + b''.join(l + b'\r\n' for l in lines) + b'\r\n')


def framing_error(code, message):
    return {'success': False, 'errors': [{'code': code, 'message': message}], 'messages': [],
            'result': None}


class FramingTest(helpers.ApiTest):
    def exchange(self, data, timeout=10):
        """Sends data on a new connection; returns (every response on it,
        whether the server closed it)."""
        s = socket.create_connection(('127.0.0.1', self.srv.port))
        try:
            s.sendall(data)
            reader = harness.HttpReader(s, timeout)
            out = []
            while True:
                try:
                    out.append(reader.next())
                except (ConnectionError, OSError, ValueError):
                    return out, True
                except Exception:  # a partial status line: closed too
                    return out, True
        finally:
            s.close()

    def assertRefused(self, data, status, envelope):
        responses, closed = self.exchange(data)
        self.assertEqual(len(responses), 1, responses)
        got_status, headers, body = responses[0]
        self.assertEqual(got_status, status)
        self.assertEqual(headers.get('content-type'), 'application/json')
        self.assertEqual(headers.get('connection'), 'close')
        self.assertEqual(json.loads(body), envelope)
        self.assertTrue(closed)
        self.assertHiddenDidNotRun()

    def assertHiddenDidNotRun(self):
        names = [o['name'] for o in self.req('GET', '/organizations').json['result']]
        self.assertNotIn('hidden', names)


class Smuggling(FramingTest):
    def test_frame_1_1_two_content_lengths_that_differ(self):
        data = head(b'Content-Type: application/json', b'Content-Length: 2',
                    b'Content-Length: 200') + b'{}' + hidden_request()
        self.assertRefused(data, 400, framing_error(
            6012, 'malformed request framing: two Content-Length headers that differ'))

    def test_frame_1_1b_a_method_that_is_not_a_token(self):
        # RFC 9110 9.1: method = token. libmicrohttpd takes any bytes up to
        # the first space; cfmock refuses the request and closes.
        for method in [b'G\xffT', b'G\x01T', b'P\xc3\xa9ST', b'GE(T', b'GET\x7f']:
            with self.subTest(method=method):
                data = head(b'Content-Type: application/json', b'Content-Length: 2',
                            method=method) + b'{}' + hidden_request()
                self.assertRefused(data, 400, framing_error(
                    6012, 'malformed request framing: the request method is not a token'))

    def test_frame_1_2_the_same_content_length_twice_is_one(self):
        body = b'{"name":"twice"}'
        data = head(b'Content-Type: application/json', b'Content-Length: %d' % len(body),
                    b'Content-Length: %d' % len(body), b'Connection: close') + body
        responses, _ = self.exchange(data)
        self.assertEqual([r[0] for r in responses], [200])
        self.assertEqual(json.loads(responses[0][2])['result']['name'], 'twice')

    def test_frame_1_3_space_before_the_colon(self):
        data = head(b'Transfer-Encoding : chunked') + hidden_request()
        self.assertRefused(data, 400, framing_error(
            6012, 'malformed request framing: a header name holds a character a token may '
                  'not (a space before the colon, or a folded line)'))

    def test_frame_1_4_content_length_with_transfer_encoding(self):
        data = (head(b'Content-Type: application/json', b'Content-Length: 5',
                     b'Transfer-Encoding: chunked') + b'0\r\n\r\n' + hidden_request())
        self.assertRefused(data, 400, framing_error(
            6012, 'malformed request framing: Content-Length together with Transfer-Encoding'))
        # in the other order too
        data = (head(b'Transfer-Encoding: chunked', b'Content-Length: 5') + b'0\r\n\r\n' +
                hidden_request())
        self.assertRefused(data, 400, framing_error(
            6012, 'malformed request framing: Content-Length together with Transfer-Encoding'))

    def test_frame_1_5_obsolete_line_folding(self):
        # folded into an email: libmicrohttpd merges it into the name
        data = head(b'X-Auth-Email: a@example.com', b' b@example.com', method=b'GET') + \
            hidden_request()
        self.assertRefused(data, 400, framing_error(
            6012, 'malformed request framing: a header name holds a character a token may '
                  'not (a space before the colon, or a folded line)'))
        # folded with a tab: libmicrohttpd moves the header out of place
        data = head(b'X-Note: a', b'\tb', method=b'GET') + hidden_request()
        self.assertRefused(data, 400, framing_error(
            6012, 'malformed request framing: a folded header line (obs-fold, RFC 9112 5.2)'))

    def test_frame_1_6_transfer_encoding_other_than_chunked(self):
        for te in (b'gzip, chunked', b'gzip', b'chunked, chunked', b'identity'):
            with self.subTest(te=te):
                data = head(b'Content-Type: application/json', b'Transfer-Encoding: ' + te) + \
                    b'5\r\nhello\r\n0\r\n\r\n'
                t0 = time.monotonic()
                self.assertRefused(data, 501, framing_error(
                    6013, 'Transfer-Encoding not implemented: only Transfer-Encoding: chunked '
                          'is implemented'))
                # at once, not after the request timeout
                self.assertLess(time.monotonic() - t0, 5)

    def test_frame_1_7_chunked_is_served(self):
        body = b'{"name":"chunked"}'
        data = (head(b'Content-Type: application/json', b'Transfer-Encoding: chunked',
                     b'Connection: close') +
                b'%x\r\n' % 5 + body[:5] + b'\r\n' + b'%x\r\n' % (len(body) - 5) + body[5:] +
                b'\r\n0\r\n\r\n')
        responses, _ = self.exchange(data)
        self.assertEqual([r[0] for r in responses], [200])
        self.assertEqual(json.loads(responses[0][2])['result']['name'], 'chunked')


class HiddenBytes(FramingTest):
    """libmicrohttpd hands over a value cut at a NUL: 'Bearer victim\\0x'
    reads as 'Bearer victim'. The bytes are still in its read buffer, where
    cfmock looks for them."""
    server_args = ('--admin-token', 'admin-secret')

    def test_frame_2_1_nul_in_a_credential(self):
        victim = self.create_org('Victim Org')
        for header, code, message in (
                (b'Authorization: Bearer ' + TOKEN_A.encode() + b'\x00x', 6111,
                 'Invalid format for Authorization header'),
                (b'X-Auth-Email: victim@example.com\x00.evil', 6102,
                 'Invalid format for X-Auth-Email header'),
                (b'X-Auth-Key: ' + b'0' * 32 + b'\x00x', 6103,
                 'Invalid format for X-Auth-Key header'),
                (b'X-Auth-User-Service-Key: v1.0-abc\x00x', 6104,
                 'Invalid format for X-Auth-User-Service-Key header')):
            with self.subTest(header=header):
                data = (b'GET /client/v4/organizations/' + victim['id'].encode() +
                        b' HTTP/1.1\r\nHost: x\r\n' + header + b'\r\n\r\n' + hidden_request())
                self.assertRefused(data, 400, {
                    'success': False, 'messages': [], 'result': None,
                    'errors': [{'code': 6003, 'message': 'Invalid request headers',
                                'error_chain': [{'code': code, 'message': message}]}]})

    def test_frame_2_2_nul_in_the_admin_token(self):
        data = (b'POST /_cfmock/reset HTTP/1.1\r\nHost: x\r\n'
                b'Authorization: Bearer admin-secret\x00x\r\nContent-Length: 0\r\n\r\n')
        org = self.create_org('Kept')
        self.assertRefused(data, 400, {
            'success': False, 'messages': [], 'result': None,
            'errors': [{'code': 6003, 'message': 'Invalid request headers',
                        'error_chain': [{'code': 6111,
                                         'message': 'Invalid format for Authorization header'}]}]})
        # nothing was reset
        self.assertEqual(self.req('GET', '/organizations/' + org['id']).status, 200)

    def test_frame_2_3_nul_or_control_byte_in_another_header(self):
        data = head(b'X-Note: one\x00two', method=b'GET') + hidden_request()
        self.assertRefused(data, 400, framing_error(
            6012, 'malformed request framing: a header value holds a NUL byte or a folded line'))
        data = head(b'X-Note: one\x01two', method=b'GET') + hidden_request()
        self.assertRefused(data, 400, framing_error(
            6012, 'malformed request framing: a header value holds a control character'))

    def test_frame_2_4_the_right_credential_still_works(self):
        data = (b'GET /client/v4/organizations HTTP/1.1\r\nHost: x\r\nX-Empty:\r\n'
                b'Authorization:   Bearer ' + TOKEN_A.encode() + b'\r\n'
                b'X-Padded: value  \r\n'
                b'Connection: close\r\n\r\n')
        responses, _ = self.exchange(data)
        self.assertEqual([r[0] for r in responses], [200])
        self.assertEqual(json.loads(responses[0][2])['result'], [])


class Targets(FramingTest):
    def test_frame_3_1_absolute_form_is_routed_by_its_path(self):
        host = b'http://127.0.0.1:%d' % self.srv.port
        body = b'{"name":"via proxy"}'
        data = (head(b'Content-Type: application/json', b'Content-Length: %d' % len(body),
                     target=host + b'/client/v4/organizations') + body +
                head(b'Connection: close', method=b'GET',
                     target=b'HTTP://127.0.0.1/client/v4/organizations?name=via%20proxy'))
        responses, _ = self.exchange(data)
        self.assertEqual([r[0] for r in responses], [200, 200])
        made = json.loads(responses[0][2])['result']
        self.assertEqual(made['name'], 'via proxy')
        self.assertEqual([o['id'] for o in json.loads(responses[1][2])['result']], [made['id']])
        # no path at all is "/": routed nowhere, in the envelope
        responses, _ = self.exchange(head(b'Connection: close', method=b'GET', target=host))
        self.assertEqual([r[0] for r in responses], [400])
        self.assertEqual([e['code'] for e in json.loads(responses[0][2])['errors']], [7003, 7000])


class ChunkedLimit(FramingTest):
    server_args = ('--max-body-bytes', '65536')

    def test_frame_4_1_chunked_body_past_the_limit_is_refused_at_once(self):
        """20 MB of chunks with no last chunk: the 413 comes once the limit
        is passed, long before the upload would end."""
        s = socket.create_connection(('127.0.0.1', self.srv.port))
        s.settimeout(10)
        s.sendall(head(b'Content-Type: application/json', b'Transfer-Encoding: chunked'))
        chunk = b'%x\r\n' % 8192 + b'x' * 8192 + b'\r\n'
        sent = 0
        answer = b''
        try:
            while sent < 20 * 1024 * 1024:
                s.sendall(chunk)
                sent += 8192
                s.setblocking(False)
                try:
                    answer = s.recv(65536)
                except BlockingIOError:
                    pass
                finally:
                    s.setblocking(True)
                    s.settimeout(10)
                if answer:
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer += harness.read_to_close(s, reset_ok=True)
        s.close()
        self.assertLess(sent, 20 * 1024 * 1024)
        head_part, _, body = answer.partition(b'\r\n\r\n')
        self.assertTrue(head_part.startswith(b'HTTP/1.1 413 '), answer[:200])
        self.assertIn(b'Connection: close', head_part)
        self.assertEqual(json.loads(body), framing_error(
            6008, 'request body is larger than the limit of 65536 bytes'))
        # the server serves on
        self.assertEqual(self.req('GET', '/organizations').status, 200)


if __name__ == '__main__':
    harness.main()
