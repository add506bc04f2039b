"""test_protocol.py: what every endpoint shares: routing, 405, credentials,
request bodies, limits, the envelope. Independent of any resource."""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ORG_ID = '023e105f4ecef8ad9ca31a8372d0c353'


class Routing(harness.ServerTest):
    def test_proto_1_1_unknown_path_is_7003_7000(self):
        r = self.req('GET', '/zones')
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json, {
            'success': False,
            'errors': [
                {'code': 7003, 'message': 'Could not route to /client/v4/zones, perhaps your '
                                          'object identifier is invalid?'},
                {'code': 7000, 'message': 'No route for that URI'}],
            'messages': [], 'result': None})

    def test_proto_1_2_id_of_wrong_shape_routes_nowhere(self):
        for bad in ['user@example.com', 'example.com', ORG_ID.upper(), ORG_ID[:-1],
                    'a7b9c3d2e8f4g1h5i6j0k9l2m3n7o4p8']:
            r = self.req('GET', '/organizations/' + bad)
            self.assertError(r, 400, [7003, 7000])
            self.assertIn('/client/v4/organizations/' + bad, r.json['errors'][0]['message'])

    def test_proto_1_3_trailing_and_double_slash_route_nowhere(self):
        self.assertError(self.req('GET', '/organizations/'), 400, [7003, 7000])
        self.assertError(self.req('GET', '//client/v4//organizations'), 400, [7003, 7000])

    def test_proto_1_4_routing_before_credentials(self):
        self.assertError(self.req('GET', '/nowhere', auth=None), 400, [7003, 7000])

    def test_proto_1_5_wrong_method_is_405_with_allow(self):
        r = self.req('PATCH', '/organizations/' + ORG_ID)
        self.assertError(r, 405, [7001])
        self.assertEqual(r.headers['allow'], 'GET, PUT, DELETE')
        r = self.req('DELETE', '/organizations')
        self.assertError(r, 405, [7001])
        self.assertEqual(r.headers['allow'], 'GET, POST')
        r = self.req('BREW', '/organizations')
        self.assertError(r, 405, [7001])

    def test_proto_1_6_head_is_get_without_body(self):
        r = self.req('HEAD', '/organizations')
        self.assertEqual(r.status, 200)
        self.assertEqual(r.raw, b'')


class Credentials(harness.ServerTest):
    def test_proto_2_1_none_is_9106(self):
        r = self.req('GET', '/organizations', auth=None)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json, {'success': False, 'errors': [
            {'code': 9106, 'message': 'Missing X-Auth-Key, X-Auth-Email or Authorization headers'}],
            'messages': [], 'result': None})

    def test_proto_2_2_empty_bearer_is_6003_6111(self):
        for value in ['Bearer ', 'Bearer', 'Basic dXNlcjpwYXNz', 'Bearer two words']:
            r = self.req('GET', '/organizations', auth=None, headers={'Authorization': value})
            self.assertEqual(r.status, 400, value)
            self.assertEqual(r.json, {'success': False, 'errors': [
                {'code': 6003, 'message': 'Invalid request headers', 'error_chain': [
                    {'code': 6111, 'message': 'Invalid format for Authorization header'}]}],
                'messages': [], 'result': None})

    def test_proto_2_3_token_as_key_is_6003_6103(self):
        r = self.req('GET', '/organizations', auth=None, headers={
            'X-Auth-Email': 'user@example.com',
            'X-Auth-Key': 'Zb1x-ThisIsAnApiTokenNotAKey_01234567890'})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json['errors'], [
            {'code': 6003, 'message': 'Invalid request headers', 'error_chain': [
                {'code': 6103, 'message': 'Invalid format for X-Auth-Key header'}]}])
        self.assertIsNone(r.json['result'])

    def test_proto_2_4_bad_email_and_key_chain_both(self):
        r = self.req('GET', '/organizations', auth=None, headers={
            'X-Auth-Email': 'nope', 'X-Auth-Key': 'XYZ'})
        self.assertError(r, 400, [6003])
        self.assertEqual([e['code'] for e in r.json['errors'][0]['error_chain']], [6102, 6103])

    def test_proto_2_5_email_alone_or_key_alone_is_9106(self):
        self.assertError(self.req('GET', '/organizations', auth=None,
                                  headers={'X-Auth-Email': 'user@example.com'}), 400, [9106])
        self.assertError(self.req('GET', '/organizations', auth=None,
                                  headers={'X-Auth-Key': '144c9defac04969c7bfad8efaa8ea194'}),
                         400, [9106])

    def test_proto_2_6_docs_key_and_real_key_are_the_same_user(self):
        short = {'X-Auth-Email': 'user@example.com', 'X-Auth-Key': '144c9defac04969c7bfad8efaa8ea194'}
        real = {'X-Auth-Email': 'USER@example.com',
                'X-Auth-Key': '144c9defac04969c7bfad8efaa8ea194abcde'}
        r = self.req('POST', '/organizations', body={'name': 'Keyed'}, auth=None, headers=short)
        self.assertEqual(r.status, 200, r)
        org = r.json['result']
        r = self.req('GET', '/organizations/' + org['id'], auth=None, headers=real)
        self.assertEqual(r.json, harness.ok_envelope(org))
        # a bearer token is another user: it does not see the organization
        self.assertError(self.req('GET', '/organizations/' + org['id']), 404, [1101], 'absent')

    def test_proto_2_7_service_key_is_a_user(self):
        h = {'X-Auth-User-Service-Key': 'v1.0-0123456789abcdef-ffff'}
        r = self.req('POST', '/organizations', body={'name': 'S'}, auth=None, headers=h)
        self.assertEqual(r.status, 200)
        r = self.req('GET', '/organizations', auth=None, headers=h)
        self.assertEqual(r.json['result_info'], {'total_size': 1})
        r = self.req('GET', '/organizations', auth=None, headers={'X-Auth-User-Service-Key': ''})
        self.assertError(r, 400, [6003])
        self.assertEqual(r.json['errors'][0]['error_chain'][0]['code'], 6104)

    def test_proto_2_8_control_api_needs_no_credentials(self):
        r = self.req('GET', '/_cfmock/health', auth=None)
        self.assertEqual(r.status, 200)
        self.assertEqual(set(r.json), {'status', 'version', 'schema_version', 'uptime_ms'})
        self.assertEqual(r.json['status'], 'ok')
        self.assertEqual(r.json['schema_version'], 8)


class Bodies(harness.ServerTest):
    def post(self, raw, ctype='application/json'):
        return self.req('POST', '/organizations', raw=raw, headers={'Content-Type': ctype})

    def assertNothingCreated(self):
        self.assertEqual(self.req('GET', '/organizations').json['result_info'], {'total_size': 0})

    def test_proto_3_1_not_json_is_6007(self):
        for raw in [b'not json', b'{"name":', b'{"name":"a"} extra', b'', b'   ',
                    b'{"name":"\xff"}', b'{"name":"a\x00"}', b'{"name":"a\\u0000b"}']:
            r = self.post(raw)
            self.assertEqual(r.status, 400, raw)
            self.assertEqual(r.json, {'success': False, 'errors': [
                {'code': 6007, 'message': 'Malformed JSON in request body'}], 'messages': []}, raw)
        self.assertNothingCreated()

    def test_proto_3_2_form_content_type_is_9207(self):
        r = self.post(b'{"name":"x"}', 'application/x-www-form-urlencoded')
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json['errors'], [{'code': 9207, 'message': 'Content-type must be application/json.'}])
        self.assertNothingCreated()
        # charset parameters and +json types are JSON
        self.assertEqual(self.post(b'{"name":"x"}', 'application/json; charset=utf-8').status, 200)
        self.assertEqual(self.post(b'{"name":"y"}', 'application/vnd.api+json').status, 200)

    def test_proto_3_3_body_not_an_object_is_1002(self):
        for raw in [b'[]', b'"name"', b'42', b'null']:
            r = self.post(raw)
            self.assertError(r, 400, [1002], 'absent')
            self.assertEqual(r.json['errors'][0]['source'], {'pointer': ''})
            self.assertEqual(r.json['errors'][0]['message'], "'request body' must be a JSON object")

    def test_proto_3_4_duplicate_keys_are_1007(self):
        r = self.post(b'{"name":"a","name":"b"}')
        self.assertError(r, 400, [1007], 'absent')
        self.assertEqual(r.json['errors'][0]['message'], "duplicate key 'name' in request body")
        r = self.post(b'{"name":"a","profile":{"business_name":"x","business_name":"y"}}')
        self.assertError(r, 400, [1007], 'absent')
        self.assertNothingCreated()

    def test_proto_3_5_deep_nesting_is_refused(self):
        raw = b'{"name":"a","x":' + b'[' * 5000 + b']' * 5000 + b'}'
        self.assertError(self.post(raw), 400, [6007], 'absent')
        self.assertEqual(self.req('GET', '/_cfmock/health', auth=None).status, 200)

    def test_proto_3_6_unknown_fields_are_ignored(self):
        r = self.post(b'{"name":"a","colour":"blue","id":"ffffffffffffffffffffffffffffffff"}')
        self.assertEqual(r.status, 200)
        self.assertNotIn('colour', r.json['result'])
        self.assertNotEqual(r.json['result']['id'], 'f' * 32)

    def test_proto_3_7_strings_are_stored_byte_for_byte(self):
        for name in ["Robert'); DROP TABLE organizations;--", '../../etc/passwd', '100%_\\',
                     'caf\u00e9 \U0001f600', ' spaced ', '<script>']:
            r = self.req('POST', '/organizations', body={'name': name})
            self.assertEqual(r.status, 200, name)
            got = self.req('GET', '/organizations/' + r.json['result']['id']).json['result']['name']
            self.assertEqual(got, name)


class Limits(harness.ServerTest):
    server_args = ('--max-body-bytes', '2048')

    def test_proto_4_1_body_over_the_limit_is_413(self):
        r = self.req('POST', '/organizations', body={'name': 'x' * 5000})
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json, {'success': False, 'errors': [
            {'code': 6008, 'message': 'request body is larger than the limit of 2048 bytes'}],
            'messages': [], 'result': None})
        self.assertEqual(self.req('GET', '/organizations').json['result_info'], {'total_size': 0})

    def test_proto_4_2_chunked_body_over_the_limit_is_413(self):
        s = socket.create_connection((self.srv.host, self.srv.port), timeout=10)
        try:
            head = ('POST /client/v4/organizations HTTP/1.1\r\nHost: x\r\n'
                    'Authorization: Bearer t\r\nContent-Type: application/json\r\n'
                    'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n')
            s.sendall(head.encode())
            try:
                for _ in range(4):
                    s.sendall(b'400\r\n' + b' ' * 1024 + b'\r\n')
                s.sendall(b'0\r\n\r\n')
            except (BrokenPipeError, ConnectionResetError):
                pass    # answered and closed as soon as the body passed the limit
            data = harness.read_to_close(s, reset_ok=True)
        finally:
            s.close()
        self.assertTrue(data.startswith(b'HTTP/1.1 413'), data[:100])
        self.assertIn(b'"code":6008', data)

    def test_proto_4_3_body_at_the_limit_is_fine(self):
        body = b'{"name":"n","pad":"' + b'p' * (2048 - 21) + b'"}'
        self.assertEqual(len(body), 2048)
        r = self.req('POST', '/organizations', raw=body, headers={'Content-Type': 'application/json'})
        self.assertEqual(r.status, 200)

    def test_proto_4_4_query_parameter_repeated_or_too_long(self):
        r = self.req('GET', '/organizations', query=[('name', 'a'), ('name', 'b')])
        self.assertError(r, 400, [1004], 'absent')
        self.assertEqual(r.json['errors'][0]['source'], {'parameter': 'name'})
        r = self.req('GET', '/organizations', query={'name.contains': 'a' * 4097})
        self.assertError(r, 400, [1004], 'absent')


if __name__ == '__main__':
    harness.main()
