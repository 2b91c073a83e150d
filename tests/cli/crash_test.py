#!/usr/bin/env python3
"""kill -9 in the middle of a large ingest loses no bounce that was reported
stored, and leaves the SQLite database consistent.

Usage: crash_test.py REBOUND_BINARY
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile

REBOUND = sys.argv[1]
MESSAGES = 3000
WORK = tempfile.mkdtemp(prefix="rebound-crash-")
DB_PATH = os.path.join(WORK, "t.db")
DB = "sqlite:" + DB_PATH
failures = []

subprocess.run([REBOUND, "account", "create", "acme", "--db", DB], check=True, capture_output=True)
inbox = os.path.join(WORK, "in")
os.makedirs(inbox)
for i in range(MESSAGES):
    with open(os.path.join(inbox, f"{i:05d}.eml"), "wb") as f:
        f.write(f"""From: MAILER-DAEMON@mx.example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <k{i}@mx.example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; user{i}@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--b--
""".encode())

proc = subprocess.Popen([REBOUND, "bounce", "ingest", inbox, "--account", "acme", "--json", "--batch", "50",
                         "--db", DB], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
reported = []
for line in proc.stdout:
    reported.append(json.loads(line))
    if len(reported) >= MESSAGES // 3:
        os.kill(proc.pid, signal.SIGKILL)
        break
reported += [json.loads(l) for l in proc.stdout.read().splitlines() if l.strip()]
proc.wait()
if proc.returncode != -signal.SIGKILL:
    failures.append(f"ingest was not killed mid-way (exit {proc.returncode})")

con = sqlite3.connect(DB_PATH)
integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
if integrity != "ok":
    failures.append(f"integrity_check: {integrity}")
stored = {r[0] for r in con.execute("SELECT address FROM bounce_events")}
suppressed = {r[0] for r in con.execute("SELECT address FROM account_suppressions")}
con.close()
reported_stored = {r["recipient"] for r in reported if r.get("stored")}
lost = reported_stored - stored
if lost:
    failures.append(f"{len(lost)} reported-stored bounces lost, e.g. {sorted(lost)[:3]}")
if stored != suppressed:
    failures.append("bounce events and suppressions disagree after the crash")
if len(stored) >= MESSAGES:
    failures.append("the ingest finished before the kill: the test proved nothing")

# Running the ingest again completes it; what was stored is a duplicate.
r = subprocess.run([REBOUND, "bounce", "ingest", inbox, "--account", "acme", "--json", "--db", DB],
                   capture_output=True, text=True)
again = [json.loads(l) for l in r.stdout.splitlines()]
dups = {x["recipient"] for x in again if x.get("duplicate")}
con = sqlite3.connect(DB_PATH)
total = con.execute("SELECT COUNT(*) FROM bounce_events").fetchone()[0]
con.close()
if r.returncode != 0 or total != MESSAGES:
    failures.append(f"re-run: exit {r.returncode}, {total} events")
if not reported_stored <= dups:
    failures.append("a bounce reported stored was stored again")

shutil.rmtree(WORK, ignore_errors=True)
for f in failures:
    print("FAIL:", f)
print(f"killed after {len(reported_stored)} reported stored; {len(stored)} in the database; none lost")
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
