"""test_clients.py: what real clients send to the page-numbered lists
(issue 14, section 3). The document says per_page is 5 to 50, but
python-cloudflare's cli4 looks an account up by name with per_page=1 and the
official TypeScript SDK passes per_page=100 on unchanged: cfmock takes 1 to
50 and reads anything larger as 50, with result_info.per_page saying what
was used (README "Accounts"). What is not a whole number, or is below 1,
still answers 400 / 1004. Every page-numbered list is checked: /accounts,
/accounts/{id}/members and /accounts/{id}/roles."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from helpers import ADMIN, ApiTest, page_info  # noqa: E402

# per_page as sent -> as used
TAKEN = [('1', 1), ('4', 4), ('5', 5), ('05', 5), ('50', 50), ('51', 50), ('100', 50),
         ('1000', 50), ('9223372036854775807', 50), ('9223372036854775808', 50),
         ('100000000000000000000', 50)]
REFUSED = ['0', '00', '-1', '-0', '-100000000000000000000', 'abc', '1.5', '5.0', '1e1', '+5',
           ' 5', '', '0x10']

PER_PAGE_ERROR = {
    'success': False,
    'errors': [{'code': 1004,
                'message': "invalid value for query parameter 'per_page': must be a whole "
                           "number of at least 1 (more than 50 is read as 50)",
                'source': {'parameter': 'per_page'}}],
    'messages': [],
    'result': None,
}


class PerPage(ApiTest):
    def lists(self):
        """Every page-numbered list, with what it holds in all (one page
        of 50 each)."""
        acct = self.create_account('Listed 0')
        for i in range(1, 3):
            self.create_account('Listed %d' % i)
        self.add_am(acct, 'm1@example.com', roles=[ADMIN])
        self.add_am(acct, 'm2@example.com', roles=[ADMIN])
        out = []
        for path in ('/accounts', self.aurl(acct), self.url(acct, '/roles')):
            whole = self.list_envelope(path, {'per_page': 50})['result']
            out.append((path, whole))
        self.assertEqual([len(w) for _, w in out], [3, 3, 7])
        return out

    def test_clients_1_1_per_page_1_to_50_taken_and_more_read_as_50(self):
        """CF-API: per_page min 5, max 50 in the document; clients send 1
        and 100, so cfmock takes 1..50 and clamps above."""
        for path, whole in self.lists():
            total = len(whole)
            for sent, used in TAKEN:
                for page in (1, 2, 3):
                    with self.subTest(path=path, per_page=sent, page=page):
                        items = whole[(page - 1) * used:page * used]
                        env = self.list_envelope(path, {'per_page': sent, 'page': page})
                        self.assertEqual(env, harness.ok_envelope(
                            items, result_info=page_info(page, used, len(items), total)))

    def test_clients_1_2_per_page_below_1_or_not_whole_is_1004(self):
        for path, _ in self.lists():
            for sent in REFUSED:
                with self.subTest(path=path, per_page=sent):
                    r = self.req('GET', path, query={'per_page': sent})
                    self.assertEqual(r.status, 400, r)
                    self.assertEqual(r.json, PER_PAGE_ERROR)

    def test_clients_1_3_cli4_finds_an_account_by_name_with_per_page_1(self):
        """python-cloudflare's cli4 turns /accounts/:NAME/... into
        GET /accounts?name=NAME&per_page=1 and takes the one result
        (cli4/converters.py convert_accounts_to_identifier)."""
        self.create_account('Other')
        want = self.create_account('Acme Web')
        self.create_account('Later')
        env = self.list_envelope('/accounts', [('name', 'Acme Web'), ('per_page', '1')])
        self.assertEqual(env, harness.ok_envelope([want], result_info=page_info(1, 1, 1, 1)))
        # it then asks for the account and its lists by id
        self.assertGetIs(want)
        env = self.list_envelope(self.aurl(want))
        self.assertEqual(env['result_info'], page_info(1, 20, 1, 1))

    def test_clients_1_4_sdk_walk_with_per_page_100_sees_every_account_once(self):
        """The TypeScript SDK passes per_page: 100 on and asks for page + 1
        until a page comes back empty: with pages of 50 it still sees every
        account exactly once."""
        made = [self.create_account('SDK %02d' % i)['id'] for i in range(55)]
        seen, page = [], 1
        while True:
            env = self.list_envelope('/accounts', {'per_page': 100, 'page': page})
            info = env['result_info']
            self.assertEqual(info, page_info(page, 50, len(env['result']), 55))
            if not env['result']:
                break
            seen += [a['id'] for a in env['result']]
            page += 1
        self.assertEqual(seen, made)
        self.assertEqual(page, 3)


if __name__ == '__main__':
    harness.main()
