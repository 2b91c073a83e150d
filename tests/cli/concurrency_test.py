#!/usr/bin/env python3
"""Several processes ingest hard bounces for the same addresses from different
accounts at once: each address turns GLOBAL exactly once.

Usage: concurrency_test.py REBOUND_BINARY sqlite|postgres
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import testdb

REBOUND, BACKEND = sys.argv[1], sys.argv[2]
PROCESSES = 8
ADDRESSES = 12
WORK = tempfile.mkdtemp(prefix="rebound-concurrency-")
DB = testdb.database_url(BACKEND, WORK, "conc_")


def dsn(recipient, n):
    return f"""From: MAILER-DAEMON@mx.example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <c{n}@mx.example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

--b--
""".encode()


for p in range(PROCESSES):
    r = subprocess.run([REBOUND, "account", "create", f"acct{p}", "--db", DB], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    d = os.path.join(WORK, f"in{p}")
    os.makedirs(d)
    for a in range(ADDRESSES):
        with open(os.path.join(d, f"{a:03d}.eml"), "wb") as f:
            f.write(dsn(f"shared{a}@example.org", p * 1000 + a))

# All processes start together; each commits every record on its own
# (--batch 1) so that the commits interleave.
procs = [subprocess.Popen([REBOUND, "bounce", "ingest", os.path.join(WORK, f"in{p}"), "--account", f"acct{p}",
                           "--batch", "1", "--json", "--db", DB], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
         for p in range(PROCESSES)]
results = [p.communicate() for p in procs]
failures = []
became_global = {}
for p, (out, err) in zip(procs, results):
    if p.returncode != 0:
        failures.append(f"ingest exit {p.returncode}: {err.decode()[-300:]}")
    for line in out.decode().splitlines():
        r = json.loads(line)
        if not r.get("stored"):
            failures.append(f"not stored: {r}")
        if r.get("global"):
            became_global[r["recipient"]] = became_global.get(r["recipient"], 0) + 1

r = subprocess.run([REBOUND, "global", "list", "--json", "--db", DB], capture_output=True, text=True)
listed = sorted(json.loads(l)["address"] for l in r.stdout.splitlines())
expected = sorted(f"shared{a}@example.org" for a in range(ADDRESSES))
if listed != expected:
    failures.append(f"global list {listed}")
for a in expected:
    if became_global.get(a) != 1:
        failures.append(f"{a} turned GLOBAL {became_global.get(a, 0)} times")

shutil.rmtree(WORK, ignore_errors=True)
for f in failures[:20]:
    print("FAIL:", f)
print(f"{BACKEND}: {PROCESSES} processes x {ADDRESSES} addresses, GLOBAL transitions {sum(became_global.values())}")
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
