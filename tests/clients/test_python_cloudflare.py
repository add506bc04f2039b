"""test_python_cloudflare.py: Debian's python3-cloudflare (python-cloudflare
2.11, installed by .ci/deps --test) against cfmock, through its Python API:
what it has methods for among the endpoints cfmock serves (the user, its
tokens and their verify and roll, accounts, members, roles, memberships,
invitations, the legacy /user/organizations, the v1 audit logs), results
asserted and errors by CloudFlareAPIError code and error chain. It is
pointed at cfmock by base_url= or by CLOUDFLARE_API_URL; the process may
reach nothing but loopback (socket calls are guarded), and one case shows
that CLOUDFLARE_BASE_URL, which it does not read, leaves it on the real
API's address."""
import contextlib
import os
import socket
import sys
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'http'))
import harness  # noqa: E402

import CloudFlare  # noqa: E402  (Debian's python3-cloudflare)
from CloudFlare.exceptions import CloudFlareAPIError  # noqa: E402

TOKEN = 'pycf-user-token'
ADMIN = '05784afa30c1afe1440e79d9351c7430'
ADMIN_RO = 'f2b20b3ba2d1bbb0a4aa2d3b7c3d0b5f'
UNKNOWN = '0123456789abcdef0123456789abcdef'
USER_DETAILS_READ = '8acbe5bb0d54464ab867149d7f7cf8ac'
KEY = '0' * 32
CF_ENV = ('CLOUDFLARE_API_URL', 'CF_API_URL', 'CLOUDFLARE_BASE_URL', 'CLOUDFLARE_API_TOKEN',
          'CF_API_TOKEN', 'CLOUDFLARE_EMAIL', 'CF_API_EMAIL', 'CLOUDFLARE_API_KEY', 'CF_API_KEY',
          'CLOUDFLARE_API_CERTKEY', 'CF_API_CERTKEY', 'CLOUDFLARE_API_EXTRAS', 'CF_API_EXTRAS')


class PythonCloudflare(harness.ServerTest):
    def setUp(self):
        super().setUp()
        # no configuration of the machine's: a clean environment, and a
        # HOME and working directory without .cloudflare.cfg
        env = {k: v for k, v in os.environ.items() if k not in CF_ENV}
        env['HOME'] = self.enterContext(harness_tempdir())
        self.enterContext(mock.patch.dict(os.environ, env, clear=True))
        self.enterContext(chdir(env['HOME']))
        self.addresses = []
        self.enterContext(loopback_only(self.addresses))

    def cf(self, **kw):
        kw.setdefault('token', TOKEN)
        kw.setdefault('base_url', self.srv.base)
        return CloudFlare.CloudFlare(**kw)

    def assertCode(self, call, code, chain=None):
        with self.assertRaises(CloudFlareAPIError) as ctx:
            call()
        self.assertEqual(int(ctx.exception), code, str(ctx.exception))
        if chain is not None:
            self.assertEqual([int(e) for e in ctx.exception], chain)
        return ctx.exception

    def assertLocalOnly(self):
        self.assertTrue(self.addresses)
        self.assertEqual(set(self.addresses), {('127.0.0.1', self.srv.port)})

    def test_pycf_1_user_and_accounts(self):
        cf = self.cf()
        me = cf.user.get()
        self.assertEqual(me['email'], '%s@users.cfmock.invalid' % me['id'])
        self.assertEqual(cf.user.patch(data={'first_name': 'Ada'})['first_name'], 'Ada')
        made = [cf.accounts.post(data={'name': 'Acme %d' % i}) for i in range(3)]
        self.assertEqual([a['name'] for a in made], ['Acme 0', 'Acme 1', 'Acme 2'])
        listed = cf.accounts.get(params={'per_page': 2})
        self.assertEqual(len(listed), 2)
        # raw=True answers result_info too
        raw = self.cf(raw=True).accounts.get(params={'per_page': 2, 'page': 2})
        self.assertEqual(len(raw['result']), 1)
        self.assertEqual(raw['result_info']['total_count'], 3)
        # cli4 looks an account up by name with per_page=1
        one = cf.accounts.get(params={'name': 'Acme 1', 'per_page': 1})
        self.assertEqual([a['id'] for a in one], [made[1]['id']])
        self.assertEqual(cf.accounts.get(made[0]['id'])['name'], 'Acme 0')
        upd = cf.accounts.put(made[0]['id'], data={'id': made[0]['id'], 'name': 'Acme Zero',
                                                   'type': 'standard'})
        self.assertEqual(upd['name'], 'Acme Zero')
        cf.accounts.delete(made[2]['id'])
        self.assertCode(lambda: cf.accounts.get(made[2]['id']), 1201)
        self.assertCode(lambda: cf.accounts.put(UNKNOWN, data={'name': 'x', 'type': 'standard'}),
                        1201)
        self.assertLocalOnly()

    def test_pycf_2_members_roles_memberships_invites(self):
        cf = self.cf()
        acct = cf.accounts.post(data={'name': 'Acme Web'})
        roles = cf.accounts.roles.get(acct['id'])
        self.assertEqual(len(roles), 7)
        self.assertEqual(cf.accounts.roles.get(acct['id'], ADMIN)['name'], 'Administrator')
        self.assertCode(lambda: cf.accounts.roles.get(acct['id'], UNKNOWN), 1303)
        bob = cf.accounts.members.post(acct['id'], data={'email': 'bob@example.com',
                                                         'roles': [ADMIN]})
        self.assertEqual(bob['status'], 'pending')
        self.assertEqual(len(cf.accounts.members.get(acct['id'])), 2)
        self.assertEqual(cf.accounts.members.get(acct['id'], bob['id'])['email'],
                         'bob@example.com')
        upd = cf.accounts.members.put(acct['id'], bob['id'], data={'roles': [{'id': ADMIN_RO}]})
        self.assertEqual([r['id'] for r in upd['roles']], [ADMIN_RO])
        self.assertCode(lambda: cf.accounts.members.post(
            acct['id'], data={'email': 'bob@example.com', 'roles': [ADMIN]}), 1302)
        # bob's side, by email and key
        as_bob = self.cf(token=None, email='bob@example.com', key=KEY)
        self.assertEqual([(i['id'], i['status']) for i in as_bob.user.invites.get()],
                         [(bob['id'], 'pending')])
        self.assertEqual(as_bob.user.invites.get(bob['id'])['organization_name'], 'Acme Web')
        self.assertEqual([m['status'] for m in as_bob.memberships.get()], ['pending'])
        self.assertCode(lambda: as_bob.accounts.get(acct['id']), 1201)
        self.assertEqual(as_bob.memberships.put(bob['id'], data={'status': 'accepted'})['status'],
                         'accepted')
        self.assertEqual(as_bob.accounts.get(acct['id'])['name'], 'Acme Web')
        as_bob.memberships.delete(bob['id'])
        self.assertCode(lambda: as_bob.memberships.get(bob['id']), 1306)
        self.assertCode(lambda: cf.accounts.members.get(acct['id'], bob['id']), 1301)
        self.assertLocalOnly()

    def test_pycf_3_user_organizations_the_legacy_view(self):
        """What cli4's /organizations/:NAME resolves names through."""
        cf = self.cf()
        a = cf.accounts.post(data={'name': 'Acme Web'})
        b = cf.accounts.post(data={'name': 'Acme Mail'})
        orgs = cf.user.organizations.get()
        self.assertEqual(sorted((o['id'], o['name'], o['status']) for o in orgs),
                         sorted([(a['id'], 'Acme Web', 'member'), (b['id'], 'Acme Mail', 'member')]))
        self.assertEqual([o['id'] for o in cf.user.organizations.get(params={'name': 'Acme Mail'})],
                         [b['id']])
        self.assertEqual(cf.user.organizations.get(a['id'])['name'], 'Acme Web')
        cf.user.organizations.delete(b['id'])
        self.assertEqual([o['id'] for o in cf.user.organizations.get()], [a['id']])
        self.assertCode(lambda: cf.user.organizations.get(b['id']), 1101)
        self.assertLocalOnly()

    def test_pycf_4_user_tokens(self):
        cf = self.cf()
        me = cf.user.get()
        groups = cf.user.tokens.permission_groups.get()
        self.assertIn(USER_DETAILS_READ, [g['id'] for g in groups])
        policies = [{'effect': 'allow', 'permission_groups': [{'id': USER_DETAILS_READ}],
                     'resources': {'com.cloudflare.api.user.' + me['id']: '*'}}]
        tok = cf.user.tokens.post(data={'name': 'pycf', 'policies': policies})
        self.assertEqual(len(tok['value']), 40)
        as_tok = self.cf(token=tok['value'])
        self.assertEqual(as_tok.user.tokens.verify.get(), {'id': tok['id'], 'status': 'active'})
        self.assertEqual(as_tok.user.get()['id'], me['id'])
        self.assertCode(lambda: as_tok.accounts.post(data={'name': 'nope'}), 9109)
        self.assertEqual([t['name'] for t in cf.user.tokens.get()], ['pycf'])
        self.assertEqual(cf.user.tokens.get(tok['id'])['name'], 'pycf')
        upd = cf.user.tokens.put(tok['id'], data={'name': 'pycf 2', 'policies': policies})
        self.assertEqual(upd['name'], 'pycf 2')
        secret = cf.user.tokens.value.put(tok['id'], data={})
        self.assertEqual(len(secret), 40)
        self.assertCode(lambda: as_tok.user.tokens.verify.get(), 1000)
        self.assertEqual(self.cf(token=secret).user.tokens.verify.get()['id'], tok['id'])
        cf.user.tokens.delete(tok['id'])
        self.assertCode(lambda: cf.user.tokens.get(tok['id']), 1501)
        self.assertLocalOnly()

    def test_pycf_5_audit_logs_v1(self):
        cf = self.cf()
        acct = cf.accounts.post(data={'name': 'Acme Web'})
        for i in range(3):
            cf.accounts.members.post(acct['id'], data={'email': 'm%d@example.com' % i,
                                                       'roles': [ADMIN]})
        logs = cf.accounts.audit_logs.get(acct['id'], params={'per_page': 10})
        self.assertEqual(len(logs), 4)
        self.assertTrue(all(e['interface'] == 'API' for e in logs))
        mine = cf.user.audit_logs.get(params={'direction': 'asc'})
        self.assertEqual(len(mine), 4)
        self.assertEqual(mine[0]['resource']['id'], acct['id'])
        self.assertLocalOnly()

    def test_pycf_6_credential_errors_and_their_chain(self):
        self.assertCode(lambda: self.cf(token=None, email='bob@example.com',
                                        key='not-a-key').user.get(), 6003, [6103])
        self.assertCode(lambda: self.cf(token=None, email='bob', key=KEY).user.get(),
                        6003, [6102])
        self.assertLocalOnly()

    def test_pycf_7_cloudflare_api_url_is_read(self):
        os.environ['CLOUDFLARE_API_URL'] = self.srv.base
        os.environ['CLOUDFLARE_API_TOKEN'] = TOKEN
        cf = CloudFlare.CloudFlare()
        self.assertEqual(cf.user.get()['email'].split('@')[1], 'users.cfmock.invalid')
        self.assertLocalOnly()

    def test_pycf_8_cloudflare_base_url_is_not_read(self):
        os.environ['CLOUDFLARE_BASE_URL'] = self.srv.base
        os.environ['CLOUDFLARE_API_TOKEN'] = TOKEN
        with self.assertRaises(CloudFlareAPIError) as ctx:
            CloudFlare.CloudFlare().user.get()
        self.assertEqual(int(ctx.exception), 0)
        self.assertIn(('api.cloudflare.com', 443), self.addresses)
        self.assertNotIn(('127.0.0.1', self.srv.port), self.addresses)


@contextlib.contextmanager
def harness_tempdir():
    import tempfile
    with tempfile.TemporaryDirectory(prefix='cfmock-pycf-') as d:
        yield d


@contextlib.contextmanager
def chdir(path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@contextlib.contextmanager
def loopback_only(seen):
    """Records every (host, port) the process looks up into seen, and
    refuses any that is not the loopback address."""
    real = socket.getaddrinfo

    def guarded(host, port, *a, **kw):
        seen.append((host, port))
        if host not in ('127.0.0.1', 'localhost', '::1'):
            raise socket.gaierror(socket.EAI_NONAME, 'loopback only: %s refused' % host)
        return real(host, port, *a, **kw)
    with mock.patch('socket.getaddrinfo', guarded):
        yield


if __name__ == '__main__':
    harness.main()
