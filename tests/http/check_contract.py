"""check_contract.py: the http suite's last test (tests/http/meson.build
starts it after every other test of the run has finished). Usage:
check_contract.py test_a.py test_b.py ... (every file of the http suite),
with $CFMOCK_CONTRACT_DIR where those files left their records
(contract.py) and $CFMOCK_BIN. Prints TAP:

0. the validator finds the violations it must (the batch move's old
   shape, a null result on an Organizations-API operation error, ...);
1. every /client/v4 row of src/routes.c is an operation of the document;
2. the server agrees: each operation routes.c routes is answered by a
   handler, each other one of the document answers 7003/7000/7001;
3. every test file left a record of this very build and code (a record
   whose fingerprint differs is from another run: run the http suite);
4. every operation routes.c routes has at least one validated response,
   so coverage cannot quietly drop as routes are added or tests change;
5. the README's table of the document's operations lists each one once,
   "served" exactly where routes.c routes it.
Prints how many responses the run validated."""
import json
import os
import re
import sys

import contract
import harness

NO_ROUTE = {7000, 7001, 7003}
results = []


def case(ok, name, notes=()):
    results.append(ok)
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), name))
    for n in notes:
        for line in n.splitlines():
            print('# ' + line)
    sys.stdout.flush()


def self_check():
    """The validator finds what it must, and lets pass only the listed
    exceptions."""
    c = contract.Contract()
    ct = {'content-type': 'application/json'}
    env = {'success': True, 'errors': [], 'messages': []}
    org = '/client/v4/organizations/' + contract.UNKNOWN
    cases = [   # (method, url, status, body, a violation expected)
        # the batch move's old shape: statuses keyed by account id
        ('POST', '/client/v4/accounts/move', 200, dict(env, result={'statuses': {
            contract.UNKNOWN: {'moved': True, 'tag': contract.UNKNOWN}}}), True),
        ('POST', '/client/v4/accounts/move', 200, dict(env, result={'statuses': {
            'moved': True, 'tag': contract.UNKNOWN}}), False),
        # an operation's error on an Organizations-API route: no null result
        ('GET', org, 404, {'success': False, 'errors': [{'code': 1101, 'message': 'm'}],
                           'messages': [], 'result': None}, True),
        # the gateway's: listed
        ('GET', org, 400, {'success': False, 'errors': [{'code': 9106, 'message': 'm'}],
                           'messages': [], 'result': None}, False),
        # nullable: true, as the IAM failure envelope's result is
        ('GET', '/client/v4/user', 400, {'success': False, 'errors': [
            {'code': 1003, 'message': 'm'}], 'messages': [], 'result': None}, False),
        ('GET', '/client/v4/user', 400, {'success': False, 'errors': [
            {'code': 1003, 'message': 'm'}], 'messages': [], 'result': {}}, True),
        ('GET', '/client/v4/user', 200, dict(env, result={'id': 'x', 'email': 'no-at'}), True),
    ]
    bad = []
    for method, url, status, body, want in cases:
        _, problems = c.violations(method, url, status, ct, json.dumps(body).encode())
        if bool(problems) != want:
            bad.append('%s %s %d %r: %s' % (method, url, status, body, problems or
                                             'no violation found'))
    _, problems = c.violations('PUT', org + '/profile', 204, {}, b'{}')
    if not problems:
        bad.append('a body on a 204 was not found')
    return bad


def main():
    files = sys.argv[1:]
    print('1..6', flush=True)
    case(not self_check(), 'the validator finds violations and lets only the listed exceptions '
         'pass', self_check())
    routed, stray = contract.routed_operations()
    case(not stray, 'every /client/v4 row of src/routes.c is an operation of the document',
         ['not in the document: ' + s for s in stray])

    wrong = []
    with harness.Server() as srv:
        for key, _ in contract.all_operations():
            method, template = key.split(' ', 1)
            path = '/'.join(contract.UNKNOWN if s.startswith('{') else s
                            for s in template.split('/'))
            r = srv.request(method, path, {} if method in ('POST', 'PUT', 'PATCH') else None)
            codes = {e.get('code') for e in (r.json or {}).get('errors') or []}
            if (key in routed) == bool(codes & NO_ROUTE):
                wrong.append('%s: routes.c %s it, the server answers %d %s' % (
                    key, 'routes' if key in routed else 'does not route', r.status,
                    sorted(codes)))
    # answers of operations cfmock does not route are "no route", not the
    # operation's: only routed ones must keep to the document
    wrong += [v for v in contract.take() if any(' (%s)' % k in v for k in routed)]
    case(not wrong, 'the server routes what src/routes.c routes (%d of the document\'s %d '
         'operations)' % (len(routed), len(contract.all_operations())), wrong)

    counts, total, unmatched, stale = {}, 0, 0, []
    for f in files:
        path = contract.record_path(f)
        try:
            with open(path) as fh:
                rec = json.load(fh)
        except (OSError, ValueError, TypeError):
            stale.append('%s left no record (it did not run, or did not finish)' % f)
            continue
        if rec.get('fingerprint') != contract.fingerprint(os.path.join(contract.HERE, f)):
            stale.append('%s: its record is of another build or other code: run the http suite'
                         % f)
            continue
        total += rec['validated']
        unmatched += rec['unmatched']
        for k, n in rec['operations'].items():
            counts[k] = counts.get(k, 0) + n
    case(not stale, 'every file of the http suite left a record of this run (%d files)'
         % len(files), stale)

    missing = sorted(routed - set(counts))
    notes = ['no validated response: ' + k for k in missing]
    notes += ['%6d  %s' % (counts[k], k) for k in sorted(counts)]
    notes.append('%d responses validated against the OpenAPI document, over %d operations '
                 '(%d answers to no operation of the document: unknown paths and methods)'
                 % (total, len(counts), unmatched))
    case(not missing and not stale,
         'every operation cfmock routes has a validated response (%d validated)' % total, notes)
    case(*readme_table(routed))
    sys.exit(0 if all(results) else 1)


def readme_table(routed):
    """The README's "Which operations" table against routes.c."""
    with open(os.path.join(contract.HERE, '..', '..', 'README.md')) as f:
        text = f.read()
    section = text.split('### Which operations', 1)[-1].split('\n## ', 1)[0]
    rows = re.findall(r'^\| ([A-Z]+) \| `([^`]+)` \| `[^`]+` \| (served|not yet) \|$', section,
                      re.M)
    notes, seen = [], set()
    for method, path, state in rows:
        key = '%s %s' % (method, path)
        if key in seen:
            notes.append('listed twice: ' + key)
        seen.add(key)
        if (state == 'served') != (key in routed):
            notes.append('%s: the README says %s, routes.c %s it' % (
                key, state, 'routes' if key in routed else 'does not route'))
    ops = {k for k, _ in contract.all_operations()}
    notes += ['not in the README: ' + k for k in sorted(ops - seen)]
    notes += ['in the README, not in the document: ' + k for k in sorted(seen - ops)]
    m = re.search(r'has (\d+) operations; cfmock serves the (\d+)', section)
    if not m or (int(m.group(1)), int(m.group(2))) != (len(ops), len(routed)):
        notes.append('the sentence should say %d operations, %d served' % (len(ops), len(routed)))
    return not notes, 'the README lists the document\'s operations as routes.c routes them', notes


if __name__ == '__main__':
    main()
