#!/usr/bin/env python3
"""kill -9 of the bounce receiver (`rebound serve`) under load, on either
store: every message answered 250 is in the database afterwards, and a
restart applies what the kill left stored but unapplied.

Usage: receiver_crash_test.py REBOUND_BINARY EXAMPLES_DIR sqlite|postgres
"""
import os
import re
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import receiver_fixture  # noqa: E402
import testdb  # noqa: E402

REBOUND, EXAMPLES, BACKEND = sys.argv[1], sys.argv[2], sys.argv[3]
WORK = tempfile.mkdtemp(prefix="rebound-receiver-crash-")
DB = testdb.database_url(BACKEND, WORK, "rcrash_")
CONFIG = receiver_fixture.write_config(WORK, DB)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def sql(query):
    return testdb.sql(DB, query)


def start():
    return receiver_fixture.start(REBOUND, CONFIG)


check(receiver_fixture.add_send(REBOUND, DB), "account")
verp = subprocess.run([REBOUND, "verp", "address", "1", "--config", CONFIG], capture_output=True,
                      text=True).stdout.strip()
check(verp.startswith("bounce+"), f"verp address {verp}")
dsn = open(os.path.join(EXAMPLES, "dsn-unknown-user.eml"), "rb").read()

# Twenty clients send until 300 messages are acknowledged; then kill -9.
proc, port = start()
acked = []
lock = threading.Lock()
stop = threading.Event()


def client(n):
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
            for i in range(200):
                if stop.is_set():
                    return
                tag = f"load-{n}-{i}"
                s.sendmail("", [verp], dsn.replace(b"Subject: Undelivered",
                                                   f"X-Load: {tag}\r\nSubject: Undelivered".encode()))
                with lock:
                    acked.append(tag)
    except (OSError, smtplib.SMTPException):
        return  # the server was killed


threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
for t in threads:
    t.start()
deadline = time.time() + 60
while time.time() < deadline:
    with lock:
        if len(acked) >= 300:
            break
    time.sleep(0.01)
proc.kill()
stop.set()
for t in threads:
    t.join()
proc.wait()
check(len(acked) >= 300, f"only {len(acked)} messages acknowledged before the kill")

if BACKEND == "sqlite":
    check(sql("PRAGMA integrity_check") == [("ok",)], "integrity after kill -9")
stored = set()
for (raw_hex,) in sql("SELECT hex(raw_message) FROM inbound_messages" if BACKEND == "sqlite" else
                      "SELECT encode(raw_message, 'hex') FROM inbound_messages"):
    m = re.search(rb"X-Load: (load-\d+-\d+)", bytes.fromhex(raw_hex))
    if m:
        stored.add(m.group(1).decode())
lost = [t for t in acked if t not in stored]
check(not lost, f"{len(lost)} acknowledged messages lost, e.g. {lost[:3]}")

# A restart applies what the kill left stored but unapplied.
proc, port = start()
time.sleep(1.0)
proc.send_signal(signal.SIGTERM)
proc.wait(timeout=10)
left = sql("SELECT COUNT(*) FROM inbound_messages WHERE state = 'stored'")
check(int(left[0][0]) == 0, f"{left} stored messages not applied after restart")

shutil.rmtree(WORK, ignore_errors=True)
for f in failures:
    print("FAIL:", f)
print(f"{BACKEND}: {len(acked)} messages acknowledged under load, {len(stored)} stored")
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
