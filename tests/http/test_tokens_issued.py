"""test_tokens_issued.py: API tokens made through the API (CONTRACT.md
10.3, 10.4, 12.2, 12.3, 13; README "API tokens"): /user/tokens and
/accounts/{id}/tokens, the token permission-group catalogue, and the
tokens as credentials: their secret authenticates, returned only at create
and roll; roll, delete, disable, expiry, not_before and request_ip end or
limit it; the policies decide what it reaches (deny wins), a token never
makes one reaching further, and an account-owned token acts for its
account alone with the live API's codes on the user's endpoints.

Every test gets a fresh server (seed 1, fake clock from 2026-01-01);
results are compared whole wherever practical."""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_B  # noqa: E402
from helpers import ApiTest, HEX32, UNKNOWN_ID  # noqa: E402

SETTINGS_READ = 'c1fde68c7bcc44588cbb6ddbc16d6480'
SETTINGS_WRITE = '1af1fa2adc104452b74a9a3364202f20'
TOKENS_READ = '0cc3a61731504c89b99ec1be78b77aa0'
TOKENS_WRITE = '686d18d5ac6c441c867cbf6771e58a0a'
USER_READ = '8acbe5bb0d54464ab867149d7f7cf8ac'
ACCOUNT_TOKENS_WRITE = '5bc3f8b21c554832afc660159ab75fa4'
ZONE_READ = 'c8fed203ed3043cba015a93ad1616f1f'
NAMES = {SETTINGS_READ: 'Account Settings Read', SETTINGS_WRITE: 'Account Settings Write',
         TOKENS_READ: 'API Tokens Read', TOKENS_WRITE: 'API Tokens Write',
         USER_READ: 'User Details Read', ACCOUNT_TOKENS_WRITE: 'Account API Tokens Write',
         ZONE_READ: 'Zone Read'}
SECRET = re.compile(r'^[A-Za-z0-9_-]{40}$')
STAMP = re.compile(r'^2026-01-01T00:00:\d\d\.\d{3}Z$')


def acct_key(acct):
    return 'com.cloudflare.api.account.' + (acct if isinstance(acct, str) else acct['id'])


def policy(groups, resources, effect='allow'):
    return {'effect': effect, 'permission_groups': [{'id': g} for g in groups],
            'resources': resources}


def errors(r):
    return [e['code'] for e in r.json['errors']]


class TokensTest(ApiTest):
    def setUp(self):
        super().setUp()
        self.a1 = self.create_account('One')
        self.a2 = self.create_account('Two')
        self.me_id = self.user_id()

    def create(self, policies, name='t', path='/user/tokens', auth=harness.TOKEN_A, **extra):
        body = {'name': name, 'policies': policies}
        body.update(extra)
        r = self.req('POST', path, body, auth=auth)
        self.assertEqual(r.status, 200, r)
        tok = r.json['result']
        self.assertRegex(tok['id'], HEX32)
        self.assertRegex(tok['value'], SECRET)
        return tok

    def assertAnswered(self, tok, policies):
        """The policies as the API answers them: ids assigned, names filled."""
        self.assertEqual(len(tok['policies']), len(policies))
        for got, sent in zip(tok['policies'], policies):
            self.assertRegex(got['id'], HEX32)
            want = dict(sent, id=got['id'],
                        permission_groups=[{'id': g['id'], 'name': NAMES[g['id']]}
                                           for g in sent['permission_groups']])
            self.assertEqual(got, want)


class UserTokens(TokensTest):
    def test_tok_1_1_create_get_list_whole(self):
        pols = [policy([SETTINGS_READ], {acct_key(self.a1): '*'})]
        tok = self.create(pols, name='ci')
        self.assertEqual(set(tok), {'id', 'name', 'status', 'issued_on', 'modified_on',
                                    'policies', 'value'})
        self.assertEqual((tok['name'], tok['status']), ('ci', 'active'))
        self.assertRegex(tok['issued_on'], STAMP)
        self.assertEqual(tok['modified_on'], tok['issued_on'])
        self.assertAnswered(tok, pols)
        view = {k: v for k, v in tok.items() if k != 'value'}
        # the secret is never answered again
        self.assertGetAnswers('/user/tokens/' + tok['id'], view)
        env = self.list_envelope('/user/tokens')
        self.assertEqual(env['result'], [view])
        self.assertEqual(env['result_info'], {'page': 1, 'per_page': 20, 'count': 1,
                                              'total_count': 1, 'total_pages': 1})

    def test_tok_1_2_the_secret_authenticates_within_its_policies(self):
        tok = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})])
        s = tok['value']
        r = self.req('GET', '/user/tokens/verify', auth=s)
        self.assertEqual(r.json['result'], {'id': tok['id'], 'status': 'active'})
        self.assertEqual(self.req('GET', self.url(self.a1), auth=s).json['result'], self.a1)
        # it lists only the account it reaches, and writes nothing
        self.assertEqual(self.list_envelope('/accounts', auth=s)['result'], [self.a1])
        self.assertError(self.req('GET', self.url(self.a2), auth=s), 403, [10000])
        self.assertError(self.req('PUT', self.url(self.a1), {'name': 'X'}, auth=s), 403, [10000])
        self.assertEqual(self.req('GET', self.url(self.a1)).json['result']['name'], 'One')
        # user-level endpoints need user-level groups: 9109
        self.assertError(self.req('GET', '/user', auth=s), 403, [9109])
        self.assertError(self.req('GET', '/user/tokens', auth=s), 403, [9109])
        # and it was seen in use
        got = self.req('GET', '/user/tokens/' + tok['id']).json['result']
        self.assertRegex(got['last_used_on'], STAMP)

    def test_tok_1_3_write_reaches_and_deny_wins(self):
        tok = self.create([policy([SETTINGS_WRITE], {'com.cloudflare.api.account.*': '*'}),
                           policy([SETTINGS_WRITE], {acct_key(self.a2): '*'}, 'deny')])
        s = tok['value']
        r = self.req('PUT', self.url(self.a1), {'name': 'Renamed', 'type': 'standard'}, auth=s)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['result']['name'], 'Renamed')
        self.assertError(self.req('GET', self.url(self.a2), auth=s), 403, [10000])
        self.assertEqual([a['id'] for a in self.list_envelope('/accounts', auth=s)['result']],
                         [self.a1['id']])
        # a new account is reached through account.*
        self.assertEqual(self.req('POST', '/accounts', {'name': 'Three', 'type': 'standard'},
                                  auth=s).status, 200)

    def test_tok_1_4_roll(self):
        tok = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})])
        r = self.req('PUT', '/user/tokens/%s/value' % tok['id'])
        self.assertEqual(r.status, 200, r)
        new = r.json['result']
        self.assertIsInstance(new, str)
        self.assertRegex(new, SECRET)
        self.assertNotEqual(new, tok['value'])
        self.assertError(self.req('GET', '/user/tokens/verify', auth=tok['value']), 401, [1000])
        self.assertError(self.req('GET', self.url(self.a1), auth=tok['value']), 403, [10000])
        r = self.req('GET', '/user/tokens/verify', auth=new)
        self.assertEqual(r.json['result']['id'], tok['id'])
        # with a {} body too
        self.assertEqual(self.req('PUT', '/user/tokens/%s/value' % tok['id'], {}).status, 200)
        self.assertError(self.req('GET', '/user/tokens/verify', auth=new), 401, [1000])

    def test_tok_1_5_delete(self):
        tok = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})])
        r = self.req('DELETE', '/user/tokens/' + tok['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': tok['id']}))
        self.assertError(self.req('GET', '/user/tokens/verify', auth=tok['value']), 401, [1000])
        for method, path in (('GET', ''), ('DELETE', ''), ('PUT', '/value')):
            r = self.req(method, '/user/tokens/%s%s' % (tok['id'], path))
            self.assertError(r, 404, [1501])
        self.assertEqual(self.list_envelope('/user/tokens')['result'], [])

    def test_tok_1_6_update_disable_enable(self):
        tok = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})])
        pols = [policy([SETTINGS_READ, SETTINGS_WRITE], {acct_key(self.a2): '*'})]
        r = self.req('PUT', '/user/tokens/' + tok['id'],
                     {'name': 'renamed', 'policies': pols, 'status': 'disabled'})
        self.assertEqual(r.status, 200, r)
        got = r.json['result']
        self.assertEqual((got['name'], got['status']), ('renamed', 'disabled'))
        self.assertAnswered(got, pols)
        self.assertGreater(got['modified_on'], got['issued_on'])
        self.assertError(self.req('GET', '/user/tokens/verify', auth=tok['value']), 401, [1000])
        self.assertError(self.req('GET', self.url(self.a2), auth=tok['value']), 403, [10000])
        # no status: as it was; active again: usable, the secret unchanged
        r = self.req('PUT', '/user/tokens/' + tok['id'], {'name': 'n', 'policies': pols})
        self.assertEqual(r.json['result']['status'], 'disabled')
        r = self.req('PUT', '/user/tokens/' + tok['id'],
                     {'name': 'n', 'policies': pols, 'status': 'active'})
        self.assertEqual(r.json['result']['status'], 'active')
        self.assertEqual(self.req('GET', self.url(self.a2), auth=tok['value']).status, 200)
        r = self.req('PUT', '/user/tokens/' + tok['id'],
                     {'name': 'n', 'policies': pols, 'status': 'expired'})
        self.assertError(r, 400, [1003])
        self.assertEqual(r.json['errors'][0]['source'], {'pointer': '/status'})

    def test_tok_1_7_expiry_and_not_before(self):
        p = [policy([SETTINGS_READ], {acct_key(self.a1): '*'})]
        old = self.create(p, name='old', expires_on='2025-06-01T00:00:00Z')
        later = self.create(p, name='later', not_before='2030-01-01T00:00:00Z',
                            expires_on='2031-01-01T00:00:00.000Z')
        self.assertEqual(old['status'], 'expired')
        self.assertEqual(old['expires_on'], '2025-06-01T00:00:00.000Z')
        self.assertEqual((later['status'], later['not_before'], later['expires_on']),
                         ('active', '2030-01-01T00:00:00.000Z', '2031-01-01T00:00:00.000Z'))
        for s in (old['value'], later['value']):
            self.assertError(self.req('GET', '/user/tokens/verify', auth=s), 401, [1000])
            self.assertError(self.req('GET', self.url(self.a1), auth=s), 403, [10000])
        names = [t['name'] for t in self.list_envelope('/user/tokens')['result']]
        self.assertEqual(names, ['later'])
        env = self.list_envelope('/user/tokens', query={'include_expired': 'true'})
        self.assertEqual([t['name'] for t in env['result']], ['old', 'later'])
        env = self.list_envelope('/user/tokens', query={'include_expired': 'true',
                                                        'direction': 'desc'})
        self.assertEqual([t['name'] for t in env['result']], ['later', 'old'])

    def test_tok_1_7b_verify_answers_the_tokens_limits(self):
        p = [policy([SETTINGS_READ], {acct_key(self.a1): '*'})]
        tok = self.create(p, not_before='2020-01-01T00:00:00Z', expires_on='2031-01-01T00:00:00Z')
        r = self.req('GET', '/user/tokens/verify', auth=tok['value'])
        self.assertEqual(r.json['result'], {'id': tok['id'], 'status': 'active',
                                            'not_before': '2020-01-01T00:00:00.000Z',
                                            'expires_on': '2031-01-01T00:00:00.000Z'})

    def test_tok_1_8_request_ip(self):
        p = [policy([SETTINGS_READ], {acct_key(self.a1): '*'})]
        cases = (({'request_ip': {'in': ['10.0.0.0/8']}}, 403),
                 ({'request_ip': {'in': ['127.0.0.0/8', '2001:db8::/32']}}, 200),
                 ({'request.ip': {'in': ['127.0.0.0/8'], 'not_in': ['127.0.0.1/32']}}, 403),
                 ({'request.ip': {'not_in': ['192.0.2.1']}}, 200))
        for cond, status in cases:
            with self.subTest(cond=cond):
                tok = self.create(p, condition=cond)
                ip = cond.get('request_ip') or cond.get('request.ip')
                self.assertEqual(tok['condition'], {'request_ip': ip})
                self.assertEqual(self.req('GET', self.url(self.a1), auth=tok['value']).status,
                                 status)

    def test_tok_1_9_bad_input_names_the_field_and_changes_nothing(self):
        good = policy([SETTINGS_READ], {acct_key(self.a1): '*'})
        cases = (
            ({'policies': [good]}, 1001, '/name'),
            ({'name': 'x'}, 1001, '/policies'),
            ({'name': 'x' * 121, 'policies': [good]}, 1003, '/name'),
            ({'name': 'x', 'policies': []}, 1003, '/policies'),
            ({'name': 'x', 'policies': [dict(good, effect='maybe')]}, 1003,
             '/policies/0/effect'),
            ({'name': 'x', 'policies': [policy([SETTINGS_READ, UNKNOWN_ID],
                                               {acct_key(self.a1): '*'})]},
             1003, '/policies/0/permission_groups/1/id'),
            ({'name': 'x', 'policies': [policy([SETTINGS_READ], {'acct.%s' % self.a1['id']: '*'})]},
             1003, '/policies/0/resources/acct.%s' % self.a1['id']),
            ({'name': 'x', 'policies': [policy([SETTINGS_READ], {acct_key('XYZ'): '*'})]},
             1003, '/policies/0/resources/' + acct_key('XYZ')),
            ({'name': 'x', 'policies': [policy([SETTINGS_READ], {acct_key(self.a1): 'all'})]},
             1003, '/policies/0/resources/' + acct_key(self.a1)),
            ({'name': 'x', 'policies': [policy([ZONE_READ], {acct_key(self.a1): '*'})]},
             1003, '/policies/0/permission_groups'),
            ({'name': 'x', 'policies': [policy([USER_READ], {'com.cloudflare.api.user.' + UNKNOWN_ID: '*'})]},
             1003, '/policies/0/resources/com.cloudflare.api.user.' + UNKNOWN_ID),
            ({'name': 'x', 'policies': [good], 'expires_on': 'tomorrow'}, 1003, '/expires_on'),
            ({'name': 'x', 'policies': [good], 'not_before': '2030-01-02T00:00:00Z',
              'expires_on': '2030-01-01T00:00:00Z'}, 1003, '/expires_on'),
            ({'name': 'x', 'policies': [good], 'condition': {'request_ip': {'in': ['1.2.3.4/33']}}},
             1003, '/condition/request_ip/in/0'),
            ({'name': 'x', 'policies': [good], 'condition': {'request.ip': {'not_in': ['nope']}}},
             1003, '/condition/request.ip/not_in/0'),
        )
        for body, code, pointer in cases:
            with self.subTest(pointer=pointer, body=body):
                r = self.req('POST', '/user/tokens', body)
                self.assertError(r, 400, [code])
                self.assertEqual(r.json['errors'][0]['source'], {'pointer': pointer})
        self.assertEqual(self.list_envelope('/user/tokens')['result'], [])

    def test_tok_1_10_another_users_token_is_not_there(self):
        tok = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})])
        for method, path, body in (('GET', '', None), ('PUT', '', {'name': 'x', 'policies': [
                policy([SETTINGS_READ], {'com.cloudflare.api.account.*': '*'})]}),
                ('DELETE', '', None), ('PUT', '/value', None)):
            r = self.req(method, '/user/tokens/%s%s' % (tok['id'], path), body, auth=TOKEN_B)
            self.assertError(r, 404, [1501])
        self.assertEqual(self.list_envelope('/user/tokens', auth=TOKEN_B)['result'], [])
        self.assertEqual(self.req('GET', '/user/tokens/verify', auth=tok['value']).status, 200)

    def test_tok_1_11_a_token_makes_tokens_within_its_own_reach(self):
        me = 'com.cloudflare.api.user.' + self.me_id
        reader = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})])
        r = self.req('POST', '/user/tokens', {'name': 'x', 'policies': [
            policy([SETTINGS_READ], {acct_key(self.a1): '*'})]}, auth=reader['value'])
        self.assertError(r, 403, [9109])
        maker = self.create([policy([TOKENS_WRITE, USER_READ], {me: '*'}),
                             policy([SETTINGS_READ], {acct_key(self.a1): '*'})])
        s = maker['value']
        self.assertEqual(self.req('GET', '/user', auth=s).json['result']['id'], self.me_id)
        child = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})], auth=s)
        self.assertEqual(self.req('GET', self.url(self.a1), auth=child['value']).status, 200)
        for wider in (policy([SETTINGS_WRITE], {acct_key(self.a1): '*'}),
                      policy([SETTINGS_READ], {acct_key(self.a2): '*'}),
                      policy([SETTINGS_READ], {'com.cloudflare.api.account.*': '*'})):
            r = self.req('POST', '/user/tokens', {'name': 'x', 'policies': [wider]}, auth=s)
            self.assertError(r, 403, [9109])
        self.assertEqual(len(self.list_envelope('/user/tokens')['result']), 3)

    def test_tok_1_12_paging(self):
        p = [policy([SETTINGS_READ], {acct_key(self.a1): '*'})]
        for i in range(7):
            self.create(p, name='t%d' % i)
        env = self.list_envelope('/user/tokens', query={'per_page': 5, 'page': 2})
        self.assertEqual([t['name'] for t in env['result']], ['t5', 't6'])
        self.assertEqual(env['result_info'], {'page': 2, 'per_page': 5, 'count': 2,
                                              'total_count': 7, 'total_pages': 2})
        env = self.list_envelope('/user/tokens', query={'per_page': 5, 'page': 3})
        self.assertEqual(env['result'], [])
        r = self.req('GET', '/user/tokens', query={'include_expired': 'yes'})
        self.assertError(r, 400, [1004])

    def test_tok_1_13_reset_forgets_issued_tokens(self):
        tok = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})])
        self.assertEqual(self.srv.request('POST', '/_cfmock/reset', auth=None).status, 200)
        # forgotten: in open mode it is now an unknown token, a new user of its own
        r = self.req('GET', '/user/tokens/verify', auth=tok['value'])
        self.assertNotEqual(r.json['result']['id'], tok['id'])
        self.assertEqual(self.list_envelope('/accounts', auth=tok['value'])['result'], [])


class PermissionGroups(TokensTest):
    def test_tok_2_1_the_catalogue(self):
        env = self.list_envelope('/user/tokens/permission_groups')
        by_id = {g['id']: g for g in env['result']}
        self.assertEqual(by_id[SETTINGS_READ], {'id': SETTINGS_READ, 'name': 'Account Settings Read',
                                                'scopes': ['com.cloudflare.api.account'],
                                                'category': 'account_and_billing'})
        self.assertEqual(by_id[TOKENS_WRITE]['scopes'], ['com.cloudflare.api.user'])
        self.assertEqual(by_id[ZONE_READ]['scopes'], ['com.cloudflare.api.account.zone'])
        self.assertEqual(env['result_info']['count'], len(env['result']))
        r = self.list_envelope('/user/tokens/permission_groups',
                               query={'name': 'account settings write'})
        self.assertEqual([g['id'] for g in r['result']], [SETTINGS_WRITE])
        r = self.list_envelope('/user/tokens/permission_groups',
                               query={'scope': 'com.cloudflare.api.user'})
        self.assertEqual(len(r['result']), 6)
        acc = self.list_envelope(self.url(self.a1, '/tokens/permission_groups'))['result']
        self.assertEqual(len(acc), len([g for g in env['result'] if set(g['scopes']) & {
            'com.cloudflare.api.account', 'com.cloudflare.api.account.zone'}]))
        self.assertNotIn(TOKENS_WRITE, [g['id'] for g in acc])
        self.assertError(self.req('GET', self.url(self.a1, '/tokens/permission_groups'),
                                  auth=TOKEN_B), 404, [1201])


class AccountTokens(TokensTest):
    def test_tok_3_1_an_account_token_acts_for_its_account(self):
        path = self.url(self.a1, '/tokens')
        pols = [policy([SETTINGS_READ], {acct_key(self.a1): '*'})]
        tok = self.create(pols, path=path)
        self.assertAnswered(tok, pols)
        view = {k: v for k, v in tok.items() if k != 'value'}
        self.assertGetAnswers(self.url(self.a1, '/tokens/' + tok['id']), view)
        self.assertEqual(self.list_envelope(path)['result'], [view])
        # the two kinds do not mix
        self.assertEqual(self.list_envelope('/user/tokens')['result'], [])
        self.assertError(self.req('GET', '/user/tokens/' + tok['id']), 404, [1501])
        s = tok['value']
        # what wrangler relies on (CONTRACT.md 13, 14)
        self.assertError(self.req('GET', '/user/tokens/verify', auth=s), 401, [1000])
        r = self.req('GET', self.url(self.a1, '/tokens/verify'), auth=s)
        self.assertEqual(r.json['result'], {'id': tok['id'], 'status': 'active'})
        self.assertError(self.req('GET', '/user', auth=s), 403, [9109])
        self.assertEqual(self.list_envelope('/accounts', auth=s)['result'], [self.a1])
        self.assertEqual(self.list_envelope('/accounts', auth=s,
                                            query={'page': 2})['result'], [])
        self.assertEqual(self.req('GET', self.url(self.a1), auth=s).json['result'], self.a1)
        self.assertError(self.req('GET', self.url(self.a2), auth=s), 403, [10000])
        self.assertError(self.req('GET', self.url(self.a2, '/tokens/verify'), auth=s), 404, [1201])
        self.assertError(self.req('POST', '/accounts', {'name': 'N', 'type': 'standard'}, auth=s),
                         403, [9109])
        self.assertError(self.req('GET', '/organizations', auth=s), 403, [9109], result_key='absent')
        self.assertError(self.req('POST', self.url(self.a1, '/tokens'), {'name': 'x', 'policies': pols},
                                  auth=s), 403, [9109])

    def test_tok_3_2_an_account_token_manages_its_accounts_tokens(self):
        path = self.url(self.a1, '/tokens')
        admin = self.create([policy([ACCOUNT_TOKENS_WRITE, SETTINGS_READ],
                                    {acct_key(self.a1): '*'})], path=path)
        child = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})], path=path,
                            auth=admin['value'])
        r = self.req('PUT', '%s/%s/value' % (path, child['id']), auth=admin['value'])
        self.assertRegex(r.json['result'], SECRET)
        pols = [policy([SETTINGS_READ], {acct_key(self.a1): '*'})]
        r = self.req('PUT', '%s/%s' % (path, child['id']),
                     {'name': 'renamed', 'policies': pols, 'status': 'disabled'},
                     auth=admin['value'])
        self.assertEqual((r.json['result']['name'], r.json['result']['status']),
                         ('renamed', 'disabled'))
        self.assertAnswered(r.json['result'], pols)
        r = self.req('DELETE', '%s/%s' % (path, child['id']), auth=admin['value'])
        self.assertEqual(r.json, harness.ok_envelope({'id': child['id']}))
        self.assertEqual([t['id'] for t in self.list_envelope(path)['result']], [admin['id']])
        # another account's tokens are not its to manage
        r = self.req('GET', self.url(self.a2, '/tokens'), auth=admin['value'])
        self.assertError(r, 403, [9109])

    def test_tok_3_3_account_token_policies_stay_in_the_account(self):
        path = self.url(self.a1, '/tokens')
        cases = ((policy([SETTINGS_READ], {acct_key(self.a2): '*'}),
                  '/policies/0/resources/' + acct_key(self.a2)),
                 (policy([SETTINGS_READ], {'com.cloudflare.api.account.*': '*'}),
                  '/policies/0/resources/com.cloudflare.api.account.*'),
                 (policy([USER_READ], {acct_key(self.a1): '*'}),
                  '/policies/0/permission_groups/0/id'))
        for pol, pointer in cases:
            with self.subTest(pointer=pointer):
                r = self.req('POST', path, {'name': 'x', 'policies': [pol]})
                self.assertError(r, 400, [1003])
                self.assertEqual(r.json['errors'][0]['source'], {'pointer': pointer})
        self.assertEqual(self.list_envelope(path)['result'], [])
        # an account the caller does not see
        r = self.req('POST', path, {'name': 'x', 'policies': [
            policy([SETTINGS_READ], {acct_key(self.a1): '*'})]}, auth=TOKEN_B)
        self.assertError(r, 404, [1201])

    def test_tok_3_4_deleting_the_account_ends_its_tokens(self):
        tok = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})],
                          path=self.url(self.a1, '/tokens'))
        self.assertEqual(self.req('DELETE', self.url(self.a1)).status, 200)
        self.assertError(self.req('GET', '/accounts', auth=tok['value']), 403, [10000])


class Export(TokensTest):
    def test_tok_4_1_the_state_export_keeps_every_credential_working(self):
        user = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})], name='u',
                           condition={'request_ip': {'in': ['127.0.0.0/8']}},
                           expires_on='2030-01-01T00:00:00Z')
        acct = self.create([policy([SETTINGS_READ], {acct_key(self.a2): '*'})], name='a',
                           path=self.url(self.a2, '/tokens'))
        rolled = self.create([policy([SETTINGS_READ], {acct_key(self.a1): '*'})], name='r')
        new = self.req('PUT', '/user/tokens/%s/value' % rolled['id']).json['result']
        self.req('PUT', '/user/tokens/' + rolled['id'], {
            'name': 'r', 'policies': [policy([SETTINGS_READ], {acct_key(self.a1): '*'})],
            'status': 'disabled'})
        before = {t['id']: t for t in self.list_envelope('/user/tokens')['result']}
        state = self.srv.request('GET', '/_cfmock/state', auth=None).json
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'state.json')
            with open(path, 'w') as f:
                json.dump(state, f)
            again = self.server('--fixtures', path)
            self.assertEqual(again.request('GET', '/_cfmock/state', auth=None).json, state)
            r = again.request('GET', '/user/tokens/verify', auth=user['value'])
            self.assertEqual(r.json['result']['id'], user['id'])
            self.assertEqual(again.request('GET', self.url(self.a1), auth=user['value']).status,
                             200)
            self.assertEqual(again.request('GET', self.url(self.a2), auth=acct['value']).status,
                             200)
            r = again.request('GET', '/accounts', auth=acct['value'])
            self.assertEqual([a['id'] for a in r.json['result']], [self.a2['id']])
            # disabled stays disabled
            self.assertEqual(again.request('GET', '/user/tokens/verify', auth=new).status, 401)
            got = {t['id']: t for t in again.request('GET', '/user/tokens').json['result']}
            for tid in before:
                got[tid].pop('last_used_on', None)
                before[tid].pop('last_used_on', None)
            self.assertEqual(got, before)

    def test_tok_4_2_fixtures_declare_tokens_and_refuse_bad_ones(self):
        acct = 'ac' * 16
        fixture = {'users': [{'email': 'ann@example.com', 'tokens': [
            {'value': 'ann-scoped-token', 'name': 'scoped', 'policies': [
                policy([SETTINGS_READ], {'com.cloudflare.api.account.' + acct: '*'})]}]}],
            'accounts': [{'id': acct, 'name': 'Fx', 'owner': 'ann@example.com', 'tokens': [
                {'value': 'fx-account-token', 'name': 'ci', 'policies': [
                    policy([SETTINGS_READ], {'com.cloudflare.api.account.' + acct: '*'})]}]}]}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'f.json')
            with open(path, 'w') as f:
                json.dump(fixture, f)
            srv = self.server('--fixtures', path, '--auth', 'strict')
            r = srv.request('GET', '/accounts/' + acct, auth='ann-scoped-token')
            self.assertEqual(r.status, 200, r)
            r = srv.request('GET', '/user/tokens/verify', auth='fx-account-token')
            self.assertEqual(r.json['errors'][0]['code'], 1000)
            r = srv.request('GET', '/accounts/%s/tokens/verify' % acct, auth='fx-account-token')
            self.assertEqual(r.status, 200, r)
            fixture['accounts'][0]['tokens'][0]['policies'][0]['resources'] = {
                'com.cloudflare.api.account.*': '*'}
            with open(path, 'w') as f:
                json.dump(fixture, f)
            code, _, err = harness.run_cfmock('--fixtures', path, '--port', '0', '--db', ':memory:')
            self.assertNotEqual(code, 0)
            self.assertIn('/accounts/0/tokens/0: policies/0/resources/com.cloudflare.api.account.*',
                          err)


if __name__ == '__main__':
    harness.main()
