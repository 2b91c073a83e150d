#!/usr/bin/env python3
"""The bounce receiver (`rebound serve`) with a real SMTP client (Python's smtplib)
on loopback: signed return paths only, size limit, durable before 250, applied
to the send's contact. kill -9 under load is receiver_crash_test.py.

Usage: receiver_test.py REBOUND_BINARY EXAMPLES_DIR
"""
import json
import os
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import receiver_fixture  # noqa: E402
import testdb  # noqa: E402

REBOUND, EXAMPLES = sys.argv[1], sys.argv[2]
WORK = tempfile.mkdtemp(prefix="rebound-receiver-")
DB = "sqlite:" + os.path.join(WORK, "r.db")
CONFIG = receiver_fixture.write_config(WORK, DB, "max_message_bytes = 200000")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def rebound(*args):
    return subprocess.run([REBOUND, *args], capture_output=True, text=True)


def start():
    return receiver_fixture.start(REBOUND, CONFIG)


# Fixtures: an account, a contact and a send (as delivery will make them).
check(receiver_fixture.add_send(REBOUND, DB), "account")
verp = rebound("verp", "address", "1", "--config", CONFIG).stdout.strip()
check(verp.startswith("bounce+") and verp.endswith("@bounces.example.net"), f"verp address {verp}")
check(rebound("verp", "check", verp, "--config", CONFIG).stdout.strip() == "send 1", "verp check")
forged = "bounce+" + "a" * 24 + "@bounces.example.net"
check(rebound("verp", "check", forged, "--config", CONFIG).returncode == 1, "forged verp refused")

dsn = open(os.path.join(EXAMPLES, "dsn-unknown-user.eml"), "rb").read()

# The pipe transport: `bounce ingest -` with the envelope recipient, as a
# Postfix pipe(8) service would call it, and sendmail exit codes.
pipe = [REBOUND, "bounce", "ingest", "-", "--config", CONFIG, "--json", "--db", DB]
r = subprocess.run(pipe + ["--recipient", forged], input=dsn, capture_output=True)
check(r.returncode == 67, f"pipe with a forged return path: exit {r.returncode}")
r = subprocess.run(pipe + ["--recipient", verp], input=dsn.replace(b"Subject: Undelivered", b"X-Pipe: 1\r\nSubject: Undelivered"),
                   capture_output=True)
recs = [json.loads(l) for l in r.stdout.splitlines()]
check(r.returncode == 0 and recs and recs[0].get("account") == "acme" and recs[0].get("recipient") == "jane.doe@example.org",
      f"pipe: exit {r.returncode} {recs} {r.stderr[-200:]}")
r = subprocess.run([REBOUND, "bounce", "ingest", "-", "--config", CONFIG, "--recipient", verp, "--db",
                    "postgresql://nobody@127.0.0.1:1/none"], input=dsn, capture_output=True)
check(r.returncode == 75, f"pipe with the store down: exit {r.returncode}")

proc, port = start()
try:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        s.ehlo("mx.example.org")
        check("size" in s.esmtp_features, "SIZE advertised")
        refused = s.sendmail("", [verp], dsn)
        check(refused == {}, f"DSN to the signed address accepted: {refused}")
        for bad in [forged, "someone@elsewhere.example", "bounce@bounces.example.net"]:
            try:
                s.sendmail("", [bad], dsn)
                failures.append(f"{bad} accepted")
            except smtplib.SMTPRecipientsRefused as e:
                code = list(e.recipients.values())[0][0]
                check(code == 550, f"{bad}: {code}")
        try:
            s.sendmail("", [verp], b"Subject: big\r\n\r\n" + b"x" * 300000)
            failures.append("oversized message accepted")
        except smtplib.SMTPSenderRefused as e:  # refused at MAIL FROM by SIZE=
            check(e.smtp_code == 552, f"oversized: {e.smtp_code}")
        except smtplib.SMTPDataError as e:
            check(e.smtp_code == 552, f"oversized: {e.smtp_code}")
    # swaks, the SMTP test tool, is refused on an unsigned address too.
    if shutil.which("swaks"):
        r = subprocess.run(["swaks", "--server", f"127.0.0.1:{port}", "--from", "", "--to",
                            "postmaster@bounces.example.net", "--quit-after", "RCPT"], capture_output=True, text=True)
        check("<** 550 5.1.1" in r.stdout, f"swaks to an unsigned address: {r.stdout[-300:]}")
        r = subprocess.run(["swaks", "--server", f"127.0.0.1:{port}", "--from", "", "--to", verp,
                            "--data", "Subject: test\n\nnot a bounce\n"], capture_output=True, text=True)
        check("250 2.0.0 Stored as" in r.stdout, f"swaks to the signed address: {r.stdout[-300:]}")
    # Applied to the send's contact.
    view = {}
    for _ in range(50):
        r = rebound("contact", "show", "acme", "jane.doe@example.org", "--json", "--db", DB)
        view = json.loads(r.stdout) if r.returncode == 0 else {}
        if view.get("bounce_status") == "hard":
            break
        time.sleep(0.1)
    check(view.get("bounce_status") == "hard" and view.get("email_hard_bounce_reason") == "UNKNOWN_USER",
          f"applied: {view}")
    check(testdb.sql(DB, "SELECT state FROM sends")[0][0] == "bounced", "send marked bounced")
finally:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
check(proc.returncode == 0, f"serve exit {proc.returncode}")

shutil.rmtree(WORK, ignore_errors=True)
for f in failures:
    print("FAIL:", f)
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
