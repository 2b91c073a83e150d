#!/usr/bin/env python3
"""The REST API end to end against a real `rebound serve` over loopback, on
SQLite or PostgreSQL: every resource of API.md, its errors, idempotency, and
the CLI's keys.

Usage: api_test.py REBOUND_BINARY sqlite|postgres
"""
import csv
import http.client
import io
import json
import os
import ssl
import subprocess
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_fixture  # noqa: E402
from api_fixture import dsn  # noqa: E402

REBOUND, BACKEND = sys.argv[1], sys.argv[2]
WORK = tempfile.mkdtemp(prefix="rebound-api-")
check = api_fixture.Checks(f"api {BACKEND}")
db = api_fixture.database(BACKEND, WORK, "api_")
# Mail to test.example goes to a port nobody listens on: sends stay PENDING.
srv = api_fixture.Serve(REBOUND, WORK, db, tables="""[delivery]
routes = [ { domain = "test.example", host = "127.0.0.1:9" } ]
""")
try:
    for name in ("acme", "globex", "initech"):
        srv.account(name)
    A = srv.key("acme")
    A_READ = srv.key("acme", "read")
    B = srv.key("globex")
    C = srv.key("initech")
    OP = srv.key()
    check(A.startswith("rbk_") and len(A) >= 40 and OP.startswith("rbo_"), f"keys: {A} {OP}")
    r = srv.cli("apikey", "list", "acme", "--json")
    check(A not in r.stdout and A[:12] in r.stdout, "only a prefix of a key is listed")
    rows = srv.sql("SELECT hash FROM api_keys")
    check(all(A not in str(row) for row in rows), "the key is not stored")
    srv.start()
    req = srv.request

    # Public routes and credentials.
    st, _, _, j = req("GET", "/healthz")
    check(st == 200 and j == {"status": "ok"}, f"healthz {st} {j}")
    st, _, _, j = req("GET", "/readyz")
    check(st == 200 and j["status"] == "ready", f"readyz {st} {j}")
    st, _, _, j = req("GET", "/v1/openapi.json")
    check(st == 200 and j["openapi"].startswith("3.1"), f"openapi {st}")
    st, h, _, j = req("GET", "/v1/contacts")
    check(st == 401 and j["error"]["code"] == "unauthorized" and h.get("www-authenticate") == "Bearer",
          f"no key: {st} {j}")
    st, _, _, j = req("GET", "/v1/contacts", key="rbk_" + "x" * 43)
    check(st == 401, f"wrong key: {st}")

    # Bounces: ingest, durably stored, with what it changed.
    raw = dsn("Jane@Example.org")
    st, _, _, j = req("POST", "/v1/bounces", A, raw, ctype="message/rfc822")
    check(st == 202 and j["records"][0]["stored"] and j["records"][0]["type"] == "HARD"
          and j["records"][0]["reason"] == "UNKNOWN_USER" and j["records"][0]["suppressed"]
          and j["records"][0]["recipient"] == "jane@example.org", f"ingest: {st} {j}")
    bounce_id = j["records"][0]["bounce_id"]
    st, _, _, j = req("POST", "/v1/bounces", A, raw, ctype="message/rfc822")
    check(st == 202 and j["records"][0]["duplicate"], f"the same bounce twice: {j}")
    st, _, _, j = req("POST", "/v1/bounces", A, b"From: a@b.example\nSubject: hello\n\nJust a note.\n",
                      ctype="message/rfc822")
    check(st == 202 and j["stored_as_not_a_bounce"] and j.get("message_id"), f"not a bounce: {st} {j}")
    st, _, _, j = req("POST", "/v1/bounces", A, raw, ctype="application/json")
    check(st == 415 and j["error"]["code"] == "unsupported_media_type", f"415: {st} {j}")
    st, _, _, j = req("POST", "/v1/bounces", A_READ, raw, ctype="message/rfc822")
    check(st == 403 and j["error"]["code"] == "forbidden", f"read key writes: {st} {j}")
    st, _, _, j = req("GET", f"/v1/bounces/{bounce_id}", A)
    check(st == 200 and j["diagnostic"].startswith("550 5.1.1") and j["status"] == "5.1.1"
          and j["evidence"] and j["recommended_action"] and j["occurred_at"].endswith("Z"), f"one bounce: {j}")
    st, h, body, _ = req("GET", f"/v1/bounces/{bounce_id}/raw", A)
    check(st == 200 and body == raw and h["content-type"].startswith("message/rfc822"), "raw as received")
    st, _, _, j = req("GET", "/v1/bounces?type=HARD", A)
    check(st == 200 and [b["id"] for b in j["data"]] == [bounce_id] and j["next_cursor"] is None, f"list: {j}")
    st, _, _, j = req("GET", "/v1/bounces?type=SOFT", A)
    check(st == 200 and j["data"] == [], f"filter: {j}")
    for i in range(5):
        req("POST", "/v1/bounces", A, dsn(f"soft{i}@example.org", "4.2.2", "452 4.2.2 Mailbox full"),
            ctype="message/rfc822")
    seen, cursor = [], None
    while True:
        st, _, _, j = req("GET", "/v1/bounces?limit=2" + (f"&cursor={cursor}" if cursor else ""), A)
        seen += [b["id"] for b in j["data"]]
        cursor = j["next_cursor"]
        if not cursor:
            break
    check(len(seen) == 6 and seen == sorted(seen, reverse=True), f"cursor pages newest first: {seen}")
    st, _, _, j = req("GET", "/v1/bounces?limit=0", A)
    check(st == 400, "limit 0")
    st, _, _, j = req("GET", "/v1/bounces?limit=501", A)
    check(st == 400, "limit 501")
    st, _, _, j = req("GET", "/v1/bounces?cursor=nonsense", A)
    check(st == 400 and "cursor" in j["error"]["message"], f"bad cursor: {j}")
    st, _, _, j = req("GET", "/v1/bounces?since=yesterday", A)
    check(st == 400, "bad since")

    # Classification, nothing stored.
    before = srv.sql("SELECT COUNT(*) FROM bounce_events")[0][0]
    st, _, _, j = req("POST", "/v1/classify", A_READ, dsn("x@example.org"), ctype="message/rfc822")
    check(st == 200 and j["records"][0]["cause"] == "userunknown" and "file" not in j["records"][0], f"classify {j}")
    st, _, _, j = req("POST", "/v1/classify-reply", A_READ, {"replies": ["452 4.2.2 Mailbox full", "250 OK"]})
    check(st == 200 and j["records"][0]["type"] in ("SOFT", "PENDING"), f"classify-reply {j}")
    check(srv.sql("SELECT COUNT(*) FROM bounce_events")[0][0] == before, "classify stores nothing")

    # Contacts: import JSON and CSV, per-row errors, good rows kept.
    st, _, _, j = req("POST", "/v1/contacts", A, [{"email": "ann@example.org", "properties": {"name": "Ann"}},
                                                  {"email": "not-an-address"}, {"properties": {}},
                                                  {"email": "bob@example.org"}])
    check(st == 200 and j["imported"] == 2 and [e["row"] for e in j["rejected"]] == [2, 3], f"import json: {j}")
    st, _, _, j = req("POST", "/v1/contacts", A, "email,plan\ncsv1@example.org,gold\nbroken\ncsv2@example.org,free\n",
                      ctype="text/csv")
    check(st == 200 and j["imported"] == 2 and j["rejected"][0]["row"] == 3, f"import csv: {j}")
    st, _, _, j = req("GET", "/v1/contacts/csv1@example.org", A)
    check(st == 200 and j["properties"] == {"plan": "gold"} and j["bounce_status"] == "none", f"csv contact: {j}")
    st, _, _, j = req("GET", "/v1/contacts/JANE@example.org", A)
    check(st == 200 and j["bounce_status"] == "hard" and j["email_hard_bounce_reason"] == "UNKNOWN_USER"
          and j["suppressed"] and j["suppression"]["kind"] == "hard_bounce"
          and [t["kind"] for t in j["timeline"]] == ["bounce"] and j["timeline"][0]["bounce"]["id"] == bounce_id,
          f"contact: {j}")
    st, _, _, j = req("GET", "/v1/contacts/nobody@example.org", A)
    check(st == 404 and j["error"]["code"] == "not_found", f"missing contact: {st}")
    st, _, _, j = req("GET", "/v1/contacts?bounce_status=hard", A)
    check(st == 200 and [c["address"] for c in j["data"]] == ["jane@example.org"], f"list hard: {j}")
    st, _, _, j = req("GET", "/v1/contacts?bounce_status=soft", A)
    check(st == 200 and len(j["data"]) == 5, f"list soft: {len(j['data'])}")
    st, _, _, j = req("GET", "/v1/contacts?suppressed=true", A)
    check(st == 200 and [c["address"] for c in j["data"]] == ["jane@example.org"], f"suppressed: {j}")
    st, _, _, j = req("GET", "/v1/contacts?bounce_status=dead", A)
    check(st == 400, "bad bounce_status")

    # Unbounce: confirmation for UNKNOWN_USER, audited, eligible again.
    st, _, _, j = req("POST", "/v1/contacts/jane@example.org/unbounce", A, {"by": "ann", "why": "IT allowlisted us"})
    check(st == 409 and j["error"]["code"] == "confirmation_required", f"unbounce needs confirm: {st} {j}")
    st, _, _, j = req("POST", "/v1/contacts/jane@example.org/unbounce", A, {"by": "ann"})
    check(st == 400, "unbounce needs why")
    st, _, _, j = req("POST", "/v1/contacts/jane@example.org/unbounce", A,
                      {"by": "ann", "why": "IT allowlisted us", "confirm": True})
    check(st == 200 and j["bounce_status"] == "none" and not j["suppressed"], f"unbounce: {st} {j}")
    st, _, _, j = req("GET", "/v1/contacts/jane@example.org", A)
    kinds = [t["kind"] for t in j["timeline"]]
    check(kinds == ["bounce", "unbounce"] and j["timeline"][1]["by"] == "ann" and j["timeline"][0]["bounce"]["lifted"],
          f"timeline after unbounce: {kinds}")
    st, _, _, j = req("POST", "/v1/contacts/ann@example.org/unbounce", A, {"why": "x"})
    check(st == 404, f"unbounce without a bounce: {st}")

    # Suppressions: manual add (once), list, CSV export, removal audited.
    st, _, _, j = req("POST", "/v1/suppressions", A, {"address": "Manual@Example.org", "why": "asked to stop"})
    check(st == 201 and j["kind"] == "manual" and j["created"] and j["note"] == "asked to stop", f"suppress: {j}")
    st, _, _, j = req("POST", "/v1/suppressions", A, {"address": "manual@example.org", "why": "again"})
    check(st == 200 and not j["created"] and j["note"] == "asked to stop", f"suppress twice: {j}")
    st, _, _, j = req("POST", "/v1/suppressions", A, {"address": "nope", "why": "x"})
    check(st == 400, "suppress a non-address")
    st, _, _, j = req("GET", "/v1/suppressions", A)
    check(st == 200 and [s["address"] for s in j["data"]] == ["manual@example.org"], f"suppressions: {j}")
    st, h, body, _ = req("GET", "/v1/suppressions", A, headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    check(st == 200 and h["content-type"].startswith("text/csv") and [r["email"] for r in rows] == ["manual@example.org"]
          and rows[0]["kind"] == "manual", f"csv export: {body[:200]}")
    st, _, _, j = req("DELETE", "/v1/suppressions/manual@example.org", A)
    check(st == 400, "removal needs why")
    st, _, _, j = req("DELETE", "/v1/suppressions/manual@example.org?why=resubscribed&by=ann", A)
    check(st == 200 and j["suppressed"] is False, f"remove: {st} {j}")
    st, _, _, j = req("GET", "/v1/contacts/manual@example.org", A)
    check([t["kind"] for t in j["timeline"]] == ["suppressed", "suppression_removed"], f"audit: {j['timeline']}")
    st, _, _, j = req("DELETE", "/v1/suppressions/manual@example.org?why=x", A)
    check(st == 404, "remove what is not suppressed")

    # Account settings.
    st, _, _, j = req("GET", "/v1/account", A)
    check(st == 200 and j["id"] == "acme" and j["suppression_policy"] == "strict"
          and j["bounce_brake"] == {"min_sends": 200, "max_hard_bounce_rate": 0.05}, f"account: {j}")
    st, _, _, j = req("PATCH", "/v1/account", A, {"suppression_policy": "healing", "healing": {"lapse_after_days": 45},
                                                 "bounce_brake": {"max_hard_bounce_rate": 0.08}})
    check(st == 200 and j["suppression_policy"] == "healing" and j["healing"]["lapse_after_days"] == 45
          and j["bounce_brake"]["max_hard_bounce_rate"] == 0.08, f"patch: {j}")
    st, _, _, j = req("PATCH", "/v1/account", A, {"suppression_policy": "lenient"})
    check(st == 400, "bad policy")
    st, _, _, j = req("PATCH", "/v1/account", A, {"bounce_brake": {"min_sends": "many"}})
    check(st == 400 and "min_sends" in j["error"]["message"], f"wrong type: {j}")
    req("PATCH", "/v1/account", A, {"suppression_policy": "strict"})

    # Keys through the API.
    st, _, _, j = req("POST", "/v1/apikeys", A, {"name": "reporting", "scope": "read"})
    check(st == 201 and j["key"].startswith("rbk_") and j["scope"] == "read", f"create key: {j}")
    new_key, new_id = j["key"], j["id"]
    st, _, _, j = req("GET", "/v1/account", new_key)
    check(st == 200, "the new key reads")
    st, _, _, j = req("GET", "/v1/apikeys", A)
    check(st == 200 and all("key" not in k for k in j["data"]) and any(k["last_used_at"] for k in j["data"]),
          f"keys listed without secrets, with last use: {j}")
    st, _, _, j = req("GET", "/v1/apikeys", A_READ)
    check(st == 403, "listing keys needs write scope")
    st, _, _, j = req("DELETE", f"/v1/apikeys/{new_id}", A)
    check(st == 200, "revoke")
    time.sleep(0.1)
    st, _, _, j = req("GET", "/v1/account", new_key)
    check(st == 401, f"a revoked key: {st}")

    # Users of the web UI, made by an operator for an account.
    st, _, _, j = req("POST", "/v1/accounts/acme/users", OP, {"email": "Ann@Acme.example", "password": "long enough pw"})
    check(st == 201 and j["email"] == "ann@acme.example", f"create user: {st} {j}")
    st, _, _, j = req("POST", "/v1/accounts/acme/users", OP, {"email": "bob@acme.example", "password": "short"})
    check(st == 400, "a short password is refused")
    st, _, _, j = req("GET", "/v1/users", A)
    check(st == 200 and [u["email"] for u in j["data"]] == ["ann@acme.example"] and "password" not in str(j),
          f"users: {j}")
    rows = srv.sql("SELECT password_hash FROM users")
    check(rows and str(rows[0][0]).startswith("$argon2id$"), "passwords are hashed with Argon2id")

    # Operators: accounts, any account by name, global bounces.
    st, _, _, j = req("GET", "/v1/accounts", OP)
    check(st == 200 and [a["id"] for a in j["data"]] == ["acme", "globex", "initech"], f"accounts: {j}")
    st, _, _, j = req("GET", "/v1/accounts", A)
    check(st == 403, "an account key on an operator route")
    st, _, _, j = req("GET", "/v1/contacts", OP)
    check(st == 403, "an operator key without an account")
    st, _, _, j = req("POST", "/v1/accounts", OP, {"name": "hooli"})
    check(st == 201 and j["id"] == "hooli", f"create account: {j}")
    st, _, _, j = req("POST", "/v1/accounts", OP, {"name": "hooli"})
    check(st == 409, "create an account twice")
    st, _, _, j = req("GET", "/v1/accounts/acme/contacts/csv1@example.org", OP)
    check(st == 200 and j["properties"] == {"plan": "gold"}, f"operator on acme: {j}")
    st, _, _, j = req("GET", "/v1/accounts/acme", OP)
    check(st == 200 and j["id"] == "acme", f"operator reads an account: {j}")
    st, _, _, j = req("GET", "/v1/accounts/nosuch/contacts", OP)
    check(st == 404, "operator on an unknown account")
    for key in (A, B, C):
        req("POST", "/v1/bounces", key, dsn("dead@example.org", "5.1.1"), ctype="message/rfc822")
    st, _, _, j = req("GET", "/v1/global", OP)
    check(st == 200 and j["data"] and j["data"][0]["address"] == "dead@example.org" and j["data"][0]["accounts"] == 3,
          f"global: {j}")
    st, _, _, j = req("GET", "/v1/contacts/dead@example.org", B)
    check(j["bounce_status"] == "global" and "acme" not in str(j) and "initech" not in str(j),
          f"B sees GLOBAL and no other account: {j}")
    st, _, _, j = req("POST", "/v1/contacts/dead@example.org/unbounce", B, {"why": "x", "confirm": True})
    check(st == 403 and "operator" in j["error"]["message"], f"GLOBAL is lifted only by an operator: {st} {j}")
    st, _, _, j = req("POST", "/v1/global/dead@example.org/lift", OP, {"operator": "eve", "why": "verified"})
    check(st == 200 and j["global"] is False, f"lift: {j}")
    st, _, _, j = req("GET", "/v1/global", OP)
    check(st == 200 and j["data"] == [], f"lifted: {j}")

    # Statistics: counted as the bounces came.
    st, _, _, j = req("GET", "/v1/stats?group_by=type&interval=hour", A)
    totals = {s["key"]: s["bounces"] for s in j["series"]}
    check(st == 200 and totals.get("HARD") == 2 and totals.get("SOFT", 0) + totals.get("PENDING", 0) == 5,
          f"stats by type: {totals}")
    st, _, _, j = req("GET", "/v1/stats?group_by=domain", A)
    check(st == 200 and j["series"][0]["key"] == "example.org", f"stats by domain: {j['series'][:1]}")
    st, _, _, j = req("GET", "/v1/stats?group_by=color", A)
    check(st == 400, "bad group_by")

    # Idempotency: the same key and body answer as the first time; another body conflicts.
    body = {"address": "idem@example.org", "why": "test"}
    st1, h1, b1, j1 = req("POST", "/v1/suppressions", A, body, headers={"Idempotency-Key": "k-1"})
    req("DELETE", "/v1/suppressions/idem@example.org?why=undo", A)
    st2, h2, b2, j2 = req("POST", "/v1/suppressions", A, body, headers={"Idempotency-Key": "k-1"})
    check(st1 == 201 and st2 == 201 and b1 == b2 and h2.get("idempotent-replayed") == "true", "replayed answer")
    st, _, _, j = req("GET", "/v1/suppressions", A)
    check(all(s["address"] != "idem@example.org" for s in j["data"]), "the replay changed nothing")
    st, _, _, j = req("POST", "/v1/suppressions", A, {"address": "other@example.org", "why": "x"},
                      headers={"Idempotency-Key": "k-1"})
    check(st == 409 and j["error"]["code"] == "conflict", f"another body, same key: {st}")
    st, _, _, j = req("POST", "/v1/suppressions", B, body, headers={"Idempotency-Key": "k-1"})
    check(st == 201, f"keys are per account: {st}")

    # Emails: created with sends, the ineligible not sent, delivery in the background.
    req("POST", "/v1/suppressions", A, {"address": "blocked@test.example", "why": "asked"})
    st, _, _, j = req("POST", "/v1/emails", A, {"from": "News <news@shop.example>", "subject": "Hi", "body": "Hello",
                                               "recipients": ["one@test.example", "two@test.example",
                                                              "blocked@test.example"]})
    check(st == 202 and j["state"] == "sending" and j["counts"]["recipients"] == 3 and j["counts"]["not_sent"] == 1,
          f"create email: {st} {j}")
    email_id = j["id"]
    st, _, _, j = req("POST", "/v1/emails", A, {"from": "x@shop.example", "subject": "a\r\nBcc: all@x.example",
                                               "recipients": ["one@test.example"]})
    check(st == 400, "header injection refused")
    st, _, _, j = req("GET", f"/v1/emails/{email_id}/recipients?bucket=not_sent", A)
    check(st == 200 and [(r["address"], r["why"]) for r in j["data"]] == [("blocked@test.example", "manual")],
          f"not sent: {j}")
    pending = []
    for _ in range(100):
        st, _, _, j = req("GET", f"/v1/emails/{email_id}/recipients?bucket=pending", A)
        if st != 200:
            check(False, f"recipients: {st} {j}")
            break
        pending = [r for r in j["data"] if r["state"] == "pending"]
        if len(pending) == 2:
            break
        time.sleep(0.1)
    check(len(pending) == 2 and all(r["type"] == "PENDING" and r["server_response"] for r in pending),
          f"refused connections are PENDING: {pending}")
    st, _, _, j = req("GET", "/v1/emails", A)
    check(st == 200 and [e["id"] for e in j["data"]] == [email_id], f"emails: {j}")
    st, _, _, j = req("POST", f"/v1/emails/{email_id}/resume", A)
    check(st == 409, "resume an email that is not paused")

    # Webhook endpoints: created with a secret, read, changed, rotated, deleted.
    st, _, _, j = req("POST", "/v1/webhooks", A, {"url": "http://127.0.0.1:9/hook", "event_types": ["bounce.hard"]})
    check(st == 201 and j["secret"].startswith("whsec_") and j["event_types"] == ["bounce.hard"], f"webhook: {j}")
    hook = j["id"]
    st, _, _, j = req("POST", "/v1/webhooks", A, {"url": "ftp://x.example/", "event_types": []})
    check(st == 400, "a webhook url must be http(s)")
    st, _, _, j = req("POST", "/v1/webhooks", A, {"url": "http://x.example/", "event_types": ["bounce.purple"]})
    check(st == 400, "unknown event type")
    st, _, _, j = req("GET", f"/v1/webhooks/{hook}", A)
    check(st == 200 and "secret" not in j, f"a webhook read back has no secret: {j}")
    st, _, _, j = req("PATCH", f"/v1/webhooks/{hook}", A, {"enabled": False})
    check(st == 200 and j["enabled"] is False, "disable")
    st, _, _, j = req("POST", f"/v1/webhooks/{hook}/rotate-secret", A)
    check(st == 200 and j["secret"].startswith("whsec_") and j["previous_secret_valid_until"], f"rotate: {j}")
    st, _, _, j = req("GET", f"/v1/webhooks/{hook}/attempts", A)
    check(st == 200 and j["data"] == [], "no attempts yet")
    sealed = srv.sql("SELECT secret FROM webhook_endpoints")
    check(all("whsec_" not in str(s) for s in sealed), "webhook secrets are sealed at rest")
    st, _, _, j = req("DELETE", f"/v1/webhooks/{hook}", A)
    check(st == 200, "delete webhook")
    st, _, _, j = req("GET", f"/v1/webhooks/{hook}", A)
    check(st == 404, "deleted")

    # Method and route errors.
    st, h, _, j = req("PUT", "/v1/contacts", A)
    check(st == 405 and "GET" in h.get("allow", ""), f"405: {st} {h}")
    st, _, _, j = req("GET", "/v1/nothing-here", A)
    check(st == 404 and j["error"]["code"] == "not_found", "unknown route")

    # A graceful stop answers what it took, then exits 0.
    check(srv.stop() == 0, "SIGTERM stops cleanly")
    log = open(srv.log_path).read()
    check(A not in log and OP not in log, "keys never logged")

    # TLS from a certificate and key in the configuration.
    cert, pem_key = os.path.join(WORK, "cert.pem"), os.path.join(WORK, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-keyout", pem_key, "-out", cert], check=True, capture_output=True)
    tls = api_fixture.Serve(REBOUND, os.path.join(WORK, "tls"), db,
                            http_extra=f'tls_cert = "{cert}"\ntls_key = "{pem_key}"')
    tls.start()
    ctx = ssl.create_default_context(cafile=cert)
    ctx.check_hostname = False
    c = http.client.HTTPSConnection("127.0.0.1", tls.port, context=ctx, timeout=10)
    c.request("GET", "/v1/account", headers={"Authorization": "Bearer " + A})
    r = c.getresponse()
    check(r.status == 200 and json.loads(r.read())["id"] == "acme", f"HTTPS: {r.status}")
    c.close()
    st = None
    try:
        st = tls.request("GET", "/healthz", timeout=3)[0]
    except Exception:  # noqa: BLE001 - plain HTTP to a TLS port fails one way or another
        st = "refused"
    check(st != 200, f"no plain HTTP beside TLS: {st}")
    check(tls.stop() == 0, "the TLS server stops cleanly")
finally:
    srv.stop()
    shutil.rmtree(WORK, ignore_errors=True)
check.done()
