"""test_isolation.py: two users side by side across every endpoint (the
README's "Credentials and who sees what"). Whatever another user cannot see
answers exactly as a well-formed id that does not exist: the same status
and the same body but for the id (404 with 1101, 1201 or 1301; an empty
list with total_size or total_count 0; a batch move status of an unknown
id), and never changes anything. The same holds for a member: an active
organization member sees that organization, what is below it and the
accounts inside, and nothing else; an accepted account member sees that
account only; a canceled or pending member, and a removed one, sees
nothing through it.

Every test gets a fresh server (seed 1, fake clock). The helpers come from
helpers.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import (ApiTest, ADMIN, DNS, OTHER_PROFILE, POLICY, PROFILE, listed,  # noqa: E402
                     org_unseen, page_info, seen_from)

BOB = 'bob@example.com'        # an active member of A's root
CARL = 'carl@example.com'      # a canceled member of A's child
DAVE = 'dave@example.com'      # an accepted member of A's account in the child
ERIN = 'erin@example.com'      # a pending member of A's stand-alone account


NO_MEMBER = '%032x' % 0xbeef   # a member id for an organization without members


def fake_ids(n):
    """Well-formed ids that name nothing."""
    return ['%032x' % (0xdead00000000 + i) for i in range(n)]


class IsolationTest(ApiTest):
    def a_state(self):
        """A's state: Root (profile) > Child > Grand, a second root Other,
        accounts in Child and in Other and one stand-alone (with profile),
        organization members and account members of every status."""
        s = {}
        s['root'] = self.create_org('A root', profile=PROFILE)
        s['child'] = self.create_org('A child', parent=s['root'])
        s['grand'] = self.create_org('A grand', parent=s['child'])
        s['other'] = self.create_org('A other')
        s['in_child'] = self.create_account('A in child', org=s['child'])
        s['in_other'] = self.create_account('A in other', org=s['other'])
        s['alone'] = self.create_account('A alone')
        self.put_profile(s['alone'], PROFILE)
        s['bob'] = self.add(s['root'], BOB)
        s['carl'] = self.add(s['child'], CARL, 'canceled')
        s['other_m'] = self.add(s['other'], 'olga@example.com')
        s['dave'] = self.add_am(s['in_child'], DAVE, 'accepted', roles=[ADMIN])
        s['erin'] = self.add_am(s['alone'], ERIN, policies=[POLICY])
        s['alone_c'] = self.creator(s['alone'])
        return s

    def b_state(self):
        s = {}
        s['org'] = self.create_org('B org', auth=TOKEN_B)
        s['acct'] = self.create_account('B acct', org=s['org'], auth=TOKEN_B)
        s['alone'] = self.create_account('B alone', auth=TOKEN_B)
        s['member'] = self.add(s['org'], 'bea@example.com', auth=TOKEN_B)
        s['am'] = self.add_am(s['acct'], 'bea@example.com', roles=[DNS], auth=TOKEN_B)
        return s

    # -- every endpoint on an organization and on an account ------------

    def org_routes(self, oid, mid, dest_acct):
        """Every request on organization oid (mid: one of its members)."""
        o = '/organizations/' + oid
        return [
            ('GET', o, None), ('PUT', o, {'name': 'pwned'}), ('DELETE', o, None),
            ('GET', o + '/profile', None), ('PUT', o + '/profile', OTHER_PROFILE),
            ('GET', o + '/accounts', None), ('GET', o + '/members', None),
            ('GET', o + '/members', [('status', 'active'), ('page_size', 1)]),
            ('POST', o + '/members', {'member': {'user': {'email': 'intruder@example.com'}}}),
            ('POST', o + '/members:batchCreate',
             {'members': [{'user': {'email': 'intruder@example.com'}}]}),
            ('GET', o + '/members/' + mid, None), ('DELETE', o + '/members/' + mid, None),
            ('DELETE', o + '/members/' + mid, {'member_id': mid}),
            # as a parent, a unit or a destination
            ('POST', '/organizations', {'name': 'x', 'parent': {'id': oid}}),
            ('POST', '/accounts', {'name': 'x', 'unit': {'id': oid}}),
            ('POST', '/accounts/%s/move' % dest_acct, {'destination_organization_id': oid}),
            ('POST', '/accounts/move', {'account_ids': [dest_acct],
                                        'destination_organization_id': oid}),
        ]

    def account_routes(self, aid, mid, dest_org, with_verify=True):
        """Every request on account aid (mid: one of its members)."""
        a = '/accounts/' + aid
        routes = [
            ('GET', a, None), ('PUT', a, {'name': 'pwned', 'type': 'standard'}),
            ('DELETE', a, None), ('GET', a + '/profile', None),
            ('PUT', a + '/profile', OTHER_PROFILE),
            ('POST', a + '/move', {'destination_organization_id': dest_org}),
            ('GET', a + '/organizations', None), ('GET', a + '/members', None),
            ('GET', a + '/members', {'status': 'accepted', 'per_page': 5}),
            ('POST', a + '/members', {'email': 'intruder@example.com', 'roles': [ADMIN]}),
            ('GET', a + '/members/' + mid, None),
            ('PUT', a + '/members/' + mid, {'roles': [{'id': ADMIN}]}),
            ('DELETE', a + '/members/' + mid, None),
            ('GET', a + '/roles', None), ('GET', a + '/roles/' + ADMIN, None),
            ('POST', '/accounts/move', {'account_ids': [aid],
                                        'destination_organization_id': dest_org}),
        ]
        if with_verify:
            routes.append(('GET', a + '/tokens/verify', None))
        return routes

    def list_queries(self, org_ids, acct_ids, user_ids):
        """List filters that name another user's objects."""
        qs = []
        for oid in org_ids:
            qs += [('/organizations', [('id', oid)]),
                   ('/organizations', [('containing.organization', oid)]),
                   ('/organizations', [('parent.id', oid)])]
        for aid in acct_ids:
            qs.append(('/organizations', [('containing.account', aid)]))
        for uid in user_ids:
            qs.append(('/organizations', [('containing.user', uid)]))
        return qs

    def call(self, auth, method, path, body):
        if method == 'GET' and isinstance(body, (list, dict)):
            return self.req('GET', path, auth=auth, query=body)
        return self.req(method, path, body, auth=auth)

    @staticmethod
    def substitute(value, mapping):
        if isinstance(value, str):
            for k, v in mapping.items():
                value = value.replace(k, v)
            return value
        if isinstance(value, list):
            return [IsolationTest.substitute(x, mapping) for x in value]
        if isinstance(value, tuple):
            return tuple(IsolationTest.substitute(x, mapping) for x in value)
        if isinstance(value, dict):
            return {k: IsolationTest.substitute(v, mapping) for k, v in value.items()}
        return value

    def assertLikeUnknown(self, auth, routes, hidden, codes=(1101, 1201, 1301, 1103)):
        """Each route, called by auth, answers exactly as it does with the
        hidden ids replaced by well-formed ids that name nothing (status and
        body but for the id), and that answer is not a success but for
        lists, which must be empty, and batch moves, which move nothing; an
        error is one of codes."""
        fakes = dict(zip(hidden, fake_ids(len(hidden))))
        for method, path, body in routes:
            with self.subTest(caller=auth, method=method, path=path, body=body):
                got = self.call(auth, method, path, body)
                ref = self.call(auth, method, self.substitute(path, fakes),
                                self.substitute(body, fakes))
                norm_got, norm_ref = got.raw, ref.raw
                for i, (h, f) in enumerate(fakes.items()):
                    norm_got = norm_got.replace(h.encode(), b'<%d>' % i)
                    norm_ref = norm_ref.replace(f.encode(), b'<%d>' % i)
                self.assertEqual((got.status, norm_got), (ref.status, norm_ref))
                self.assertEqual(got.headers.get('content-type'),
                                 ref.headers.get('content-type'))
                if got.status == 200:
                    res = got.json['result']
                    if isinstance(res, list):
                        self.assertEqual(res, [], got)
                    else:
                        # only a batch move answers 200: nothing moved
                        statuses = res['statuses']
                        self.assertIs(statuses['moved'], False, got)
                        self.assertTrue(all(v['moved'] is False for v in statuses['accounts']),
                                        got)
                else:
                    self.assertIn(got.status, (400, 404), got)
                    got_codes = [e['code'] for e in got.json['errors']]
                    self.assertEqual(len(got_codes), 1, got)
                    self.assertIn(got_codes[0], codes, got)

    def everything(self, s, b_dest_acct, b_dest_org, orgs, accts, members_of, am_of):
        """All org and account routes on the given hidden objects."""
        routes, hidden = [], []
        for o in orgs:
            mid = members_of.get(o['id'], NO_MEMBER)
            routes += self.org_routes(o['id'], mid, b_dest_acct)
            hidden += [o['id'], mid]
        for a in accts:
            mid = am_of[a['id']]
            routes += self.account_routes(a['id'], mid, b_dest_org)
            hidden += [a['id'], mid]
        return routes, list(dict.fromkeys(hidden))


# ---------------------------------------------------------------------------
# Another user


class OtherUser(IsolationTest):
    def test_iso_1_1_every_endpoint_answers_as_for_an_unknown_id(self):
        s = self.a_state()
        b = self.b_state()
        worlds = {who: self.world(auth=who) for who in (TOKEN_A, TOKEN_B, BOB, CARL, DAVE, ERIN)}
        members_of = {s['root']['id']: s['bob']['id'], s['child']['id']: s['carl']['id'],
                      s['other']['id']: s['other_m']['id']}
        am_of = {s['in_child']['id']: s['dave']['id'], s['alone']['id']: s['erin']['id'],
                 s['in_other']['id']: self.creator(s['in_other'])['id']}
        routes, hidden = self.everything(
            s, b['alone']['id'], b['org']['id'],
            [s['root'], s['child'], s['grand'], s['other']],
            [s['in_child'], s['in_other'], s['alone']], members_of, am_of)
        self.assertLikeUnknown(TOKEN_B, routes, hidden)
        # A's member and account-member ids under B's own objects
        cross = [('GET', '/organizations/%s/members/%s' % (b['org']['id'], s['bob']['id']), None),
                 ('DELETE', '/organizations/%s/members/%s' % (b['org']['id'], s['bob']['id']),
                  None),
                 ('GET', '/accounts/%s/members/%s' % (b['acct']['id'], s['dave']['id']), None),
                 ('PUT', '/accounts/%s/members/%s' % (b['acct']['id'], s['dave']['id']),
                  {'roles': [{'id': DNS}]}),
                 ('DELETE', '/accounts/%s/members/%s' % (b['acct']['id'], s['dave']['id']), None)]
        self.assertLikeUnknown(TOKEN_B, cross, [s['bob']['id'], s['dave']['id']])
        # list filters naming A's objects and A's members' users
        bob_id = s['bob']['user']['id']
        dave_id = s['dave']['user']['id']
        queries = self.list_queries([s['root']['id'], s['child']['id'], s['other']['id']],
                                    [s['in_child']['id'], s['alone']['id']], [bob_id, dave_id])
        self.assertLikeUnknown(TOKEN_B, [('GET', p, q) for p, q in queries],
                               [s['root']['id'], s['child']['id'], s['other']['id'],
                                s['in_child']['id'], s['alone']['id'], bob_id, dave_id])
        for p, q in queries:
            with self.subTest(query=q):
                self.assertEqual(self.req('GET', p, auth=TOKEN_B, query=q).json, listed([]))
        # nothing changed for anyone
        for who, w in worlds.items():
            with self.subTest(world=who):
                self.assertEqual(self.world(auth=who), w)

    def test_iso_1_2_lists_and_counts_are_per_user(self):
        s = self.a_state()
        b = self.b_state()
        # B's lists hold B's objects only
        r = self.req('GET', '/organizations', auth=TOKEN_B, query={'page_size': 1000})
        self.assertEqual(r.json, listed([b['org']]))
        self.assertEqual(self.list_accounts(auth=TOKEN_B), harness.ok_envelope(
            [b['acct'], b['alone']], result_info=page_info(1, 20, 2, 2)))
        self.assertEqual(self.list_accounts({'name': 'A alone'}, auth=TOKEN_B),
                         harness.ok_envelope([], result_info=page_info(1, 20, 0, 0)))
        self.assertMembers(b['org'], [b['member']], auth=TOKEN_B)
        self.assertAMembers(b['acct'], [self.creator(b['acct'], auth=TOKEN_B), b['am']],
                            auth=TOKEN_B)
        # and A's hold A's
        r = self.req('GET', '/organizations', query={'page_size': 1000})
        self.assertEqual([o['id'] for o in r.json['result']],
                         [s[k]['id'] for k in ('root', 'child', 'grand', 'other')])
        self.assertEqual(r.json['result_info'], {'total_size': 4})
        self.assertEqual(self.list_accounts()['result'],
                         [s['in_child'], s['in_other'], s['alone']])
        self.assertMembers(s['root'], [s['bob']])
        self.assertMembers(s['child'], [s['carl']])
        # B's paging never reaches A's objects
        items, pages = self.member_walk(b['org'], 1, auth=TOKEN_B)
        self.assertEqual(items, [b['member']])
        r = self.req('GET', '/organizations', auth=TOKEN_B, query={'page_size': 1})
        self.assertEqual(r.json, listed([b['org']]))

    def test_iso_1_3_page_tokens_are_not_transferable(self):
        s = self.a_state()
        b = self.b_state()
        for i in range(3):
            self.add(s['root'], 'm%d@example.com' % i)
            self.add(b['org'], 'm%d@example.com' % i, auth=TOKEN_B)
        token = self.list_members(s['root'], {'page_size': 1})['result_info']['next_page_token']
        # on A's organization: as unknown
        self.assertLikeUnknown(TOKEN_B, [('GET', self.murl(s['root']),
                                          {'page_token': token, 'page_size': 1})],
                               [s['root']['id']], codes=(1101, 1005, 1006))
        # on B's own organization: a token B was not given
        r = self.req('GET', self.murl(b['org']), auth=TOKEN_B,
                     query={'page_token': token, 'page_size': 1})
        self.assertEqual(r.status, 400, r)
        self.assertIn(r.json['errors'][0]['code'], (1005, 1006), r)
        self.assertParamError(r, r.json['errors'][0]['code'], 'page_token', 'absent')

    def test_iso_1_4_same_names_side_by_side(self):
        """A and B do the same things: each gets its own objects, and the
        member email they share is one user, seen by both memberships."""
        made = {}
        for who in (TOKEN_A, TOKEN_B):
            org = self.create_org('Same', auth=who)
            acct = self.create_account('Same', org=org, auth=who)
            m = self.add(org, 'shared@example.com', auth=who)
            am = self.add_am(acct, 'shared@example.com', 'accepted', roles=[DNS], auth=who)
            made[who] = (org, acct, m, am)
        (ao, aa, am_, aam), (bo, ba, bm, bam) = made[TOKEN_A], made[TOKEN_B]
        self.assertNotEqual(ao['id'], bo['id'])
        self.assertNotEqual(ao['meta']['managed_by'], bo['meta']['managed_by'])
        self.assertEqual(am_['user']['id'], bm['user']['id'])
        self.assertEqual(aam['user']['id'], bam['user']['id'])
        uid = am_['user']['id']
        r = self.req('GET', '/organizations', query={'containing.user': uid})
        self.assertEqual(r.json, listed([self.get_org(ao['id'])]))
        r = self.req('GET', '/organizations', auth=TOKEN_B, query={'containing.user': uid})
        self.assertEqual(r.json, listed([self.get_org(bo['id'], auth=TOKEN_B)]))
        # the shared user sees both
        r = self.req('GET', '/organizations', auth='shared@example.com')
        self.assertEqual(r.json, listed([self.get_org(ao['id']),
                                         self.get_org(bo['id'], auth=TOKEN_B)]))
        self.assertEqual(self.list_accounts(auth='shared@example.com')['result'], [aa, ba])
        r = self.req('GET', '/organizations', auth='shared@example.com',
                     query={'containing.user': uid})
        self.assertEqual(r.json['result_info'], {'total_size': 2})
        # B removing its membership leaves A's
        self.remove(bo, bm, auth=TOKEN_B)
        r = self.req('GET', '/organizations', auth='shared@example.com')
        self.assertEqual(r.json, listed([self.get_org(ao['id'])]))
        # still an accepted member of B's account, no longer seeing B's
        # organization: the account without managed_by
        self.assertEqual(self.list_accounts(auth='shared@example.com')['result'],
                         [aa, org_unseen(ba)])
        self.assertMembers(ao, [am_])


# ---------------------------------------------------------------------------
# Members see what their membership gives, and nothing else


class Members(IsolationTest):
    def test_iso_2_1_active_org_member_sees_its_subtree_only(self):
        s = self.a_state()
        b = self.b_state()
        before = {who: self.world(auth=who) for who in (TOKEN_A, TOKEN_B)}
        # what bob sees
        r = self.req('GET', '/organizations', auth=BOB, query={'page_size': 1000})
        self.assertEqual(r.json, listed([self.get_org(s[k]['id'])
                                         for k in ('root', 'child', 'grand')]))
        self.assertEqual(self.list_accounts(auth=BOB)['result'], [s['in_child']])
        # bob has his own stand-alone account to move things into
        r = self.req('POST', '/accounts', {'name': 'bob alone'}, auth=BOB)
        self.assertEqual(r.status, 200, r)
        bob_acct = r.json['result']
        bob_before = self.world(auth=BOB)
        # everything about A's other root, A's stand-alone account, and B's
        members_of = {s['other']['id']: s['other_m']['id'], b['org']['id']: b['member']['id']}
        am_of = {s['in_other']['id']: self.creator(s['in_other'])['id'],
                 s['alone']['id']: s['erin']['id'], b['acct']['id']: b['am']['id'],
                 b['alone']['id']: self.creator(b['alone'], auth=TOKEN_B)['id']}
        routes, hidden = self.everything(
            s, bob_acct['id'], s['root']['id'], [s['other'], b['org']],
            [s['in_other'], s['alone'], b['acct'], b['alone']], members_of, am_of)
        routes = [r for r in routes if not r[1].endswith('/tokens/verify')]
        self.assertLikeUnknown(BOB, routes, hidden)
        queries = self.list_queries([s['other']['id'], b['org']['id']],
                                    [s['in_other']['id'], s['alone']['id'], b['acct']['id']],
                                    [s['other_m']['user']['id'], b['member']['user']['id']])
        self.assertLikeUnknown(BOB, [('GET', p, q) for p, q in queries],
                               [s['other']['id'], b['org']['id'], s['in_other']['id'],
                                s['alone']['id'], b['acct']['id'], s['other_m']['user']['id'],
                                b['member']['user']['id']])
        self.assertEqual(self.world(auth=BOB), bob_before)
        for who, w in before.items():
            self.assertEqual(self.world(auth=who), w)

    def test_iso_2_2_accepted_account_member_sees_that_account_only(self):
        s = self.a_state()
        dave_before = self.world(auth=DAVE)
        # without managed_by, which names an organization dave does not see
        self.assertEqual(self.list_accounts(auth=DAVE)['result'], [org_unseen(s['in_child'])])
        self.assertGetIs(org_unseen(s['in_child']), auth=DAVE)
        self.assertEqual(self.req('GET', '/organizations', auth=DAVE).json, listed([]))
        before = self.world()
        # every organization (even the one holding its account) and every
        # other account are as unknown to dave
        r = self.req('POST', '/accounts', {'name': 'dave alone'}, auth=DAVE)
        self.assertEqual(r.status, 200, r)
        dave_acct = r.json['result']
        members_of = {s['root']['id']: s['bob']['id'], s['child']['id']: s['carl']['id'],
                      s['other']['id']: s['other_m']['id']}
        am_of = {s['in_other']['id']: self.creator(s['in_other'])['id'],
                 s['alone']['id']: s['erin']['id']}
        routes, hidden = self.everything(
            s, dave_acct['id'], s['child']['id'],
            [s['root'], s['child'], s['grand'], s['other']],
            [s['in_other'], s['alone']], members_of, am_of)
        routes = [r for r in routes if not r[1].endswith('/tokens/verify')]
        self.assertLikeUnknown(DAVE, routes, hidden)
        self.assertEqual(self.world(), before)
        self.assertEqual(self.req('DELETE', self.url(dave_acct), auth=DAVE).status, 200)
        self.assertEqual(self.world(auth=DAVE), dave_before)

    def test_iso_2_3_canceled_and_pending_members_see_nothing(self):
        s = self.a_state()
        before = self.world()
        members_of = {s['root']['id']: s['bob']['id'], s['child']['id']: s['carl']['id'],
                      s['other']['id']: s['other_m']['id']}
        am_of = {s['in_child']['id']: s['dave']['id'], s['alone']['id']: s['erin']['id'],
                 s['in_other']['id']: self.creator(s['in_other'])['id']}
        for who in (CARL, ERIN):
            with self.subTest(member=who):
                self.assertEqual(self.req('GET', '/organizations', auth=who).json, listed([]))
                self.assertEqual(self.list_accounts(auth=who),
                                 harness.ok_envelope([], result_info=page_info(1, 20, 0, 0)))
                r = self.req('POST', '/accounts', {'name': 'own'}, auth=who)
                self.assertEqual(r.status, 200, r)
                own = r.json['result']
                routes, hidden = self.everything(
                    s, own['id'], s['child']['id'],
                    [s['root'], s['child'], s['grand'], s['other']],
                    [s['in_child'], s['in_other'], s['alone']], members_of, am_of)
                routes = [r for r in routes if not r[1].endswith('/tokens/verify')]
                self.assertLikeUnknown(who, routes, hidden)
                self.assertEqual(self.req('DELETE', self.url(own), auth=who).status, 200)
        self.assertEqual(self.world(), before)

    def test_iso_2_4_removed_members_see_nothing_at_once(self):
        s = self.a_state()
        self.assertGetIs(s['in_child'], auth=BOB)
        self.assertGetIs(org_unseen(s['in_child']), auth=DAVE)
        self.remove(s['root'], s['bob'])
        r = self.req('DELETE', self.aurl(s['in_child'], s['dave']))
        self.assertEqual(r.status, 200, r)
        before = self.world()
        members_of = {s['root']['id']: s['carl']['id'], s['child']['id']: s['carl']['id'],
                      s['other']['id']: s['other_m']['id']}
        am_of = {s['in_child']['id']: self.creator(s['in_child'])['id'],
                 s['alone']['id']: s['erin']['id'],
                 s['in_other']['id']: self.creator(s['in_other'])['id']}
        for who in (BOB, DAVE):
            with self.subTest(member=who):
                self.assertEqual(self.req('GET', '/organizations', auth=who).json, listed([]))
                self.assertEqual(self.list_accounts(auth=who),
                                 harness.ok_envelope([], result_info=page_info(1, 20, 0, 0)))
                r = self.req('POST', '/accounts', {'name': 'own'}, auth=who)
                own = r.json['result']
                routes, hidden = self.everything(
                    s, own['id'], s['child']['id'],
                    [s['root'], s['child'], s['grand'], s['other']],
                    [s['in_child'], s['in_other'], s['alone']], members_of, am_of)
                routes = [r for r in routes if not r[1].endswith('/tokens/verify')]
                self.assertLikeUnknown(who, routes, hidden)
                self.assertEqual(self.req('DELETE', self.url(own), auth=who).status, 200)
        self.assertEqual(self.world(), before)
        r = self.req('GET', '/organizations', query={'containing.user': s['bob']['user']['id']})
        self.assertEqual(r.json, listed([]))

    def test_iso_2_5_member_of_another_users_org_with_a_token(self):
        """B's token user, added by its email to A's organization, sees it
        beside its own; A still sees nothing of B's."""
        s = self.a_state()
        b = self.b_state()
        b_user = self.me(TOKEN_B)
        m = self.add(s['child'], b_user['email'], user=b_user['id'])
        r = self.req('GET', '/organizations', auth=TOKEN_B, query={'page_size': 1000})
        self.assertEqual([o['id'] for o in r.json['result']],
                         [s['child']['id'], s['grand']['id'], b['org']['id']])
        self.assertEqual(self.list_accounts(auth=TOKEN_B)['result'],
                         [s['in_child'], b['acct'], b['alone']])
        r = self.req('GET', '/accounts/%s/tokens/verify' % s['in_child']['id'], auth=TOKEN_B)
        self.assertEqual(r.status, 200, r)
        # A still sees nothing of B's
        routes, hidden = self.everything(
            s, s['alone']['id'], s['root']['id'], [b['org']], [b['acct'], b['alone']],
            {b['org']['id']: b['member']['id']},
            {b['acct']['id']: b['am']['id'],
             b['alone']['id']: self.creator(b['alone'], auth=TOKEN_B)['id']})
        self.assertLikeUnknown(TOKEN_A, routes, hidden)
        # and once removed, B is back to its own
        self.remove(s['child'], m)
        r = self.req('GET', '/organizations', auth=TOKEN_B, query={'page_size': 1000})
        self.assertEqual(r.json, listed([b['org']]))
        r = self.req('GET', '/accounts/%s/tokens/verify' % s['in_child']['id'], auth=TOKEN_B)
        self.assertEqual(r.status, 404, r)

    def test_iso_2_6_the_chain_of_an_account_shows_only_what_the_caller_sees(self):
        """GET /accounts/{id}/organizations is a list: a member that sees
        the account but not every organization above it gets only those it
        sees, as GET /organizations?containing.account= answers them."""
        s = self.a_state()
        in_grand = self.create_account('A in grand', org=s['grand'])
        self.add_am(in_grand, DAVE, 'accepted', roles=[ADMIN])
        full = {k: self.get_org(s[k]['id']) for k in ('root', 'child', 'grand')}
        # A, who made them all, gets the whole chain
        r = self.req('GET', self.url(in_grand, '/organizations'))
        self.assertEqual(r.json, harness.ok_envelope([full['root'], full['child'],
                                                      full['grand']]))
        # bob is an active member of root: the whole chain too
        r = self.req('GET', self.url(in_grand, '/organizations'), auth=BOB)
        self.assertEqual(r.json, harness.ok_envelope([full['root'], full['child'],
                                                      full['grand']]))
        # a member of child only: child and grand, not root, and nothing
        # in them names root (parent, hierarchy_tags)
        self.add(s['child'], 'cleo@example.com')
        child_id = s['child']['id']
        cases = [('cleo@example.com', in_grand, [seen_from(full['child'], child_id),
                                                 seen_from(full['grand'], child_id)]),
                 # dave sees two accounts and no organization at all
                 (DAVE, in_grand, []), (DAVE, s['in_child'], [])]
        for who, acct, want in cases:
            with self.subTest(caller=who, account=acct['name']):
                self.assertGetIs(acct if want else org_unseen(acct), auth=who)
                r = self.req('GET', self.url(acct, '/organizations'), auth=who)
                self.assertEqual(r.status, 200, r)
                names = [o['name'] for o in r.json['result']]
                for o in r.json['result']:
                    g = self.req('GET', '/organizations/' + o['id'], auth=who)
                    self.assertEqual(g.status, 200, (who, o['name'], 'is listed but answers',
                                                     g.status))
                self.assertEqual(names, [o['name'] for o in want])
                self.assertEqual(r.json, harness.ok_envelope(want))
                c = self.req('GET', '/organizations', auth=who,
                             query={'containing.account': acct['id']})
                self.assertEqual(c.json, listed(want))


if __name__ == '__main__':
    harness.main()
