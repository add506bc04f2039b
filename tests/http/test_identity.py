"""test_identity.py: an identity is reached only with its own credential,
and nothing an answer names was hidden from its caller.

- A user made from an API token or a service key is shown with the label
  "<id>@users.cfmock.invalid"; the label is not an email: X-Auth-Email with
  it (and any key) is a user of its own, as any unknown email is, in open
  and in strict mode. The id is not secret (meta.managed_by, member lists,
  a fixed --seed), so no id works as a credential.
- Emails are one address whatever their case, folded as Unicode:
  "ÄLICE@" and "älice@" are one user and one member, everywhere.
- parent, meta.hierarchy_tags and an account's managed_by never name an
  organization the caller gets 404 for.
- The admin token's Bearer scheme is case-insensitive, as /client/v4's."""
import json
import os
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import (ApiTest, ADMIN, KEY, email_headers, listed, org_not_found,  # noqa: E402
                     org_unseen, seen_from)

LABEL = '%s@users.cfmock.invalid'


class Borrowing(ApiTest):
    def test_id_1_1_a_token_users_label_is_not_its_email(self):
        victim = self.me()
        self.assertEqual(victim['email'], LABEL % victim['id'])
        org = self.create_org('Victim Private')
        self.assertEqual(org['meta']['managed_by'], victim['id'])
        label = victim['email']
        for key in (KEY, 'f' * 37):
            with self.subTest(key=key):
                # the label and any key: a user of its own, with nothing
                thief = self.req('GET', '/user', auth=None,
                                 headers=email_headers(label, key)).json['result']
                self.assertNotEqual(thief['id'], victim['id'])
                r = self.req('GET', '/organizations', auth=None, headers=email_headers(label, key))
                self.assertEqual(r.json, listed([]))
                r = self.req('GET', '/organizations/' + org['id'], auth=None,
                             headers=email_headers(label, key))
                self.assertEqual(r.status, 404, r)
                self.assertEqual(r.json, org_not_found(org['id']))
                r = self.req('DELETE', '/organizations/' + org['id'], auth=None,
                             headers=email_headers(label, key))
                self.assertEqual(r.json, org_not_found(org['id']))
        # the token still reaches its user and its organization
        self.assertEqual(self.user_id(), victim['id'])
        self.assertOrgIs(org)
        # in any case of the label
        r = self.req('GET', '/organizations', auth=None,
                     headers=email_headers(label.upper(), KEY))
        self.assertEqual(r.json, listed([]))

    def test_id_1_2_a_service_key_user_likewise(self):
        sk = {'X-Auth-User-Service-Key': 'v1.0-service-key-a'}
        victim = self.req('GET', '/user', auth=None, headers=sk).json['result']
        r = self.req('POST', '/organizations', {'name': 'SK Org'}, auth=None, headers=sk)
        self.assertEqual(r.status, 200, r)
        org = r.json['result']
        r = self.req('GET', '/organizations/' + org['id'], auth=None,
                     headers=email_headers(LABEL % victim['id']))
        self.assertEqual(r.json, org_not_found(org['id']))
        r = self.req('GET', '/organizations/' + org['id'], auth=None, headers=sk)
        self.assertEqual(r.status, 200, r)

    def test_id_1_3_a_member_added_by_the_label_is_the_token_user(self):
        """The label names its token user where an email names a member, even
        once someone has sent the label as their X-Auth-Email."""
        victim = self.me(auth=TOKEN_B)
        label = victim['email']
        impostor = self.user_id(auth=label)  # makes a user that sent the label
        self.assertNotEqual(impostor, victim['id'])
        org = self.create_org('Shared')
        m = self.add(org, label, user=victim['id'])
        self.assertEqual(m['user']['id'], victim['id'])
        # the token user now sees it, the impostor does not
        self.assertEqual(self.req('GET', '/organizations/' + org['id'], auth=TOKEN_B).status, 200)
        r = self.req('GET', '/organizations/' + org['id'], auth=label)
        self.assertEqual(r.json, org_not_found(org['id']))

    def test_id_1_4_strict_mode_knows_no_label(self):
        fixtures = {'users': [{'email': 'alice@example.com', 'api_key': 'a' * 37,
                               'tokens': ['alice-token']}]}
        with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
            json.dump(fixtures, f)
        self.addCleanup(os.unlink, f.name)
        srv = self.server('--auth', 'strict', '--fixtures', f.name)
        alice = srv.request('GET', '/user', auth='alice-token').json['result']
        self.assertEqual(alice['email'], 'alice@example.com')
        # a token user's label in strict mode: unknown, as any email
        r = srv.request('GET', '/user', auth=None,
                        headers=email_headers(LABEL % alice['id'], 'a' * 37))
        self.assertError(r, 403, [10000])


class Emails(ApiTest):
    def test_id_2_1_one_address_whatever_its_case(self):
        upper, lower = '\u00c4LICE@Example.com', '\u00e4lice@example.COM'
        org = self.create_org('Org')
        m = self.add(org, upper)
        # the same user, whose member it already is
        r = self.req('POST', self.murl(org), {'member': {'user': {'email': lower}}})
        self.assertError(r, 400, [1302], result_key='absent')
        # in one batch too
        other = self.create_org('Other')
        r = self.req('POST', self.murl(other) + ':batchCreate',
                     {'members': [{'user': {'email': upper}}, {'user': {'email': lower}}]})
        self.assertError(r, 400, [1302], result_key='absent')
        self.assertMembers(other, [])
        # X-Auth-Email (UTF-8) in any case is that user
        for email in (upper, lower, lower.upper()):
            with self.subTest(email=email):
                r = self.req('GET', '/user', auth=None,
                             headers={'X-Auth-Email': email.encode(), 'X-Auth-Key': KEY})
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.json['result']['id'], m['user']['id'])
        # and the filter finds it by either
        for q in (lower, upper):
            with self.subTest(filter=q):
                self.assertEqual(self.list_members(org, {'user.email': q})['result'], [m])
        # an account member likewise
        acct = self.create_account('Acct')
        self.add_am(acct, upper, roles=[ADMIN])
        r = self.req('POST', self.aurl(acct), {'email': lower, 'roles': [ADMIN]})
        self.assertError(r, 400, [1302])

    def test_id_2_2_credentials_must_be_text(self):
        for headers, code, message in (
                ({'X-Auth-Email': b'caf\xe9@example.com', 'X-Auth-Key': KEY}, 6102,
                 'Invalid format for X-Auth-Email header'),
                ({'X-Auth-User-Service-Key': b'v1.0-\xff\xfe'}, 6104,
                 'Invalid format for X-Auth-User-Service-Key header')):
            with self.subTest(headers=headers):
                r = self.req('GET', '/user', auth=None, headers=headers)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.json, {
                    'success': False, 'messages': [], 'result': None,
                    'errors': [{'code': 6003, 'message': 'Invalid request headers',
                                'error_chain': [{'code': code, 'message': message}]}]})
        # nothing was stored: the export still loads
        state = self.req('GET', '/_cfmock/state').json
        self.assertEqual(state['users'], [])


class Hidden(ApiTest):
    def test_id_3_1_a_sub_organization_member_sees_nothing_above_it(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        grand = self.create_org('Grand', parent=child)
        self.add(child, 'cleo@example.com')
        full = {o['id']: self.get_org(o['id']) for o in (root, child, grand)}
        seen = [seen_from(full[child['id']], child['id']), seen_from(full[grand['id']], child['id'])]
        self.assertNotIn('parent', seen[0])
        self.assertEqual(seen[0]['meta']['hierarchy_tags'], [child['id']])
        self.assertEqual(seen[1]['meta']['hierarchy_tags'], [child['id'], grand['id']])
        self.assertEqual(seen[1]['parent'], {'id': child['id'], 'name': 'Child'})
        self.assertEqual(self.list_orgs(auth='cleo@example.com'), listed(seen))
        self.assertOrgIs(seen[0], auth='cleo@example.com')
        self.assertOrgIs(seen[1], auth='cleo@example.com')
        # every id an answer gives cleo answers cleo
        for o in seen:
            for oid in o['meta']['hierarchy_tags'] + [o.get('parent', {}).get('id')]:
                if oid:
                    self.assertEqual(self.req('GET', '/organizations/' + oid,
                                              auth='cleo@example.com').status, 200)
        # the creator still sees the whole chain
        self.assertEqual(self.list_orgs(), listed(list(full.values())))
        # a rename by cleo answers what cleo sees
        r = self.req('PUT', '/organizations/' + grand['id'], {'name': 'Grand 2'},
                     auth='cleo@example.com')
        self.assertEqual(r.status, 200, r)
        want = dict(seen[1], name='Grand 2')
        self.assertEqual(r.json['result'], want)

    def test_id_3_2_an_account_member_is_not_told_the_organization(self):
        root = self.create_org('Root')
        acct = self.create_account('In Root', org=root)
        self.assertEqual(acct['managed_by'], {'parent_org_id': root['id'],
                                              'parent_org_name': 'Root'})
        self.add_am(acct, 'dana@example.com', 'accepted', roles=[ADMIN])
        self.assertGetIs(org_unseen(acct), auth='dana@example.com')
        self.assertEqual(self.all_accounts(auth='dana@example.com'), [org_unseen(acct)])
        r = self.req('GET', '/organizations/' + root['id'], auth='dana@example.com')
        self.assertEqual(r.json, org_not_found(root['id']))
        # once dana is a member of the organization too, it is named again
        self.add(root, 'dana@example.com')
        self.assertGetIs(acct, auth='dana@example.com')


class AdminToken(ApiTest):
    server_args = ('--admin-token', 'admin-secret')

    def test_id_4_1_the_bearer_scheme_is_case_insensitive(self):
        for scheme in ('Bearer', 'bearer', 'BEARER', 'bEaReR'):
            with self.subTest(scheme=scheme):
                r = self.req('GET', '/_cfmock/snapshots', auth=None,
                             headers={'Authorization': scheme + ' admin-secret'})
                self.assertEqual(r.status, 200, r)
                # and /client/v4 reads it the same way
                r = self.req('GET', '/user', auth=None,
                             headers={'Authorization': scheme + ' ' + TOKEN_A})
                self.assertEqual(r.status, 200, r)
        for value in ('Bearer admin-secretx', 'Basic admin-secret', 'admin-secret',
                      'Bearer'):
            with self.subTest(value=value):
                r = self.req('GET', '/_cfmock/snapshots', auth=None,
                             headers={'Authorization': value})
                self.assertError(r, 401, [1401])


class Upgrade(ApiTest):
    def test_id_5_1_a_database_of_schema_4_keeps_its_token_users_apart(self):
        """A token user of schema 4 kept its label as its email; after the
        upgrade the label no longer reaches it."""
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'v4.db')
            with harness.Server(db=db) as srv:
                victim = srv.request('GET', '/user').json['result']
                org = srv.request('POST', '/organizations', {'name': 'Mine'}).json['result']
            con = sqlite3.connect(db)
            con.execute('DROP INDEX users_email_key')
            con.execute('ALTER TABLE users DROP COLUMN email_key')
            con.execute("UPDATE users SET email = id || '@users.cfmock.invalid'")
            con.execute('DROP TABLE idempotency_keys')  # schema 006 came later
            con.execute('DROP TABLE retired_secrets')  # and 007
            con.execute('DROP TABLE api_tokens')
            con.execute('DROP TABLE audit_logs')  # and 008
            con.execute('PRAGMA user_version = 4')
            con.commit()
            con.close()
            with harness.Server(db=db) as srv:
                self.assertEqual(srv.request('GET', '/user').json['result'], victim)
                r = srv.request('GET', '/organizations/' + org['id'], auth=None,
                                headers=email_headers(victim['email']))
                self.assertEqual(r.json, org_not_found(org['id']))
                self.assertEqual(srv.request('GET', '/organizations/' + org['id']).status, 200)


if __name__ == '__main__':
    harness.main()
