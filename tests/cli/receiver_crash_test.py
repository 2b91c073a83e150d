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
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testdb  # noqa: E402

REBOUND, EXAMPLES, BACKEND = sys.argv[1], sys.argv[2], sys.argv[3]
WORK = tempfile.mkdtemp(prefix="rebound-receiver-crash-")
DB = testdb.database_url(BACKEND, WORK, "rcrash_")
CONFIG = os.path.join(WORK, "rebound.toml")
with open(CONFIG, "w") as f:
    f.write(f"""
[database]
url = "{DB}"
[bounce]
domain = "bounces.example.net"
keys = [ {{ id = 1, secret = "test-secret-0123456789abcdef" }} ]
[receiver]
listen = "127.0.0.1:0"
""")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def sql(query):
    """Rows of `query` on the test's database, as tuples of strings."""
    if BACKEND == "sqlite":
        con = sqlite3.connect(DB[len("sqlite:"):])
        try:
            rows = [tuple(str(v) for v in row) for row in con.execute(query).fetchall()]
            con.commit()
            return rows
        finally:
            con.close()
    out = subprocess.run(["psql", DB, "-At", "-F", "\t", "-c", query], capture_output=True, text=True, check=True)
    return [tuple(line.split("\t")) for line in out.stdout.splitlines() if line]


def start():
    proc = subprocess.Popen([REBOUND, "serve", "--config", CONFIG], stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    m = re.search(r"port (\d+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"serve did not start: {line}{proc.stderr.read()}")
    return proc, int(m.group(1))


# Fixtures: an account, a contact and a send (as delivery makes them).
r = subprocess.run([REBOUND, "account", "create", "acme", "--db", DB], capture_output=True, text=True)
check(r.returncode == 0, f"account: {r.stderr}")
sql("INSERT INTO emails (account_id, kind, created_at) VALUES (1, 'marketing', 0)")
sql("INSERT INTO contacts (account_id, address, created_at) VALUES (1, 'jane.doe@example.org', 0)")
sql("INSERT INTO sends (email_id, account_id, contact_id, message_id, created_at) VALUES (1, 1, 1, 'm1', 0)")
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
check(left == [("0",)], f"{left} stored messages not applied after restart")

shutil.rmtree(WORK, ignore_errors=True)
for f in failures:
    print("FAIL:", f)
print(f"{BACKEND}: {len(acked)} messages acknowledged under load, {len(stored)} stored")
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
