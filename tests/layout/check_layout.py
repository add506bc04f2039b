"""check_layout.py: the layout rules of README "How it is built", checked on
the tree (TAP). A rule broken here is a file in the wrong place, an include
that points upward, or a name that no longer leads from a route to its
handler, its SQL and its tests.

  python3 tests/layout/check_layout.py [SOURCE_ROOT]
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), '..', '..'))
SRC = os.path.join(ROOT, 'src')
HTTP = os.path.join(ROOT, 'tests', 'http')

# The include levels, lowest first (README "How it is built"): a file
# includes headers of its own level and below, never above.
LEVELS = [
    ('leaves', ['banned', 'util', 'clock', 'ids', 'errors', 'rules', 'roles', 'grants', 'config',
                'journal', 'framing', 'ui']),
    ('state', ['store', 'store_internal', 'store_vfs', 'app']),
    ('request and faults', ['req', 'faults']),
    ('envelope', ['reply']),
    # fixtures read their text with json.c's strict reader, as bodies are
    ('readers', ['json', 'query', 'paging', 'auth', 'fixtures']),
    ('handlers', ['api']),
    ('dispatch', ['router', 'routes', 'audit']),
    ('edges', ['server', 'server_gate', 'main']),
]
LEVEL = {}
for n, (_, names) in enumerate(LEVELS):
    for name in names:
        LEVEL[name] = n
MAX_LINES = 1200

results = []


def check(name, problems):
    results.append((name, problems))


def sources():
    return sorted(f for f in os.listdir(SRC) if f.endswith(('.c', '.h')))


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def stem(f):
    """The module a file belongs to: api_*.c are 'api', store_*.c 'store'
    (store_internal.h and store_vfs.h are their own)."""
    base = f.rsplit('.', 1)[0]
    if base in LEVEL:
        return base
    if base.startswith('api_'):
        return 'api'
    if base.startswith('store_'):
        return 'store'
    return base


def includes(f):
    return re.findall(r'^#include "([^"]+)\.(?:h|def)"', read(os.path.join(SRC, f)), re.M)


def test_every_file_has_a_level():
    check('every file in src/ has an include level',
          ['%s: add it to LEVELS here and to the README' % f for f in sources()
           if stem(f) not in LEVEL])


def test_no_upward_include():
    bad = []
    for f in sources():
        me = LEVEL.get(stem(f))
        for inc in includes(f):
            them = LEVEL.get(stem(inc + '.h'))
            if me is not None and them is not None and them > me:
                bad.append('%s (%s) includes %s.h (%s)' % (f, LEVELS[me][0], inc, LEVELS[them][0]))
    check('no file includes a header of a higher level', bad)


def module(name):
    """A header and its .c are one module; store_internal.h belongs to the
    store (SQLite's vdbeInt.h to the VDBE)."""
    return 'store' if name == 'store_internal' else name


def test_no_include_cycle():
    """Modules, not files: a.c including b.h while b.c includes a.h is a
    cycle too (the one {auth, json, reply, router} had)."""
    graph = {}
    for f in sources():
        m = module(f.rsplit('.', 1)[0])
        edges = graph.setdefault(m, set())
        edges.update(module(i) for i in includes(f))
        edges.discard(m)
    cycles = []
    state = {}

    def visit(n, path):
        state[n] = 1
        for m in sorted(graph.get(n, [])):
            if state.get(m) == 1:
                cycles.append(' -> '.join(path[path.index(m):] + [m]) if m in path else m)
            elif m not in state:
                visit(m, path + [m])
        state[n] = 2
    for n in sorted(graph):
        if n not in state:
            visit(n, [n])
    check('no include cycle between modules', cycles)


def test_walls():
    bad = []
    for f in sources():
        text = read(os.path.join(SRC, f))
        inc = set(re.findall(r'^#include ([<"][^>"]+[>"])', text, re.M))
        if '<sqlite3.h>' in inc and not f.startswith('store'):
            bad.append('%s includes <sqlite3.h>: only store*.c and store_internal.h may' % f)
        if '"store_internal.h"' in inc and not f.startswith('store'):
            bad.append('%s includes store_internal.h: only store*.c may' % f)
        if '<microhttpd.h>' in inc and not f.startswith('server'):
            bad.append('%s includes <microhttpd.h>: only server*.c may' % f)
        if '"api.h"' in inc and not (
                f.startswith('api_') or f in ('routes.c', 'api.h')):
            bad.append('%s includes api.h: only api_*.c and routes.c may' % f)
    check('the walls: SQLite in store*, libmicrohttpd in server*, api.h in handlers', bad)


def test_file_size():
    bad = []
    for f in sources():
        n = read(os.path.join(SRC, f)).count('\n')
        if n > MAX_LINES:
            bad.append('%s has %d lines (at most %d)' % (f, n, MAX_LINES))
    check('no file in src/ is over %d lines' % MAX_LINES, bad)


def handlers_by_file():
    out = {}
    for f in sources():
        if f.startswith('api_') and f.endswith('.c') and f != 'api_common.c':
            out[f[4:-2]] = set(re.findall(r'^void (\w+)\(struct req \*r\)$',
                                          read(os.path.join(SRC, f)), re.M))
    return out


def test_route_names():
    """Every handler in the route table is <name>_<verb> and defined in
    api_<name>.c."""
    table = read(os.path.join(SRC, 'routes.c'))
    rows = re.findall(r'\{\s*"(\w+)",\s*(?:CF\s*)?"([^"]+)",\s*(\w+),', table)
    by_file = handlers_by_file()
    bad = []
    for method, path, handler in rows:
        homes = [name for name, fns in by_file.items() if handler in fns]
        if len(homes) != 1:
            bad.append('%s %s: handler %s is defined in %d api_*.c files' %
                       (method, path, handler, len(homes)))
        elif not handler.startswith(homes[0] + '_'):
            bad.append('%s %s: handler %s lives in api_%s.c, so it is named %s_<verb>' %
                       (method, path, handler, homes[0], homes[0]))
    if len(rows) < 30:
        bad.append('only %d rows read from routes.c: the table format changed' % len(rows))
    check('every route handler is <name>_<verb> in api_<name>.c', bad)


def test_store_and_tests_follow():
    """An api_<name>.c that calls the store has its store_<name>.c, calls
    only store_<name>_* (plus the store's own engine calls), and has tests
    named tests/http/test_<name>*.py."""
    tests = os.listdir(HTTP)
    engine = engine_calls()
    bad = []
    for name in sorted(handlers_by_file()):
        text = read(os.path.join(SRC, 'api_%s.c' % name))
        calls = store_calls(text)
        if not any(t.startswith('test_%s' % name) and t.endswith('.py') for t in tests):
            bad.append('api_%s.c has no tests/http/test_%s*.py' % (name, name))
        if not calls:
            continue
        if not os.path.exists(os.path.join(SRC, 'store_%s.c' % name)):
            bad.append('api_%s.c calls the store but there is no store_%s.c' % (name, name))
        for c in sorted(calls - engine):
            if not c.startswith('store_%s_' % name):
                bad.append('api_%s.c calls %s: a handler calls its own store_%s_*' %
                           (name, c, name))
    check('each api_<name>.c has its store_<name>.c and test_<name>*.py', bad)


def store_functions():
    """Every store_* function the store*.c files define."""
    out = set()
    for f in sources():
        if f.startswith('store') and f.endswith('.c'):
            out.update(re.findall(r'^(?:enum \w+|int|void|struct \w+ \*|const \w+ \*|cJSON \*)\s*'
                                  r'(store_\w+)\(', read(os.path.join(SRC, f)), re.M))
    return out


def store_calls(text):
    """The store functions @text calls or passes (api_lookup(r, store_x, ...))."""
    return set(re.findall(r'\b(store_\w+)\b', text)) & store_functions()


def engine_calls():
    """The store's own functions (store.c): open, transactions, groups."""
    return set(re.findall(r'^(?:enum \w+|int|void|struct \w+ \*|const unsigned char \*)\s*'
                          r'(store_\w+)\(', read(os.path.join(SRC, 'store.c')), re.M))


def handler_bodies(name):
    text = read(os.path.join(SRC, 'api_%s.c' % name))
    return dict(re.findall(r'^void (\w+)\(struct req \*r\)\n\{\n(.*?)^\}', text, re.M | re.S))


def test_same_verb_at_every_level():
    """A handler <name>_<verb> that calls the store calls
    store_<name>_<verb> (or, for a variant such as <verb>_batch, the
    store_<name>_<verb> it shares), never a store function of another
    verb."""
    bad = []
    engine = engine_calls()
    for name in sorted(handlers_by_file()):
        for handler, body in sorted(handler_bodies(name).items()):
            calls = store_calls(body) - engine
            if not calls:
                continue
            want = 'store_' + handler
            ok = [c for c in calls if want == c or want.startswith(c + '_')]
            if not ok:
                bad.append('%s calls %s, not %s' % (handler, ', '.join(sorted(set(calls))), want))
    check('a handler calls the store function of its own name and verb', bad)


def test_store_functions_live_in_their_file():
    """store_<name>_<verb> is defined in store_<name>.c."""
    bad = []
    files = [f for f in sources() if f.startswith('store') and f.endswith('.c')
             and f != 'store_vfs.c']
    names = sorted((f[6:-2] for f in files if f.startswith('store_')),
                   key=len, reverse=True)
    for f in files:
        for fn in re.findall(r'^(?:enum \w+|int|void|cJSON \*|const \w+ \*)\s*\**(store_\w+)\(',
                             read(os.path.join(SRC, f)), re.M):
            owner = next((n for n in names if fn.startswith('store_%s_' % n)), None)
            want = 'store_%s.c' % owner if owner else 'store.c'
            if f != want and not (owner is None and f == 'store.c'):
                bad.append('%s is defined in %s, not %s' % (fn, f, want))
    check('store_<name>_* functions are defined in store_<name>.c', bad)


def test_no_test_imports_another():
    bad = []
    for t in sorted(os.listdir(HTTP)):
        if t.endswith('.py'):
            for m in re.findall(r'^\s*(?:from|import)\s+(test_\w+)', read(os.path.join(HTTP, t)),
                                re.M):
                bad.append('%s imports %s: shared code goes in helpers.py or harness.py' % (t, m))
    check('no test file imports another', bad)


def test_checklist_names_real_files():
    """The routes.c checklist and README's "How it is built" name files
    that exist."""
    bad = []
    for doc in ('src/routes.c', 'README.md'):
        text = read(os.path.join(ROOT, doc))
        for path in sorted(set(re.findall(r'(?<![\w/.-])((?:src|tests|schema|fixtures|bench|spec|'
                                          r'\.ci)/[\w./<>*-]*[\w>*])', text))):
            # patterns (test_<name>.py, schema/*.sql) and placeholders
            # (bench/results/DATE.md, schema/NNN-name.sql) name no one file
            if re.search(r'[<*]|DATE|NNN', path):
                continue
            if not os.path.exists(os.path.join(ROOT, path)):
                bad.append('%s names %s, which does not exist' % (doc, path))
    check('the checklist and the README name files that exist', bad)


def main():
    for name, fn in sorted(globals().items()):
        if name.startswith('test_') and callable(fn):
            fn()
    print('1..%d' % len(results))
    failed = 0
    for i, (name, problems) in enumerate(results, 1):
        if problems:
            failed += 1
            print('not ok %d - %s' % (i, name))
            for p in problems:
                print('#   %s' % p)
        else:
            print('ok %d - %s' % (i, name))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
