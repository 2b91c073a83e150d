#!/usr/bin/env python3
"""The web UI in a real browser: Debian's chromium, driven by npm
playwright-core (tests/node/browser.js), against a real `rebound serve` with a
store seeded the way production fills it: a marketing email sent through a
real Postfix that refuses some recipients, a DSN that comes back through the
SMTP receiver to its signed return path, bounces ingested over the API.

This script builds that world and hands its facts (URL, users, ids, the API's
own answers) to the browser script, which walks the pages.

Usage: browser_test.py REBOUND_BINARY [SCREENSHOT_DIR]
"""
import json
import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
import api_fixture  # noqa: E402
import postfix_fixture  # noqa: E402
from api_fixture import dsn  # noqa: E402

REBOUND = sys.argv[1]
SHOTS = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
NODE_DIR = os.path.join(HERE, "..", "node")
CHROMIUM = shutil.which("chromium")
if (not CHROMIUM or not shutil.which("postfix") or os.geteuid() != 0
        or not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "playwright-core"))):
    print("needs chromium, Postfix, root and tests/node/node_modules; skipped")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)
WORK = tempfile.mkdtemp(prefix="rebound-browser-")
check = api_fixture.Checks("browser")
PASSWORD = "a long enough password"
HOSTILE_SUBJECT = "<img src=x onerror=alert(1)> Autumn <b>offers</b>"
HOSTILE_DIAGNOSTIC = "550 5.7.1 <script>alert('pwned')</script> Message rejected as spam"
HOSTILE_ADDRESS = "o'neil&co@test.example"
UNKNOWN = ["gone1@test.example", "gone2@test.example"]
LATER = "later@test.example"
postfix_dir = None
srv = None
try:
    access = "".join(f"{a} 550 5.1.1 <{a}>: Recipient address rejected: User unknown\n" for a in UNKNOWN)
    access += f"{LATER} 452 4.2.2 <{LATER}>: Mailbox full, try again later\n"
    postfix_dir, mx_port = postfix_fixture.start(WORK, access)
    srv = api_fixture.Serve(REBOUND, WORK, "sqlite:" + os.path.join(WORK, "ui.db"), receiver=True, tables=f"""[delivery]
helo_name = "mta.shop.example"
routes = [ {{ domain = "test.example", host = "127.0.0.1:{mx_port}" }} ]
""")
    for name in ("acme", "globex", "initech"):
        srv.account(name)
    A, B, C = srv.key("acme"), srv.key("globex"), srv.key("initech")
    for account, email in (("acme", "ann@acme.example"), ("globex", "bob@globex.example")):
        r = subprocess.run([REBOUND, "user", "create", account, email, "--db", srv.db], input=PASSWORD + "\n",
                           capture_output=True, text=True)
        check(r.returncode == 0, f"user {email}: {r.stderr}")
    r = subprocess.run([REBOUND, "user", "create", "--operator", "eve@ops.example", "--db", srv.db],
                       input=PASSWORD + "\n", capture_output=True, text=True)
    check(r.returncode == 0, f"operator user: {r.stderr}")
    srv.start()
    req = srv.request

    # A marketing email through Postfix: most delivered, two refused as
    # unknown users, one deferred (PENDING), one suppressed before.
    recipients = [f"r{i}@test.example" for i in range(12)] + UNKNOWN + [LATER, HOSTILE_ADDRESS, "blocked@test.example"]
    req("POST", "/v1/contacts", A, [{"email": a} for a in recipients])
    req("POST", "/v1/suppressions", A, {"address": "blocked@test.example", "why": "asked to stop"})
    st, _, _, j = req("POST", "/v1/emails", A, {"from": "Shop <news@shop.example>", "subject": HOSTILE_SUBJECT,
                                               "body": "Hello.\n", "recipients": recipients})
    check(st == 202, f"email: {st} {j}")
    email_id = j["id"]
    for _ in range(300):
        e = req("GET", f"/v1/emails/{email_id}", A)[3]
        if e["state"] == "sent":
            break
        time.sleep(0.1)
    check(e["state"] == "sent", f"sent: {e}")

    # A DSN for a delivered recipient comes back to its signed return path,
    # with a diagnostic that holds markup.
    st, _, _, j = req("GET", f"/v1/emails/{email_id}/recipients?bucket=delivered&limit=500", A)
    victim = [r for r in j["data"] if r["address"] == "r3@test.example"][0]
    verp = subprocess.run([REBOUND, "verp", "address", str(victim["send_id"]), "--config", srv.config],
                          capture_output=True, text=True).stdout.strip()
    report = dsn("r3@test.example", "5.7.1", HOSTILE_DIAGNOSTIC).decode()
    with smtplib.SMTP("127.0.0.1", srv.smtp_port, timeout=10) as s:
        check(s.sendmail("", [verp], report) == {}, "the DSN is accepted by the receiver")
    for _ in range(100):
        r3 = req("GET", "/v1/contacts/r3@test.example", A)[3]
        if r3["bounce_status"] == "hard":
            break
        time.sleep(0.1)
    check(r3["bounce_status"] == "hard" and r3["email_hard_bounce_reason"] == "SPAM", f"DSN applied: {r3}")

    # A GLOBAL address: hard bounces in three accounts.
    for key in (A, B, C):
        req("POST", "/v1/bounces", key, dsn("dead@test.example"), ctype="message/rfc822")
    check(req("GET", "/v1/contacts/dead@test.example", A)[3]["bounce_status"] == "global", "dead@ is GLOBAL")
    # A bounce event of acme's, for the isolation checks.
    st, _, _, j = req("GET", "/v1/bounces?type=HARD&limit=1", A)
    acme_bounce = j["data"][0]["id"]
    # A connected inbox whose server cannot be reached: shown with its state.
    st, _, _, j = req("POST", "/v1/inboxes", A, {
        "user_email": "ann@acme.example", "address": "ann.sales@acme.example", "imap_host": "127.0.0.1",
        "imap_port": 1, "smtp_host": "127.0.0.1", "smtp_port": 1, "password": "not-shown", "verify": False})
    check(st == 201 and "not-shown" not in json.dumps(j), f"inbox connected without a login: {st} {j}")
    st, _, _, counts = req("GET", f"/v1/emails/{email_id}", A)
    st, _, csv_body, _ = req("GET", "/v1/suppressions", A, headers={"Accept": "text/csv"})

    facts = {
        "base": f"http://127.0.0.1:{srv.port}",
        "chromium": CHROMIUM,
        "screenshots": SHOTS,
        "password": PASSWORD,
        "ann": "ann@acme.example",
        "bob": "bob@globex.example",
        "eve": "eve@ops.example",
        "email_id": email_id,
        "email_subject": HOSTILE_SUBJECT,
        "counts": counts["counts"],
        "unknown": UNKNOWN,
        "later": LATER,
        "hostile_address": HOSTILE_ADDRESS,
        "hostile_diagnostic": HOSTILE_DIAGNOSTIC,
        "spam_contact": "r3@test.example",
        "global_contact": "dead@test.example",
        "acme_bounce": acme_bounce,
        "suppressions_csv": csv_body.decode(),
    }
    facts_path = os.path.join(WORK, "facts.json")
    with open(facts_path, "w") as f:
        json.dump(facts, f)
    os.makedirs(SHOTS, exist_ok=True)
    r = subprocess.run(["node", os.path.join(NODE_DIR, "browser.js"), facts_path], cwd=NODE_DIR,
                       capture_output=True, text=True, timeout=600)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr[-4000:])
    results = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    for res in results:
        check(res["ok"], f"browser: {res['what']} {res.get('detail', '')}")
    check(r.returncode == 0 and len(results) >= 30, f"the browser script ran ({len(results)} checks, exit {r.returncode})")

    # What the browser changed, seen through the API.
    st, _, _, j = req("GET", f"/v1/contacts/{UNKNOWN[0]}", A)
    check(j["bounce_status"] == "none" and not j["suppressed"]
          and [t["kind"] for t in j["timeline"]][-1] == "unbounce" and j["timeline"][-1]["by"] == "ann@acme.example",
          f"the unbounce through the UI is recorded: {j['timeline'][-1:]}")
    st, _, _, j = req("GET", "/v1/contacts/dead@test.example", A)
    check(j["bounce_status"] == "global", "the GLOBAL contact is still GLOBAL")
    st, _, _, j = req("GET", "/v1/suppressions?kind=manual", A)
    check([s["address"] for s in j["data"]] == ["blocked@test.example"], f"the refused CSRF POST changed nothing: {j}")
finally:
    if srv:
        srv.stop()
    if postfix_dir:
        postfix_fixture.stop(postfix_dir)
    shutil.rmtree(WORK, ignore_errors=True)
check.done()
