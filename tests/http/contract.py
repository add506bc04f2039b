"""contract.py: every /client/v4 response the http tests receive, checked
against the bundled OpenAPI document (spec/cloudflare-organizations-
accounts.openapi.json).

harness.py calls check() on each response it reads. check() finds the
operation by method and path template, picks the response the document
gives for the status (the exact code, then 4XX/5XX, then default) and
validates the body with jsonschema (Debian's python3-jsonschema, Draft 4,
the dialect OpenAPI 3.0 schemas are written in) after turning OpenAPI's
`nullable: true` into JSON Schema. A violation is recorded with the test
line that made the request; harness's TAP result fails that test with it.
The few places where cfmock follows the live API instead of the document,
or the document cannot be satisfied, are in contract_exceptions.json, each
with its reason and source, and nowhere else.

Counts: with $CFMOCK_CONTRACT_DIR set (tests/http/meson.build sets it),
each test file writes DIR/<file>.json at its end: how many responses of
each operation it validated, and a fingerprint of what it ran (the cfmock
binary, the test file, the shared test code, the document and the
exceptions). check_contract.py, the last test of the http suite, reads
every file's record and fails when a routed operation has no validated
response."""
import datetime
import hashlib
import json
import os
import re
import sys
import traceback
import urllib.parse

try:
    import jsonschema
except ImportError:     # the test says what to install rather than skipping
    sys.exit('tests/http: the response validation needs python3-jsonschema '
             '(apt-get install python3-jsonschema) for %s' % sys.executable)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
SPEC = os.path.join(ROOT, 'spec', 'cloudflare-organizations-accounts.openapi.json')
EXCEPTIONS = os.path.join(HERE, 'contract_exceptions.json')
ROUTES = os.path.join(ROOT, 'src', 'routes.c')
PREFIX = '/client/v4'
UNKNOWN = '0123456789abcdef0123456789abcdef'     # a well-formed id that names nothing
METHODS = ('get', 'put', 'post', 'delete', 'patch')


def pointer(parts):
    """A JSON pointer (RFC 6901) of a path of keys and indexes."""
    return ''.join('/' + str(p).replace('~', '~0').replace('/', '~1') for p in parts)


def unpointer(ptr):
    return [p.replace('~1', '/').replace('~0', '~') for p in ptr.split('/')[1:]]


def _nullable(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema: null joins the type
    (and the enum, if any); without a type, anyOf null or the schema."""
    if isinstance(node, list):
        return [_nullable(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable(v) for k, v in node.items()}
    if out.pop('nullable', False) is True:
        if isinstance(out.get('type'), str):
            out['type'] = [out['type'], 'null']
            if 'enum' in out and None not in out['enum']:
                out['enum'] = out['enum'] + [None]
        else:
            out = {'anyOf': [{'type': 'null'}, out]}
    return out


def load_document():
    """The document, with the exceptions of kind "schema" applied (each
    one is checked to still apply: a stale entry is an error)."""
    with open(SPEC) as f:
        doc = json.load(f)
    for e in exceptions():
        if e['kind'] != 'schema':
            continue
        parts = unpointer(e['at'])
        node = doc
        for p in parts[:-1]:
            node = node[int(p)] if isinstance(node, list) else node[p]
        key = parts[-1]
        if key not in node:
            raise RuntimeError('contract_exceptions.json: %s is not in the document' % e['at'])
        if 'rename' in e:
            node[e['rename']] = node.pop(key)
        else:
            node[key] = e['set']
    return doc


_exceptions = None


def exceptions():
    global _exceptions
    if _exceptions is None:
        with open(EXCEPTIONS) as f:
            _exceptions = json.load(f)['exceptions']
        for e in _exceptions:
            missing = {'kind', 'reason', 'source'} - set(e)
            if missing:
                raise RuntimeError('contract_exceptions.json: %r lacks %s' % (e, missing))
    return _exceptions


def _template_segments(path):
    return [None if s.startswith('{') and s.endswith('}') else s for s in path.split('/')[1:]]


class Contract:
    """The document's operations and a validator per (operation,
    response), made once, when first needed."""

    def __init__(self):
        raw = load_document()
        self.doc = _nullable(raw)
        self.resolver = jsonschema.RefResolver('', self.doc)
        self.ops = []           # (segments, METHOD, template, operation)
        for template, item in self.doc['paths'].items():
            for m in METHODS:
                if m in item:
                    self.ops.append((_template_segments(template), m.upper(), template,
                                     item[m]))
        self.validators = {}
        self.formats = jsonschema.FormatChecker(())
        self.formats.checks('date-time')(_is_datetime)
        self.formats.checks('date')(_is_date)
        self.formats.checks('email')(lambda s: not isinstance(s, str) or
                                     re.fullmatch(r'[^@\s]+@[^@\s]+', s) is not None)
        self.tolerated = [e for e in exceptions() if e['kind'] == 'response']
        self.statuses = [e for e in exceptions() if e['kind'] == 'status']

    def operation(self, method, path):
        """(template, operation) of METHOD path (under /client/v4, no
        query), or None. A literal segment wins over a parameter, as in
        /accounts/move against /accounts/{account_id}."""
        segs = path.split('/')[1:]
        best = None
        for tsegs, m, template, op in self.ops:
            if m != method or len(tsegs) != len(segs):
                continue
            if all(t == s if t is not None else s != '' for t, s in zip(tsegs, segs)):
                score = [t is not None for t in tsegs]
                if best is None or score > best[0]:
                    best = (score, template, op)
        return None if best is None else best[1:]

    def response(self, op, status):
        """(key, response object) the document gives for status (or an
        exception of kind "status" gives for it), or None."""
        responses = op.get('responses', {})
        for key in (str(status), '%dXX' % (status // 100), 'default'):
            if key in responses:
                return key, responses[key]
        for e in self.statuses:
            if e['operation'] in ('*', op.get('operationId')) and \
                    e['status'] in (str(status), '%dXX' % (status // 100)):
                return e['status'], {'content': {'application/json': {'schema': e['schema']}}}
        return None

    def validator(self, op_key, schema):
        v = self.validators.get(op_key)
        if v is None:
            v = jsonschema.Draft4Validator(schema, resolver=self.resolver,
                                           format_checker=self.formats)
            self.validators[op_key] = v
        return v

    def violations(self, method, url, status, headers, raw):
        """(operation key or None, [problem texts]) for one response."""
        path = urllib.parse.urlsplit(url).path
        if not path.startswith(PREFIX + '/'):
            return None, []
        found = self.operation(method, path[len(PREFIX):])
        if found is None:
            return None, []
        template, op = found
        key = '%s %s' % (method, template)
        picked = self.response(op, status)
        if picked is None:
            return key, ['status %d is not a response the document gives (%s)'
                         % (status, ', '.join(op.get('responses', {})))]
        code, resp = picked
        content = resp.get('content')
        if not content:
            return key, [] if raw == b'' else ['%s answers no body, got %r' % (code, raw[:200])]
        ctype = (headers.get('content-type') or '').split(';')[0].strip()
        if ctype not in content:
            return key, ['content-type %r, the document gives %s' % (ctype, ', '.join(content))]
        try:
            body = json.loads(raw)
        except ValueError:
            return key, ['the body is not JSON: %r' % raw[:200]]
        schema = content[ctype].get('schema', {})
        v = self.validator((key, code), schema)
        problems = []
        for err in v.iter_errors(body):
            at = pointer(err.absolute_path)
            if self._tolerated(op, code, body, at, err):
                continue
            problems.append('at %s: %s (schema: %s)' % (
                at or '/', _short(err.message), pointer(err.absolute_schema_path)))
        return key, problems

    def _tolerated(self, op, code, body, at, err):
        for e in self.tolerated:
            if e['operation'] not in ('*', op.get('operationId')) or e['response'] != code:
                continue
            ptrs = e['pointer'] if isinstance(e['pointer'], list) else [e['pointer']]
            if not any(_pointer_matches(p, at) for p in ptrs):
                continue
            if 'value' in e and err.instance != e['value']:
                continue
            if 'keyword' in e and err.validator != e['keyword']:
                continue
            codes = [x.get('code') for x in body.get('errors', []) if isinstance(x, dict)] \
                if isinstance(body, dict) else []
            if 'codes' in e and not (codes and set(codes) <= set(e['codes'])):
                continue
            return True
        return False


def _pointer_matches(pattern, ptr):
    """pattern is a JSON pointer in which a segment "*" stands for any one."""
    a, b = unpointer(pattern), unpointer(ptr) if ptr else []
    return len(a) == len(b) and all(x in ('*', y) for x, y in zip(a, b))


def _short(text, n=300):
    return text if len(text) <= n else text[:n] + '...'


_DT = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)', re.I)


def _is_datetime(s):
    if not isinstance(s, str):
        return True
    if not _DT.fullmatch(s):
        return False
    try:
        datetime.date.fromisoformat(s[:10])
    except ValueError:
        return False
    return True


def _is_date(s):
    if not isinstance(s, str):
        return True
    try:
        return len(s) == 10 and datetime.date.fromisoformat(s) is not None
    except ValueError:
        return False


# ---------------------------------------------------------------------------
# What this process saw

_contract = None
counts = {}             # operation key -> responses validated
unmatched = 0           # /client/v4 responses to no operation of the document
pending = []            # violations not yet reported to a test


def check(method, url, status, headers, raw):
    """Validates one response (headers: a dict with lowercase names; raw:
    the body bytes). A violation is kept in `pending` with the test line
    that made the request, for harness's TAP result to fail that test."""
    global _contract, unmatched
    if not urllib.parse.urlsplit(url).path.startswith(PREFIX + '/'):
        return
    if _contract is None:
        _contract = Contract()
    key, problems = _contract.violations(method, url, status, headers, raw)
    if key is None:
        unmatched += 1
        return
    counts[key] = counts.get(key, 0) + 1
    if problems:
        where = _caller()
        pending.append('%s %s -> %d (%s)%s:\n  %s' % (
            method, url, status, key, ' from ' + where if where else '',
            '\n  '.join(problems)))


def _caller():
    """file:line of the innermost frame in a test file."""
    for frame in reversed(traceback.extract_stack()):
        name = os.path.basename(frame.filename)
        if name.startswith('test_'):
            return '%s:%d' % (name, frame.lineno)
    return ''


def take():
    """The violations not yet reported; forgets them."""
    out = pending[:]
    del pending[:]
    return out


def fingerprint(test_file):
    """What a record of test_file stands for: the binary it ran, the test
    file, the shared test code, the document and the exceptions."""
    h = hashlib.sha256()
    files = [os.environ.get('CFMOCK_BIN', ''), test_file, SPEC, EXCEPTIONS]
    files += sorted(os.path.join(HERE, f) for f in os.listdir(HERE)
                    if f.endswith('.py') and not f.startswith('test_'))
    for path in files:      # by name: meson and a shell spell paths differently
        h.update(os.path.basename(path).encode() + b'\0')
        try:
            with open(path, 'rb') as f:
                h.update(hashlib.sha256(f.read()).digest())
        except OSError:
            h.update(b'missing')
    return h.hexdigest()


def record_path(test_file):
    d = os.environ.get('CFMOCK_CONTRACT_DIR')
    return os.path.join(d, os.path.basename(test_file) + '.json') if d else None


def forget_record(test_file):
    """Removes test_file's record before it runs, so a run that dies
    leaves none."""
    path = record_path(test_file)
    if path and os.path.exists(path):
        os.remove(path)


def write_record(test_file):
    path = record_path(test_file)
    if not path:
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rec = {'test': os.path.basename(test_file), 'fingerprint': fingerprint(test_file),
           'validated': sum(counts.values()), 'unmatched': unmatched,
           'operations': dict(sorted(counts.items()))}
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(rec, f, indent=1)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------
# What cfmock routes (for check_contract.py)

def routed_operations():
    """'METHOD /template' of each document operation that src/routes.c
    routes, and the /client/v4 rows of routes.c that match none."""
    c = _contract or Contract()
    with open(ROUTES) as f:
        text = f.read()
    got, stray = set(), []
    for method, path in re.findall(r'\{\s*"([A-Z]+)",\s*CF\s*"([^"]*)"', text):
        segs = '/'.join(':' if s.startswith(':') else s for s in path.split('/'))
        found = None
        for tsegs, m, template, _ in c.ops:
            if m == method and '/'.join(':' if t is None else t for t in [''] + tsegs) == segs:
                found = template
        if found is None:
            stray.append('%s %s' % (method, path))
        else:
            got.add('%s %s' % (method, found))
    return got, stray


def all_operations():
    c = _contract or Contract()
    return [('%s %s' % (m, template), op) for _, m, template, op in c.ops]
