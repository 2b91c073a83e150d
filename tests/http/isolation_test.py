#!/usr/bin/env python3
"""Accounts never see each other: every route of the OpenAPI document, called
with account B's key on account A's ids (and A's name, and A's contact's
address), answers nothing of A, changes nothing of A, and answers a foreign id
exactly like a missing one. The same walk without a key gets 401 everywhere
but the documented public routes.

Usage: isolation_test.py REBOUND_BINARY sqlite|postgres
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_fixture  # noqa: E402
from api_fixture import dsn  # noqa: E402

REBOUND, BACKEND = sys.argv[1], sys.argv[2]
WORK = tempfile.mkdtemp(prefix="rebound-iso-")
check = api_fixture.Checks(f"isolation {BACKEND}")
db = api_fixture.database(BACKEND, WORK, "iso_")
srv = api_fixture.Serve(REBOUND, WORK, db, tables="""[delivery]
routes = [ { domain = "a-only.example", host = "127.0.0.1:9" } ]
""")
A_NAME = "acme-q7x"
A_ADDR = "secret-a7@a-only.example"
MARKERS = [A_NAME, A_ADDR, "a-only.example", "subject-a7", "hook-a7", "key-a7"]
try:
    srv.account(A_NAME)
    srv.account("globex")
    A = srv.key(A_NAME)
    B = srv.key("globex")
    srv.start()
    req = srv.request

    # Account A: a bounce, a contact, a suppression, an email, a webhook, a key.
    st, _, _, j = req("POST", "/v1/bounces", A, dsn(A_ADDR), ctype="message/rfc822")
    a_bounce = j["records"][0]["bounce_id"]
    req("POST", "/v1/contacts", A, [{"email": "kept-a7@a-only.example", "properties": {"tier": "subject-a7"}}])
    req("POST", "/v1/suppressions", A, {"address": "manual-a7@a-only.example", "why": "subject-a7"})
    st, _, _, j = req("POST", "/v1/emails", A, {"from": "news@a-only.example", "subject": "subject-a7", "body": "x",
                                               "recipients": ["kept-a7@a-only.example"]})
    a_email = j["id"]
    st, _, _, j = req("POST", "/v1/webhooks", A, {"url": "http://127.0.0.1:9/hook-a7", "description": "hook-a7"})
    a_hook = j["id"]
    st, _, _, j = req("POST", "/v1/apikeys", A, {"name": "key-a7", "scope": "read"})
    a_key = j["id"]
    check(all([a_bounce, a_email, a_hook, a_key]), "account A's data made")
    # B has rows of its own, so that its lists are not simply empty.
    req("POST", "/v1/bounces", B, dsn("b-own@b.example"), ctype="message/rfc822")

    def a_state():
        return [
            req("GET", f"/v1/bounces/{a_bounce}", A)[3],
            req("GET", f"/v1/contacts/{A_ADDR}", A)[3]["bounce_status"],
            req("GET", "/v1/suppressions", A)[3]["data"],
            req("GET", f"/v1/emails/{a_email}", A)[3]["subject"],
            req("GET", f"/v1/webhooks/{a_hook}", A)[3],
            [k for k in req("GET", "/v1/apikeys", A)[3]["data"] if k["id"] == a_key][0]["revoked_at"],
            req("GET", "/v1/account", A)[3],
        ]
    before = a_state()

    doc = req("GET", "/v1/openapi.json")[3]
    ids = {"bounces": a_bounce, "emails": a_email, "webhooks": a_hook, "apikeys": a_key}
    bodies = {
        "/v1/bounces": (dsn("b-own2@b.example"), "message/rfc822"),
        "/v1/classify": (dsn("b-own3@b.example"), "message/rfc822"),
    }
    json_bodies = {
        "unbounce": {"why": "x", "confirm": True},
        "/v1/suppressions": {"address": "b-own4@b.example", "why": "x"},
        "/v1/contacts": [{"email": "b-own5@b.example"}],
        "/v1/emails": {"from": "b@b.example", "recipients": ["b-own6@b.example"]},
        "/v1/webhooks": {"url": "http://127.0.0.1:9/b"},
        "/v1/apikeys": {"name": "b"},
        "/v1/users": {"email": "b-user@b.example", "password": "long enough password"},
        "/v1/accounts": {"name": "b-made"},
        "lift": {"why": "x"},
        "classify-reply": {"replies": ["550 5.1.1 unknown"]},
        "/v1/account": {"suppression_policy": "healing"},
    }

    def fill(path, foreign):
        parts = path.strip("/").split("/")
        out = []
        for i, p in enumerate(parts):
            if p == "{id}":
                out.append(str(ids.get(parts[i - 1], 1) if foreign else 987654))
            elif p == "{address}":
                out.append(A_ADDR if foreign else "never-seen@nowhere.example")
            elif p == "{account}":
                out.append(A_NAME if foreign else "no-such-account")
            else:
                out.append(p)
        return "/" + "/".join(out)

    def body_for(path, method):
        if method not in ("POST", "PATCH"):
            return None, None
        generic = path.replace("/v1/accounts/{account}", "/v1")
        if generic in bodies:
            return bodies[generic]
        for k, v in json_bodies.items():
            if generic == k or generic.endswith("/" + k):
                return v, None
        return {}, None

    walked = 0
    for path, item in doc["paths"].items():
        for method, op in item.items():
            method = method.upper()
            public = op.get("security") == []
            body, ctype = body_for(path, method)
            # Without a key.
            st, _, raw, _ = req(method, fill(path, True), None, body, ctype=ctype)
            if public:
                check(st == 200, f"public {method} {path}: {st}")
            else:
                check(st == 401, f"no key, {method} {path}: {st}")
            if public:
                continue
            # B's key on A's ids, and on ids that exist nowhere.
            st_a, _, raw_a, j_a = req(method, fill(path, True), B, body, ctype=ctype)
            text = raw_a.decode("utf-8", "replace")
            leaked = [m for m in MARKERS if m in text]
            check(not leaked, f"{method} {path} with B's key shows {leaked}: {st_a} {text[:300]}")
            check(st_a < 500, f"{method} {path}: {st_a}")
            if "{" in path:
                st_m, _, raw_m, j_m = req(method, fill(path, False), B, body, ctype=ctype)
                same = st_a == st_m and (j_a == j_m or (j_a and j_m and j_a.get("error") == j_m.get("error")))
                # A GLOBAL-free address of A's is a contact B does not have: 404 as for any other.
                check(same, f"{method} {path}: A's id answers {st_a} {text[:200]}, a missing one {st_m} "
                            f"{raw_m[:200]}")
            walked += 1
    check(walked >= 40, f"{walked} routes walked")
    check(a_state() == before, "nothing of A changed")
finally:
    srv.stop()
    shutil.rmtree(WORK, ignore_errors=True)
check.done()
