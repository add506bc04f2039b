"""helpers.py: what the http tests share beyond the harness: the constants
of cfmock's contract (ids, times, profiles, roles, policies), builders of
the whole objects and envelopes it answers, and ApiTest, the one test case
class whose helpers make and check organizations, accounts, organization
and account members, roles, moves, profiles, users and token verifies.

A test file imports harness and helpers (and the standard library), never
another test file. What one file alone needs stays in that file."""
import copy
import re

import harness
from harness import TOKEN_A

# ---------------------------------------------------------------------------
# Ids, times, bodies

HEX32 = re.compile(r'^[0-9a-f]{32}$')
# the fake clock starts at 2026-01-01T00:00:00Z and moves 1 ms per reading
CREATED_ON = re.compile(r'^2026-01-01T00:00:00\.\d{3}Z$')
UNKNOWN_ID = '0123456789abcdef0123456789abcdef'     # well-formed, names nothing
OTHER_ID = 'fedcba9876543210fedcba9876543210'       # another such id
BAD_IDS = ('xyz', 'ABCDEF0123456789ABCDEF0123456789', UNKNOWN_ID[:31], UNKNOWN_ID + '0',
           'g' * 32, 'bob@example.com')
JSON_CT = {'Content-Type': 'application/json'}

# ---------------------------------------------------------------------------
# Profiles (of organizations and of accounts: the same five strings)

PROFILE_KEYS = ('business_address', 'business_email', 'business_name', 'business_phone',
                'external_metadata')
PROFILE = {
    'business_address': '101 Townsend St, San Francisco, CA',
    'business_email': 'billing@example.com',
    'business_name': 'Example Inc.',
    'business_phone': '+1 555 0100',
    'external_metadata': '{"crm_id": 42}',
}
OTHER_PROFILE = {
    'business_address': '1 Rue de Rivoli, Paris',
    'business_email': 'compta@exemple.fr',
    'business_name': 'Exemple SARL',
    'business_phone': '+33 1 00 00 00 00',
    'external_metadata': '',
}
EMPTY_PROFILE = {k: '' for k in PROFILE_KEYS}
# The longest each field may be, in characters (README "Limits and security").
PROFILE_MAX = {'business_address': 500, 'business_email': 254, 'business_name': 100,
               'business_phone': 50, 'external_metadata': 2000}

# ---------------------------------------------------------------------------
# Credentials

KEY = '0' * 32                # any well-formed key names the email's user in open mode


# alice's Global API key in test_users.py's strict-mode fixtures; test_tokens.py
# sends it as a key that is not a token
ALICE_KEY = '144c9defac04969c7bfad8efaa8ea194abcde'


def email_headers(email, key=KEY):
    """X-Auth-Email (sent as UTF-8, which http.client would send as
    Latin-1) and X-Auth-Key."""
    return {'X-Auth-Email': email.encode() if isinstance(email, str) else email, 'X-Auth-Key': key}


# ---------------------------------------------------------------------------
# Roles and policies

# The README's role table, in its order.
ROLES = [
    ('33666b9c79b9a5273fc7344ff42f953d', 'Super Administrator - All Privileges'),
    ('05784afa30c1afe1440e79d9351c7430', 'Administrator'),
    ('f2b20b3ba2d1bbb0a4aa2d3b7c3d0b5f', 'Administrator Read Only'),
    ('298ce8a6e5de4d5fa8d2c03b4b3d9f64', 'Billing'),
    ('9a5c37f6c4cd4ab2a9d6d0e8bb7c2c55', 'DNS'),
    ('c4a6cd1ae0a04a59b1a4e5d2f2e0d9b3', 'Analytics'),
    ('e58cefd75d7adae0b761796c28815e5c', 'Cache Purge'),
]
ROLE_IDS = [r[0] for r in ROLES]
SUPER_ADMIN, ADMIN, ADMIN_RO, BILLING, DNS, ANALYTICS, CACHE_PURGE = ROLE_IDS

# The README's IAM permission groups, in its order: (id, name, label). The
# roles come first, with their ids and names.
ROLE_LABELS = ['all_privileges', 'admin', 'admin_readonly', 'billing', 'dns', 'analytics',
               'cache_purge']
PERMISSION_GROUPS = [(rid, name, label) for (rid, name), label in zip(ROLES, ROLE_LABELS)] + [
    ('6d7f2f5f5b1d4a0e9081fdc98d432fd1', 'Load Balancer', 'load_balancer_admin'),
    ('c8fed203ed3043cba015a93ad1616f1f', 'Zone Read', 'zone_read'),
    ('82e64a83756745bbbb1c9c2701bf816b', 'Magic Network Monitoring', 'fbm_user'),
    ('d2a1802cc9a34e30852f8b33869b2f3c', 'Domain Administrator Read Only',
     'domain_admin_readonly'),
]
ZONE_READ, MAGIC_NM = PERMISSION_GROUPS[8][0], PERMISSION_GROUPS[9][0]


def permission_group(pid):
    """The whole IAM permission group with id pid."""
    for gid, name, label in PERMISSION_GROUPS:
        if gid == pid:
            return {'id': gid, 'name': name, 'meta': {'key': 'label', 'value': label}}
    raise KeyError(pid)


def fnv1a64(h, text):
    for b in text.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


def resource_group_id(acct):
    """The id of the account's resource group (roles.h): FNV-1a 64 of its
    scope key, then run on over the key again. acct: an account or its id."""
    key = 'com.cloudflare.api.account.' + (acct if isinstance(acct, str) else acct['id'])
    h1 = fnv1a64(0xcbf29ce484222325, key)
    return '%016x%016x' % (h1, fnv1a64(h1, key))


def resource_group(acct):
    """The whole resource group of the account (acct: an account or its id)."""
    aid = acct if isinstance(acct, str) else acct['id']
    key = 'com.cloudflare.api.account.' + aid
    return {'id': resource_group_id(aid), 'name': key,
            'scope': {'key': key, 'objects': [{'key': '*'}]},
            'meta': {'key': 'editable', 'value': 'false'}}


# Policies whose groups are in every account: resource groups are the
# account's own, so in_account() adds the one of a given account.
POLICY = {'access': 'allow', 'id': 'f267e341f3dd4697bd3b9f71dd96247f',
          'permission_groups': [{'id': ZONE_READ}, {'id': MAGIC_NM}],
          'resource_groups': []}
DENY = {'access': 'deny', 'id': '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
        'permission_groups': [{'id': DNS}],
        'resource_groups': []}


def in_account(policy, acct):
    """policy with the account's resource group as its resource groups."""
    return dict(copy.deepcopy(policy), resource_groups=[{'id': resource_group_id(acct)}])


def answered(policies, acct):
    """policies as an account member's answers show them: each group in
    its whole shape, from the catalogue and the account's resource group.
    acct: an account or its id."""
    out = []
    for p in policies:
        q = {k: p[k] for k in ('id', 'access') if k in p}
        q['permission_groups'] = [permission_group(g['id']) for g in p['permission_groups']]
        q['resource_groups'] = [resource_group(acct) for g in p['resource_groups']]
        for g in p['resource_groups']:
            assert g['id'] == resource_group_id(acct), g
        out.append(q)
    return out

# ---------------------------------------------------------------------------
# Users and token verify

USER_KEYS = {'id', 'email', 'first_name', 'last_name', 'telephone', 'country', 'zipcode',
             'two_factor_authentication_enabled', 'two_factor_authentication_locked',
             'suspended', 'has_pro_zones', 'has_business_zones', 'has_enterprise_zones', 'betas'}
VALID_MESSAGE = {'code': 10000, 'message': 'This API Token is valid and active'}

AUTH_ERROR = {'success': False, 'messages': [], 'result': None,
              'errors': [{'code': 10000, 'message': 'Authentication error'}]}
INVALID_TOKEN = {'success': False, 'messages': [], 'result': None,
                 'errors': [{'code': 1000, 'message': 'Invalid API Token'}]}
MISSING_AUTHZ = {'success': False, 'messages': [], 'result': None,
                 'errors': [{'code': 1001, 'message': 'Missing "Authorization" header'}]}
MISSING_AUTH = {'success': False, 'messages': [], 'result': None, 'errors': [
    {'code': 9106, 'message': 'Missing X-Auth-Key, X-Auth-Email or Authorization headers'}]}

# ---------------------------------------------------------------------------
# Whole objects and envelopes


def iam_account(id, name, created_on, type='standard', org=None, enforce_twofactor=False,
                abuse_contact_email=None):
    """The whole IAM-family account object (GET/POST/PUT /accounts...)."""
    settings = {'enforce_twofactor': enforce_twofactor}
    if abuse_contact_email is not None:
        settings['abuse_contact_email'] = abuse_contact_email
    acct = {'id': id, 'name': name, 'type': type, 'created_on': created_on,
            'settings': settings}
    if org is not None:
        acct['managed_by'] = {'parent_org_id': org['id'], 'parent_org_name': org['name']}
    return acct


def in_org(acct, org):
    """acct (IAM shape) as it reads once it sits in org."""
    out = dict(acct)
    out['managed_by'] = {'parent_org_id': org['id'], 'parent_org_name': org['name']}
    return out


def seen_from(org, top):
    """org as a caller who sees the hierarchy only from organization id
    top down is shown it: hierarchy_tags from top, and no parent above top
    (cfmock never names an organization the caller gets 404 for)."""
    o = copy.deepcopy(org)
    tags = o['meta']['hierarchy_tags']
    o['meta']['hierarchy_tags'] = tags[tags.index(top):]
    if o['id'] == top:
        o.pop('parent', None)
    return o


def org_unseen(acct):
    """acct as a caller who does not see its organization is shown it:
    without managed_by (which would name that organization)."""
    a = copy.deepcopy(acct)
    a.pop('managed_by', None)
    return a


def org_account(acct):
    """The Organizations-API shape (GET /organizations/{id}/accounts items)
    of an account given in the IAM shape."""
    return {
        'id': acct['id'],
        'name': acct['name'],
        'type': acct['type'],
        'created_on': acct['created_on'],
        'settings': {
            'abuse_contact_email': acct['settings'].get('abuse_contact_email'),
            'access_approval_expiry': None,
            'api_access_enabled': None,
            'default_nameservers': None,
            'enforce_twofactor': acct['settings']['enforce_twofactor'],
            'use_account_custom_ns_by_default': None,
        },
    }


def org_member(id, status, user_id, email, create_time, update_time, name=''):
    """The whole Organizations-API member object."""
    return {'id': id, 'status': status,
            'user': {'id': user_id, 'email': email, 'name': name,
                     'two_factor_authentication_enabled': False},
            'meta': {}, 'create_time': create_time, 'update_time': update_time}


def account_member(id, status, user, roles, policies=()):
    """The whole IAM member object. user: the user as GET /user answers
    it; roles: whole role objects."""
    return {'id': id, 'email': user['email'], 'status': status,
            'user': {'id': user['id'], 'email': user['email'],
                     'first_name': user['first_name'], 'last_name': user['last_name'],
                     'two_factor_authentication_enabled': False},
            'roles': list(roles), 'policies': list(policies)}


def moved(account_id, source, dest):
    """The whole answer of a single move."""
    return harness.ok_envelope({'account_id': account_id, 'source_organization_id': source,
                                'destination_organization_id': dest})


def account_not_found(id, result_key='null'):
    """The whole error envelope for an account that is not there (IAM
    routes: "result": null; Organizations-API routes: no result)."""
    env = {'success': False, 'messages': [],
           'errors': [{'code': 1201, 'message': "account '%s' not found" % id}]}
    if result_key == 'null':
        env['result'] = None
    return env


def member_not_found(id, result_key='absent'):
    env = {'success': False, 'messages': [],
           'errors': [{'code': 1301, 'message': "member '%s' not found" % id}]}
    if result_key == 'null':
        env['result'] = None
    return env


def org_not_found(id):
    """The whole error envelope for an organization that is not there."""
    return {'success': False, 'messages': [],
            'errors': [{'code': 1101, 'message': "organization '%s' not found" % id}]}


def listed(items, total=None):
    """A whole cursor-list envelope of the last page."""
    return harness.ok_envelope(items, result_info={
        'total_size': len(items) if total is None else total})


def page_info(page, per_page, count, total):
    """The result_info of a page-numbered (IAM) list."""
    return {'page': page, 'per_page': per_page, 'count': count, 'total_count': total,
            'total_pages': -(-total // per_page)}


# ---------------------------------------------------------------------------
# The test case


class ApiTest(harness.ServerTest):
    """A fresh server per test (harness.ServerTest) and the helpers every
    resource's tests use. auth= anywhere may be a bearer token or an email
    (then sent as X-Auth-Email with a well-formed X-Auth-Key). Objects are
    passed whole (dicts with 'id') or, where a helper says so, as ids.
    The account helpers have the short names (url, assertGetIs,
    put_profile, assertProfile, assertNotFound); the organization ones say
    org (org_url, assertOrgIs, put_org_profile, assertOrgProfile,
    assertOrgNotFound)."""
    _roles = None

    def req(self, method, path, body=None, auth=TOKEN_A, headers=None, **kw):
        if isinstance(auth, str) and '@' in auth:
            h = email_headers(auth)
            h.update(headers or {})
            return self.srv.request(method, path, body, auth=None, headers=h, **kw)
        return self.srv.request(method, path, body, auth=auth, headers=headers, **kw)

    def list_envelope(self, path, query=None, auth=TOKEN_A):
        """GET path: a 200 list envelope in JSON (result and result_info,
        no errors, no messages); returns it."""
        r = self.req('GET', path, auth=auth, query=query)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(set(r.json), {'success', 'errors', 'messages', 'result', 'result_info'},
                         r)
        self.assertIs(r.json['success'], True)
        self.assertEqual(r.json['errors'], [])
        self.assertEqual(r.json['messages'], [])
        return r.json

    def assertGetAnswers(self, path, result, auth=TOKEN_A):
        """GET path answers 200, in JSON, exactly the envelope of result."""
        r = self.req('GET', path, auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(r.json, harness.ok_envelope(result))

    def no_content(self, method, path, body=None, auth=TOKEN_A):
        """A request that must answer 204 with no body; returns the answer."""
        r = self.req(method, path, body, auth=auth)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.raw, b'')
        self.assertIsNone(r.json)
        return r

    # -- users -----------------------------------------------------------

    def me(self, auth=TOKEN_A):
        r = self.req('GET', '/user', auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertRegex(r.json['result']['id'], HEX32)
        return r.json['result']

    def user_id(self, auth=TOKEN_A):
        return self.me(auth)['id']

    def get_user(self, auth=TOKEN_A):
        """GET /user, checking the whole envelope and the user's keys."""
        r = self.req('GET', '/user', auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(set(r.json), {'success', 'errors', 'messages', 'result'}, r)
        self.assertEqual(set(r.json['result']), USER_KEYS, r)
        self.assertEqual(r.json, harness.ok_envelope(r.json['result']))
        return r.json['result']

    def patch_user(self, body, auth=TOKEN_A):
        r = self.req('PATCH', '/user', body, auth=auth)
        self.assertEqual(r.status, 200, r)
        return r.json['result']

    # -- organizations -------------------------------------------------

    def create_org(self, name, parent=None, profile=None, auth=TOKEN_A):
        """POST /organizations, checking the envelope; returns the
        organization. parent: an organization or its id."""
        body = {'name': name}
        if parent is not None:
            body['parent'] = {'id': parent if isinstance(parent, str) else parent['id']}
        if profile is not None:
            body['profile'] = profile
        r = self.req('POST', '/organizations', body, auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(set(r.json), {'success', 'errors', 'messages', 'result'}, r)
        self.assertIs(r.json['success'], True)
        return r.json['result']

    def get_org(self, id, auth=TOKEN_A):
        r = self.req('GET', '/organizations/' + id, auth=auth)
        self.assertEqual(r.status, 200, r)
        return r.json['result']

    def org_url(self, org, suffix=''):
        """/organizations/{id}{suffix}; org is an organization or its id."""
        return '/organizations/%s%s' % (org if isinstance(org, str) else org['id'], suffix)

    def assertOrgIs(self, org, auth=TOKEN_A):
        """GET /organizations/{id} answers exactly org."""
        self.assertGetAnswers(self.org_url(org), org, auth=auth)

    def list_orgs(self, query=None, auth=TOKEN_A):
        return self.list_envelope('/organizations', query, auth=auth)

    def list_org_ids(self, query=None, auth=TOKEN_A):
        """ids of the first page (page_size 1000) and the total_size."""
        q = list(query.items() if isinstance(query, dict) else query or [])
        q.append(('page_size', 1000))
        env = self.list_orgs(q, auth=auth)
        self.assertNotIn('next_page_token', env['result_info'])
        return [o['id'] for o in env['result']], env['result_info']['total_size']

    def org_names(self, query, auth=TOKEN_A):
        q = list(query.items() if isinstance(query, dict) else query)
        q.append(('page_size', 1000))
        env = self.list_orgs(q, auth=auth)
        self.assertEqual(env['result_info'], {'total_size': len(env['result'])})
        return [o['name'] for o in env['result']]

    def orgs_walk(self, page_size, query=(), auth=TOKEN_A):
        """The ids of the whole of /organizations, and the pages (as
        cursor_walk)."""
        items, pages = self.cursor_walk(lambda q: self.list_orgs(q, auth=auth), page_size, query)
        return [o['id'] for o in items], pages

    def orgs_snapshot(self, auth=TOKEN_A):
        """The whole visible state of a user: the full list envelope."""
        return self.list_orgs([('page_size', 1000)], auth=auth)

    def put_org_profile(self, org, profile, auth=TOKEN_A):
        return self.no_content('PUT', self.org_url(org, '/profile'), profile, auth=auth)

    def assertOrgProfile(self, org, profile, auth=TOKEN_A):
        self.assertGetAnswers(self.org_url(org, '/profile'), profile, auth=auth)

    # -- accounts ------------------------------------------------------

    def create_account(self, name, org=None, type=None, auth=TOKEN_A):
        """POST /accounts, checking the whole answer; returns the account
        (IAM shape)."""
        body = {'name': name}
        if type is not None:
            body['type'] = type
        if org is not None:
            body['unit'] = {'id': org['id']}
        r = self.req('POST', '/accounts', body, auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        res = r.json['result']
        self.assertRegex(res['id'], HEX32)
        self.assertRegex(res['created_on'], CREATED_ON)
        want = iam_account(res['id'], name, res['created_on'], type or 'standard', org)
        self.assertEqual(r.json, harness.ok_envelope(want))
        return want

    def url(self, acct, suffix=''):
        """/accounts/{id}{suffix}; acct is an account or its id."""
        return '/accounts/%s%s' % (acct if isinstance(acct, str) else acct['id'], suffix)

    def assertGetIs(self, acct, auth=TOKEN_A):
        """GET /accounts/{id} answers exactly acct."""
        self.assertGetAnswers(self.url(acct), acct, auth=auth)

    def put_account(self, acct, body, auth=TOKEN_A):
        r = self.req('PUT', self.url(acct), body, auth=auth)
        self.assertEqual(r.status, 200, r)
        return r

    def list_accounts(self, query=None, auth=TOKEN_A):
        return self.list_envelope('/accounts', query, auth=auth)

    def all_accounts(self, auth=TOKEN_A):
        """The caller's whole account list (one page of 50)."""
        env = self.list_accounts({'per_page': 50}, auth=auth)
        self.assertLessEqual(env['result_info']['total_count'], 50)
        return env['result']

    def org_accounts(self, org, query=None, auth=TOKEN_A):
        return self.list_envelope(self.org_url(org, '/accounts'), query, auth=auth)

    def assertOrgAccounts(self, org, accts, auth=TOKEN_A):
        """The whole list of accounts directly in org (one page of 1000)."""
        env = self.org_accounts(org, {'page_size': 1000}, auth=auth)
        self.assertEqual(env, harness.ok_envelope([org_account(a) for a in accts],
                                                  result_info={'total_size': len(accts)}))

    def org_walk(self, org, page_size, query=(), auth=TOKEN_A):
        """The whole of /organizations/{org}/accounts, page by page."""
        return self.cursor_walk(lambda q: self.org_accounts(org, q, auth=auth), page_size, query)

    def put_profile(self, acct, profile, auth=TOKEN_A):
        return self.no_content('PUT', self.url(acct, '/profile'), profile, auth=auth)

    def assertProfile(self, acct, profile, auth=TOKEN_A):
        self.assertGetAnswers(self.url(acct, '/profile'), profile, auth=auth)

    # -- moves and the chain of organizations ----------------------------

    def move(self, acct, dest, auth=TOKEN_A):
        aid = acct if isinstance(acct, str) else acct['id']
        did = dest if isinstance(dest, str) else dest['id']
        return self.req('POST', '/accounts/%s/move' % aid,
                        {'destination_organization_id': did}, auth=auth)

    def assertMoved(self, acct, source, dest):
        """Moves acct into dest, checks the whole answer and returns the
        account as it now reads."""
        r = self.move(acct, dest)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(r.json, moved(acct['id'], source['id'] if source else '', dest['id']))
        now = in_org(acct, dest)
        self.assertGetIs(now)
        return now

    def batch(self, ids, dest, auth=TOKEN_A):
        did = dest if isinstance(dest, str) else dest['id']
        return self.req('POST', '/accounts/move',
                        {'account_ids': ids, 'destination_organization_id': did}, auth=auth)

    def assertStatuses(self, resp, moved_ids, not_moved_ids, dest, given):
        """The whole batch answer, in the document's shape: statuses is one
        object, moved (every account moved), tag (the destination's id),
        message (only when some did not move: how many did), and beside
        them accounts: one entry per id given, in the order given (the ids
        of the request), with a message (any non-empty text) exactly on
        those not moved. Returns the messages, by id."""
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.headers.get('content-type'), 'application/json')
        did = dest if isinstance(dest, str) else dest['id']
        order = [e.get('tag') for e in resp.json['result']['statuses']['accounts']]
        self.assertEqual(order, list(given), resp)
        self.assertEqual(sorted(order), sorted(list(moved_ids) + list(not_moved_ids)), resp)
        messages, each = {}, []
        for e in resp.json['result']['statuses']['accounts']:
            if e['tag'] in not_moved_ids:
                msg = e.get('message')
                self.assertIsInstance(msg, str, e)
                self.assertTrue(msg, e)
                messages[e['tag']] = msg
                each.append({'tag': e['tag'], 'moved': False, 'message': msg})
            else:
                each.append({'tag': e['tag'], 'moved': True})
        n = len(each)
        want = {'moved': not not_moved_ids, 'tag': did, 'accounts': each}
        if not_moved_ids:
            want['message'] = '%d of %d accounts moved' % (len(moved_ids), n)
        self.assertEqual(resp.json, harness.ok_envelope({'statuses': want}))
        return messages

    def assertChain(self, acct, orgs, auth=TOKEN_A):
        """GET /accounts/{id}/organizations is exactly these organizations
        (whole objects, as GET /organizations/{id} answers them), root
        first; and containing.account lists the same ones."""
        want = [self.get_org(o['id'], auth=auth) for o in orgs]
        r = self.req('GET', self.url(acct, '/organizations'), auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(r.json, harness.ok_envelope(want))          # no result_info
        r = self.req('GET', '/organizations', auth=auth,
                     query={'containing.account': acct['id'], 'page_size': 1000})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, harness.ok_envelope(want, result_info={'total_size': len(want)}))

    # -- organization members ------------------------------------------

    def murl(self, org, member=None, suffix=''):
        oid = org if isinstance(org, str) else org['id']
        url = '/organizations/%s/members' % oid
        if member is not None:
            url += '/' + (member if isinstance(member, str) else member['id'])
        return url + suffix

    def add(self, org, email, status=None, auth=TOKEN_A, user=None, stored_email=None,
            name=''):
        """POST /organizations/{id}/members, checking the whole answer;
        returns the member. user: the user id it must have."""
        m = {'user': {'email': email}}
        if status is not None:
            m['status'] = status
        r = self.req('POST', self.murl(org), {'member': m}, auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        res = r.json['result']
        self.assertRegex(res['id'], HEX32)
        self.assertRegex(res['user']['id'], HEX32)
        self.assertNotEqual(res['id'], res['user']['id'])
        self.assertRegex(res['create_time'], CREATED_ON)
        self.assertRegex(res['update_time'], CREATED_ON)
        self.assertLessEqual(res['create_time'], res['update_time'])
        if user is not None:
            self.assertEqual(res['user']['id'], user)
        want = org_member(res['id'], status or 'active', res['user']['id'],
                          stored_email or email, res['create_time'], res['update_time'], name)
        self.assertEqual(r.json, harness.ok_envelope(want))
        return want

    def batch_add(self, org, entries, auth=TOKEN_A):
        """POST members:batchCreate with entries [(email, status or None)];
        checks the whole answer; returns the members."""
        body = {'members': []}
        for email, status in entries:
            e = {'user': {'email': email}}
            if status is not None:
                e['status'] = status
            body['members'].append(e)
        r = self.req('POST', self.murl(org, suffix=':batchCreate'), body, auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        res = r.json['result']
        self.assertIsInstance(res, list, r)
        self.assertEqual(len(res), len(entries), r)
        want = []
        for got, (email, status) in zip(res, entries):
            self.assertRegex(got['id'], HEX32)
            self.assertRegex(got['user']['id'], HEX32)
            self.assertRegex(got['create_time'], CREATED_ON)
            self.assertRegex(got['update_time'], CREATED_ON)
            want.append(org_member(got['id'], status or 'active', got['user']['id'], email,
                                   got['create_time'], got['update_time']))
        self.assertEqual(r.json, harness.ok_envelope(want))
        self.assertEqual(len({m['id'] for m in want}), len(want))
        return want

    def list_members(self, org, query=None, auth=TOKEN_A):
        return self.list_envelope(self.murl(org), query, auth=auth)

    def assertMembers(self, org, members, auth=TOKEN_A):
        """The whole member list of org (one page of 1000)."""
        self.assertEqual(self.list_members(org, {'page_size': 1000}, auth=auth),
                         listed(members))

    def assertMemberIs(self, org, member, auth=TOKEN_A):
        self.assertGetAnswers(self.murl(org, member), member, auth=auth)

    def member_walk(self, org, page_size, query=(), auth=TOKEN_A):
        """The whole of /organizations/{org}/members, page by page."""
        return self.cursor_walk(lambda q: self.list_members(org, q, auth=auth), page_size, query)

    def remove(self, org, member, auth=TOKEN_A, body=None):
        return self.no_content('DELETE', self.murl(org, member), body, auth=auth)

    # -- account members and roles ---------------------------------------

    def aurl(self, acct, member=None):
        aid = acct if isinstance(acct, str) else acct['id']
        url = '/accounts/%s/members' % aid
        if member is not None:
            url += '/' + (member if isinstance(member, str) else member['id'])
        return url

    def role_objects(self, acct, auth=TOKEN_A):
        """id -> the whole role object, from GET /accounts/{id}/roles."""
        r = self.req('GET', '/accounts/%s/roles' % acct['id'], auth=auth,
                     query={'per_page': 50})
        self.assertEqual(r.status, 200, r)
        return {role['id']: role for role in r.json['result']}

    def roles(self, acct, ids, auth=TOKEN_A):
        if self._roles is None:
            self._roles = self.role_objects(acct, auth=auth)
        return [self._roles[i] for i in ids]

    def list_am(self, acct, query=None, auth=TOKEN_A):
        return self.list_envelope(self.aurl(acct), query, auth=auth)

    def assertAMembers(self, acct, members, auth=TOKEN_A):
        """The whole member list (one page of 50)."""
        self.assertEqual(self.list_am(acct, {'per_page': 50}, auth=auth), harness.ok_envelope(
            members, result_info=page_info(1, 50, len(members), len(members))))

    def assertAMemberIs(self, acct, member, auth=TOKEN_A):
        self.assertGetAnswers(self.aurl(acct, member), member, auth=auth)

    def creator(self, acct, auth=TOKEN_A):
        """The account's first member, checked whole: its creator (auth),
        accepted, Super Administrator."""
        env = self.list_am(acct, {'per_page': 50}, auth=auth)
        first = env['result'][0]
        self.assertRegex(first['id'], HEX32)
        want = account_member(first['id'], 'accepted', self.me(auth),
                              self.roles(acct, [SUPER_ADMIN], auth=auth))
        self.assertEqual(first, want)
        return want

    def add_am(self, acct, email, status=None, roles=None, policies=None, auth=TOKEN_A):
        """POST /accounts/{id}/members, checking the whole answer against the
        user that calls with that email; returns the member."""
        body = {'email': email}
        if status is not None:
            body['status'] = status
        if roles is not None:
            body['roles'] = list(roles)
        if policies is not None:
            body['policies'] = list(policies)
        r = self.req('POST', self.aurl(acct), body, auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        res = r.json['result']
        self.assertRegex(res['id'], HEX32)
        user = self.me(email)
        self.assertEqual(res['user']['id'], user['id'])
        want = account_member(res['id'], status or 'pending', user,
                              self.roles(acct, roles or [], auth=auth),
                              answered(policies or [], acct))
        self.assertEqual(r.json, harness.ok_envelope(want))
        return want

    # -- token verify ----------------------------------------------------

    def assertVerified(self, resp, token_id=None):
        """The whole success answer of a token verify; returns the token id."""
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.headers.get('content-type'), 'application/json')
        env = resp.json
        self.assertEqual(set(env), {'success', 'errors', 'messages', 'result'}, resp)
        self.assertIs(env['success'], True)
        self.assertEqual(env['errors'], [])
        self.assertEqual(len(env['messages']), 1, resp)
        msg = env['messages'][0]
        self.assertLessEqual(set(msg), {'code', 'message', 'type'}, resp)
        self.assertEqual({k: msg[k] for k in ('code', 'message')}, VALID_MESSAGE)
        if 'type' in msg:
            self.assertIsNone(msg['type'])
        self.assertEqual(set(env['result']), {'id', 'status'}, resp)
        self.assertRegex(env['result']['id'], HEX32)
        self.assertEqual(env['result']['status'], 'active')
        if token_id is not None:
            self.assertEqual(env['result']['id'], token_id)
        return env['result']['id']

    def assertAuthError(self, resp):
        self.assertError(resp, 403, [10000], result_key='null')
        self.assertEqual(resp.json, AUTH_ERROR)

    def assertInvalidToken(self, resp):
        self.assertError(resp, 401, [1000], result_key='null')
        self.assertEqual(resp.json, INVALID_TOKEN)

    def assertMissingAuthz(self, resp):
        self.assertError(resp, 400, [1001], result_key='null')
        self.assertEqual(resp.json, MISSING_AUTHZ)

    # -- errors ----------------------------------------------------------

    def assertNotFound(self, resp, id, result_key='null'):
        """An account that is not there (1201)."""
        self.assertError(resp, 404, [1201], result_key=result_key)
        self.assertEqual(resp.json, account_not_found(id, result_key))

    def assertOrgNotFound(self, resp, id):
        self.assertError(resp, 404, [1101], result_key='absent')
        self.assertEqual(resp.json, org_not_found(id))

    def assertMemberNotFound(self, resp, id, result_key='absent'):
        self.assertError(resp, 404, [1301], result_key=result_key)
        self.assertEqual(resp.json, member_not_found(id, result_key))

    def assertAmNotFound(self, resp, id):
        self.assertMemberNotFound(resp, id, 'null')

    def assertFieldError(self, resp, code, pointer, result_key='null'):
        self.assertError(resp, 400, [code], result_key=result_key)
        self.assertEqual(resp.json['errors'][0]['source'], {'pointer': pointer}, resp)
        if pointer and code in (1001, 1002, 1003):
            # "'…' is required", "'…' must be …", "invalid value for '…': …"
            self.assertIn(pointer.rsplit('/', 1)[1], resp.json['errors'][0]['message'])

    def assertPointer(self, resp, code, pointer, status=400, result_key='absent'):
        self.assertError(resp, status, [code], result_key=result_key)
        self.assertEqual(resp.json['errors'][0].get('source'), {'pointer': pointer}, resp)

    def assertParamError(self, resp, code, parameter, result_key='null'):
        self.assertError(resp, 400, [code], result_key=result_key)
        self.assertEqual(resp.json['errors'][0]['source'], {'parameter': parameter}, resp)
        self.assertIn(parameter, resp.json['errors'][0]['message'])

    def assertOrgError(self, resp, status, code):
        self.assertError(resp, status, [code], result_key='absent')

    # -- the whole visible state ----------------------------------------

    def world(self, auth=TOKEN_A):
        """Everything a user can see, as (status, body) pairs: its user, its
        organizations (each with profile, accounts and members), its
        accounts (each with profile, chain and members). Two equal worlds
        mean nothing visible changed."""
        out = {}

        def get(path, query=None):
            r = self.req('GET', path, auth=auth, query=query)
            out[path] = (r.status, r.json)
            return r

        get('/user')
        accts = get('/accounts', {'per_page': 50})
        self.assertEqual(accts.status, 200, accts)
        self.assertLessEqual(accts.json['result_info']['total_count'], 50)
        orgs = get('/organizations', {'page_size': 1000})
        self.assertEqual(orgs.status, 200, orgs)
        for o in orgs.json['result']:
            base = '/organizations/' + o['id']
            get(base)
            get(base + '/profile')
            get(base + '/accounts', {'page_size': 1000})
            get(base + '/members', {'page_size': 1000})
        for a in accts.json['result']:
            base = '/accounts/' + a['id']
            for suffix in ('', '/profile', '/organizations'):
                get(base + suffix)
            get(base + '/members', {'per_page': 50})
        return out

    def account_world(self, auth=TOKEN_A):
        """What a user sees of accounts: its account list, its
        organizations, each organization's accounts, each account (with
        profile and chain), every account read answering 200. Two equal
        worlds mean nothing visible changed. The account and move tests
        compare this one; world() also covers the user and the members but
        checks no status."""
        accts = self.list_accounts({'per_page': 50}, auth=auth)
        self.assertLessEqual(accts['result_info']['total_count'], 50)
        orgs = self.req('GET', '/organizations', auth=auth, query={'page_size': 1000})
        self.assertEqual(orgs.status, 200, orgs)
        out = {'accounts': accts, 'organizations': orgs.json}
        for o in orgs.json['result']:
            out['org-accounts ' + o['id']] = self.org_accounts(o, {'page_size': 1000},
                                                               auth=auth)
        for a in accts['result']:
            for suffix in ('', '/profile', '/organizations'):
                r = self.req('GET', self.url(a, suffix), auth=auth)
                self.assertEqual(r.status, 200, r)
                out['GET ' + self.url(a, suffix)] = r.json
        return out
