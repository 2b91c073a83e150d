#!/usr/bin/env python3
"""A table of malformed requests, sent as raw bytes to a real `rebound serve`:
each gets a 4xx in the API's error shape (or, for what is not HTTP at all, a
closed connection), the server never crashes, and nothing is written.

Usage: malformed_test.py REBOUND_BINARY
"""
import json
import os
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_fixture  # noqa: E402

REBOUND = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="rebound-malformed-")
check = api_fixture.Checks("malformed")
srv = api_fixture.Serve(REBOUND, WORK, "sqlite:" + os.path.join(WORK, "m.db"))
TABLES = ["contacts", "account_suppressions", "bounce_events", "emails", "sends", "webhook_endpoints", "api_keys",
          "unbounces", "suppression_changes", "accounts", "inbound_messages"]


def raw(data, timeout=5, half_close=False):
    """Sends bytes, returns (status or None, body) of what came back."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
    try:
        s.sendall(data)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            chunks.append(b)
            if b"\r\n\r\n" in b"".join(chunks):
                head, _, rest = b"".join(chunks).partition(b"\r\n\r\n")
                length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if length and len(rest) >= length[0]:
                    break
    except (ConnectionResetError, BrokenPipeError):
        chunks = chunks if "chunks" in dir() else []
    finally:
        s.close()
    reply = b"".join(chunks)
    if not reply.startswith(b"HTTP/1."):
        return None, reply
    status = int(reply.split(b" ", 2)[1])
    return status, reply.partition(b"\r\n\r\n")[2]


def req(method, path, headers=(), body=b"", key=True, version="HTTP/1.1"):
    h = [f"{method} {path} {version}", "Host: localhost", "Connection: close"]
    if key:
        h.append("Authorization: Bearer " + KEY)
    h += list(headers)
    if body and not any(x.lower().startswith("content-length") or x.lower().startswith("transfer-encoding")
                        for x in headers):
        h.append(f"Content-Length: {len(body)}")
    data = body if isinstance(body, bytes) else body.encode()
    return ("\r\n".join(h) + "\r\n\r\n").encode("utf-8", "surrogateescape") + data


JSON = "Content-Type: application/json"
deep_array = "[" * 100000 + "]" * 100000
deep_object = '{"why":' + '{"a":' * 5000 + "1" + "}" * 5000 + "}"

try:
    srv.account("acme")
    KEY = srv.key("acme")
    srv.start()
    counts = {t: srv.sql(f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}

    cases = [
        ("not HTTP at all", b"GARBAGE\r\n\r\n", {400, None}),
        ("no version", b"GET /healthz\r\n\r\n", {400, None}),
        ("HTTP/3.0", req("GET", "/healthz", version="HTTP/3.0"), {400, 505, None}),
        # cpp-httplib skips a field line without a colon, as lenient servers do.
        ("header without colon", req("GET", "/v1/account", ["NoColonHere"]), {200, 400, None}),
        ("200 header fields", req("GET", "/v1/account", [f"X-H{i}: v" for i in range(200)]), {431, 400}),
        ("a 20 KB header line", req("GET", "/v1/account", ["X-Big: " + "a" * 20000]), {400, 431, 413, None}),
        ("a 10 KB URI", req("GET", "/v1/contacts/" + "a" * 10000), {414, 400, None}),
        ("body over the limit", req("POST", "/v1/bounces", ["Content-Type: message/rfc822"], b"x" * 2100000),
         {413}),
        ("Content-Length over the limit, no body", req("POST", "/v1/contacts", [JSON, "Content-Length: 99999999"]),
         {413, 400, None}),
        ("negative Content-Length", req("POST", "/v1/contacts", [JSON, "Content-Length: -5"], b"[]"),
         {400, 413, None}),
        ("Content-Length not a number", req("POST", "/v1/contacts", [JSON, "Content-Length: abc"], b"[]"),
         {400, 411, 413, None}),
        ("broken chunked body", req("POST", "/v1/contacts", [JSON, "Transfer-Encoding: chunked"], b"zz\r\nabc\r\n"),
         {400, None}),
        ("100000 nested arrays", req("POST", "/v1/contacts", [JSON], deep_array), {400}),
        ("5000 nested objects", req("POST", "/v1/contacts/x@example.org/unbounce", [JSON], deep_object), {400}),
        ("truncated JSON", req("POST", "/v1/suppressions", [JSON], '{"address": "a@b.example", "why"'), {400}),
        ("JSON with trailing garbage", req("POST", "/v1/suppressions", [JSON], '{"address":"a@b.example"} x'), {400}),
        ("JSON with invalid UTF-8", req("POST", "/v1/suppressions", [JSON], b'{"address":"a\xff@b.example"}'),
         {400}),
        ("a JSON array for an object", req("POST", "/v1/suppressions", [JSON], '[1,2]'), {400}),
        ("JSON null", req("POST", "/v1/contacts/x@example.org/unbounce", [JSON], "null"), {400}),
        ("why is a number", req("POST", "/v1/suppressions", [JSON], '{"address":"a@b.example","why":5}'), {400}),
        ("confirm is a string", req("POST", "/v1/contacts/x@example.org/unbounce", [JSON],
                                    '{"why":"x","confirm":"yes"}'), {400}),
        ("recipients is a string", req("POST", "/v1/emails", [JSON], '{"from":"a@b.example","recipients":"x@y"}'),
         {400}),
        ("event_types of numbers", req("POST", "/v1/webhooks", [JSON], '{"url":"http://a.example","event_types":[1]}'),
         {400}),
        ("healing not an object", req("PATCH", "/v1/account", [JSON], '{"healing": 3}'), {400}),
        ("a rate above 1", req("PATCH", "/v1/account", [JSON], '{"bounce_brake": {"max_hard_bounce_rate": 7}}'),
         {400}),
        ("limit not a number", req("GET", "/v1/bounces?limit=abc"), {400}),
        ("negative limit", req("GET", "/v1/bounces?limit=-1"), {400}),
        ("a limit of 20 digits", req("GET", "/v1/contacts?limit=99999999999999999999"), {400}),
        ("a cursor not ours", req("GET", "/v1/contacts?cursor=%25%25%25"), {400}),
        ("a forged cursor", req("GET", "/v1/contacts?cursor=YzE6LTE"), {400}),
        ("a time that is no date", req("GET", "/v1/bounces?since=2026-13-45T00:00:00Z"), {400}),
        ("an id of 20 digits", req("GET", "/v1/bounces/99999999999999999999"), {404}),
        ("a negative id", req("GET", "/v1/emails/-1"), {404}),
        ("an id with SQL in it", req("GET", "/v1/webhooks/1%3B%20DROP%20TABLE%20contacts"), {404}),
        ("a NUL in the path", req("GET", "/v1/contacts/a%00b@example.org"), {404, 400}),
        ("path traversal", req("GET", "/v1/../../etc/passwd"), {404, 400}),
        ("bad percent-encoding", req("GET", "/v1/contacts/%ZZ"), {404, 400}),
        ("Basic instead of Bearer", req("GET", "/v1/account", ["Authorization: Basic YTpi"], key=False), {401}),
        ("an empty bearer", req("GET", "/v1/account", ["Authorization: Bearer "], key=False), {401}),
        ("a 6 KB bearer", req("GET", "/v1/account", ["Authorization: Bearer " + "k" * 6000], key=False), {401}),
        ("a bearer that is not ASCII", req("GET", "/v1/account", ["Authorization: Bearer ключ-ключ-ключ-ключ"],
                                           key=False), {401}),
        ("no Content-Type on JSON", req("POST", "/v1/suppressions", [], '{"address":"a@b.example","why":"x"}'),
         {415}),
        ("text/html for JSON", req("POST", "/v1/suppressions", ["Content-Type: text/html"], "<b>x</b>"), {415}),
        ("JSON for a raw message", req("POST", "/v1/bounces", [JSON], '{"raw": "x"}'), {415}),
        ("an empty raw message", req("POST", "/v1/bounces", ["Content-Type: message/rfc822"]), {400}),
        ("a 1000-character Idempotency-Key", req("POST", "/v1/suppressions", [JSON, "Idempotency-Key: " + "i" * 1000],
                                                 '{"address":"a@b.example","why":"x"}'), {400}),
        ("CSV without an email column", req("POST", "/v1/contacts", ["Content-Type: text/csv"], "name\nann\n"), {400}),
        ("200001 contacts", req("POST", "/v1/contacts", [JSON], "[" + ",".join(["{}"] * 200001) + "]"), {400}),
        ("DELETE on a list", req("DELETE", "/v1/contacts"), {405}),
        ("an unknown method", req("FROB", "/v1/contacts"), {400, 405, None}),
        ("an unknown route", req("GET", "/v2/contacts"), {404}),
        ("a webhook to a non-HTTP URL", req("POST", "/v1/webhooks", [JSON], '{"url":"file:///etc/passwd"}'), {400}),
        ("a webhook URL with credentials", req("POST", "/v1/webhooks", [JSON], '{"url":"http://u:p@a.example/"}'),
         {400}),
        ("an email without sender", req("POST", "/v1/emails", [JSON], '{"recipients":["a@b.example"]}'), {400}),
        ("an email with both recipient forms",
         req("POST", "/v1/emails", [JSON], '{"from":"a@b.example","recipients":["x@y.example"],"all_contacts":true}'),
         {400}),
        ("classify-reply with 1001 replies", req("POST", "/v1/classify-reply", [JSON],
                                                 json.dumps({"replies": ["550 x"] * 1001})), {400}),
        ("an operator route with an account key", req("GET", "/v1/global"), {403}),
        ("a body on GET is ignored", req("GET", "/v1/contacts/none@example.org", [JSON], '{"x":1}'), {404}),
    ]
    check(len(cases) >= 40, f"{len(cases)} cases")
    for name, data, expected in cases:
        status, body = raw(data)
        check(status in expected, f"{name}: got {status} ({body[:160]!r}), want one of {expected}")
        if status is not None and status >= 400 and body:
            try:
                err = json.loads(body)["error"]
                check(isinstance(err["code"], str) and isinstance(err["message"], str), f"{name}: error shape")
            except (ValueError, KeyError, TypeError):
                check(False, f"{name}: not the API's error shape: {body[:160]!r}")
        check(srv.alive(), f"{name}: the server is alive")
    # A client that stops mid-body, and one that sends nothing: the server
    # goes on (the read timeout frees the worker).
    raw(req("POST", "/v1/contacts", [JSON, "Content-Length: 100"], b'[{"email":'), timeout=1, half_close=True)
    socket.create_connection(("127.0.0.1", srv.port)).close()
    time.sleep(0.2)
    st, _, _, j = srv.request("GET", "/healthz")
    check(st == 200 and srv.alive(), "alive after cut connections")
    after = {t: srv.sql(f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}
    check(after == counts, f"nothing written: {counts} -> {after}")
finally:
    srv.stop()
    shutil.rmtree(WORK, ignore_errors=True)
check.done()
