"""Connected inboxes end to end, against real servers (tests/inbox/mailstack.py):
a private Dovecot (IMAP, LMTP, an oauth2 passdb over a small token server) and a
private Postfix as the submission server.

Two inboxes are connected with the CLI, one with a password (STARTTLS on both
sides), one with XOAUTH2 (implicit TLS). One-to-one email goes out through
Postfix; the bouncebacks the test then delivers over LMTP are what real
servers write: a direct-reply DSN, a separate NDR that names the email only in
its returned headers, a reply from a person, an out-of-office, a bounce of mail
Rebound never sent, and a bounce filed in Junk. Rebound must record exactly the
bounces of its own email, each with how it matched, the out-of-office as an
auto-reply, and nothing else, without changing a flag in the mailbox; and keep
doing so across a kill -9 of `rebound serve`, a restart of Dovecot and a
changed UIDVALIDITY, without missing or repeating a message.

usage: inbox_test.py REBOUND
"""
import email
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "http"))
from api_fixture import Checks, Serve  # noqa: E402
from mailstack import MailStack  # noqa: E402

REBOUND = sys.argv[1]
check = Checks("inbox")


def wait_for(what, fn, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    check(False, f"timed out waiting for {what}")
    return None


def dsn(rcpt, status, diagnostic, original, in_reply_to=None, subject="Undelivered Mail Returned to Sender"):
    """A Postfix-style DSN; `original` is the returned headers."""
    head = ("From: MAILER-DAEMON@mx.customer.example (Mail Delivery System)\r\n"
            "To: alice@localhost\r\n"
            f"Subject: {subject}\r\n"
            "Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n"
            f"Message-ID: <{os.urandom(6).hex()}@mx.customer.example>\r\n")
    if in_reply_to:
        head += f"In-Reply-To: <{in_reply_to}>\r\nReferences: <{in_reply_to}>\r\n"
    return (head + "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
            "--B\r\nContent-Type: text/plain\r\n\r\n"
            "This is the mail system at host mx.customer.example.\r\n\r\n"
            "I'm sorry to have to inform you that your message could not\r\n"
            "be delivered to one or more recipients.\r\n\r\n"
            f"<{rcpt}>: host mx.customer.example said: {diagnostic}\r\n\r\n"
            "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.customer.example\r\n\r\n"
            f"Final-Recipient: rfc822; {rcpt}\r\nAction: failed\r\nStatus: {status}\r\n"
            f"Diagnostic-Code: smtp; {diagnostic}\r\n\r\n"
            "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n" + original + "\r\n--B--\r\n").encode()


def exchange_ndr(rcpt, message_id):
    """A separate notice in the way of Exchange and gateways: a thread of its
    own, the original named only inside its returned headers."""
    return ("From: postmaster@gateway.customer.example\r\n"
            "To: alice@localhost\r\n"
            "Subject: Undeliverable: pricing\r\n"
            "Date: Fri, 04 Dec 2026 10:01:00 +0000\r\n"
            "Message-ID: <ndr-1@gateway.customer.example>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"N\"\r\n\r\n"
            "--N\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            "Delivery has failed to these recipients or groups:\r\n\r\n"
            f"{rcpt}\r\nYour message wasn't delivered because the recipient's email provider rejected it.\r\n\r\n"
            "--N\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns;gateway.customer.example\r\n\r\n"
            f"Final-Recipient: rfc822;{rcpt}\r\nAction: failed\r\nStatus: 5.7.1\r\n"
            "Diagnostic-Code: smtp;550 5.7.1 Message rejected due to content restrictions\r\n\r\n"
            "--N\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            f"From: alice@localhost\r\nTo: {rcpt}\r\nSubject: pricing\r\nMessage-ID: <{message_id}>\r\n"
            "\r\n--N--\r\n").encode()


def human_reply(message_id):
    return ("From: Pat <pat@customer.example>\r\nTo: alice@localhost\r\nSubject: Re: hello\r\n"
            f"In-Reply-To: <{message_id}>\r\nReferences: <{message_id}>\r\n"
            "Message-ID: <reply-1@customer.example>\r\nContent-Type: text/plain\r\n\r\n"
            "Thanks Alice, Tuesday works for me.\r\n\r\n> hello\r\n").encode()


def out_of_office(message_id):
    return ("From: Pat <pat@customer.example>\r\nTo: alice@localhost\r\nSubject: Automatic reply: hello\r\n"
            f"In-Reply-To: <{message_id}>\r\nReferences: <{message_id}>\r\nAuto-Submitted: auto-replied\r\n"
            "Message-ID: <ooo-1@customer.example>\r\nContent-Type: text/plain\r\n\r\n"
            "I am out of the office until Monday and will reply when I am back.\r\n").encode()


def main():
    work = tempfile.mkdtemp(prefix="rebound-inbox-")
    os.chmod(work, 0o755)  # the mail servers run as their own users
    with MailStack(os.path.join(work, "mail"), users=["alice", "bob"]) as stack:
        db = "sqlite:" + os.path.join(work, "rebound.db")
        tables = f"""
[inboxes]
ca_file = "{stack.ca_file}"
poll_seconds = 2
lease_seconds = 6
retry_max_seconds = 2
auth_retry_seconds = 2
timeout_seconds = 10
"""
        serve = Serve(REBOUND, os.path.join(work, "serve"), db, tables=tables)
        cfg = ["--config", serve.config]

        def cli(*args, stdin="", expect=0):
            r = subprocess.run([REBOUND, *args, *cfg], input=stdin, capture_output=True, text=True)
            check(r.returncode == expect,
                  f"rebound {' '.join(args)} exits {expect}, got {r.returncode}: {r.stderr} {r.stdout}")
            return r

        serve.account("acme")
        for u in ("alice", "bob"):
            r = subprocess.run([REBOUND, "user", "create", "acme", f"{u}@localhost", "--db", db],
                               input="user-password\n", capture_output=True, text=True)
            check(r.returncode == 0, f"user {u} created: {r.stderr}")

        # --- Connect: a password over STARTTLS, and XOAUTH2 over implicit TLS.
        r = cli("inbox", "connect", "acme", "--user", "alice@localhost", "--address", "alice@localhost",
                "--imap-host", stack.imap_host, "--imap-port", str(stack.imap_port), "--imap-tls", "starttls",
                "--smtp-host", stack.imap_host, "--smtp-port", str(stack.submission_port), "--smtp-tls", "starttls",
                "--username", "alice", "--json", stdin=stack.password("alice") + "\n")
        alice = json.loads(r.stdout)["id"] if r.returncode == 0 else 0
        check(stack.password("alice") not in r.stdout + r.stderr, "no secret in the output")
        # As Microsoft's endpoint may: every refresh hands out a new refresh
        # token and ends the old one, which Rebound must keep.
        stack.rotate_refresh_tokens = True
        refresh = stack.add_refresh_token("bob")
        r = cli("inbox", "connect", "acme", "--user", "bob@localhost", "--address", "bob@localhost",
                "--imap-host", stack.imap_host, "--imap-port", str(stack.imaps_port), "--imap-tls", "tls",
                "--smtp-host", stack.imap_host, "--smtp-port", str(stack.submissions_port), "--smtp-tls", "tls",
                "--username", "bob", "--auth", "oauth2", "--client-id", stack.client_id,
                "--token-url", stack.token_url, "--json", stdin=refresh + "\n")
        bob = json.loads(r.stdout)["id"] if r.returncode == 0 else 0
        check(alice and bob, "both inboxes connected")
        r = cli("inbox", "connect", "acme", "--user", "alice@localhost", "--address", "alice@localhost",
                "--imap-host", stack.imap_host, "--imap-port", str(stack.imap_port), "--imap-tls", "starttls",
                "--smtp-host", stack.imap_host, "--smtp-port", str(stack.submission_port), "--smtp-tls", "starttls",
                "--username", "alice", stdin="wrong-password\n", expect=1)
        check("refused" in r.stderr, "a wrong password is refused at connect: " + r.stderr.strip())
        raw_db = open(os.path.join(work, "rebound.db"), "rb").read()
        check(stack.password("alice").encode() not in raw_db and refresh.encode() not in raw_db,
              "credentials are sealed in the store")

        # --- Send: three through alice, one through bob, one refused at RCPT.
        sent = {}
        for to, subject in (("kim@customer.example", "hello"), ("lee@customer.example", "pricing"),
                            ("pat@customer.example", "hello")):
            r = cli("inbox", "send", "acme", str(alice), "--to", to, "--subject", subject, "--json",
                    stdin=f"Hi {to}, one-to-one.\n")
            sent[to] = json.loads(r.stdout) if r.returncode == 0 else {}
        r = cli("inbox", "send", "acme", str(bob), "--to", "ann@customer.example", "--subject", "demo", "--json",
                stdin="Hi Ann.\n")
        sent["ann@customer.example"] = json.loads(r.stdout) if r.returncode == 0 else {}
        r = cli("inbox", "send", "acme", str(alice), "--to", "refused@customer.example", "--json", stdin="x\n",
                expect=3)
        refused = json.loads(r.stdout) if r.stdout.strip() else {}
        check(refused.get("state") == "bounced" and refused.get("type") == "HARD" and
              refused.get("reason") == "UNKNOWN_USER", f"a refusal at RCPT is classified on the spot: {refused}")
        check(all(s.get("state") == "delivered" for s in sent.values()), f"four accepted: {sent}")
        sunk = stack.wait_sunk(4, 20)
        ids = {}
        for raw in sunk:
            m = email.message_from_bytes(raw)
            ids[m["To"].strip("<>")] = (m["Message-ID"].strip("<>"), m["X-Rebound-Send-Id"])
        for to, s in sent.items():
            mid, sid = ids.get(to, ("", ""))
            check(mid == s.get("message_id") and sid == str(s.get("send_id")),
                  f"{to}: sent with our Message-ID and X-Rebound-Send-Id ({mid}, {sid})")

        # --- Watch.
        serve.start()
        wait_for("both inboxes watching", lambda: all(
            i["state"] == "watching" for i in map(json.loads, cli("inbox", "list", "acme", "--json")
                                                   .stdout.splitlines())), timeout=30)
        m1, m2, m3 = (sent[a]["message_id"] for a in ("kim@customer.example", "lee@customer.example",
                                                       "pat@customer.example"))
        stack.deliver_lmtp("alice", dsn("kim@customer.example", "5.1.1",
                                        "550 5.1.1 <kim@customer.example>: Recipient address rejected: User unknown",
                                        f"From: alice@localhost\r\nMessage-ID: <{m1}>\r\n", in_reply_to=m1))
        stack.deliver_lmtp("alice", exchange_ndr("lee@customer.example", m2))
        stack.deliver_lmtp("alice", human_reply(m3))
        stack.deliver_lmtp("alice", out_of_office(m3))
        stack.deliver_lmtp("alice", dsn("zed@elsewhere.example", "5.1.1", "550 5.1.1 no such user",
                                        "From: alice@localhost\r\nMessage-ID: <typed-on-the-phone@localhost>\r\n",
                                        in_reply_to="typed-on-the-phone@localhost"))
        ann = sent["ann@customer.example"]["message_id"]
        stack.deliver_lmtp("bob", dsn("ann@customer.example", "5.2.2", "552 5.2.2 Mailbox full",
                                      f"From: bob@localhost\r\nMessage-ID: <{ann}>\r\n", in_reply_to=ann),
                           mailbox="Junk")
        flags_at_delivery = {u: {mb: stack.flags(u, mb) for mb in ("INBOX", "Junk")} for u in ("alice", "bob")}

        def one_to_one():
            return serve.sql("SELECT address, type, reason, cause, matched_by FROM bounce_events "
                             "WHERE channel = 'one_to_one' ORDER BY id")

        rows = wait_for("five one-to-one records", lambda: (lambda r: r if len(r) >= 5 else None)(one_to_one()))
        time.sleep(3)  # anything more would show now
        rows = [tuple(r) for r in one_to_one()]
        expect = {("refused@customer.example", "HARD", "UNKNOWN_USER", "smtp_reply"),
                  ("kim@customer.example", "HARD", "UNKNOWN_USER", "in_reply_to"),
                  ("lee@customer.example", "HARD", "CONTENT", "returned_message_id"),
                  ("pat@customer.example", "NONE", None, "in_reply_to"),
                  ("ann@customer.example", "HARD", "MAILBOX_FULL", "in_reply_to")}
        got = {(r[0], r[1], r[2] or None, r[4]) for r in rows}
        check(got == expect and len(rows) == 5, f"exactly the bounces of our email, each matched: {rows}")
        from_alices_inbox = [r for r in rows if r[4] != "smtp_reply" and r[0] != "ann@customer.example"]
        check(sorted((r[1], r[4]) for r in from_alices_inbox) ==
              [("HARD", "in_reply_to"), ("HARD", "returned_message_id"), ("NONE", "in_reply_to")],
              f"of the five messages delivered to alice: two bounces and an auto-reply, nothing else: {from_alices_inbox}")
        check(any(r[0] == "pat@customer.example" and r[3] == "vacation" for r in rows),
              "the out-of-office is recorded as an auto-reply")
        flags_now = {u: {mb: stack.flags(u, mb) for mb in ("INBOX", "Junk")} for u in ("alice", "bob")}
        check(flags_now == flags_at_delivery, f"no flag changed: {flags_at_delivery} -> {flags_now}")
        check(not any("\\Seen" in f for u in flags_now.values() for mb in u.values() for f in mb.values()),
              f"no message marked \\Seen: {flags_now}")

        # The one-to-one rule: UNKNOWN_USER and MAILBOX_FULL suppress, CONTENT is recorded only.
        key = serve.key("acme")
        status, _, _, kim = serve.request("GET", "/v1/contacts/kim@customer.example", key)
        check(status == 200 and kim["suppressed"] and kim["email_hard_bounce_reason"] == "UNKNOWN_USER",
              f"a one-to-one UNKNOWN_USER suppresses: {kim and kim.get('suppression')}")
        kinds = [t["kind"] for t in (kim or {}).get("timeline", [])]
        check("one_to_one_sent" in kinds and "bounce" in kinds, f"kim's timeline: {kinds}")
        b = next((t["bounce"] for t in kim["timeline"] if t["kind"] == "bounce"), {}) if kim else {}
        check(b.get("channel") == "one_to_one" and b.get("matched_by") == "in_reply_to" and
              any("In-Reply-To" in e for e in b.get("evidence", [])), f"the bounce says how it matched: {b}")
        status, _, _, lee = serve.request("GET", "/v1/contacts/lee@customer.example", key)
        check(status == 200 and not lee["suppressed"] and lee["bounce_status"] == "none",
              f"a one-to-one CONTENT bounce is recorded only: {lee and lee['bounce_status']}")
        status, _, _, pat = serve.request("GET", "/v1/contacts/pat@customer.example", key)
        check(status == 200 and "auto_reply" in [t["kind"] for t in pat["timeline"]], "pat's auto-reply on the timeline")
        status, _, _, listed = serve.request("GET", "/v1/inboxes", key)
        check(status == 200 and len(listed["data"]) == 2 and
              all("password" not in i and "secret" not in json.dumps(i) for i in listed["data"]),
              "the API lists the inboxes without credentials")
        status, _, _, _ = serve.request("GET", f"/v1/inboxes/{alice}")
        check(status == 401, "no key, no inbox")
        serve.account("other")
        other = serve.key("other")
        for method, path, body in (("GET", f"/v1/inboxes/{alice}", None), ("DELETE", f"/v1/inboxes/{alice}", None),
                                   ("POST", f"/v1/inboxes/{alice}/send", {"to": "x@customer.example"})):
            status, _, _, j = serve.request(method, path, other, body)
            check(status == 404, f"another account's key: {method} {path} is 404 like a missing one ({status})")
        status, _, _, j = serve.request("GET", "/v1/inboxes", other)
        check(status == 200 and j["data"] == [], "another account lists no inbox")

        def count():
            return len(one_to_one())

        # --- kill -9 in the middle: a bounce arrives while serve is dead.
        r = cli("inbox", "send", "acme", str(alice), "--to", "joe@customer.example", "--json", stdin="x\n")
        m4 = json.loads(r.stdout)["message_id"] if r.returncode == 0 else ""
        serve.stop(signal.SIGKILL)
        stack.deliver_lmtp("alice", dsn("joe@customer.example", "5.1.1", "550 5.1.1 user unknown",
                                        f"Message-ID: <{m4}>\r\n", in_reply_to=m4))
        serve.start()
        wait_for("the bounce that came while serve was dead", lambda: count() >= 6, timeout=30)
        time.sleep(2)
        check(count() == 6, f"after kill -9 and restart: nothing missed, nothing twice ({count()})")

        # --- Dovecot restarted under the watchers.
        r = cli("inbox", "send", "acme", str(alice), "--to", "max@customer.example", "--json", stdin="x\n")
        m5 = json.loads(r.stdout)["message_id"] if r.returncode == 0 else ""
        stack.restart_dovecot()
        stack.deliver_lmtp("alice", dsn("max@customer.example", "5.1.1", "550 5.1.1 user unknown",
                                        f"Message-ID: <{m5}>\r\n", in_reply_to=m5))
        wait_for("the bounce after Dovecot's restart", lambda: count() >= 7, timeout=30)
        time.sleep(2)
        check(count() == 7, f"after the IMAP server's restart: nothing missed, nothing twice ({count()})")

        # --- UIDVALIDITY changed: the folder is read again, nothing recorded twice.
        r = cli("inbox", "send", "acme", str(alice), "--to", "sam@customer.example", "--json", stdin="x\n")
        m6 = json.loads(r.stdout)["message_id"] if r.returncode == 0 else ""
        before = stack.uidvalidity("alice", "INBOX")
        stack.change_uidvalidity("alice", "INBOX")
        check(stack.uidvalidity("alice", "INBOX") != before, "UIDVALIDITY changed")
        stack.deliver_lmtp("alice", dsn("sam@customer.example", "5.1.1", "550 5.1.1 user unknown",
                                        f"Message-ID: <{m6}>\r\n", in_reply_to=m6))
        wait_for("the bounce after the UIDVALIDITY change", lambda: count() >= 8, timeout=30)
        time.sleep(3)
        check(count() == 8, f"after a UIDVALIDITY change: nothing missed, nothing twice ({count()})")
        folder = serve.sql(f"SELECT uidvalidity FROM inbox_folders WHERE inbox_id = {alice} AND role = 'inbox'")
        check(folder and int(folder[0][0]) == stack.uidvalidity("alice", "INBOX"), "the new UIDVALIDITY is kept")

        check(stack.refresh_count >= 2 and refresh not in stack._refresh,
              f"bob's refresh token was rotated ({stack.refresh_count} refreshes) and the new ones kept")
        # --- Credentials that stop working are shown to their user.
        for r in [r for r, (user, _) in list(stack._refresh.items()) if user == "bob"]:
            stack.revoke_refresh_token(r)
        stack.expire_access_tokens()
        stack.restart_dovecot()  # drops the connection: the watcher logs in again
        state = wait_for("bob's inbox marked auth_failed", lambda: next(
            (i for i in map(json.loads, cli("inbox", "list", "acme", "--json").stdout.splitlines())
             if i["id"] == bob and i["state"] == "auth_failed"), None), timeout=30)
        check(state is not None and state.get("last_error"), f"with why: {state and state.get('last_error')}")

        r = cli("inbox", "remove", "acme", str(bob))
        r = cli("inbox", "list", "acme", "--json")
        check([json.loads(x)["id"] for x in r.stdout.splitlines()] == [alice], "a removed inbox is gone")
        check(serve.stop() == 0, "serve stops cleanly")
        log = open(serve.log_path).read()
        check(stack.password("alice") not in log and refresh not in log, "no credential in the log")
    check.done()


if __name__ == "__main__":
    main()
