"""check_permissions.py: the permission groups src/routes.c gives each
route are the ones the OpenAPI document's x-api-token-group names for its
operation, and every one is in the token permission-group catalogue
(src/grants.c) (TAP).

  python3 tests/http/check_permissions.py
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')
sys.path.insert(0, HERE)
import contract  # noqa: E402


def route_rows():
    text = open(os.path.join(ROOT, 'src', 'routes.c')).read()
    macros = {}
    for m in re.finditer(r'^#define (G_\w+)((?:.*\\\n)*.*)$', text, re.M):
        macros[m.group(1)] = ''.join(re.findall(r'"([^"]*)"', m.group(2)))
    rows = []
    for m in re.finditer(r'\{ "(\w+)", CF "([^"]+)", \w+,(.*?) \},', text, re.S):
        rest = m.group(3)
        g = re.search(r'(?:ACC\((\w+)\)|PERM_\w+,\s+(\w+))\s*$', rest.strip())
        if not g:
            rows.append((m.group(1), m.group(2), 'MISSING'))
            continue
        name = g.group(1) or g.group(2)
        rows.append((m.group(1), m.group(2), None if name == 'NULL' else macros[name]))
    return rows


def main():
    with open(contract.SPEC) as f:
        spec = json.load(f)
    catalogue = set(re.findall(r'\{ "[0-9a-f]{32}", "([^"]+)"',
                               open(os.path.join(ROOT, 'src', 'grants.c')).read()))
    results = []
    for method, pattern, groups in route_rows():
        path = re.sub(r'/:(\w+)', r'/{\1}', pattern)
        op = spec['paths'].get(path, {}).get(method.lower())
        problems = []
        if groups == 'MISSING':
            problems.append('no permission kind in routes.c')
        elif op is None:
            problems.append('not an operation of the document')
        else:
            want = op.get('x-api-token-group')
            got = groups.split(',') if groups else None
            if (sorted(want) if want else None) != (sorted(got) if got else None):
                problems.append('routes.c says %r, the document %r' % (got, want))
            for g in got or []:
                if g not in catalogue:
                    problems.append('%r is not in the catalogue' % g)
        results.append(('%s %s' % (method, path), problems))
    print('1..%d' % len(results))
    failed = 0
    for i, (name, problems) in enumerate(results, 1):
        print('%s %d - %s' % ('not ok' if problems else 'ok', i, name))
        for p in problems:
            print('#   ' + p)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
