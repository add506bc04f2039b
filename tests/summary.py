#!/usr/bin/env python3
"""Prints "N passed, M failed" over meson testlog.json files: every TAP
case counts; a test that crashed before printing its plan counts as one
failure. Exit 1 if anything failed or nothing ran."""
import json
import re
import sys

passed = failed = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get('stdout') or ''
        ok = len(re.findall(r'^ok \d+', out, re.M))
        bad = len(re.findall(r'^not ok \d+', out, re.M))
        plan = re.search(r'^1\.\.(\d+)', out, re.M)
        missing = int(plan.group(1)) - ok - bad if plan else 0
        if t.get('result') not in ('OK', 'EXPECTEDFAIL') and bad == 0:
            bad = max(1, missing)
        passed += ok
        failed += bad
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed or not passed else 0)
