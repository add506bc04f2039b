"""test_org_members.py: organization members (GET/POST
/organizations/{id}/members, POST /organizations/{id}/members:batchCreate,
GET/DELETE /organizations/{id}/members/{member_id}; CONTRACT.md 0.10 and
4.1, the README's "Organization members" and "Credentials and who sees
what"): creating, batches, cursor pages and filters, deleting, the rule that
an organization with members is not deleted, and what an active member
sees.

Every test gets a fresh server (seed 1, fake clock); results are compared
whole wherever practical. A member's user is the user that later calls with
that email (X-Auth-Email + any well-formed X-Auth-Key in open mode), so
"add bob@example.com, then call as bob" proves access. The helpers come
from helpers.py."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import (ApiTest, ADMIN, BAD_IDS, CREATED_ON, JSON_CT, OTHER_ID, PROFILE,  # noqa: E402
                     UNKNOWN_ID, listed, org_member, page_info, seen_from)


def email_users(n, prefix='user', domain='example.com'):
    return ['%s%02d@%s' % (prefix, i, domain) for i in range(n)]


# ---------------------------------------------------------------------------
# POST /organizations/{id}/members


class Create(ApiTest):
    def test_mem_1_1_add_member_active_by_default(self):
        org = self.create_org('Org')
        m = self.add(org, 'bob@example.com')
        self.assertEqual(m['status'], 'active')
        self.assertEqual(m['user']['name'], '')
        self.assertEqual(set(m), {'id', 'status', 'user', 'meta', 'create_time', 'update_time'})
        self.assertMemberIs(org, m)
        self.assertMembers(org, [m])
        # the member's user is the one that calls with that email
        bob = self.me('bob@example.com')
        self.assertEqual(bob['id'], m['user']['id'])
        self.assertEqual(bob['email'], 'bob@example.com')
        # and it is not the organization's creator
        self.assertNotEqual(m['user']['id'], org['meta']['managed_by'])
        self.assertEqual(self.get_org(org['id']), org)

    def test_mem_1_2_add_explicitly_active_or_canceled(self):
        org = self.create_org('Org')
        a = self.add(org, 'active@example.com', 'active')
        c = self.add(org, 'canceled@example.com', 'canceled')
        self.assertMemberIs(org, a)
        self.assertMemberIs(org, c)
        self.assertMembers(org, [a, c])
        self.assertNotEqual(a['user']['id'], c['user']['id'])

    def test_mem_1_3_user_found_by_email_case_insensitive(self):
        bob = self.me('bob@example.com')          # bob exists before he is added
        one = self.create_org('One')
        two = self.create_org('Two')
        m1 = self.add(one, 'BOB@EXAMPLE.COM', user=bob['id'], stored_email='bob@example.com')
        m2 = self.add(two, 'Bob@Example.com', user=bob['id'], stored_email='bob@example.com')
        self.assertNotEqual(m1['id'], m2['id'])
        # a new email is a new user, the one that later calls with it
        c = self.add(one, 'carol@example.com')
        self.assertNotEqual(c['user']['id'], bob['id'])
        self.assertEqual(self.user_id('carol@example.com'), c['user']['id'])
        self.assertEqual(self.user_id('CAROL@example.com'), c['user']['id'])
        # the same new user in another organization
        self.add(two, 'carol@example.com', user=c['user']['id'])
        self.assertMembers(one, [m1, c])

    def test_mem_1_4_same_email_twice_is_1302(self):
        org = self.create_org('Org')
        other = self.create_org('Other')
        bob = self.add(org, 'bob@example.com')
        can = self.add(org, 'gone@example.com', 'canceled')
        before = self.world()
        for email, status in (('bob@example.com', None), ('BOB@example.com', 'active'),
                              ('bob@EXAMPLE.com', 'canceled'), ('gone@example.com', None),
                              ('Gone@Example.com', 'active')):
            with self.subTest(email=email, status=status):
                m = {'user': {'email': email}}
                if status:
                    m['status'] = status
                r = self.req('POST', self.murl(org), {'member': m})
                self.assertPointer(r, 1302, '/member/user/email')
                msg = r.json['errors'][0]['message']
                self.assertIn('is already a member of', msg)
                self.assertIn(email.lower(), msg.lower())
        self.assertEqual(self.world(), before)
        self.assertMembers(org, [bob, can])
        # another organization is another matter
        self.add(other, 'bob@example.com', user=bob['user']['id'])
        # once removed, the email can be added again, as a new member
        self.remove(org, bob)
        again = self.add(org, 'bob@example.com', user=bob['user']['id'])
        self.assertNotEqual(again['id'], bob['id'])
        self.assertMembers(org, [can, again])

    def test_mem_1_5_body_validation(self):
        org = self.create_org('Org')
        keep = self.add(org, 'keep@example.com')
        before = self.world()
        url = self.murl(org)
        cases = [
            ({}, 1001, '/member'),
            ({'member': None}, 1001, '/member'),
            ({'user': {'email': 'x@example.com'}}, 1001, '/member'),
            ({'members': [{'user': {'email': 'x@example.com'}}]}, 1001, '/member'),
            ({'member': 'x@example.com'}, 1002, '/member'),
            ({'member': ['x@example.com']}, 1002, '/member'),
            ({'member': 5}, 1002, '/member'),
            ({'member': {}}, 1001, '/member/user'),
            ({'member': {'user': None}}, 1001, '/member/user'),
            ({'member': {'email': 'x@example.com'}}, 1001, '/member/user'),
            ({'member': {'user': 'x@example.com'}}, 1002, '/member/user'),
            ({'member': {'user': ['x@example.com']}}, 1002, '/member/user'),
            ({'member': {'user': {}}}, 1001, '/member/user/email'),
            ({'member': {'user': {'email': None}}}, 1001, '/member/user/email'),
            ({'member': {'user': {'id': keep['user']['id']}}}, 1001, '/member/user/email'),
            ({'member': {'user': {'email': 5}}}, 1002, '/member/user/email'),
            ({'member': {'user': {'email': True}}}, 1002, '/member/user/email'),
            ({'member': {'user': {'email': ['x@example.com']}}}, 1002, '/member/user/email'),
            ({'member': {'user': {'email': ''}}}, 1003, '/member/user/email'),
            ({'member': {'user': {'email': 'no-at-sign'}}}, 1003, '/member/user/email'),
            ({'member': {'user': {'email': 'x@example.com'}, 'status': 'pending'}}, 1003,
             '/member/status'),
            ({'member': {'user': {'email': 'x@example.com'}, 'status': 'rejected'}}, 1003,
             '/member/status'),
            ({'member': {'user': {'email': 'x@example.com'}, 'status': 'Active'}}, 1003,
             '/member/status'),
            ({'member': {'user': {'email': 'x@example.com'}, 'status': ''}}, 1003,
             '/member/status'),
            ({'member': {'user': {'email': 'x@example.com'}, 'status': 'accepted'}}, 1003,
             '/member/status'),
            ({'member': {'user': {'email': 'x@example.com'}, 'status': 5}}, 1002,
             '/member/status'),
            ({'member': {'user': {'email': 'x@example.com'}, 'status': True}}, 1002,
             '/member/status'),
            ({'member': {'user': {'email': 'x@example.com'}, 'status': ['active']}}, 1002,
             '/member/status'),
        ]
        for body, code, pointer in cases:
            with self.subTest(body=body):
                r = self.req('POST', url, body)
                self.assertFieldError(r, code, pointer, 'absent')
        for raw in ('[]', '"x"', '5', 'null'):
            with self.subTest(raw=raw):
                r = self.req('POST', url, raw=raw, headers=JSON_CT)
                self.assertFieldError(r, 1002, '', 'absent')
        for raw in ('', '{', '{"member": {"user": {"email": }}}'):
            with self.subTest(raw=raw):
                r = self.req('POST', url, raw=raw, headers=JSON_CT)
                self.assertError(r, 400, [6007], result_key='absent')
        r = self.req('POST', url, raw='{"member": {"user": {"email": "x@example.com"}}}',
                     headers={'Content-Type': 'text/plain'})
        self.assertError(r, 400, [9207], result_key='absent')
        r = self.req('POST', url, raw='{"member": {"user": {"email": "x@example.com", '
                                      '"email": "y@example.com"}}}', headers=JSON_CT)
        self.assertError(r, 400, [1007], result_key='absent')
        self.assertEqual(self.world(), before)
        self.assertMembers(org, [keep])

    def test_mem_1_6_unknown_fields_and_read_only_ignored(self):
        org = self.create_org('Org')
        body = {'member': {'user': {'email': 'bob@example.com', 'id': UNKNOWN_ID,
                                    'name': 'Sneaky'},
                           'id': OTHER_ID, 'meta': {'x': {}},
                           'create_time': '1999-01-01T00:00:00Z'},
                'colour': 'blue'}
        r = self.req('POST', self.murl(org), body)
        self.assertEqual(r.status, 200, r)
        m = r.json['result']
        self.assertNotEqual(m['id'], OTHER_ID)
        self.assertNotEqual(m['user']['id'], UNKNOWN_ID)
        self.assertRegex(m['create_time'], CREATED_ON)
        self.assertEqual(r.json, harness.ok_envelope(org_member(
            m['id'], 'active', m['user']['id'], 'bob@example.com', m['create_time'],
            m['update_time'])))
        self.assertMemberNotFound(self.req('GET', self.murl(org, OTHER_ID)), OTHER_ID)
        self.assertEqual(self.user_id('bob@example.com'), m['user']['id'])

    def test_mem_1_7_user_name_is_first_and_last_name(self):
        org = self.create_org('Org')
        m = self.add(org, 'ada@example.com')
        self.patch_user({'first_name': 'Ada', 'last_name': 'Lovelace'}, auth='ada@example.com')
        m['user']['name'] = 'Ada Lovelace'
        self.assertMemberIs(org, m)
        self.assertMembers(org, [m])
        # a user named before being added
        self.patch_user({'first_name': 'Grace', 'last_name': 'Hopper'}, auth='grace@example.com')
        g = self.add(org, 'grace@example.com', name='Grace Hopper')
        self.assertMembers(org, [m, g])

    def test_mem_1_8_ids_and_times_are_deterministic(self):
        def run(srv):
            out = [srv.request('POST', '/organizations', {'name': 'org'})]
            oid = out[0].json['result']['id']
            url = '/organizations/%s/members' % oid
            out.append(srv.request('POST', url, {'member': {'user': {'email': 'a@example.com'}}}))
            out.append(srv.request('POST', url + ':batchCreate', {'members': [
                {'user': {'email': 'b@example.com'}},
                {'user': {'email': 'c@example.com'}, 'status': 'canceled'}]}))
            out.append(srv.request('GET', url))
            out.append(srv.request('GET', url + '/' + out[1].json['result']['id']))
            return out
        first = self.assertSameOnAnotherServer(run)
        members = [first[1].json['result']] + first[2].json['result']
        self.assertEqual(len({m['id'] for m in members}), 3)
        times = [m['create_time'] for m in members]
        self.assertEqual(times, sorted(set(times)), 'create_time must increase')

    def test_mem_1_9_member_of_a_sub_organization(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        m = self.add(child, 'bob@example.com')
        self.assertMembers(child, [m])
        self.assertMembers(root, [])       # members of the sub-organization are its own
        r = self.add(root, 'bob@example.com', user=m['user']['id'])
        self.assertMembers(root, [r])


# ---------------------------------------------------------------------------
# POST /organizations/{id}/members:batchCreate


class Batch(ApiTest):
    def test_mem_2_1_batch_answers_in_order(self):
        org = self.create_org('Org')
        first = self.add(org, 'first@example.com')
        bob = self.me('bob@example.com')
        made = self.batch_add(org, [('zed@example.com', None), ('bob@example.com', 'canceled'),
                                    ('amy@example.com', 'active')])
        self.assertEqual([m['status'] for m in made], ['active', 'canceled', 'active'])
        self.assertEqual(made[1]['user']['id'], bob['id'])
        for m in made:
            self.assertMemberIs(org, m)
        self.assertMembers(org, [first] + made)
        times = [m['create_time'] for m in [first] + made]
        self.assertEqual(times, sorted(times))
        self.assertEqual(self.user_id('amy@example.com'), made[2]['user']['id'])

    def test_mem_2_2_one_to_ten_entries(self):
        org = self.create_org('Org')
        one = self.batch_add(org, [('solo@example.com', None)])
        ten = self.batch_add(org, [(e, None) for e in email_users(10)])
        self.assertMembers(org, one + ten)

    def test_mem_2_3_eleven_or_none_is_1003(self):
        org = self.create_org('Org')
        keep = self.add(org, 'keep@example.com')
        before = self.world()
        url = self.murl(org, suffix=':batchCreate')
        for entries in ([{'user': {'email': e}} for e in email_users(11)],
                        [{'user': {'email': e}} for e in email_users(20)], []):
            with self.subTest(n=len(entries)):
                r = self.req('POST', url, {'members': entries})
                self.assertFieldError(r, 1003, '/members', 'absent')
        self.assertEqual(self.world(), before)
        self.assertMembers(org, [keep])

    def test_mem_2_4_duplicate_in_the_batch_is_1302_at_its_pointer(self):
        org = self.create_org('Org')
        keep = self.add(org, 'keep@example.com')
        before = self.world()
        url = self.murl(org, suffix=':batchCreate')
        for emails, index in ((['a@example.com', 'b@example.com', 'c@example.com',
                                'B@example.com'], 3),
                              (['a@example.com', 'a@example.com'], 1),
                              (['x@example.com', 'y@example.com', 'z@example.com', 'y@example.com',
                                'y@example.com'], 3)):
            with self.subTest(emails=emails):
                r = self.req('POST', url, {'members': [{'user': {'email': e}} for e in emails]})
                self.assertPointer(r, 1302, '/members/%d/user/email' % index)
                self.assertIn(emails[index].lower(), r.json['errors'][0]['message'].lower())
        # a duplicate even when the statuses differ
        r = self.req('POST', url, {'members': [
            {'user': {'email': 'p@example.com'}, 'status': 'canceled'},
            {'user': {'email': 'P@EXAMPLE.COM'}, 'status': 'active'}]})
        self.assertPointer(r, 1302, '/members/1/user/email')
        self.assertEqual(self.world(), before)
        self.assertMembers(org, [keep])

    def test_mem_2_5_already_a_member_is_1302_and_nothing_is_added(self):
        org = self.create_org('Org')
        bob = self.add(org, 'bob@example.com')
        can = self.add(org, 'can@example.com', 'canceled')
        before = self.world()
        url = self.murl(org, suffix=':batchCreate')
        for emails, index in ((['new1@example.com', 'new2@example.com', 'bob@example.com'], 2),
                              (['BOB@example.com'], 0),
                              (['new1@example.com', 'can@example.com', 'bob@example.com'], 1)):
            with self.subTest(emails=emails):
                r = self.req('POST', url, {'members': [{'user': {'email': e}} for e in emails]})
                self.assertPointer(r, 1302, '/members/%d/user/email' % index)
                self.assertIn('is already a member of', r.json['errors'][0]['message'])
        self.assertEqual(self.world(), before)
        self.assertMembers(org, [bob, can])
        # the new emails of the refused batches were not added: they can be now
        made = self.batch_add(org, [('new1@example.com', None), ('new2@example.com', None)])
        self.assertMembers(org, [bob, can] + made)

    def test_mem_2_6_a_bad_entry_names_itself(self):
        org = self.create_org('Org')
        keep = self.add(org, 'keep@example.com')
        before = self.world()
        url = self.murl(org, suffix=':batchCreate')
        good = {'user': {'email': 'good@example.com'}}
        cases = [
            ({}, 1001, '/members'),
            ({'members': None}, 1001, '/members'),
            ({'member': good}, 1001, '/members'),
            ({'members': good}, 1002, '/members'),
            ({'members': 'good@example.com'}, 1002, '/members'),
            ({'members': 5}, 1002, '/members'),
            ({'members': [good, 'x@example.com']}, 1002, '/members/1'),
            ({'members': [None]}, 1002, '/members/0'),
            ({'members': [good, good['user'], good]}, 1001, '/members/1/user'),
            ({'members': [good, {'user': 'x@example.com'}]}, 1002, '/members/1/user'),
            ({'members': [{'user': {'email': 'a@example.com'}},
                          {'user': {'email': 'b@example.com'}}, {'user': {}}]}, 1001,
             '/members/2/user/email'),
            ({'members': [{'user': {'email': 5}}]}, 1002, '/members/0/user/email'),
            ({'members': [{'user': {'email': 'a@example.com'}}, {'user': {'email': ''}}]}, 1003,
             '/members/1/user/email'),
            ({'members': [{'user': {'email': 'a@example.com'}},
                          {'user': {'email': 'b@example.com'}, 'status': 'pending'}]}, 1003,
             '/members/1/status'),
            ({'members': [{'user': {'email': 'a@example.com'}, 'status': 'rejected'}]}, 1003,
             '/members/0/status'),
            ({'members': [{'user': {'email': 'a@example.com'}},
                          {'user': {'email': 'b@example.com'}},
                          {'user': {'email': 'c@example.com'}, 'status': 7}]}, 1002,
             '/members/2/status'),
        ]
        for body, code, pointer in cases:
            with self.subTest(body=body):
                r = self.req('POST', url, body)
                self.assertFieldError(r, code, pointer, 'absent')
        for raw in ('[]', 'null', '"x"'):
            with self.subTest(raw=raw):
                r = self.req('POST', url, raw=raw, headers=JSON_CT)
                self.assertFieldError(r, 1002, '', 'absent')
        r = self.req('POST', url, raw='{"members": [', headers=JSON_CT)
        self.assertError(r, 400, [6007], result_key='absent')
        self.assertEqual(self.world(), before)
        self.assertMembers(org, [keep])
        for e in ('a@example.com', 'b@example.com', 'good@example.com'):
            r = self.req('GET', self.murl(org), query={'user.email': e})
            self.assertEqual(r.json, listed([]))

    def test_mem_2_7_batch_route_and_methods(self):
        org = self.create_org('Org')
        url = self.murl(org, suffix=':batchCreate')
        for method in ('GET', 'PUT', 'DELETE'):
            with self.subTest(method=method):
                r = self.req(method, url)
                self.assertError(r, 405, [7001], result_key='null')
                self.assertEqual(r.headers['allow'], 'POST')
        for suffix in (':batchDelete', ':batchcreate', ':', ':batchCreate/x'):
            with self.subTest(suffix=suffix):
                r = self.req('POST', self.murl(org) + suffix,
                             {'members': [{'user': {'email': 'x@example.com'}}]})
                self.assertError(r, 400, [7003, 7000], result_key='null')
        self.assertMembers(org, [])
        # an unknown or invisible organization
        body = {'members': [{'user': {'email': 'x@example.com'}}]}
        self.assertOrgNotFound(self.req('POST', self.murl(UNKNOWN_ID, suffix=':batchCreate'),
                                        body), UNKNOWN_ID)


# ---------------------------------------------------------------------------
# GET and DELETE /organizations/{id}/members/{member_id}


class GetAndDelete(ApiTest):
    def test_mem_3_1_unknown_member_is_1301(self):
        org = self.create_org('Org')
        other = self.create_org('Other')
        m = self.add(other, 'bob@example.com')
        for mid in (UNKNOWN_ID, m['id'], m['user']['id'], org['id']):
            with self.subTest(member=mid):
                self.assertMemberNotFound(self.req('GET', self.murl(org, mid)), mid)
                self.assertMemberNotFound(self.req('DELETE', self.murl(org, mid)), mid)
        self.assertMembers(other, [m])
        # an unknown organization is 1101, whatever the member
        for mid in (UNKNOWN_ID, m['id']):
            self.assertOrgNotFound(self.req('GET', self.murl(UNKNOWN_ID, mid)), UNKNOWN_ID)
            self.assertOrgNotFound(self.req('DELETE', self.murl(UNKNOWN_ID, mid)), UNKNOWN_ID)
        self.assertOrgNotFound(self.req('GET', self.murl(UNKNOWN_ID)), UNKNOWN_ID)
        self.assertOrgNotFound(self.req('POST', self.murl(UNKNOWN_ID),
                                        {'member': {'user': {'email': 'x@example.com'}}}),
                               UNKNOWN_ID)

    def test_mem_3_2_malformed_ids_route_nowhere(self):
        org = self.create_org('Org')
        m = self.add(org, 'bob@example.com')
        for bad in BAD_IDS + (m['id'].upper(),):
            with self.subTest(member=bad):
                for method in ('GET', 'DELETE'):
                    r = self.req(method, self.murl(org, bad))
                    self.assertError(r, 400, [7003, 7000], result_key='null')
            with self.subTest(org=bad):
                for method, path, body in (
                        ('GET', self.murl(bad), None),
                        ('POST', self.murl(bad), {'member': {'user': {'email': 'x@example.com'}}}),
                        ('POST', self.murl(bad, suffix=':batchCreate'),
                         {'members': [{'user': {'email': 'x@example.com'}}]}),
                        ('GET', self.murl(bad, m), None), ('DELETE', self.murl(bad, m), None)):
                    r = self.req(method, path, body)
                    self.assertError(r, 400, [7003, 7000], result_key='null')
                    self.assertIn('/client/v4/organizations/' + bad,
                                  r.json['errors'][0]['message'])
        self.assertMembers(org, [m])

    def test_mem_3_3_delete_without_body(self):
        org = self.create_org('Org')
        a = self.add(org, 'a@example.com')
        b = self.add(org, 'b@example.com', 'canceled')
        c = self.add(org, 'c@example.com')
        r = self.remove(org, b)
        self.assertIsNone(r.json)
        self.assertMemberNotFound(self.req('GET', self.murl(org, b)), b['id'])
        self.assertMemberNotFound(self.req('DELETE', self.murl(org, b)), b['id'])
        self.assertMembers(org, [a, c])
        self.assertMemberIs(org, a)
        self.assertMemberIs(org, c)

    def test_mem_3_4_delete_with_the_matching_body(self):
        org = self.create_org('Org')
        a = self.add(org, 'a@example.com')
        b = self.add(org, 'b@example.com')
        self.remove(org, a, body={'member_id': a['id']})
        self.assertMembers(org, [b])
        self.assertMemberNotFound(self.req('GET', self.murl(org, a)), a['id'])

    def test_mem_3_5_delete_with_a_mismatching_body_is_1003(self):
        org = self.create_org('Org')
        a = self.add(org, 'a@example.com')
        b = self.add(org, 'b@example.com')
        before = self.world()
        for mid in (b['id'], UNKNOWN_ID, a['id'].upper(), '', 'x', a['user']['id']):
            with self.subTest(member_id=mid):
                r = self.req('DELETE', self.murl(org, a), {'member_id': mid})
                self.assertFieldError(r, 1003, '/member_id', 'absent')
        for mid in (5, True, [a['id']], {'id': a['id']}):
            with self.subTest(member_id=mid):
                r = self.req('DELETE', self.murl(org, a), {'member_id': mid})
                self.assertFieldError(r, 1002, '/member_id', 'absent')
        r = self.req('DELETE', self.murl(org, a), raw='{"member_id": ', headers=JSON_CT)
        self.assertError(r, 400, [6007], result_key='absent')
        self.assertEqual(self.world(), before)
        self.assertMembers(org, [a, b])

    def test_mem_3_6_delete_removes_access_at_once(self):
        org = self.create_org('Org')
        child = self.create_org('Child', parent=org)
        acct = self.create_account('acct', org=child)
        m = self.add(org, 'bob@example.com')
        bob = 'bob@example.com'
        self.assertEqual(self.get_org(org['id'], auth=bob), org)
        self.assertEqual(self.get_org(child['id'], auth=bob), child)
        self.assertGetIs(acct, auth=bob)
        self.remove(org, m)
        for o in (org, child):
            r = self.req('GET', '/organizations/' + o['id'], auth=bob)
            self.assertOrgNotFound(r, o['id'])
        self.assertNotFound(self.req('GET', self.url(acct), auth=bob), acct['id'])
        r = self.req('GET', '/organizations', auth=bob)
        self.assertEqual(r.json, listed([]))
        self.assertEqual(self.list_accounts(auth=bob),
                         harness.ok_envelope([], result_info=page_info(1, 20, 0, 0)))
        # and the owner still sees all of it
        self.assertEqual(self.get_org(org['id']), org)
        self.assertGetIs(acct)

    def test_mem_3_7_wrong_methods_are_405(self):
        org = self.create_org('Org')
        m = self.add(org, 'bob@example.com')
        for method, path, allow in (('PUT', self.murl(org, m), {'GET', 'DELETE'}),
                                    ('PATCH', self.murl(org, m), {'GET', 'DELETE'}),
                                    ('POST', self.murl(org, m), {'GET', 'DELETE'}),
                                    ('DELETE', self.murl(org), {'GET', 'POST'}),
                                    ('PUT', self.murl(org), {'GET', 'POST'})):
            with self.subTest(method=method, path=path):
                r = self.req(method, path, {'member_id': m['id']})
                self.assertError(r, 405, [7001], result_key='null')
                self.assertEqual(set(r.headers['allow'].split(', ')), allow)
        self.assertMembers(org, [m])

    def test_mem_3_8_every_member_route_needs_credentials(self):
        org = self.create_org('Org')
        m = self.add(org, 'bob@example.com')
        before = self.world()
        routes = [('GET', self.murl(org), None),
                  ('POST', self.murl(org), {'member': {'user': {'email': 'x@example.com'}}}),
                  ('POST', self.murl(org, suffix=':batchCreate'),
                   {'members': [{'user': {'email': 'x@example.com'}}]}),
                  ('GET', self.murl(org, m), None), ('DELETE', self.murl(org, m), None)]
        for method, path, body in routes:
            with self.subTest(method=method, path=path):
                r = self.srv.request(method, path, body, auth=None)
                self.assertError(r, 400, [9106], result_key='null')
                r = self.srv.request(method, path, body, auth=None,
                                     headers={'X-Auth-Email': 'a@example.com',
                                              'X-Auth-Key': 'token'})
                self.assertError(r, 400, [6003], result_key='null')
                self.assertEqual(r.json['errors'][0]['error_chain'], [
                    {'code': 6103, 'message': 'Invalid format for X-Auth-Key header'}])
        self.assertEqual(self.world(), before)


# ---------------------------------------------------------------------------
# GET /organizations/{id}/members: cursor pages and filters


class Listing(ApiTest):
    def make(self, org, n=23):
        """n members: every fourth canceled, emails on two domains."""
        made = []
        for i in range(n):
            domain = 'blue.example' if i % 3 == 0 else 'red.example'
            made.append(self.add(org, 'user%02d@%s' % (i, domain),
                                 'canceled' if i % 4 == 0 else None))
        return made

    def test_mem_4_1_empty(self):
        org = self.create_org('Org')
        self.assertEqual(self.list_members(org), listed([]))
        self.assertEqual(self.list_members(org, {'status': 'active'}), listed([]))
        self.assertEqual(self.list_members(org, {'page_size': 1}), listed([]))

    def test_mem_4_2_walk_in_the_order_added(self):
        org = self.create_org('Org')
        made = self.make(org)
        for size in (1, 2, 5, 10, 22, 23, 24, 1000):
            with self.subTest(page_size=size):
                items, pages = self.member_walk(org, size)
                self.assertEqual(items, made)
                n = -(-23 // size)
                self.assertEqual(pages, [(min(size, 23 - i * size), 23) for i in range(n)])
        for size in (None, 0):
            with self.subTest(page_size=size):
                items, pages = self.member_walk(org, size)
                self.assertEqual(items, made)
                self.assertEqual(pages, [(10, 23), (10, 23), (3, 23)])
        # the whole first and last page
        env = self.list_members(org, {'page_size': 20})
        token = env['result_info'].pop('next_page_token')
        self.assertEqual(env, listed(made[:20], 23))
        env = self.list_members(org, {'page_size': 20, 'page_token': token})
        self.assertEqual(env, listed(made[20:], 23))

    def test_mem_4_3_status_filter_repeatable(self):
        org = self.create_org('Org')
        made = self.make(org)
        active = [m for m in made if m['status'] == 'active']
        canceled = [m for m in made if m['status'] == 'canceled']
        self.assertEqual((len(active), len(canceled)), (17, 6))
        cases = [
            ([('status', 'active')], active),
            ([('status', 'canceled')], canceled),
            ([('status', 'active'), ('status', 'canceled')], made),
            ([('status', 'canceled'), ('status', 'active')], made),
            ([('status', 'pending')], []),
            ([('status', 'rejected')], []),
            ([('status', 'pending'), ('status', 'rejected')], []),
            ([('status', 'pending'), ('status', 'canceled')], canceled),
            ([('status', 'rejected'), ('status', 'active'), ('status', 'pending')], active),
            ([('status', s) for s in ('active', 'pending', 'rejected', 'canceled')], made),
            ([('status', 'active'), ('status', 'active')], active),
        ]
        for q, want in cases:
            for size in (1, 4, 1000):
                with self.subTest(query=q, page_size=size):
                    items, pages = self.member_walk(org, size, q)
                    self.assertEqual(items, want)
                    self.assertEqual({t for _, t in pages}, {len(want)})
                    self.assertEqual(len(pages), max(1, -(-len(want) // size)))
        env = self.list_members(org, [('status', 'canceled'), ('page_size', 1000)])
        self.assertEqual(env, listed(canceled))

    def test_mem_4_4_email_filters_case_insensitive(self):
        org = self.create_org('Org')
        made = self.make(org)
        by = {m['user']['email']: m for m in made}
        extra = [self.add(org, e)
                 for e in ('a_b@x.example', 'axb@x.example', 'Mixed.Case@X.Example')]
        for m in extra:
            by[m['user']['email']] = m
        order = made + extra

        def want(pred):
            return [m for m in order if pred(m['user']['email'].lower())]

        cases = [
            ('user.email', 'user05@red.example', want(lambda e: e == 'user05@red.example')),
            ('user.email', 'USER05@RED.EXAMPLE', want(lambda e: e == 'user05@red.example')),
            ('user.email', 'user05', []),
            ('user.email', 'mixed.case@x.example', [extra[2]]),
            ('user.email.contains', 'BLUE', want(lambda e: 'blue' in e)),
            ('user.email.contains', 'r1', want(lambda e: 'r1' in e)),
            ('user.email.contains', '_', [extra[0]]),
            ('user.email.contains', 'nothing', []),
            ('user.email.startsWith', 'USER1', want(lambda e: e.startswith('user1'))),
            ('user.email.startsWith', 'a', [extra[0], extra[1]]),
            ('user.email.startsWith', 'a_', [extra[0]]),
            ('user.email.startsWith', 'red', []),
            ('user.email.endsWith', 'RED.example', want(lambda e: e.endswith('red.example'))),
            ('user.email.endsWith', '@X.EXAMPLE', extra),
            ('user.email.endsWith', 'user', []),
        ]
        for key, value, expected in cases:
            for size in (1, 3, 1000):
                with self.subTest(filter=key, value=value, page_size=size):
                    items, pages = self.member_walk(org, size, [(key, value)])
                    self.assertEqual(items, expected)
                    self.assertEqual({t for _, t in pages}, {len(expected)})
                    self.assertEqual(len(pages), max(1, -(-len(expected) // size)))
        # filters combine, all must hold, also with statuses
        q = [('user.email.endsWith', 'red.example'), ('status', 'canceled')]
        self.assertEqual(self.member_walk(org, 2, q)[0],
                         [m for m in made if m['status'] == 'canceled' and
                          m['user']['email'].endswith('red.example')])
        q = [('user.email.startsWith', 'user1'), ('user.email.contains', 'blue'),
             ('status', 'active'), ('status', 'canceled')]
        self.assertEqual(self.member_walk(org, 1, q)[0],
                         [m for m in made if m['user']['email'].startswith('user1') and
                          'blue' in m['user']['email']])
        q = [('user.email', 'user04@red.example'), ('status', 'active')]
        self.assertEqual(self.list_members(org, q), listed([]))      # user04 is canceled
        q = [('user.email', 'user04@red.example'), ('status', 'canceled')]
        self.assertEqual(self.list_members(org, q), listed([by['user04@red.example']]))

    def test_mem_4_5_token_reused_with_other_filters_is_1006(self):
        org = self.create_org('Org')
        self.make(org)
        base = [('status', 'active'), ('user.email.endsWith', 'red.example')]
        env = self.list_members(org, base + [('page_size', 2)])
        token = env['result_info']['next_page_token']
        for q in ([('status', 'canceled'), ('user.email.endsWith', 'red.example')],
                  [('status', 'active'), ('status', 'canceled'),
                   ('user.email.endsWith', 'red.example')],
                  [('user.email.endsWith', 'red.example')],
                  [('status', 'active')],
                  [],
                  base + [('user.email.contains', 'user')],
                  base + [('user.email', 'user01@red.example')],
                  [('status', 'active'), ('user.email.endsWith', 'RED.example')],
                  [('status', 'active'), ('user.email.startsWith', 'red.example')]):
            with self.subTest(query=q):
                r = self.req('GET', self.murl(org), query=q + [('page_token', token),
                                                              ('page_size', 2)])
                self.assertParamError(r, 1006, 'page_token', 'absent')
        # the same filters in another order, and another page_size, are fine
        env = self.list_members(org, list(reversed(base)) + [('page_token', token),
                                                             ('page_size', 3)])
        self.assertEqual([m['user']['email'] for m in env['result']],
                         ['user05@red.example', 'user07@red.example', 'user10@red.example'])
        self.assertEqual(env['result_info']['total_size'], 11)
        # a token made with repeated statuses keeps them
        q = [('status', 'active'), ('status', 'canceled')]
        token = self.list_members(org, q + [('page_size', 5)])['result_info']['next_page_token']
        env = self.list_members(org, list(reversed(q)) + [('page_token', token),
                                                          ('page_size', 5)])
        self.assertEqual(env['result_info']['total_size'], 23)
        self.assertEqual(len(env['result']), 5)
        for qq in ([('status', 'active')], [('status', 'canceled')], []):
            with self.subTest(query=qq):
                r = self.req('GET', self.murl(org), query=qq + [('page_token', token)])
                self.assertParamError(r, 1006, 'page_token', 'absent')
        # a token is bound to its caller: a member that sees the list cannot reuse A's
        self.add(org, 'bob@example.com')
        self.assertEqual(self.list_members(org, {'page_size': 1}, auth='bob@example.com')
                         ['result_info']['total_size'], 24)
        r = self.req('GET', self.murl(org), auth='bob@example.com',
                     query=q + [('page_token', token), ('page_size', 5)])
        self.assertEqual(r.status, 400, r)
        self.assertIn(r.json['errors'][0]['code'], (1005, 1006), r)
        self.assertParamError(r, r.json['errors'][0]['code'], 'page_token', 'absent')

    def test_mem_4_6_bad_parameters(self):
        org = self.create_org('Org')
        made = self.make(org, 4)
        url = self.murl(org)
        for v in ('Active', 'ACTIVE', 'accepted', 'deleted', '', 'active,canceled'):
            with self.subTest(status=v):
                self.assertParamError(self.req('GET', url, query={'status': v}), 1004, 'status',
                                      'absent')
        r = self.req('GET', url, query=[('status', 'active'), ('status', 'bogus')])
        self.assertParamError(r, 1004, 'status', 'absent')
        for key in ('user.email', 'user.email.contains', 'user.email.startsWith',
                    'user.email.endsWith', 'page_size'):
            with self.subTest(repeated=key):
                v = '5' if key == 'page_size' else 'user'
                r = self.req('GET', url, query=[(key, v), (key, v)])
                self.assertParamError(r, 1004, key, 'absent')
        for v in ('1001', '-1', 'x', '1.5'):
            with self.subTest(page_size=v):
                self.assertParamError(self.req('GET', url, query={'page_size': v}), 1004,
                                      'page_size', 'absent')
        r = self.req('GET', url, query={'user.email.contains': 'x' * 4097})
        self.assertParamError(r, 1004, 'user.email.contains', 'absent')
        token = self.list_members(org, {'page_size': 1})['result_info']['next_page_token']
        for bad in ('garbage', token[:-1], token + 'A', 'A' * len(token)):
            with self.subTest(token=bad):
                self.assertParamError(self.req('GET', url, query={'page_token': bad}), 1005,
                                      'page_token', 'absent')
        # a token from another list, or another organization's members
        other = self.create_org('Other')
        self.make(other, 3)
        orgs_token = self.req('GET', '/organizations',
                              query={'page_size': 1}).json['result_info']['next_page_token']
        for t in (self.list_members(other, {'page_size': 1})['result_info']['next_page_token'],
                  orgs_token):
            r = self.req('GET', url, query={'page_token': t})
            self.assertEqual(r.status, 400, r)
            self.assertIn(r.json['errors'][0]['code'], (1005, 1006), r)
            self.assertParamError(r, r.json['errors'][0]['code'], 'page_token', 'absent')
        self.assertEqual(self.member_walk(org, 1000)[0], made)

    def test_mem_4_7_members_added_or_removed_while_paging(self):
        org = self.create_org('Org')
        made = self.make(org, 8)
        env = self.list_members(org, {'page_size': 5})
        seen = env['result']
        token = env['result_info']['next_page_token']
        # remove the one the token points after, and one on the next page
        self.remove(org, made[4])
        self.remove(org, made[6])
        late = [self.add(org, 'late%d@example.com' % i) for i in range(2)]
        env = self.list_members(org, {'page_size': 5, 'page_token': token})
        seen += env['result']
        self.assertEqual(env, listed([made[5], made[7]] + late, 8))
        self.assertEqual(seen, made[:5] + [made[5], made[7]] + late)


# ---------------------------------------------------------------------------
# DELETE /organizations/{id} with members


class OrgDelete(ApiTest):
    def test_mem_5_1_org_with_a_member_is_not_deleted_until_it_is_removed(self):
        org = self.create_org('Org')
        m = self.add(org, 'bob@example.com')
        before = self.world()
        before_bob = self.world(auth='bob@example.com')
        r = self.req('DELETE', '/organizations/' + org['id'])
        self.assertError(r, 400, [1102], result_key='absent')
        msg = r.json['errors'][0]['message']
        self.assertTrue(msg.startswith("organization '%s' is not empty: it still contains "
                                       % org['id']), msg)
        self.assertIn('1 member', msg)
        self.assertNotIn('1 members', msg)
        self.assertNotIn('account', msg)
        self.assertNotIn('sub-organization', msg)
        # a member (who sees it) cannot delete it either
        r = self.req('DELETE', '/organizations/' + org['id'], auth='bob@example.com')
        self.assertError(r, 400, [1102], result_key='absent')
        self.assertEqual(self.world(), before)
        self.assertEqual(self.world(auth='bob@example.com'), before_bob)
        self.remove(org, m)
        r = self.req('DELETE', '/organizations/' + org['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': org['id']}))
        self.assertOrgNotFound(self.req('GET', '/organizations/' + org['id']), org['id'])
        self.assertOrgNotFound(self.req('GET', self.murl(org)), org['id'])
        self.assertOrgNotFound(self.req('GET', self.murl(org, m)), org['id'])

    def test_mem_5_2_canceled_members_count_too(self):
        org = self.create_org('Org')
        a = self.add(org, 'a@example.com', 'canceled')
        b = self.add(org, 'b@example.com', 'canceled')
        for left, m in (('2 members', a), ('1 member', b)):
            r = self.req('DELETE', '/organizations/' + org['id'])
            self.assertError(r, 400, [1102], result_key='absent')
            msg = r.json['errors'][0]['message']
            self.assertIn(left, msg)
            self.assertNotIn('1 members', msg)
            self.remove(org, m)
        r = self.req('DELETE', '/organizations/' + org['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': org['id']}))

    def test_mem_5_3_members_accounts_and_sub_organizations_named_together(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        acct = self.create_account('acct', org=root)
        ms = self.batch_add(root, [('a@example.com', None), ('b@example.com', 'canceled')])
        cm = self.add(child, 'c@example.com')
        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertError(r, 400, [1102], result_key='absent')
        msg = r.json['errors'][0]['message']
        for part in ('1 sub-organization', '1 account', '2 members'):
            self.assertIn(part, msg)
        r = self.req('DELETE', '/organizations/' + child['id'])
        self.assertError(r, 400, [1102], result_key='absent')
        self.assertIn('1 member', r.json['errors'][0]['message'])
        self.assertNotIn('account', r.json['errors'][0]['message'])
        # bottom-up
        self.remove(child, cm)
        self.assertEqual(self.req('DELETE', '/organizations/' + child['id']).status, 200)
        self.assertEqual(self.req('DELETE', self.url(acct)).status, 200)
        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertError(r, 400, [1102], result_key='absent')
        self.assertIn('2 members', r.json['errors'][0]['message'])
        self.assertNotIn('account', r.json['errors'][0]['message'])
        for m in ms:
            self.remove(root, m)
        self.assertEqual(self.req('DELETE', '/organizations/' + root['id']).json,
                         harness.ok_envelope({'id': root['id']}))


# ---------------------------------------------------------------------------
# What an active member sees and may do


class Visibility(ApiTest):
    def tree(self):
        """A's Root > Child > Grand and Other, with accounts here and there."""
        root = self.create_org('Root', profile=PROFILE)
        other = self.create_org('Other')
        child = self.create_org('Child', parent=root)
        grand = self.create_org('Grand', parent=child)
        side = self.create_org('Side', parent=root)
        accts = {'root': self.create_account('in root', org=root),
                 'child': self.create_account('in child', org=child),
                 'grand': self.create_account('in grand', org=grand, type='enterprise'),
                 'side': self.create_account('in side', org=side),
                 'other': self.create_account('in other', org=other),
                 'alone': self.create_account('alone')}
        self.put_profile(accts['grand'], PROFILE)
        return root, other, child, grand, side, accts

    def test_mem_6_1_active_member_sees_the_org_its_subs_and_their_accounts(self):
        root, other, child, grand, side, accts = self.tree()
        m = self.add(child, 'bob@example.com')
        bob = 'bob@example.com'
        full = {o['id']: self.get_org(o['id']) for o in (root, other, child, grand, side)}
        # what bob is shown: from child down (nothing names root)
        seen = {o['id']: seen_from(full[o['id']], child['id']) for o in (child, grand)}
        # the organizations: child and grand, whole, in creation order
        r = self.req('GET', '/organizations', auth=bob)
        self.assertEqual(r.json, listed([seen[child['id']], seen[grand['id']]]))
        for o in (child, grand):
            self.assertEqual(self.get_org(o['id'], auth=bob), seen[o['id']])
            r = self.req('GET', '/organizations/%s/profile' % o['id'], auth=bob)
            self.assertEqual(r.json, self.req('GET', '/organizations/%s/profile' % o['id']).json)
        for o in (root, other, side):
            self.assertOrgNotFound(self.req('GET', '/organizations/' + o['id'], auth=bob), o['id'])
            self.assertOrgNotFound(self.req('GET', self.murl(o), auth=bob), o['id'])
        # the accounts inside them, in creation order, counted
        self.assertEqual(self.list_accounts(auth=bob), harness.ok_envelope(
            [accts['child'], accts['grand']], result_info=page_info(1, 20, 2, 2)))
        for k in ('child', 'grand'):
            self.assertGetIs(accts[k], auth=bob)
        self.assertProfile(accts['grand'], PROFILE, auth=bob)
        for k in ('root', 'side', 'other', 'alone'):
            self.assertNotFound(self.req('GET', self.url(accts[k]), auth=bob), accts[k]['id'])
        self.assertOrgAccounts(child, [accts['child']], auth=bob)
        self.assertOrgAccounts(grand, [accts['grand']], auth=bob)
        # the members of what it sees
        self.assertMembers(child, [m], auth=bob)
        self.assertMemberIs(child, m, auth=bob)
        self.assertMembers(grand, [], auth=bob)
        # filters only ever narrow what it sees
        r = self.req('GET', '/organizations', auth=bob, query={'parent.id': 'null'})
        self.assertEqual(r.json, listed([]))
        r = self.req('GET', '/organizations', auth=bob,
                     query={'containing.account': accts['grand']['id']})
        self.assertEqual(r.json, listed([seen[child['id']], seen[grand['id']]]))
        r = self.req('GET', '/organizations', auth=bob,
                     query={'containing.organization': grand['id']})
        self.assertEqual(r.json, listed([seen[child['id']]]))     # above grand, not root
        # A's view did not change
        r = self.req('GET', '/organizations', query={'page_size': 1000})
        self.assertEqual(r.json['result_info'], {'total_size': 5})

    def test_mem_6_2_member_of_two_organizations_sees_both(self):
        root, other, child, grand, side, accts = self.tree()
        self.batch_add(other, [('bob@example.com', None)])
        self.add(grand, 'bob@example.com')
        bob = 'bob@example.com'
        r = self.req('GET', '/organizations', auth=bob)
        self.assertEqual(r.json, listed([seen_from(self.get_org(other['id']), other['id']),
                                         seen_from(self.get_org(grand['id']), grand['id'])]))
        self.assertEqual(self.list_accounts(auth=bob), harness.ok_envelope(
            [accts['grand'], accts['other']], result_info=page_info(1, 20, 2, 2)))
        # a membership of the root as well: everything below it, once each
        self.add(root, bob)
        ids = [o['id'] for o in self.req('GET', '/organizations', auth=bob,
                                         query={'page_size': 1000}).json['result']]
        self.assertEqual(ids, [root['id'], other['id'], child['id'], grand['id'], side['id']])
        self.assertEqual(self.list_accounts(auth=bob)['result_info'], page_info(1, 20, 5, 5))

    def test_mem_6_3_canceled_member_sees_nothing(self):
        root, other, child, grand, side, accts = self.tree()
        m = self.add(root, 'bob@example.com', 'canceled')
        bob = 'bob@example.com'
        self.assertEqual(self.req('GET', '/organizations', auth=bob).json, listed([]))
        self.assertEqual(self.list_accounts(auth=bob),
                         harness.ok_envelope([], result_info=page_info(1, 20, 0, 0)))
        for o in (root, child, grand):
            self.assertOrgNotFound(self.req('GET', '/organizations/' + o['id'], auth=bob), o['id'])
            self.assertOrgNotFound(self.req('GET', self.murl(o, m), auth=bob), o['id'])
        for a in accts.values():
            self.assertNotFound(self.req('GET', self.url(a), auth=bob), a['id'])
        r = self.req('POST', '/accounts', {'name': 'x', 'unit': {'id': root['id']}}, auth=bob)
        self.assertFieldError(r, 1103, '/unit/id')

    def test_mem_6_4_active_member_may_act_on_what_it_sees(self):
        root, other, child, grand, side, accts = self.tree()
        self.add(child, 'bob@example.com')
        bob = 'bob@example.com'
        # rename, a sub-organization, an account, a member, a move, a profile
        r = self.req('PUT', '/organizations/' + grand['id'], {'name': 'Grand 2'}, auth=bob)
        self.assertEqual(r.status, 200, r)
        grand = self.get_org(grand['id'])
        self.assertEqual(grand['name'], 'Grand 2')
        sub = self.create_org('Bob sub', parent=child, auth=bob)
        # bob is shown it from child down; A sees it too, whole
        self.assertEqual(sub['meta']['hierarchy_tags'], [child['id'], sub['id']])
        self.assertEqual(self.get_org(sub['id'])['meta']['hierarchy_tags'],
                         [root['id'], child['id'], sub['id']])
        self.assertEqual(seen_from(self.get_org(sub['id']), child['id']), sub)
        made = self.create_account('bob made', org=sub, auth=bob)
        self.assertGetIs(made)
        carol = self.add(grand, 'carol@example.com', auth=bob)
        self.assertMembers(grand, [carol])
        r = self.req('POST', self.url(accts['grand'], '/move'),
                     {'destination_organization_id': child['id']}, auth=bob)
        self.assertEqual(r.status, 200, r)
        # a move out of what it sees is refused as for an unknown destination
        r = self.req('POST', self.url(accts['child'], '/move'),
                     {'destination_organization_id': root['id']}, auth=bob)
        self.assertFieldError(r, 1103, '/destination_organization_id', 'absent')
        r = self.req('PUT', '/organizations/%s/profile' % child['id'], PROFILE, auth=bob)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.get_org(child['id'])['profile'], PROFILE)
        # carol, added by bob, sees grand only
        r = self.req('GET', '/organizations', auth='carol@example.com')
        self.assertEqual(r.json, listed([seen_from(grand, grand['id'])]))

    def test_mem_6_5_containing_user(self):
        root, other, child, grand, side, accts = self.tree()
        m = self.add(child, 'bob@example.com')
        self.add(other, 'bob@example.com', 'canceled')
        self.add(side, 'carol@example.com')
        bob_id = m['user']['id']
        full = {o['id']: self.get_org(o['id']) for o in (root, other, child, grand, side)}

        def listed_for(uid, auth=TOKEN_A, extra=()):
            r = self.req('GET', '/organizations', auth=auth,
                         query=[('containing.user', uid)] + list(extra))
            self.assertEqual(r.status, 200, r)
            return r.json

        # where bob is an active member and those above it, as A sees them
        self.assertEqual(listed_for(bob_id), listed([full[root['id']], full[child['id']]]))
        carol_id = self.user_id('carol@example.com')
        self.assertEqual(listed_for(carol_id), listed([full[root['id']], full[side['id']]]))
        # restricted to what the caller sees: bob does not see root
        self.assertEqual(listed_for(bob_id, auth='bob@example.com'),
                         listed([seen_from(full[child['id']], child['id'])]))
        self.assertEqual(listed_for(carol_id, auth='bob@example.com'), listed([]))
        # combined with other filters, and paged
        self.assertEqual(listed_for(bob_id, extra=[('parent.id', 'null')]),
                         listed([full[root['id']]]))
        env = listed_for(bob_id, extra=[('page_size', 1)])
        self.assertEqual(env['result'], [full[root['id']]])
        self.assertEqual(env['result_info']['total_size'], 2)
        env = listed_for(bob_id, extra=[('page_size', 1),
                                        ('page_token', env['result_info']['next_page_token'])])
        self.assertEqual(env, listed([full[child['id']]], 2))
        # nothing contains the creator (it is no member), an unknown user, or junk
        for uid in (self.user_id(), UNKNOWN_ID, 'x', root['id']):
            with self.subTest(user=uid):
                self.assertEqual(listed_for(uid), listed([]))
        # B sees none of it
        self.assertEqual(listed_for(bob_id, auth=TOKEN_B), listed([]))
        # removing the membership empties it at once
        self.remove(child, m)
        self.assertEqual(listed_for(bob_id), listed([]))

    def test_mem_6_6_access_follows_later_changes_below_the_membership(self):
        """Organizations and accounts created, moved or deleted below an
        organization after a user became its member show (or go) for the
        member at once."""
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        side = self.create_org('Side', parent=root)
        in_side = self.create_account('in side', org=side)
        alone = self.create_account('alone')
        self.add(child, 'bob@example.com')
        bob = 'bob@example.com'

        def bob_orgs():
            r = self.req('GET', '/organizations', auth=bob, query={'page_size': 1000})
            self.assertEqual(r.status, 200, r)
            return [o['name'] for o in r.json['result']], r.json['result_info']['total_size']

        def bob_accounts():
            env = self.list_accounts({'per_page': 50}, auth=bob)
            return [a['name'] for a in env['result']], env['result_info']['total_count']

        self.assertEqual(bob_orgs(), (['Child'], 1))
        self.assertEqual(bob_accounts(), ([], 0))
        # a grandchild and a great-grandchild made by A afterwards
        grand = self.create_org('Grand', parent=child)
        great = self.create_org('Great', parent=grand)
        self.assertEqual(bob_orgs(), (['Child', 'Grand', 'Great'], 3))
        self.assertEqual(self.get_org(great['id'], auth=bob),
                         seen_from(self.get_org(great['id']), child['id']))
        # an account made in it afterwards
        deep = self.create_account('deep', org=great)
        self.assertEqual(bob_accounts(), (['deep'], 1))
        self.assertGetIs(deep, auth=bob)
        # accounts moved in, and out again
        r = self.req('POST', self.url(in_side, '/move'),
                     {'destination_organization_id': child['id']})
        self.assertEqual(r.status, 200, r)
        r = self.req('POST', self.url(alone, '/move'), {'destination_organization_id': grand['id']})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(bob_accounts(), (['in side', 'alone', 'deep'], 3))
        r = self.req('POST', '/accounts/move', {'account_ids': [in_side['id'], deep['id']],
                                                'destination_organization_id': side['id']})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(bob_accounts(), (['alone'], 1))
        self.assertNotFound(self.req('GET', self.url(in_side), auth=bob), in_side['id'])
        self.assertNotFound(self.req('GET', self.url(deep), auth=bob), deep['id'])
        # deleted below it: gone for bob too
        self.assertEqual(self.req('DELETE', '/organizations/' + great['id']).status, 200)
        self.assertEqual(bob_orgs(), (['Child', 'Grand'], 2))
        self.assertOrgNotFound(self.req('GET', '/organizations/' + great['id'], auth=bob),
                               great['id'])
        # a sub-organization bob makes is A's to see as well, and bob's
        mine = self.create_org('Bob made', parent=grand, auth=bob)
        self.assertEqual(bob_orgs(), (['Child', 'Grand', 'Bob made'], 3))
        self.assertEqual(seen_from(self.get_org(mine['id']), child['id']), mine)

    def test_mem_6_7_removed_and_added_again(self):
        org = self.create_org('Org')
        acct = self.create_account('acct', org=org)
        bob = 'bob@example.com'
        for round in range(3):
            with self.subTest(round=round):
                m = self.add(org, bob)
                self.assertGetIs(acct, auth=bob)
                self.remove(org, m)
                self.assertNotFound(self.req('GET', self.url(acct), auth=bob), acct['id'])
        c = self.add(org, bob, 'canceled')
        self.assertNotFound(self.req('GET', self.url(acct), auth=bob), acct['id'])
        self.remove(org, c)
        self.add(org, bob)
        self.assertGetIs(acct, auth=bob)

    def test_mem_6_8_memberships_never_take_away_what_a_user_created(self):
        owner = 'owner@example.com'
        root = self.create_org('Root', auth=owner)
        child = self.create_org('Child', parent=root, auth=owner)
        acct = self.create_account('acct', org=child, auth=owner)
        full = [self.get_org(root['id'], auth=owner), self.get_org(child['id'], auth=owner)]

        def sees(who, orgs, n_accounts):
            r = self.req('GET', '/organizations', auth=who, query={'page_size': 1000})
            self.assertEqual([o['name'] for o in r.json['result']], orgs)
            self.assertEqual(self.list_accounts(auth=who)['result_info']['total_count'],
                             n_accounts)

        # the creator as a canceled member of its own organization, then removed
        m = self.add(root, owner, 'canceled', auth=owner)
        sees(owner, ['Root', 'Child'], 1)
        self.remove(root, m, auth=owner)
        m = self.add(child, owner, auth=owner)
        self.remove(child, m, auth=owner)
        sees(owner, ['Root', 'Child'], 1)
        self.assertEqual(self.req('GET', '/organizations', auth=owner).json, listed(full))
        # active above and canceled below: the organization above gives it all
        bob = 'bob@example.com'
        above = self.add(root, bob, auth=owner)
        below = self.add(child, bob, 'canceled', auth=owner)
        sees(bob, ['Root', 'Child'], 1)
        self.remove(child, below, auth=owner)
        sees(bob, ['Root', 'Child'], 1)
        below = self.add(child, bob, auth=owner)
        self.remove(root, above, auth=owner)
        sees(bob, ['Child'], 1)
        # what bob created while a member stays his
        own = self.create_org('Bob own', auth=bob)
        sub = self.create_org('Bob sub', parent=child, auth=bob)
        self.remove(child, below, auth=owner)
        sees(bob, ['Bob own', 'Bob sub'], 0)
        # bob no longer sees child: sub without it, as parent or in its tags
        self.assertEqual(self.get_org(sub['id'], auth=bob),
                         seen_from(self.get_org(sub['id'], auth=owner), sub['id']))
        self.assertOrgNotFound(self.req('GET', '/organizations/' + child['id'], auth=bob),
                               child['id'])
        self.assertNotFound(self.req('GET', self.url(acct), auth=bob), acct['id'])
        sees(owner, ['Root', 'Child', 'Bob sub'], 1)
        self.assertOrgNotFound(self.req('GET', '/organizations/' + own['id'], auth=owner),
                               own['id'])


# ---------------------------------------------------------------------------
# Restarts


class Persistence(ApiTest):
    def test_mem_7_1_members_and_access_survive_a_restart(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'cfmock.db')
            self.assertEqual(self.srv.stop(), 0)        # setUp's in-memory server
            self.srv = harness.Server(db=db)
            root = self.create_org('Root')
            child = self.create_org('Child', parent=root)
            acct = self.create_account('acct', org=child)
            alone = self.create_account('alone')
            bob = self.add(child, 'bob@example.com')
            carl = self.add(root, 'carl@example.com', 'canceled')
            self.patch_user({'first_name': 'Bob', 'last_name': 'B'}, auth='bob@example.com')
            bob['user']['name'] = 'Bob B'
            r = self.req('POST', '/accounts/%s/members' % alone['id'],
                         {'email': 'dave@example.com', 'status': 'accepted', 'roles': [ADMIN]})
            self.assertEqual(r.status, 200, r)
            who = (TOKEN_A, 'bob@example.com', 'carl@example.com', 'dave@example.com')
            before = {w: self.world(auth=w) for w in who}
            verify = self.req('GET', '/user/tokens/verify').json
            self.assertEqual(self.srv.stop(), 0)
            self.srv = harness.Server(db=db)
            for w in who:
                with self.subTest(user=w):
                    self.assertEqual(self.world(auth=w), before[w])
            self.assertMembers(child, [bob])
            self.assertMembers(root, [carl])
            self.assertGetIs(acct, auth='bob@example.com')
            self.assertGetIs(alone, auth='dave@example.com')
            self.assertEqual(self.req('GET', '/user/tokens/verify').json, verify)
            # new members after a restart get fresh ids, and access at once
            eve = self.add(child, 'eve@example.com')
            self.assertNotIn(eve['id'], (bob['id'], carl['id']))
            self.assertGetIs(acct, auth='eve@example.com')
            r = self.req('DELETE', '/organizations/' + root['id'])
            self.assertError(r, 400, [1102], result_key='absent')
            # tearDown stops an in-memory server: none may hold a file in d
            self.assertEqual(self.srv.stop(), 0)
            self.srv = harness.Server()


if __name__ == '__main__':
    harness.main()
