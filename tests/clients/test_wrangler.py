"""test_wrangler.py: wrangler (the version package-lock.json pins) against
cfmock: `whoami`, `whoami --account` and the account selection every
account-level command makes, with a user's API token and with an
account-owned one. wrangler is pointed at cfmock by CLOUDFLARE_API_BASE_URL
alone and runs with a HOME and TMPDIR of its own (no login of the machine's
is read) and netguard.cjs loaded, which logs every connection and refuses
any but loopback: each case asserts the output, the exit code, the requests
cfmock's journal saw, and that nothing else was reached. One case shows
that CLOUDFLARE_BASE_URL, which wrangler does not read, sends it to the
real API."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'http'))
import harness  # noqa: E402

WRANGLER = os.path.join(HERE, 'node_modules', '.bin', 'wrangler')
VERSION = '4.48.0'
OWNER = 'wrangler-owner-token'      # the open-mode user who makes the accounts
SUPER_ADMIN = 'Super Administrator - All Privileges'
# token permission groups (README "Token permission groups")
USER_DETAILS_READ = '8acbe5bb0d54464ab867149d7f7cf8ac'
MEMBERSHIPS_READ = '3518d0f75557482e952c6762d3e64903'
ACCOUNT_SETTINGS_READ = 'c1fde68c7bcc44588cbb6ddbc16d6480'


class Wrangler(harness.ServerTest):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix='cfmock-wrangler-')
        self.addCleanup(shutil.rmtree, self.tmp, True)
        r = self.req('GET', '/user', auth=OWNER)
        self.assertEqual(r.status, 200, r)
        self.owner = r.json['result']
        self.web = self.account('Acme Web')
        self.mail = self.account('Acme Mail')
        self.req('DELETE', '/_cfmock/requests')

    def account(self, name):
        r = self.req('POST', '/accounts', {'name': name}, auth=OWNER)
        self.assertEqual(r.status, 200, r)
        return r.json['result']

    def user_token(self):
        """An issued token of the owner's that reads the user, its
        memberships and every account's settings."""
        r = self.req('POST', '/user/tokens', {'name': 'wrangler', 'policies': [
            {'effect': 'allow', 'permission_groups': [{'id': USER_DETAILS_READ},
                                                      {'id': MEMBERSHIPS_READ}],
             'resources': {'com.cloudflare.api.user.' + self.owner['id']: '*'}},
            {'effect': 'allow', 'permission_groups': [{'id': ACCOUNT_SETTINGS_READ}],
             'resources': {'com.cloudflare.api.account.*': '*'}}]}, auth=OWNER)
        self.assertEqual(r.status, 200, r)
        self.req('DELETE', '/_cfmock/requests')
        return r.json['result']['value']

    def account_token(self, acct):
        r = self.req('POST', '/accounts/%s/tokens' % acct['id'], {'name': 'deploy', 'policies': [
            {'effect': 'allow', 'permission_groups': [{'id': ACCOUNT_SETTINGS_READ}],
             'resources': {'com.cloudflare.api.account.' + acct['id']: '*'}}]}, auth=OWNER)
        self.assertEqual(r.status, 200, r)
        self.req('DELETE', '/_cfmock/requests')
        return r.json['result']['value']

    def wrangler(self, *args, token, env=None, base_var='CLOUDFLARE_API_BASE_URL'):
        """Runs wrangler ARGS in a fresh directory; returns (exit code,
        stdout + stderr, the connections it opened as [(host, port)])."""
        run_dir = tempfile.mkdtemp(dir=self.tmp)
        home, tmp, cwd = (os.path.join(run_dir, d) for d in ('home', 'tmp', 'cwd'))
        for d in (home, tmp, cwd):
            os.mkdir(d)
        # wrangler 4.48 checks the npm registry for a newer version before
        # its banner, unless update-check's cache in TMPDIR is fresh
        os.mkdir(os.path.join(tmp, 'update-check'))
        with open(os.path.join(tmp, 'update-check', 'wrangler-latest.json'), 'w') as f:
            json.dump({'latest': VERSION, 'lastUpdate': int(time.time() * 1000)}, f)
        net_log = os.path.join(run_dir, 'connections')
        open(net_log, 'w').close()
        full = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': home, 'TMPDIR': tmp,
                'CLOUDFLARE_API_TOKEN': token, base_var: self.srv.base,
                'WRANGLER_SEND_METRICS': 'false', 'NO_COLOR': '1', 'FORCE_COLOR': '0',
                'NODE_OPTIONS': '--require ' + os.path.join(HERE, 'netguard.cjs'),
                'CFMOCK_NET_LOG': net_log}
        full.update(env or {})
        p = subprocess.run([WRANGLER] + list(args), cwd=cwd, env=full, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=120)
        with open(net_log) as f:
            conns = [tuple(line.split()) for line in f.read().splitlines()]
        return p.returncode, (p.stdout + p.stderr).decode(), conns

    def journal(self):
        """(method, path, query, status) of what cfmock was asked, oldest first."""
        r = self.req('GET', '/_cfmock/requests')
        return [(q['method'], q['path'], q['query'], q['status'])
                for q in reversed(r.json['requests'])]

    def assertLocalOnly(self, conns):
        self.assertTrue(conns)
        self.assertEqual(set(conns), {('127.0.0.1', str(self.srv.port))})

    def assertLines(self, out, lines):
        got = out.splitlines()
        for line in lines:
            self.assertIn(line, got, out)

    def table(self, *accts):
        """wrangler's table of accounts, as whoami prints it."""
        w = max([len('Account Name')] + [len(a['name']) for a in accts])
        rows = ['│ %s │ %s │' % ('Account Name'.ljust(w), 'Account ID'.ljust(32))]
        rows += ['│ %s │ %s │' % (a['name'].ljust(w), a['id']) for a in accts]
        return rows

    def test_wrangler_1_whoami_user_token(self):
        code, out, conns = self.wrangler('whoami', token=self.user_token())
        self.assertEqual(code, 0, out)
        self.assertLines(out, [
            ' ⛅️ wrangler ' + VERSION,
            '👋 You are logged in with an User API Token, associated with the email %s.'
            % self.owner['email'],
            'ℹ️  The API Token is read from the CLOUDFLARE_API_TOKEN environment variable.',
            '🔓 To see token permissions visit https://dash.cloudflare.com/profile/api-tokens.',
        ] + self.table(self.web, self.mail))
        self.assertNotIn('Membership roles', out)
        self.assertEqual(self.journal(), [
            ('GET', '/client/v4/user/tokens/verify', '', 200),
            ('GET', '/client/v4/user', '', 200),
            ('GET', '/client/v4/accounts', 'page=1', 200),
        ])
        self.assertLocalOnly(conns)

    def test_wrangler_2_whoami_account_by_id_and_name(self):
        token = self.user_token()
        for chosen, acct in ((self.mail['id'], self.mail), ('acme web', self.web)):
            with self.subTest(account=chosen):
                self.req('DELETE', '/_cfmock/requests')
                code, out, conns = self.wrangler('whoami', '--account', chosen, token=token)
                self.assertEqual(code, 0, out)
                self.assertLines(out, [
                    '🎢 Membership roles in "%s": Contact account super admin to change your '
                    'permissions.' % acct['name'],
                    '- ' + SUPER_ADMIN,
                ] + self.table(self.web, self.mail))
                self.assertEqual(self.journal()[-1],
                                 ('GET', '/client/v4/memberships', 'page=1', 200))
                self.assertLocalOnly(conns)

    def test_wrangler_3_whoami_account_token(self):
        token = self.account_token(self.web)
        code, out, conns = self.wrangler('whoami', token=token)
        self.assertEqual(code, 0, out)
        self.assertLines(out, [
            '👋 You are logged in with an Account API Token, associated with the account '
            'Acme Web.',
            '🔓 To see token permissions visit https://dash.cloudflare.com/%s/api-tokens.'
            % self.web['id'],
        ] + self.table(self.web))
        self.assertNotIn(self.mail['id'], out)
        # verify's 401 / 1000 is wrangler's sign of an account token, and
        # /user's 403 / 9109 leaves the email out
        self.assertEqual(self.journal(), [
            ('GET', '/client/v4/user/tokens/verify', '', 401),
            ('GET', '/client/v4/user', '', 403),
            ('GET', '/client/v4/accounts', 'page=1', 200),
        ])
        self.assertLocalOnly(conns)

    def test_wrangler_4_account_selection_user_token(self):
        """Two accounts and no CLOUDFLARE_ACCOUNT_ID: a non-interactive
        command cannot choose and lists both; with it, the command goes to
        that account."""
        token = self.user_token()
        code, out, conns = self.wrangler('kv', 'namespace', 'list', token=token)
        self.assertEqual(code, 1, out)
        self.assertIn('More than one account available but unable to select one in '
                      'non-interactive mode.', out)
        self.assertLines(out, ['    `%s`: `%s`' % (a['name'], a['id'])
                               for a in (self.web, self.mail)])
        # wrangler 4.48 chooses among the accounts of the user's memberships
        self.assertEqual(self.journal(), [('GET', '/client/v4/memberships', 'page=1', 200)])
        self.assertLocalOnly(conns)
        self.req('DELETE', '/_cfmock/requests')
        code, out, conns = self.wrangler('kv', 'namespace', 'list', token=token,
                                         env={'CLOUDFLARE_ACCOUNT_ID': self.mail['id']})
        self.assertEqual(code, 1, out)      # cfmock serves no KV: 404 / 7003
        self.assertIn('No route for that URI [code: 7000]', out)
        self.assertEqual([j[:2] for j in self.journal()], [
            ('GET', '/client/v4/accounts/%s/storage/kv/namespaces' % self.mail['id'])])
        self.assertLocalOnly(conns)

    def test_wrangler_5_account_selection_account_token(self):
        """An account-owned token has no memberships: GET /memberships
        answers 400 / 9106 as on the live API, and wrangler 4.48, which
        chooses from that list alone, stops there (later wranglers fall
        back to GET /accounts). With CLOUDFLARE_ACCOUNT_ID it goes on."""
        token = self.account_token(self.mail)
        code, out, conns = self.wrangler('kv', 'namespace', 'list', token=token)
        self.assertEqual(code, 1, out)
        self.assertIn('A request to the Cloudflare API (/memberships) failed.', out)
        self.assertIn('Authentication failed (status: 400) [code: 9106]', out)
        self.assertEqual(self.journal(), [('GET', '/client/v4/memberships', 'page=1', 400)])
        self.assertLocalOnly(conns)
        self.req('DELETE', '/_cfmock/requests')
        code, out, conns = self.wrangler('kv', 'namespace', 'list', token=token,
                                         env={'CLOUDFLARE_ACCOUNT_ID': self.mail['id']})
        self.assertEqual(code, 1, out)
        self.assertIn('No route for that URI [code: 7000]', out)
        self.assertEqual([j[:2] for j in self.journal()], [
            ('GET', '/client/v4/accounts/%s/storage/kv/namespaces' % self.mail['id'])])
        self.assertLocalOnly(conns)

    def test_wrangler_6_cloudflare_base_url_is_not_read(self):
        """CLOUDFLARE_BASE_URL alone: wrangler goes to api.cloudflare.com
        (refused here by netguard) and cfmock hears nothing."""
        code, out, conns = self.wrangler('whoami', token=self.user_token(),
                                         base_var='CLOUDFLARE_BASE_URL')
        self.assertNotEqual(code, 0, out)
        self.assertIn(('api.cloudflare.com', '443'), conns)
        self.assertNotIn(('127.0.0.1', str(self.srv.port)), conns)
        self.assertEqual(self.journal(), [])


if __name__ == '__main__':
    harness.main()
