#!/usr/bin/env python3
"""End to end on loopback: `rebound send` delivers to five recipients through
Postfix's smtp-sink peers (one accepting, one refusing RCPT with 550 5.1.1, one
with 452 4.2.2), a DSN for one accepted recipient comes back to its signed
return path through `rebound serve`, and 72 simulated hours later the PENDING
send is SOFT. The store ends with one HARD UNKNOWN_USER, one SOFT, one HARD from
the DSN and two delivered.

Usage: delivery_test.py REBOUND_BINARY
"""
import json
import os
import re
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
if not shutil.which("smtp-sink"):
    print("smtp-sink not installed (Postfix); skipped")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)
WORK = tempfile.mkdtemp(prefix="rebound-delivery-")
DB = os.path.join(WORK, "d.db")
T0 = 1_800_000_000
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sink(*args):
    port = free_port()
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    proc = subprocess.Popen(["smtp-sink", *user, *args, f"127.0.0.1:{port}", "100"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("smtp-sink did not start")


sinks = []
try:
    ok_sink, ok_port = sink()
    dead_sink, dead_port = sink("-f", "RCPT", "-B", "550 5.1.1 <x>: Recipient address rejected: User unknown")
    full_sink, full_port = sink("-r", "RCPT", "-b", "452 4.2.2 Mailbox full")
    sinks = [ok_sink, dead_sink, full_sink]
    config = os.path.join(WORK, "rebound.toml")
    with open(config, "w") as f:
        f.write(f"""
[database]
url = "sqlite:{DB}"
[bounce]
domain = "bounces.example.net"
keys = [ {{ id = 1, secret = "e2e-secret-0123456789abcdef" }} ]
[receiver]
listen = "127.0.0.1:0"
[delivery]
helo_name = "mta.shop.example"
routes = [ {{ domain = "ok.example", host = "127.0.0.1:{ok_port}" }},
           {{ domain = "dead.example", host = "127.0.0.1:{dead_port}" }},
           {{ domain = "full.example", host = "127.0.0.1:{full_port}" }} ]
""")
    env = dict(os.environ, REBOUND_NOW=str(T0))
    subprocess.run([REBOUND, "account", "create", "shop", "--db", "sqlite:" + DB], check=True, capture_output=True)
    with open(os.path.join(WORK, "to.txt"), "w") as f:
        f.write("a@ok.example\nb@ok.example\nc@ok.example\nx@dead.example\ny@full.example\n")
    with open(os.path.join(WORK, "body.txt"), "w") as f:
        f.write("Autumn offers.\n.A line starting with a dot.\n")
    r = subprocess.run([REBOUND, "send", "shop", "--from", "Shop <news@shop.example>", "--subject", "Offers",
                        "--body-file", os.path.join(WORK, "body.txt"), "--to-file", os.path.join(WORK, "to.txt"),
                        "--config", config], capture_output=True, text=True, env=env)
    check(r.returncode == 0 and "3 delivered, 1 bounced, 1 pending" in r.stdout, f"send: {r.stdout} {r.stderr}")

    # The DSN for c@ok.example comes back to its signed return path.
    con = sqlite3.connect(DB)
    send_c = con.execute("SELECT s.id FROM sends s JOIN contacts c ON c.id = s.contact_id "
                         "WHERE c.address = 'c@ok.example'").fetchone()[0]
    con.close()
    verp = subprocess.run([REBOUND, "verp", "address", str(send_c), "--config", config], capture_output=True,
                          text=True).stdout.strip()
    serve = subprocess.Popen([REBOUND, "serve", "--config", config], stderr=subprocess.PIPE, text=True, env=env)
    port = int(re.search(r"port (\d+)", serve.stderr.readline()).group(1))
    dsn = f"""From: MAILER-DAEMON@mx.ok.example
To: {verp}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.ok.example

Final-Recipient: rfc822; c@ok.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <c@ok.example>: Recipient address rejected: User unknown in local recipient table

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

    con = sqlite3.connect(DB)
    rows = dict((a, (st, bt, rs)) for a, st, bt, rs in con.execute(
        "SELECT c.address, s.state, s.bounce_type, s.reason FROM sends s JOIN contacts c ON c.id = s.contact_id"))
    attempts = con.execute("SELECT COUNT(*) FROM delivery_attempts").fetchone()[0]
    con.close()
    expected = {
        "a@ok.example": ("delivered", None, None),
        "b@ok.example": ("delivered", None, None),
        "c@ok.example": ("bounced", "HARD", "UNKNOWN_USER"),
        "x@dead.example": ("bounced", "HARD", "UNKNOWN_USER"),
        "y@full.example": ("bounced", "SOFT", "RECIPIENT_TEMPORARY"),
    }
    check(rows == expected, f"final state: {json.dumps(rows)}")
    check(attempts == 5, f"{attempts} delivery attempts recorded")
    r = subprocess.run([REBOUND, "contact", "show", "shop", "y@full.example", "--json", "--db", "sqlite:" + DB],
                       capture_output=True, text=True)
    check(json.loads(r.stdout).get("suppressed") is False, "SOFT does not suppress")
finally:
    for p in sinks:
        p.kill()
    shutil.rmtree(WORK, ignore_errors=True)

for f in failures:
    print("FAIL:", f)
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
