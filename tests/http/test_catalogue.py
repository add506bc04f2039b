"""test_catalogue.py: every error in src/errors.def is listed in the README's
catalogue and is produced by at least one http test; nothing else is."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROOT = os.path.join(harness.HERE, '..', '..')


def catalogue():
    rows = {}
    with open(os.path.join(ROOT, 'src', 'errors.def')) as f:
        for m in re.finditer(r'^ERR\((\w+),\s*(\d+),\s*(\d+),\s*(GW|API),\s*"(.*)"\)\s*$', f.read(), re.M):
            rows[m.group(1)] = (int(m.group(2)), int(m.group(3)), m.group(5))
    return rows


class Catalogue(unittest.TestCase):
    def test_cat_1_1_the_catalogue_parses(self):
        rows = catalogue()
        self.assertGreater(len(rows), 20)
        codes = [c for _, c, _ in rows.values()]
        self.assertEqual(len(codes), len(set(codes)), 'two rows share a code')

    def test_cat_1_2_readme_lists_every_error(self):
        with open(os.path.join(ROOT, 'README.md')) as f:
            readme = f.read()
        table = {}
        for m in re.finditer(r'^\|\s*(\d{4,5})\s*\|\s*(\d{3})\s*\|', readme, re.M):
            table[int(m.group(1))] = int(m.group(2))
        want = {code: status for status, code, _ in catalogue().values()}
        self.assertEqual(table, want)

    def test_cat_1_3_every_error_is_produced_by_an_http_test(self):
        texts = ''
        for name in os.listdir(harness.HERE):
            if name.startswith('test_') and name.endswith('.py') and name != 'test_catalogue.py':
                with open(os.path.join(harness.HERE, name)) as f:
                    texts += f.read()
        missing = [name for name, (_, code, _) in catalogue().items()
                   if name != 'INTERNAL' and not re.search(r'\b%d\b' % code, texts)]
        self.assertEqual(missing, [])


if __name__ == '__main__':
    harness.main()
