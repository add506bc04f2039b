"""test_audit_logs.py: the audit log (CONTRACT.md 10.5, 12.4; README
"Audit logs"). Every accepted change through /client/v4 writes one entry
in the same transaction as the change, none for a refused or an idle
request; Audit Logs v2 of an account and of an organization (since and
before required, limit 1 to 1000, direction, the filters and their .not
twins, cursors in result_info.cursor and result_info.cursors.after), v1 of
an account and of the user (page numbers); bad input in each operation's
own envelope; entries survive restarts, follow the fake clock, are cleared
by reset and carried by fixtures and the state export; secrets never
appear.

Every test gets a fresh server (seed 1, fake clock from 2026-01-01)."""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import ADMIN, ApiTest, HEX32, PROFILE, UNKNOWN_ID  # noqa: E402

SETTINGS_READ = 'c1fde68c7bcc44588cbb6ddbc16d6480'
TOKENS_WRITE = '686d18d5ac6c441c867cbf6771e58a0a'
USER_READ = '8acbe5bb0d54464ab867149d7f7cf8ac'
ACCOUNT_TOKENS_WRITE = '5bc3f8b21c554832afc660159ab75fa4'
RANGE = {'since': '2025-12-31', 'before': '2026-01-02T00:00:00Z'}
TIME = re.compile(r'^2026-01-01T00:00:\d\d\.\d{3}Z$')
RAY = re.compile(r'^[0-9a-f]{16}$')
BOB = 'bob@example.com'


def policy(groups, resources):
    return {'effect': 'allow', 'permission_groups': [{'id': g} for g in groups],
            'resources': resources}


class AuditTest(ApiTest):
    def setUp(self):
        super().setUp()
        self.me = self.user_id()
        self.acct = self.create_account('Acme')

    def v2(self, path, query=None, auth=TOKEN_A, status=200):
        """GET an Audit Logs v2 list: the document's envelope, exactly."""
        q = dict(RANGE)
        if isinstance(query, list):
            q = list(RANGE.items()) + query
        else:
            q.update(query or {})
        r = self.req('GET', path, auth=auth, query=q)
        self.assertEqual(r.status, status, r)
        if status != 200:
            return r
        self.assertEqual(set(r.json), {'success', 'errors', 'result', 'result_info'}, r)
        self.assertIs(r.json['success'], True)
        self.assertEqual(r.json['errors'], [])
        self.assertEqual(r.json['result_info']['count'], str(len(r.json['result'])))
        return r.json

    def log(self, acct=None, query=None, auth=TOKEN_A):
        return self.v2(self.url(acct or self.acct, '/logs/audit'), query, auth)['result']

    def assertAaaError(self, r, message):
        """The v2 failure envelope: a message, no code."""
        self.assertEqual(r.status, 400, r)
        self.assertEqual(set(r.json), {'success', 'errors', 'messages'}, r)
        self.assertIs(r.json['success'], False)
        self.assertEqual(r.json['messages'], [])
        self.assertEqual(len(r.json['errors']), 1, r)
        self.assertEqual(set(r.json['errors'][0]), {'message'})
        self.assertIn(message, r.json['errors'][0]['message'])


class Recording(AuditTest):
    def test_al_1_1_a_change_writes_one_whole_entry(self):
        r = self.req('POST', self.url(self.acct, '/members'), {'email': BOB, 'roles': [ADMIN]},
                     headers={'User-Agent': 'audit-test/1.0'})
        self.assertEqual(r.status, 200, r)
        member = r.json['result']
        got = self.log()
        self.assertEqual(len(got), 2)  # newest first: the member, then the account
        e = got[0]
        self.assertRegex(e['id'], HEX32)
        self.assertRegex(e['action'].pop('time'), TIME)
        self.assertRegex(e['raw'].pop('cf_ray_id'), RAY)
        self.assertEqual(e, {
            'id': e['id'],
            'action': {'description': 'Add Member', 'result': 'success', 'type': 'create'},
            'actor': {'context': 'api_token', 'email': self.me + '@users.cfmock.invalid',
                      'id': self.me, 'ip_address': '127.0.0.1',
                      'token_id': self.req('GET', '/user/tokens/verify').json['result']['id'],
                      'type': 'user'},
            'account': {'id': self.acct['id'], 'name': 'Acme'},
            'raw': {'method': 'POST', 'status_code': 200,
                    'uri': '/accounts/%s/members' % self.acct['id'],
                    'user_agent': 'audit-test/1.0'},
            'resource': {'id': member['id'], 'product': 'members', 'type': 'member',
                         'scope': 'accounts', 'request': {'email': BOB, 'roles': [ADMIN]},
                         'response': member},
        })
        self.assertEqual(got[1]['action']['description'], 'Create Account')
        self.assertEqual(got[1]['resource']['id'], self.acct['id'])
        self.assertEqual(got[1]['resource']['response'], self.acct)

    def test_al_1_2_every_change_is_logged_where_it_belongs(self):
        a = self.acct['id']
        org = self.create_org('Top')
        child = self.create_org('Child', parent=org)
        self.req('PUT', '/organizations/' + child['id'], {'name': 'Child2'})
        self.req('PUT', '/organizations/%s/profile' % org['id'], {
            'business_name': 'B', 'business_email': 'b@example.com', 'business_phone': '1',
            'business_address': 'A', 'external_metadata': ''})
        om = self.req('POST', '/organizations/%s/members' % org['id'],
                      {'member': {'user': {'email': 'o@example.com'}}}).json['result']
        self.req('POST', '/organizations/%s/members:batchCreate' % org['id'],
                 {'members': [{'user': {'email': 'p@example.com'}}]})
        self.req('DELETE', '/organizations/%s/members/%s' % (org['id'], om['id']))
        self.req('PUT', self.url(self.acct), {'name': 'Acme2', 'type': 'standard'})
        self.req('PUT', self.url(self.acct, '/profile'), {
            'business_name': 'B', 'business_email': 'b@example.com', 'business_phone': '1',
            'business_address': 'A', 'external_metadata': ''})
        self.req('POST', self.url(self.acct, '/move'), {'destination_organization_id': org['id']})
        b = self.create_account('Bee')
        self.req('POST', '/accounts/move', {'account_ids': [b['id']],
                                            'destination_organization_id': child['id']})
        m = self.req('POST', self.url(self.acct, '/members'),
                     {'email': BOB, 'roles': [ADMIN]}).json['result']
        self.req('PUT', self.url(self.acct, '/members/' + m['id']), {'roles': [{'id': ADMIN}]})
        self.req('PUT', '/memberships/' + m['id'], {'status': 'accepted'}, auth=BOB)
        self.req('DELETE', '/memberships/' + m['id'], auth=BOB)
        m2 = self.req('POST', self.url(self.acct, '/members'),
                      {'email': BOB, 'roles': [ADMIN]}).json['result']
        self.req('PATCH', '/user/invites/' + m2['id'], {'status': 'accepted'}, auth=BOB)
        self.req('DELETE', '/user/organizations/' + a, auth=BOB)
        m3 = self.req('POST', self.url(self.acct, '/members'),
                      {'email': BOB, 'roles': [ADMIN]}).json['result']
        self.req('DELETE', self.url(self.acct, '/members/' + m3['id']))
        self.req('PATCH', '/user', {'first_name': 'Ann'})
        secrets = []
        for base in ('/user/tokens', self.url(self.acct, '/tokens')):
            res = ({'com.cloudflare.api.account.' + a: '*'} if 'accounts' in base else
                   {'com.cloudflare.api.user.' + self.me: '*'})
            grp = SETTINGS_READ if 'accounts' in base else USER_READ
            t = self.req('POST', base, {'name': 't', 'policies': [policy([grp], res)]}).json
            secrets.append(t['result']['value'])
            tid = t['result']['id']
            self.req('PUT', '%s/%s' % (base, tid), {'name': 't2',
                                                    'policies': [policy([grp], res)]})
            secrets.append(self.req('PUT', '%s/%s/value' % (base, tid), {}).json['result'])
            self.req('DELETE', '%s/%s' % (base, tid))
        self.req('DELETE', self.url(b))
        self.req('DELETE', '/organizations/' + org['id'] + '/members/' + UNKNOWN_ID)  # 404

        def descriptions(entries):
            return [e['action']['description'] for e in reversed(entries)]
        self.assertEqual(descriptions(self.log(query={'limit': '1000'})), [
            'Create Account', 'Update Account', 'Update Account Profile', 'Move Account',
            'Add Member', 'Update Member', 'Update Membership', 'Leave Account', 'Add Member',
            'Answer Invitation', 'Leave Account', 'Add Member', 'Remove Member',
            'Create API Token', 'Update API Token', 'Roll API Token', 'Delete API Token'])
        # a deleted account's log goes with it
        self.assertError(self.req('GET', self.url(b, '/logs/audit'), query=RANGE), 404, [1201])
        top = self.v2('/organizations/%s/logs/audit' % org['id'])['result']
        self.assertEqual(descriptions(top), [
            'Create Organization', 'Update Organization Profile', 'Add Organization Member',
            'Add Organization Members', 'Remove Organization Member', 'Move Account'])
        self.assertTrue(all(e['resource']['scope'] == 'organizations' and
                            e['organization'] == {'id': org['id']} and 'account' not in e
                            for e in top[1:]))
        # the move is in both logs, each in its own shape
        self.assertEqual((top[0]['organization'], top[0]['resource']['scope']),
                         ({'id': org['id']}, 'accounts'))
        self.assertNotIn('account', top[0])
        moved = [e for e in self.log(query={'limit': '1000'}) if e['id'] == top[0]['id']][0]
        self.assertEqual(moved['account'], {'id': a, 'name': 'Acme2'})
        self.assertNotIn('organization', moved)
        sub = self.v2('/organizations/%s/logs/audit' % child['id'])['result']
        self.assertEqual(descriptions(sub), ['Create Organization', 'Update Organization',
                                             'Move Accounts'])
        mine = self.list_envelope('/user/audit_logs', {'per_page': '1000'})['result']
        tokens = ['Create API Token', 'Update API Token', 'Roll API Token', 'Delete API Token']
        self.assertEqual([e['metadata']['description'] for e in reversed(mine)], [
            'Create Account', 'Create Organization', 'Create Organization', 'Update Organization',
            'Update Organization Profile', 'Add Organization Member', 'Add Organization Members',
            'Remove Organization Member', 'Update Account', 'Update Account Profile',
            'Move Account', 'Create Account', 'Move Accounts', 'Add Member', 'Update Member',
            'Add Member', 'Add Member', 'Remove Member', 'Update User'] + tokens + tokens +
            ['Delete Account'])
        bobs = self.list_envelope('/user/audit_logs', auth=BOB)['result']
        self.assertEqual([e['metadata']['description'] for e in reversed(bobs)],
                         ['Update Membership', 'Leave Account', 'Answer Invitation',
                          'Leave Account'])
        # no secret anywhere in any log
        text = json.dumps([self.log(query={'limit': '1000'}), mine, top, sub, bobs])
        for s in secrets + [TOKEN_A, TOKEN_B]:
            self.assertNotIn(s, text)
        # the token entries keep the token without its value
        created = [e for e in self.log(query={'limit': '1000'})
                   if e['action']['description'] == 'Create API Token'][0]
        self.assertNotIn('value', created['resource']['response'])
        self.assertEqual(created['resource']['response']['name'], 't')
        rolled = [e for e in self.log(query={'limit': '1000'})
                  if e['action']['description'] == 'Roll API Token'][0]
        self.assertEqual(rolled['resource']['response'], {})

    def test_al_1_3_refused_and_idle_requests_write_nothing(self):
        before = self.log()
        self.assertEqual(self.req('POST', self.url(self.acct, '/members'), {'email': 'x'}).status,
                         400)
        self.assertEqual(self.req('PUT', self.url(self.acct), {'name': ''}).status, 400)
        self.assertEqual(self.req('DELETE', '/accounts/' + UNKNOWN_ID).status, 404)
        self.assertEqual(self.req('GET', self.url(self.acct)).status, 200)
        # an Idempotency-Key replay answers again and changes nothing
        h = {'Idempotency-Key': 'k-1'}
        one = self.req('POST', '/accounts', {'name': 'Once'}, headers=h)
        two = self.req('POST', '/accounts', {'name': 'Once'}, headers=h)
        self.assertEqual((one.status, one.json), (two.status, two.json))
        after = self.log(one.json['result'])
        self.assertEqual([e['action']['description'] for e in after], ['Create Account'])
        self.assertEqual(self.log(), before)

    def test_al_1_4_an_account_token_and_a_key_are_the_actors(self):
        a = self.acct['id']
        t = self.req('POST', self.url(self.acct, '/tokens'), {'name': 'robot', 'policies': [
            policy([SETTINGS_READ, ACCOUNT_TOKENS_WRITE],
                   {'com.cloudflare.api.account.' + a: '*'})]}).json['result']
        r = self.req('POST', self.url(self.acct, '/tokens'), {'name': 'child', 'policies': [
            policy([SETTINGS_READ], {'com.cloudflare.api.account.' + a: '*'})]},
            auth=t['value'])
        self.assertEqual(r.status, 200, r)
        e = self.log(query={'limit': '1'})[0]
        self.assertEqual(e['actor'], {'context': 'api_token', 'id': a, 'ip_address': '127.0.0.1',
                                      'token_id': t['id'], 'token_name': 'robot',
                                      'type': 'account'})
        # the token reads its account's log (Account Settings Read)
        self.assertEqual(self.log(auth=t['value'])[0]['id'], e['id'])
        # but has no user: the user's log is 9109
        self.assertError(self.req('GET', '/user/audit_logs', auth=t['value']), 403, [9109],
                         result_key='absent')
        # an email and key is api_key; the email is the user's
        k = self.req('PUT', self.url(self.acct), {'name': 'Keyed', 'type': 'standard'},
                     auth='ann@example.com')
        self.assertEqual(k.status, 404)  # ann is no member of it
        mine = self.create_account('Ann', auth='ann@example.com')
        e = self.log(mine, auth='ann@example.com')[0]
        self.assertEqual((e['actor']['context'], e['actor']['email']),
                         ('api_key', 'ann@example.com'))
        self.assertNotIn('token_id', e['actor'])


class V2(AuditTest):
    def many(self, n):
        for i in range(n):
            self.req('PUT', self.url(self.acct), {'name': 'Acme %d' % i, 'type': 'standard'})

    def test_al_2_1_cursor_paging_both_ways(self):
        self.many(9)
        every = self.log(query={'limit': '1000'})
        self.assertEqual(len(every), 10)
        times = [e['action']['time'] for e in every]
        self.assertEqual(times, sorted(times, reverse=True))
        for direction, want in (('desc', every), ('asc', every[::-1])):
            got, cursor, pages = [], None, 0
            while True:
                q = {'limit': '3', 'direction': direction}
                if cursor:
                    q['cursor'] = cursor
                env = self.v2(self.url(self.acct, '/logs/audit'), q)
                got += env['result']
                pages += 1
                info = env['result_info']
                if 'cursor' not in info:
                    self.assertEqual(set(info), {'count'})
                    break
                self.assertEqual(info['cursors'], {'after': info['cursor']})
                cursor = info['cursor']
            self.assertEqual(got, want)
            self.assertEqual(pages, 4)
        # an entry made between two pages does not shift the next page
        env = self.v2(self.url(self.acct, '/logs/audit'), {'limit': '5'})
        self.many(1)
        rest = self.v2(self.url(self.acct, '/logs/audit'),
                       {'limit': '5', 'cursor': env['result_info']['cursor']})['result']
        self.assertEqual(rest, every[5:])

    def test_al_2_2_the_time_range(self):
        self.many(2)
        every = self.log()
        t = every[1]['action']['time']
        got = self.v2(self.url(self.acct, '/logs/audit'),
                      {'since': t, 'before': '2026-01-02'})['result']
        self.assertEqual(got, every[:2])
        got = self.v2(self.url(self.acct, '/logs/audit'),
                      {'since': '2026-01-01', 'before': t})['result']
        self.assertEqual(got, every[2:])
        self.assertEqual(self.v2(self.url(self.acct, '/logs/audit'),
                                 {'since': '2026-01-02', 'before': '2026-01-03'})['result'], [])

    def test_al_2_3_filters_and_their_not_twins(self):
        self.req('POST', self.url(self.acct, '/members'), {'email': BOB, 'roles': [ADMIN]})
        self.req('PUT', self.url(self.acct), {'name': 'Renamed', 'type': 'standard'})
        every = self.log()

        def ids(query):
            return [e['resource']['product'] + ':' + e['action']['type']
                    for e in self.log(query=query)]
        self.assertEqual(ids({'action_type': 'create'}), ['members:create', 'accounts:create'])
        self.assertEqual(ids({'action_type.not': 'create'}), ['accounts:update'])
        self.assertEqual(ids([('resource_product', 'members'), ('resource_product', 'accounts'),
                              ('action_type.not', 'update')]),
                         ['members:create', 'accounts:create'])
        self.assertEqual(ids({'raw_method': 'PUT'}), ['accounts:update'])
        self.assertEqual(ids({'raw_status_code': '200', 'resource_type': 'member'}),
                         ['members:create'])
        self.assertEqual(ids({'id': every[0]['id']}), ['accounts:update'])
        self.assertEqual(ids({'actor_email.not': self.me + '@users.cfmock.invalid'}), [])
        self.assertEqual(ids({'account_name': 'Acme'}), ['members:create', 'accounts:create'])
        self.assertEqual(ids({'zone_name': 'example.com'}), [])
        self.assertEqual(len(ids({'zone_name.not': 'example.com'})), 3)
        self.assertEqual(ids({'product_category': 'MEMBERS'}), ['members:create'])
        self.assertEqual(ids({'resource_scope': 'accounts', 'actor_type': 'user',
                              'actor_context': 'api_token', 'action_result': 'success'}),
                         [e['resource']['product'] + ':' + e['action']['type'] for e in every])
        self.assertEqual(ids({'action_result': 'failure'}), [])

    def test_al_2_4_bad_input_in_the_documents_envelope(self):
        path = self.url(self.acct, '/logs/audit')
        for query, message in (
                ({'before': '2026-01-02'}, "'since' is required"),
                ({'since': '2026-01-01'}, "'before' is required"),
                ({'since': 'yesterday', 'before': '2026-01-02'}, "'since'"),
                ({'since': '2026-02-30', 'before': '2026-03-02'}, "'since'"),
                ({'since': '2026-01-02', 'before': '2026-01-01'}, 'later than'),
                ({'since': '2026-01-02', 'before': '2026-01-02'}, 'later than'),
                (dict(RANGE, limit='0'), "'limit'"), (dict(RANGE, limit='1001'), "'limit'"),
                (dict(RANGE, limit='ten'), "'limit'"), (dict(RANGE, direction='up'), 'direction'),
                (dict(RANGE, action_type='edit'), "'action_type'"),
                (dict(RANGE, **{'actor_type.not': 'robot'}), "'actor_type.not'"),
                (dict(RANGE, raw_status_code='abc'), "'raw_status_code'"),
                (dict(RANGE, resource_scope='organizations'), "'resource_scope'"),
                (dict(RANGE, product_category='nonsense'), 'unknown product category'),
                (dict(RANGE, cursor='not-a-cursor'), 'not issued by this server')):
            with self.subTest(query=query):
                self.assertAaaError(self.req('GET', path, query=query), message)
        # whole messages, one per catalogue row (their codes are not sent)
        for query, message in (
                ({'before': '2026-01-02'}, "'since' is required: a date (2026-04-30) "
                 "or an RFC 3339 date-time, in UTC"),
                (dict(RANGE, limit='0'), "invalid value for query parameter 'limit': "
                 "must be a number from 1 to 1000"),
                (dict(RANGE, cursor='zz'), "invalid 'cursor': it was not issued by this server")):
            r = self.req('GET', path, query=query)
            self.assertAaaError(r, message)
            self.assertEqual(r.json['errors'][0]['message'], message)
        # a cursor is good only for the query it was made for
        self.req('PUT', self.url(self.acct), {'name': 'B', 'type': 'standard'})
        env = self.v2(path, {'limit': '1'})
        cursor = env['result_info']['cursor']
        self.assertAaaError(self.req('GET', path, query=dict(RANGE, cursor=cursor,
                                                             action_type='create')),
                            'issued for another query')
        tampered = cursor[:-2] + ('AA' if cursor[-2:] != 'AA' else 'BB')
        self.assertAaaError(self.req('GET', path, query=dict(RANGE, cursor=tampered)),
                            'not issued by this server')
        other = self.create_account('Other')
        self.assertAaaError(self.req('GET', self.url(other, '/logs/audit'),
                                     query=dict(RANGE, cursor=cursor)),
                            'issued for another query')
        self.assertEqual(self.v2(path, {'limit': '1', 'cursor': cursor})['result_info']['count'],
                         '1')

    def test_al_2_5_who_may_read_which_log(self):
        self.assertError(self.req('GET', self.url(self.acct, '/logs/audit'), auth=TOKEN_B,
                                  query=RANGE), 404, [1201])
        self.assertError(self.req('GET', '/accounts/%s/logs/audit' % UNKNOWN_ID, query=RANGE),
                         404, [1201])
        org = self.create_org('Top')
        r = self.req('GET', '/organizations/%s/logs/audit' % org['id'], auth=TOKEN_B,
                     query=RANGE)
        self.assertError(r, 404, [1101])
        # a token without Account Settings on the account: 10000
        t = self.req('POST', '/user/tokens', {'name': 'u', 'policies': [policy(
            [USER_READ], {'com.cloudflare.api.user.' + self.me: '*'})]}).json['result']
        self.assertError(self.req('GET', self.url(self.acct, '/logs/audit'), auth=t['value'],
                                  query=RANGE), 403, [10000])
        # the organization's log has only its own filter values
        path = '/organizations/%s/logs/audit' % org['id']
        self.assertAaaError(self.req('GET', path, query=dict(RANGE, actor_type='account')),
                            "'actor_type'")
        got = self.v2(path, {'resource_scope': 'organizations',
                             'account_name': 'ignored here'})['result']
        self.assertEqual([e['action']['description'] for e in got], ['Create Organization'])


class V1(AuditTest):
    def test_al_3_1_the_v1_view_and_its_pages(self):
        for i in range(4):
            self.req('PUT', self.url(self.acct), {'name': 'Acme %d' % i, 'type': 'standard'})
        v2 = self.log()
        env = self.list_envelope(self.url(self.acct, '/audit_logs'), {'per_page': '2'})
        self.assertEqual(env['result_info'], {'page': 1, 'per_page': 2, 'count': 2,
                                              'total_count': 5, 'total_pages': 3})
        e = env['result'][0]
        self.assertEqual(e, {
            'id': v2[0]['id'], 'when': v2[0]['action']['time'],
            'action': {'type': 'update', 'result': True},
            'actor': {'id': self.me, 'email': self.me + '@users.cfmock.invalid',
                      'ip': '127.0.0.1', 'type': 'user'},
            'interface': 'API',
            'metadata': {'description': 'Update Account', 'product': 'accounts',
                         'scope': 'accounts'},
            'newValue': json.dumps(v2[0]['resource']['response'], separators=(',', ':')),
            'owner': {'id': self.acct['id']},
            'resource': {'id': self.acct['id'], 'type': 'account'},
        })
        self.assertEqual(json.loads(e['newValue'])['name'], 'Acme 3')
        page3 = self.list_envelope(self.url(self.acct, '/audit_logs'),
                                   {'per_page': '2', 'page': '3'})['result']
        self.assertEqual([x['id'] for x in page3], [v2[4]['id']])
        past = self.list_envelope(self.url(self.acct, '/audit_logs'),
                                  {'per_page': '2', 'page': '4'})
        self.assertEqual(past['result'], [])
        asc = self.list_envelope(self.url(self.acct, '/audit_logs'),
                                 {'direction': 'asc'})['result']
        self.assertEqual([x['id'] for x in asc], [x['id'] for x in reversed(v2)])

    def test_al_3_2_v1_filters_and_bad_input(self):
        self.req('POST', self.url(self.acct, '/members'), {'email': BOB, 'roles': [ADMIN]})
        path = self.url(self.acct, '/audit_logs')

        def count(query):
            return len(self.list_envelope(path, query)['result'])
        self.assertEqual(count({'action.type': 'create'}), 2)
        self.assertEqual(count({'action.type': 'update'}), 0)
        self.assertEqual(count({'actor.ip': '127.0.0.0/8'}), 2)
        self.assertEqual(count({'actor.ip': '127.0.0.1'}), 2)
        self.assertEqual(count({'actor.ip': '10.0.0.0/8'}), 0)
        self.assertEqual(count({'actor.email': BOB}), 0)
        self.assertEqual(count({'zone.name': 'example.com'}), 0)
        self.assertEqual(count({'since': '2026-01-01T00:00:00Z', 'before': '2026-01-02'}), 2)
        self.assertEqual(count({'before': '2026-01-01'}), 0)
        self.assertEqual(count({'export': 'true', 'hide_user_logs': 'true'}), 2)
        for query, param in (({'per_page': '0'}, 'per_page'), ({'per_page': '1001'}, 'per_page'),
                             ({'page': '0'}, 'page'), ({'direction': 'sideways'}, 'direction'),
                             ({'actor.ip': '300.1.1.1'}, 'actor.ip'),
                             ({'since': 'soon'}, 'since'), ({'export': 'yes'}, 'export'),
                             ({'since': '2026-01-02', 'before': '2026-01-01'}, 'before')):
            with self.subTest(query=query):
                r = self.req('GET', path, query=query)
                self.assertError(r, 400, [1004], result_key='absent')
                self.assertEqual(r.json['errors'][0]['source'], {'parameter': param})

    def test_al_3_3_the_users_own_log(self):
        self.req('PATCH', '/user', {'first_name': 'Ann'})
        self.req('PATCH', '/user', {'first_name': 'Bob'}, auth=TOKEN_B)
        mine = self.list_envelope('/user/audit_logs')['result']
        self.assertEqual([(e['metadata']['description'], e['owner']['id']) for e in mine],
                         [('Update User', self.me), ('Create Account', self.acct['id'])])
        hidden = self.list_envelope('/user/audit_logs', {'hide_user_logs': 'true'})['result']
        self.assertEqual([e['metadata']['description'] for e in hidden], ['Create Account'])
        theirs = self.list_envelope('/user/audit_logs', auth=TOKEN_B)['result']
        self.assertEqual([e['metadata']['description'] for e in theirs], ['Update User'])


    def test_al_3_5_total_count_follows_every_change_to_the_log(self):
        """v1's total_count is kept between pages and counts only what
        was written since: it must still be right after more changes,
        a snapshot restored, a reset and the same log made again."""
        path = self.url(self.acct, '/audit_logs')

        def total(query=None, acct=None):
            q = {'per_page': '1'}
            q.update(query or {})
            return self.list_envelope(self.url(acct or self.acct, '/audit_logs'),
                                      q)['result_info']['total_count']

        self.assertEqual(total(), 1)                       # Create Account
        self.assertEqual(total(), 1)                       # again, unchanged
        for i in range(3):
            self.req('PUT', self.url(self.acct), {'name': 'Acme %d' % i, 'type': 'standard'})
        self.assertEqual(total(), 4)                       # the three added
        self.assertEqual(total({'action.type': 'update'}), 3)
        self.assertEqual(total({'action.type': 'create'}), 1)
        other = self.create_account('Other')                # another log
        self.req('PUT', self.url(other), {'name': 'Other 2', 'type': 'standard'})
        self.assertEqual(total(), 4)
        self.assertEqual(total(acct=other), 2)
        # a refused change writes nothing, and the count says so
        self.assertEqual(self.req('PUT', self.url(self.acct), {'name': ''}).status, 400)
        self.assertEqual(total(), 4)
        self.assertEqual(self.req('POST', '/_cfmock/snapshots/four', auth=None).status, 200)
        for i in range(2):
            self.req('PUT', self.url(self.acct), {'name': 'Later %d' % i, 'type': 'standard'})
        self.assertEqual(total(), 6)
        self.assertEqual(total({'action.type': 'update'}), 5)
        self.assertEqual(self.req('POST', '/_cfmock/snapshots/four/restore',
                                  auth=None).status, 200)
        # past where the last count stopped before anything is counted,
        # the places of the two entries it saw last now hold another
        # account's
        for i in range(2):
            self.req('PUT', self.url(other), {'name': 'Other %d' % i, 'type': 'standard'})
        self.req('PUT', self.url(self.acct), {'name': 'After', 'type': 'standard'})
        self.assertEqual(total(), 5)
        self.assertEqual(total({'action.type': 'update'}), 4)
        self.assertEqual(len(self.list_envelope(path, {'per_page': '100'})['result']), 5)
        self.assertEqual(total(acct=other), 4)
        self.assertEqual(self.req('POST', '/_cfmock/snapshots/four/restore',
                                  auth=None).status, 200)
        self.assertEqual(total(), 4)
        self.assertEqual(total({'action.type': 'update'}), 3)
        # a reset, then a log as long as before at the same places
        self.assertEqual(self.req('POST', '/_cfmock/reset', auth=None).status, 200)
        again = self.create_account('Acme')
        self.assertEqual(total(acct=again), 1)
        for i in range(4):
            self.req('PUT', self.url(again), {'name': 'Again %d' % i, 'type': 'standard'})
        self.assertEqual(total(acct=again), 5)
        self.assertEqual(total({'action.type': 'update'}, acct=again), 4)


class LargePages(AuditTest):
    def test_al_3_4_pages_past_a_mebibyte_lose_no_entry(self):
        """A v2 page stops at about 1 MiB of JSON and its cursor goes on
        from its last entry; a v1 page, numbered, holds all its rows (a
        short page would make the next page's offset skip entries)."""
        big = dict(PROFILE, external_metadata='m' * 2000, business_address='a' * 500)
        for i in range(450):
            r = self.req('PUT', self.url(self.acct, '/profile'),
                         dict(big, business_name='Name %d' % i))
            self.assertEqual(r.status, 204, r)
        want = 451  # and the account's creation
        ids, sizes, query = [], [], {'limit': '1000'}
        while True:
            env = self.v2(self.url(self.acct, '/logs/audit'), query)
            ids += [e['id'] for e in env['result']]
            sizes.append(len(env['result']))
            if 'cursor' not in env['result_info']:
                break
            query['cursor'] = env['result_info']['cursor']
        self.assertGreater(len(sizes), 1, 'no page stopped short')
        self.assertEqual(len(ids), want)
        self.assertEqual(len(set(ids)), want)
        v1 = self.list_envelope(self.url(self.acct, '/audit_logs'), {'per_page': '1000'})
        self.assertEqual(v1['result_info'], {'page': 1, 'per_page': 1000, 'count': want,
                                             'total_count': want, 'total_pages': 1})
        self.assertEqual([e['id'] for e in v1['result']], ids)


class Durable(AuditTest):
    def test_al_4_1_entries_survive_a_restart_and_go_with_a_reset(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'a.db')
            srv = harness.Server(db=db)
            a = srv.request('POST', '/accounts', {'name': 'Kept'}).json['result']
            before = srv.request('GET', '/accounts/%s/logs/audit' % a['id'], query=RANGE).json
            self.assertEqual(srv.stop(), 0)
            srv = self.server(db=db)
            again = srv.request('GET', '/accounts/%s/logs/audit' % a['id'], query=RANGE).json
            self.assertEqual(again, before)
            self.assertEqual(len(again['result']), 1)
            self.assertEqual(srv.request('POST', '/_cfmock/reset', auth=None).status, 200)
            state = srv.request('GET', '/_cfmock/state', auth=None).json
            self.assertEqual(state['audit_logs'], [])

    def test_al_4_2_the_state_export_and_fixtures_carry_them(self):
        org = self.create_org('Top')
        self.req('PUT', self.url(self.acct), {'name': 'Acme2', 'type': 'standard'})
        state = self.req('GET', '/_cfmock/state', auth=None)
        entries = state.json['audit_logs']
        self.assertEqual([e['action']['description'] for e in entries],
                         ['Create Account', 'Create Organization', 'Update Account'])
        self.assertEqual(entries[1]['organization'], {'id': org['id']})
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'state.json')
            with open(path, 'wb') as f:
                f.write(state.raw)
            srv = self.server('--fixtures', path)
            self.assertEqual(srv.request('GET', '/_cfmock/state', auth=None).raw, state.raw)
            got = srv.request('GET', '/accounts/%s/logs/audit' % self.acct['id'], query=RANGE)
            self.assertEqual(got.json, self.v2(self.url(self.acct, '/logs/audit')))
            # a bad entry is refused, naming it
            bad = json.loads(state.raw)
            bad['audit_logs'][2]['action']['type'] = 'edit'
            with open(path, 'w') as f:
                json.dump(bad, f)
            code, _, err = harness.run_cfmock('--fixtures', path, '--port', '0', '--db', ':memory:')
            self.assertEqual(code, 1, err)
            self.assertIn('/audit_logs/2/action/type: must be', err)
            bad['audit_logs'][2]['action']['type'] = 'update'
            bad['audit_logs'][1]['id'] = bad['audit_logs'][0]['id']
            with open(path, 'w') as f:
                json.dump(bad, f)
            code, _, err = harness.run_cfmock('--fixtures', path, '--port', '0', '--db', ':memory:')
            self.assertEqual(code, 1, err)
            self.assertIn('/audit_logs/1/id: another entry has the id', err)


if __name__ == '__main__':
    harness.main()
