#!/usr/bin/env python3
"""PRODUCT.md section 4 through the operator CLI, on one backend.

Usage: store_test.py REBOUND_BINARY sqlite|postgres
The postgres run needs REBOUND_TEST_POSTGRES_URL (scripts/with-postgres sets it)
and is skipped without it.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import testdb

REBOUND, BACKEND = sys.argv[1], sys.argv[2]
DAY = 86400
T0 = 1_800_000_000
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)


WORK = tempfile.mkdtemp(prefix="rebound-cli-store-")
DB = testdb.database_url(BACKEND, WORK, "cli_")


def sql(query):
    """Rows of a query on the test database (fixtures and inspection only)."""
    return testdb.sql(DB, query)


def run(*args, now=T0, stdin=None):
    env = dict(os.environ, REBOUND_NOW=str(now))
    p = subprocess.run([REBOUND, *args, "--db", DB], input=stdin, capture_output=True, env=env)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def run_json(*args, now=T0):
    rc, out, err = run(*args, "--json", now=now)
    return rc, [json.loads(line) for line in out.splitlines() if line.strip()], err


counter = [0]


def dsn(recipient, status="5.1.1", diagnostic="550 5.1.1 User unknown", action="failed", original_id=None):
    """A standard DSN, different bytes each time."""
    counter[0] += 1
    original_id = original_id or f"orig-{counter[0]}@shop.example.net"
    return f"""From: MAILER-DAEMON@mx.example.org
To: bounces@shop.example.net
Subject: Delivery Status Notification
Message-ID: <dsn-{counter[0]}@mx.example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Delivery to {recipient} {action}.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {diagnostic}

--b
Content-Type: text/rfc822-headers

From: news@shop.example.net
To: {recipient}
Message-ID: <{original_id}>

--b--
""".encode()


def write(name, data):
    path = os.path.join(WORK, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def ingest(account, data, now=T0, expect_rc=0):
    path = write(f"m{counter[0]}.eml", data)
    args = ["bounce", "ingest", path] + (["--account", account] if account else [])
    rc, records, err = run_json(*args, now=now)
    check(rc == expect_rc, f"ingest rc {rc} (want {expect_rc}): {err}")
    return records


def show(account, address, now=T0):
    rc, records, err = run_json("contact", "show", account, address, now=now)
    check(rc == 0 and len(records) == 1, f"contact show {account} {address}: {err}")
    return records[0] if records else {}


for name in ["a", "b", "c", "d"]:
    check(run("account", "create", name)[0] == 0, f"create {name}")
check(run("account", "create", "heal", "--policy", "healing")[0] == 0, "create heal")
check(run("account", "create", "a")[0] == 1, "duplicate account name refused")

# HARD suppresses in its account and sets the property.
recs = ingest("a", dsn("jane@example.org"))
check(recs and recs[0]["type"] == "HARD" and recs[0]["suppressed"], f"hard bounce: {recs}")
v = show("a", "jane@example.org")
check(v.get("bounce_status") == "hard" and v.get("email_hard_bounce_reason") == "UNKNOWN_USER", f"view {v}")
check(not show("b", "jane@example.org").get("suppressed"), "other account unaffected")
rc, out, _ = run("suppressions", "export", "a")
check(rc == 0 and out.startswith("email,kind,reason,since\n") and "jane@example.org,hard_bounce,UNKNOWN_USER" in out,
      f"export: {out}")

# The same bounce twice changes nothing.
data = dsn("twice@example.org")
ingest("a", data)
recs = ingest("a", data)
check(recs and recs[0]["duplicate"], f"duplicate: {recs}")
check(len(show("a", "twice@example.org").get("history", [])) == 1, "one history entry")

# GLOBAL after three accounts, shown to others as a flag only.
globals_seen = []
for acct in ["a", "b", "c"]:
    recs = ingest(acct, dsn("dead@example.org", "5.2.2", "552 5.2.2 Mailbox full"))
    globals_seen += [r.get("global") for r in recs]
check(globals_seen == [False, False, True], f"global on the third account: {globals_seen}")
v = show("d", "dead@example.org")
check(v.get("bounce_status") == "global" and v.get("suppressed") and v.get("email_hard_bounce_reason") is None
      and v.get("history") == [], f"global flag only: {v}")
rc, recs, _ = run_json("global", "list")
check([r["address"] for r in recs] == ["dead@example.org"], f"global list {recs}")

# Unbounce: audited, confirmation for UNKNOWN_USER, GLOBAL only by an operator.
rc, _, err = run("unbounce", "a", "jane@example.org", "--by", "ann", "--why", "allowlisted")
check(rc == 1 and "confirm" in err, f"unconfirmed unbounce refused: {err}")
rc, _, err = run("unbounce", "a", "jane@example.org", "--by", "ann", "--why", "allowlisted", "--confirm")
check(rc == 0, f"unbounce: {err}")
check(not show("a", "jane@example.org").get("suppressed"), "unbounced")
check(sql("SELECT by_user, why FROM unbounces") == [("ann", "allowlisted")], "audit row")
rc, _, err = run("unbounce", "d", "dead@example.org", "--by", "dan", "--why", "please", "--confirm")
check(rc == 1 and "operator" in err, f"global needs an operator: {err}")
rc, _, err = run("global", "clear", "dead@example.org", "--operator", "ops", "--why", "verified")
check(rc == 0 and not show("d", "dead@example.org").get("suppressed"), f"operator lift: {err}")
# Bouncing again after an unbounce suppresses again.
recs = ingest("a", dsn("jane@example.org"))
check(recs and recs[0]["suppressed"] and show("a", "jane@example.org").get("suppressed"), "suppressed again")

# GLOBAL counts within 60 days only.
ingest("a", dsn("old@example.org"), now=T0)
ingest("b", dsn("old@example.org"), now=T0 + 10 * DAY)
recs = ingest("c", dsn("old@example.org"), now=T0 + 61 * DAY)
check(recs and not recs[0]["global"], "a bounce older than 60 days does not count")

# SOFT and PENDING never suppress; a delivery clears SOFT.
ingest("b", dsn("soft@example.org", "4.2.2", "452 4.2.2 Mailbox full"))
ingest("b", dsn("soft@example.org", "4.4.1", "421 4.4.1 timed out", action="delayed"))
v = show("b", "soft@example.org")
check(v.get("bounce_status") == "soft" and not v.get("suppressed"), f"soft: {v}")
ingest("b", dsn("soft@example.org", "2.0.0", "250 2.0.0 OK", action="delivered"))
check(show("b", "soft@example.org").get("bounce_status") == "none", "delivery cleared soft")

# PENDING becomes SOFT 72 hours after the first attempt (the send is a fixture).
sql("INSERT INTO emails (account_id, kind, created_at) SELECT id, 'marketing', 0 FROM accounts WHERE name = 'c'")
sql("INSERT INTO contacts (account_id, address, created_at) SELECT id, 'slow@example.org', 0 FROM accounts "
    "WHERE name = 'c'")
sql("INSERT INTO sends (email_id, account_id, contact_id, message_id, created_at) SELECT e.id, e.account_id, c.id, "
    "'send-1@shop.example.net', 0 FROM emails e JOIN contacts c ON c.account_id = e.account_id "
    "WHERE c.address = 'slow@example.org'")
recs = ingest(None, dsn("slow@example.org", "4.4.1", "421 4.4.1 try later", "delayed",
                        original_id="send-1@shop.example.net"))
check(recs and recs[0]["account"] == "c" and recs[0]["type"] == "PENDING", f"correlated by the send: {recs}")
rc, recs, _ = run_json("pending", "expire", now=T0 + 71 * 3600)
check(recs == [{"expired": 0}], f"not yet: {recs}")
rc, recs, _ = run_json("pending", "expire", now=T0 + 72 * 3600)
check(recs == [{"expired": 1}], f"expired at 72h: {recs}")
check(sql("SELECT state, bounce_type FROM sends") == [("bounced", "SOFT")], "send became SOFT")
check(not show("c", "slow@example.org").get("suppressed"), "SOFT does not suppress")

# Correlated by the X-Rebound-Send-Id of the returned original when its
# Message-ID is unknown.
sql("INSERT INTO contacts (account_id, address, created_at) SELECT id, 'lost@example.org', 0 FROM accounts "
    "WHERE name = 'c'")
sql("INSERT INTO sends (email_id, account_id, contact_id, message_id, created_at) SELECT e.id, e.account_id, c.id, "
    "'send-2@shop.example.net', 0 FROM emails e JOIN contacts c ON c.account_id = e.account_id "
    "WHERE c.address = 'lost@example.org'")
send_id = sql("SELECT s.id FROM sends s JOIN contacts c ON c.id = s.contact_id WHERE c.address = 'lost@example.org'")[0][0]
lost = dsn("lost@example.org", original_id="rewritten-by-a-relay@example.net").replace(
    b"Message-ID: <rewritten", f"X-Rebound-Send-Id: {send_id}\nMessage-ID: <rewritten".encode())
recs = ingest(None, lost)
check(recs and recs[0].get("account") == "c" and recs[0].get("type") == "HARD", f"correlated by send id: {recs}")

# A complaint suppresses without a hard bounce reason.
arf = b"""From: feedback@isp.example
To: abuse@shop.example.net
Subject: complaint
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="f"

--f
Content-Type: text/plain

Abuse report.

--f
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: isp/1.0
Version: 1
Original-Rcpt-To: <complainer@example.org>

--f--
"""
recs = ingest("d", arf)
v = show("d", "complainer@example.org")
check(v.get("suppression") == "complaint" and v.get("email_hard_bounce_reason") is None, f"complaint: {v}")

# Healing: CONTENT/SPAM/POLICY/OTHER suppress at the second within 30 days, lapse after 90.
spam = "554 5.7.1 Message rejected as spam"
ingest("heal", dsn("h@example.org", "5.7.1", spam))
check(not show("heal", "h@example.org").get("suppressed"), "healing: first does not suppress")
ingest("heal", dsn("h@example.org", "5.7.1", spam), now=T0 + 5 * DAY)
check(show("heal", "h@example.org", now=T0 + 5 * DAY).get("suppressed"), "healing: second suppresses")
check(not show("heal", "h@example.org", now=T0 + 96 * DAY).get("suppressed"), "healing: lapses after 90 days")

# Eligibility.
rc, recs, _ = run_json("eligibility", "a", write("list.txt", b"jane@example.org\nfresh@example.org\n"))
check(rc == 0 and recs == [{"address": "jane@example.org", "excluded": "hard_bounce", "reason": "UNKNOWN_USER"}],
      f"eligibility: {recs}")

# Bad input is reported row by row and the rest of the batch is kept.
batch = os.path.join(WORK, "batch")
os.makedirs(batch)
with open(os.path.join(batch, "1-good.eml"), "wb") as f:
    f.write(dsn("good1@example.org"))
with open(os.path.join(batch, "2-junk.eml"), "wb") as f:
    f.write(b"\x00\x01 not a message")
with open(os.path.join(batch, "3-good.eml"), "wb") as f:
    f.write(dsn("good2@example.org"))
rc, recs, err = run_json("bounce", "ingest", batch, "--account", "b")
stored = sorted(r["recipient"] for r in recs if r.get("stored"))
errors = [r for r in recs if "error" in r]
check(rc == 1 and stored == ["good1@example.org", "good2@example.org"] and len(errors) == 1
      and errors[0]["file"].endswith("2-junk.eml"), f"bad message in a batch: {recs}")
rc, _, err = run("bounce", "ingest", batch, "--account", "nosuch")
check(rc == 1 and "unknown account" in err, f"unknown account: {err}")
csv = write("contacts.csv", b'email,name\nok1@example.org,One\nnot-an-address,Two\n"broken,Three\nok2@example.org,Four\n')
rc, out, err = run("contacts", "import", "a", csv)
check(rc == 1 and "contacts.csv:3" in err and "contacts.csv:4" in err, f"csv errors by line: {err}")
check(show("a", "ok1@example.org").get("known") and show("a", "ok2@example.org").get("known"),
      "good rows imported around bad ones")

shutil.rmtree(WORK, ignore_errors=True)
for f in failures:
    print("FAIL:", f)
print(f"{BACKEND}: {checks} checks")
print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
