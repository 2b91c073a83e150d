#!/usr/bin/env python3
"""A marketing email through a real Postfix that refuses 10% of 300 recipients
as unknown users: created over the API (a retried POST with the same
Idempotency-Key changes nothing and answers as the first time), sent in the
background, paused by the bounce-rate brake after 200 sends with
`email.paused` delivered to a webhook receiver, and resumed to send the rest.

Usage: send_test.py REBOUND_BINARY
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
import api_fixture  # noqa: E402
import postfix_fixture  # noqa: E402

REBOUND = sys.argv[1]
NODE_DIR = os.path.join(HERE, "..", "node")
if not shutil.which("postfix") or os.geteuid() != 0 or not os.path.isdir(os.path.join(NODE_DIR, "node_modules")):
    print("needs Postfix, root and tests/node/node_modules; skipped")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)
WORK = tempfile.mkdtemp(prefix="rebound-send-")
check = api_fixture.Checks("send")
ADDRESSES = [f"r{i:03d}@test.example" for i in range(300)]
UNKNOWN = [a for i, a in enumerate(ADDRESSES) if i % 10 == 5]
postfix_dir = receiver = None
srv = None
try:
    postfix_dir, mx_port = postfix_fixture.start(
        WORK, "".join(f"{a} 550 5.1.1 <{a}>: Recipient address rejected: User unknown\n" for a in UNKNOWN))
    srv = api_fixture.Serve(REBOUND, WORK, "sqlite:" + os.path.join(WORK, "s.db"), tables=f"""[delivery]
helo_name = "mta.shop.example"
routes = [ {{ domain = "test.example", host = "127.0.0.1:{mx_port}" }} ]
[webhooks]
retry_base_seconds = 1
retry_max_seconds = 2
""")
    srv.account("shop")
    KEY = srv.key("shop")
    srv.start()
    req = srv.request

    # The webhook receiver, verifying with the reference library.
    control = os.path.join(WORK, "control")
    os.makedirs(control)
    out = os.path.join(WORK, "received.jsonl")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    hook_port = s.getsockname()[1]
    s.close()
    st, _, _, j = req("POST", "/v1/webhooks", KEY, {"url": f"http://127.0.0.1:{hook_port}/hook",
                                                   "event_types": ["email.paused"]})
    with open(os.path.join(control, "secrets.json"), "w") as f:
        json.dump([j["secret"]], f)
    with open(os.path.join(control, "mode"), "w") as f:
        f.write("ok")
    receiver = subprocess.Popen(["node", os.path.join(NODE_DIR, "webhook_receiver.js"), str(hook_port), out, control],
                                cwd=NODE_DIR)

    st, _, _, j = req("POST", "/v1/contacts", KEY, [{"email": a} for a in ADDRESSES])
    check(st == 200 and j["imported"] == 300, f"contacts: {j}")
    email = {"from": "Shop <news@shop.example>", "subject": "Autumn offers", "body": "Hello.\n",
             "recipients": ADDRESSES}
    st1, h1, b1, j1 = req("POST", "/v1/emails", KEY, email, headers={"Idempotency-Key": "autumn-1"})
    st2, h2, b2, j2 = req("POST", "/v1/emails", KEY, email, headers={"Idempotency-Key": "autumn-1"})
    check(st1 == 202 and st2 == 202 and b1 == b2 and h2.get("idempotent-replayed") == "true",
          f"a retried POST answers as the first: {st1} {st2}")
    email_id = j1["id"]
    counts = srv.sql("SELECT (SELECT COUNT(*) FROM emails), (SELECT COUNT(*) FROM sends)")[0]
    check(counts == (1, 300), f"the retry changed nothing: {counts}")

    # The brake: after at least 200 sends, more than 5% hard bounces.
    e = {}
    for _ in range(600):
        e = req("GET", f"/v1/emails/{email_id}", KEY)[3]
        if e["state"] != "sending":
            break
        time.sleep(0.1)
    c = e["counts"]
    check(e["state"] == "paused", f"paused: {e}")
    attempted = c["delivered"] + c["bounced"]
    check(200 <= attempted < 300 and c["hard_bounced"] * 100 > 5 * attempted and c["pending"] == 300 - attempted,
          f"paused after 200 sends with the rest left: {c}")
    check(e["paused"] and abs(e["paused"]["hard_bounce_rate"] - c["hard_bounced"] / attempted) < 0.01,
          f"the rate that paused it is shown: {e['paused']}")
    paused = []
    for _ in range(100):
        if os.path.exists(out):
            with open(out) as f:
                paused = [json.loads(line) for line in f if line.strip()]
        if paused:
            break
        time.sleep(0.1)
    check(len(paused) == 1 and paused[0]["type"] == "email.paused" and paused[0]["verified"] == [0],
          f"email.paused delivered and verified: {paused}")
    time.sleep(1.5)
    check(req("GET", f"/v1/emails/{email_id}", KEY)[3]["counts"] == c, "a paused email sends nothing more")

    # Resume sends the rest; the brake counts from the resume.
    st, _, _, j = req("POST", f"/v1/emails/{email_id}/resume", KEY)
    check(st == 200 and j["state"] == "sending", f"resume: {st} {j}")
    for _ in range(600):
        e = req("GET", f"/v1/emails/{email_id}", KEY)[3]
        if e["state"] == "sent":
            break
        time.sleep(0.1)
    c = e["counts"]
    check(e["state"] == "sent" and c["delivered"] == 270 and c["hard_bounced"] == 30 and c["pending"] == 0
          and c["recipients"] == 300, f"sent: {e}")
    st, _, _, j = req("GET", f"/v1/emails/{email_id}/recipients?bucket=bounced&limit=500", KEY)
    bounced = j["data"]
    check(sorted(r["address"] for r in bounced) == sorted(UNKNOWN)
          and all(r["type"] == "HARD" and r["reason"] == "UNKNOWN_USER" and "5.1.1" in r["server_response"]
                  and r["recommended_action"] for r in bounced), f"bounced recipients: {bounced[:2]}")
    st, _, _, j = req("GET", f"/v1/contacts/{UNKNOWN[0]}", KEY)
    check(j["bounce_status"] == "hard" and j["suppressed"], "the refused are suppressed")
    st, _, _, j = req("GET", "/v1/stats?group_by=type&interval=hour", KEY)
    hard = [s for s in j["series"] if s["key"] == "HARD"]
    check(j["total_sends"] == 300 and hard and hard[0]["bounces"] == 30, f"stats: {j['total_sends']} {hard[:1]}")
finally:
    if srv:
        srv.stop()
    if receiver:
        receiver.kill()
        receiver.wait()
    if postfix_dir:
        postfix_fixture.stop(postfix_dir)
    shutil.rmtree(WORK, ignore_errors=True)
check.done()
