#!/usr/bin/env python3
"""Webhooks end to end: events written with the changes they tell, delivered
signed per the Standard Webhooks specification to a receiver that verifies
them with the reference library (npm standardwebhooks), retried while the
receiver fails, none lost across a `kill -9` of `rebound serve`, two
signatures while a secret is rotated, 410 Gone disabling an endpoint, and
one contact's events in order.

Usage: webhook_test.py REBOUND_BINARY sqlite|postgres
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_fixture  # noqa: E402
from api_fixture import dsn  # noqa: E402

REBOUND, BACKEND = sys.argv[1], sys.argv[2]
NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node")
if not shutil.which("node") or not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "standardwebhooks")):
    print("needs node and tests/node/node_modules (npm ci in tests/node); skipped")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)
WORK = tempfile.mkdtemp(prefix="rebound-webhooks-")
check = api_fixture.Checks(f"webhooks {BACKEND}")
db = api_fixture.database(BACKEND, WORK, "hooks_")
srv = api_fixture.Serve(REBOUND, WORK, db, tables="""[webhooks]
retry_base_seconds = 1
retry_max_seconds = 2
lease_seconds = 3
timeout_seconds = 5
""")
CONTROL = os.path.join(WORK, "control")
OUT = os.path.join(WORK, "received.jsonl")
os.makedirs(CONTROL)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def set_control(name, value):
    # Atomically: the receiver reads these files on every request.
    tmp = os.path.join(CONTROL, name + ".tmp")
    with open(tmp, "w") as f:
        f.write(value if isinstance(value, str) else json.dumps(value))
    os.replace(tmp, os.path.join(CONTROL, name))


def received():
    if not os.path.exists(OUT):
        return []
    with open(OUT) as f:
        return [json.loads(line) for line in f if line.strip()]


receiver = None
try:
    srv.account("acme")
    KEY = srv.key("acme")
    srv.start()
    port = free_port()
    set_control("mode", "fail")
    set_control("secrets.json", [])
    receiver = subprocess.Popen(["node", os.path.join(NODE_DIR, "webhook_receiver.js"), str(port), OUT, CONTROL],
                                cwd=NODE_DIR)
    for _ in range(100):
        if os.path.exists(os.path.join(CONTROL, "ready")):
            break
        time.sleep(0.05)
    st, _, _, j = srv.request("POST", "/v1/webhooks", KEY, {"url": f"http://127.0.0.1:{port}/hook"})
    check(st == 201, f"endpoint: {st} {j}")
    hook, secret1 = j["id"], j["secret"]
    st, _, _, j = srv.request("POST", "/v1/webhooks", KEY, {"url": f"http://127.0.0.1:{port}/gone",
                                                           "event_types": ["bounce.hard"]})
    gone, gone_secret = j["id"], j["secret"]
    set_control("secrets.json", [secret1, gone_secret])

    # Bounces while the receiver is down: each makes bounce.hard and
    # contact.suppressed for the first endpoint.
    for i in range(40):
        st, _, _, j = srv.request("POST", "/v1/bounces", KEY, dsn(f"user{i}@example.org"), ctype="message/rfc822")
        check(st == 202 and j["records"][0]["suppressed"], f"ingest {i}: {st}")
    time.sleep(2.5)
    st, _, _, j = srv.request("GET", f"/v1/webhooks/{hook}/attempts?limit=500", KEY)
    check(st == 200 and j["data"] and all(a["status"] == 503 for a in j["data"]),
          f"failed attempts are visible: {j['data'][:2]}")
    st, _, _, j = srv.request("GET", f"/v1/webhooks/{gone}", KEY)
    check(j["enabled"] is False and "410" in (j["disabled_reason"] or ""), f"410 disables the endpoint: {j}")

    # kill -9 with undelivered events, then a restart.
    srv.stop(signal.SIGKILL)
    pending = srv.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'")[0][0]
    check(int(pending) >= 80, f"{pending} deliveries still pending at the kill")
    srv.start()

    # A rotation: events from now on carry both signatures.
    st, _, _, j = srv.request("POST", f"/v1/webhooks/{hook}/rotate-secret", KEY)
    secret2 = j["secret"]
    set_control("secrets.json", [secret2, secret1])
    rotated_from = srv.sql("SELECT COALESCE(MAX(id), 0) FROM webhook_events")[0][0]
    for i in range(40, 50):
        srv.request("POST", "/v1/bounces", KEY, dsn(f"user{i}@example.org"), ctype="message/rfc822")
    srv.request("POST", "/v1/contacts/user0@example.org/unbounce", KEY, {"why": "allowlisted", "confirm": True})

    # The receiver recovers: every event arrives.
    set_control("mode", "ok")
    expected = set()
    got = set()
    deadline = time.time() + 90
    while time.time() < deadline:
        expected = {f"evt_{r[0]}" for r in srv.sql(
            f"SELECT d.event_id FROM webhook_deliveries d WHERE d.endpoint_id = {hook}")}
        got = {r["id"] for r in received() if r["mode"] == "ok" and r["path"] == "/hook" and r["verified"]}
        if expected and expected <= got:
            break
        time.sleep(0.3)
    check(len(expected) == 50 * 2 + 1, f"{len(expected)} events for the endpoint (50 bounces, 50 suppressions, "
                                       "1 unbounce)")
    check(expected <= got, f"every webhook-id arrived: {len(expected - got)} missing")
    check(got <= expected, f"nothing else arrived: {sorted(got - expected)[:5]}")
    recs = received()
    check(all(r["verified"] for r in recs if r["path"] == "/hook"), "every request verifies with a secret")
    after = [r for r in recs if r["path"] == "/hook" and int(r["id"][4:]) > int(rotated_from)]
    check(after and all(r["signatures"] == 2 and r["verified"] == [0, 1] for r in after),
          f"after the rotation both secrets verify: {after[:2]}")
    # One contact's events in the order they happened.
    first = {}
    for r in recs:
        if r["mode"] == "ok" and r["path"] == "/hook":
            first.setdefault(r["id"], r)
    by_address = {}
    for eid, r in sorted(first.items(), key=lambda kv: kv[1]["at"]):
        by_address.setdefault(r["address"], []).append(int(eid[4:]))
    check(all(ids == sorted(ids) for ids in by_address.values()), "events of one contact arrive in order")
    check(by_address.get("user0@example.org", [])[-1:] and
          [first[f"evt_{i}"]["type"] for i in by_address["user0@example.org"]] ==
          ["bounce.hard", "contact.suppressed", "contact.unbounced"], f"user0: {by_address.get('user0@example.org')}")
    states = dict(srv.sql(f"SELECT state, COUNT(*) FROM webhook_deliveries WHERE endpoint_id = {hook} GROUP BY state"))
    check(states == {"delivered": 101} or states == {"delivered": "101"}, f"all delivered in the store: {states}")
    st, _, _, j = srv.request("GET", f"/v1/webhooks/{hook}/attempts?limit=500", KEY)
    check(any(a["status"] == 200 for a in j["data"]) and any(a["status"] == 503 for a in j["data"]),
          "attempts list both the failures and the successes")
finally:
    srv.stop()
    if receiver:
        receiver.kill()
        receiver.wait()
    if not os.environ.get("KEEP"):
        shutil.rmtree(WORK, ignore_errors=True)
check.done()
