#!/usr/bin/env python3
"""End to end on loopback: `rebound send` delivers to five recipients through a
private Postfix instance (its own configuration directory, queue and port) whose
recipient access map refuses two of them (550 5.1.1 and 452 4.2.2); a DSN for
one accepted recipient comes back to its signed return path through
`rebound serve`; and 72 simulated hours later the PENDING send is SOFT. The
store ends with one HARD UNKNOWN_USER, one SOFT, one HARD from the DSN and two
delivered.

Usage: delivery_test.py REBOUND_BINARY
"""
import json
import os
import shutil
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

REBOUND = sys.argv[1]
if not shutil.which("postfix") or os.geteuid() != 0:
    print("needs Postfix and root (its master process runs as root); skipped")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postfix_fixture  # noqa: E402
import receiver_fixture  # noqa: E402

WORK = tempfile.mkdtemp(prefix="rebound-delivery-")
DB = os.path.join(WORK, "d.db")
T0 = 1_800_000_000
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


postfix_dir = None
try:
    postfix_dir, mx_port = postfix_fixture.start(WORK, "x@test.example 550 5.1.1 User unknown in virtual mailbox table\n"
                                                       "y@test.example 452 4.2.2 Mailbox full\n")
    config = receiver_fixture.write_config(WORK, "sqlite:" + DB, tables=f"""[delivery]
helo_name = "mta.shop.example"
routes = [ {{ domain = "test.example", host = "127.0.0.1:{mx_port}" }} ]""")
    env = dict(os.environ, REBOUND_NOW=str(T0))
    subprocess.run([REBOUND, "account", "create", "shop", "--db", "sqlite:" + DB], check=True, capture_output=True)
    with open(os.path.join(WORK, "to.txt"), "w") as f:
        f.write("a@test.example\nb@test.example\nc@test.example\nx@test.example\ny@test.example\n")
    with open(os.path.join(WORK, "body.txt"), "w") as f:
        f.write("Autumn offers.\n.A line starting with a dot.\n")
    r = subprocess.run([REBOUND, "send", "shop", "--from", "Shop <news@shop.example>", "--subject", "Offers",
                        "--body-file", os.path.join(WORK, "body.txt"), "--to-file", os.path.join(WORK, "to.txt"),
                        "--config", config], capture_output=True, text=True, env=env)
    check(r.returncode == 0 and "3 delivered, 1 bounced, 1 pending" in r.stdout, f"send: {r.stdout} {r.stderr}")

    # The DSN for c@test.example comes back to its signed return path.
    con = sqlite3.connect(DB)
    send_c = con.execute("SELECT s.id FROM sends s JOIN contacts c ON c.id = s.contact_id "
                         "WHERE c.address = 'c@test.example'").fetchone()[0]
    con.close()
    verp = subprocess.run([REBOUND, "verp", "address", str(send_c), "--config", config], capture_output=True,
                          text=True).stdout.strip()
    serve, port = receiver_fixture.start(REBOUND, config, env=env)
    dsn = f"""From: MAILER-DAEMON@mx.test.example
To: {verp}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.test.example

Final-Recipient: rfc822; c@test.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <c@test.example>: Recipient address rejected: User unknown in local recipient table

--b--
"""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        check(s.sendmail("", [verp], dsn) == {}, "DSN accepted")
    state = ""
    for _ in range(50):
        con = sqlite3.connect(DB)
        state = con.execute("SELECT state, bounce_type, reason FROM sends WHERE id = ?", (send_c,)).fetchone()
        con.close()
        if state[0] == "bounced":
            break
        time.sleep(0.1)
    serve.send_signal(signal.SIGTERM)
    serve.wait(timeout=10)
    check(state == ("bounced", "HARD", "UNKNOWN_USER"), f"DSN applied: {state}")

    # 72 simulated hours later the PENDING send has become SOFT.
    env = dict(os.environ, REBOUND_NOW=str(T0 + 72 * 3600))
    r = subprocess.run([REBOUND, "send", "--retry", "--config", config], capture_output=True, text=True, env=env)
    check(r.returncode == 0 and "1 expired to SOFT" in r.stdout, f"retry: {r.stdout} {r.stderr}")

    with open(os.path.join(postfix_dir, "maillog")) as f:
        check("TLS connection established" in f.read(), "delivery went over STARTTLS")
    con = sqlite3.connect(DB)
    rows = dict((a, (st, bt, rs)) for a, st, bt, rs in con.execute(
        "SELECT c.address, s.state, s.bounce_type, s.reason FROM sends s JOIN contacts c ON c.id = s.contact_id"))
    attempts = con.execute("SELECT COUNT(*) FROM delivery_attempts").fetchone()[0]
    con.close()
    expected = {
        "a@test.example": ("delivered", None, None),
        "b@test.example": ("delivered", None, None),
        "c@test.example": ("bounced", "HARD", "UNKNOWN_USER"),
        "x@test.example": ("bounced", "HARD", "UNKNOWN_USER"),
        "y@test.example": ("bounced", "SOFT", "RECIPIENT_TEMPORARY"),
    }
    check(rows == expected, f"final state: {json.dumps(rows)}")
    check(attempts == 5, f"{attempts} delivery attempts recorded")
    r = subprocess.run([REBOUND, "contact", "show", "shop", "y@test.example", "--json", "--db", "sqlite:" + DB],
                       capture_output=True, text=True)
    check(json.loads(r.stdout).get("suppressed") is False, "SOFT does not suppress")
finally:
    if postfix_dir:
        postfix_fixture.stop(postfix_dir)
    shutil.rmtree(WORK, ignore_errors=True)

for f in failures:
    print("FAIL:", f)
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
