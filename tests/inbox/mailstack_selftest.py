"""Proves tests/inbox/mailstack.py with Python's standard library alone:
every server of the stack, reached as the connected-inbox code will reach it.

    python3 tests/inbox/mailstack_selftest.py [--many] [--keep]

--many also starts a 600-user stack and holds 600 IMAP sessions at once;
--keep leaves the work folder for reading the servers' logs. Exits 0 when
every check passed.
"""
import argparse
import base64
import concurrent.futures
import imaplib
import json
import os
import re
import shutil
import smtplib
import socket
import ssl
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mailstack import MailStack  # noqa: E402

PASSED, FAILED = [], []


def check(name, cond, detail=""):
    (PASSED if cond else FAILED).append(name)
    print(f"{'ok  ' if cond else 'FAIL'} {name}" + (f": {detail}" if detail and not cond else ""), flush=True)
    return cond


def section(name, fn, *args):
    """Runs one group of checks; an exception fails the group, not the run."""
    try:
        fn(*args)
    except Exception:  # noqa: BLE001 - reported as a failed check
        check(f"{name} ran without an exception", False, traceback.format_exc())


def message(subject, body="Hello.\r\n"):
    return (f"From: sender@example.org\r\nTo: someone@localhost\r\nSubject: {subject}\r\n"
            f"Message-ID: <{time.time_ns()}@example.org>\r\n\r\n{body}").encode()


def refresh(stack, r, client_id=None):
    """A refresh-token grant, as the engine will make it; (status, JSON)."""
    form = {"grant_type": "refresh_token", "refresh_token": r, "client_id": client_id or stack.client_id}
    try:
        with urllib.request.urlopen(stack.token_url, urllib.parse.urlencode(form).encode(), timeout=5) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def xoauth2(user, token):
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


def tls(stack):
    return ssl.create_default_context(cafile=stack.ca_file)


def imaps(stack):
    return imaplib.IMAP4_SSL(stack.imap_host, stack.imaps_port, ssl_context=tls(stack), timeout=10)


def login(stack, user):
    m = imaps(stack)
    m.login(user, stack.password(user))
    return m


def count(stack, user, mailbox="INBOX"):
    m = login(stack, user)
    try:
        typ, data = m.select(mailbox, readonly=True)  # EXAMINE
        return int(data[0])
    finally:
        m.logout()


# ---- checks --------------------------------------------------------------------------------

def imap_password(stack):
    m = imaplib.IMAP4(stack.imap_host, stack.imap_port, timeout=10)
    check("IMAP port offers STARTTLS", "STARTTLS" in m.capabilities, m.capabilities)
    m.starttls(tls(stack))
    check("STARTTLS verifies against ca_file (localhost, 127.0.0.1)", True)
    typ, _ = m.login("alice", stack.password("alice"))
    check("LOGIN with the password after STARTTLS", typ == "OK")
    check("imap_logins() shows it, with TLS", stack.imap_logins()[-1:] == [{"user": "alice", "method": "PLAIN",
                                                                           "tls": True}], stack.imap_logins())
    typ, boxes = m.list()
    names = b"\n".join(boxes)
    check("INBOX, Junk (\\Junk) and Sent (\\Sent) exist", b"\\Junk" in names and b"\\Sent" in names
          and b"INBOX" in names, names)
    m.logout()
    m = imaps(stack)
    try:
        m.login("alice", "wrong")
        check("a wrong password is refused", False)
    except imaplib.IMAP4.error:
        check("a wrong password is refused", True)
    m.logout()


def imap_xoauth2(stack):
    r = stack.add_refresh_token("alice")
    before = stack.refresh_count
    status, tok = refresh(stack, r)
    check("/token gives an access token for a refresh token", status == 200 and tok.get("token_type") == "Bearer"
          and tok.get("expires_in") == stack.expires_in and tok.get("access_token"), tok)
    check("refresh_count counts it", stack.refresh_count == before + 1)
    status2, tok2 = refresh(stack, r)
    check("each refresh gives a fresh access token", status2 == 200 and tok2["access_token"] != tok["access_token"])
    status, err = refresh(stack, "r-unknown")
    check("an unknown refresh token gets 400 invalid_grant", status == 400 and err == {"error": "invalid_grant"}, err)
    status, err = refresh(stack, r, client_id="someone-else")
    check("a wrong client_id gets 401 invalid_client", status == 401 and err == {"error": "invalid_client"}, err)

    m = imaps(stack)
    check("IMAPS offers AUTH=XOAUTH2 and AUTH=OAUTHBEARER",
          "AUTH=XOAUTH2" in m.capabilities and "AUTH=OAUTHBEARER" in m.capabilities, m.capabilities)
    typ, _ = m.authenticate("XOAUTH2", lambda _: xoauth2("alice", tok["access_token"]))
    check("AUTHENTICATE XOAUTH2 with the access token on IMAPS", typ == "OK")
    m.logout()
    calls = [c for c in stack.token_log if c["path"] == "/introspect"]
    check("Dovecot asked /introspect with form field token", calls and calls[-1]["form"].get("token")
          == tok["access_token"], calls[-1:])

    m = imaps(stack)
    try:
        m.authenticate("XOAUTH2", lambda _: xoauth2("bob", tok["access_token"]))
        check("alice's token does not log bob in", False)
    except imaplib.IMAP4.error:
        check("alice's token does not log bob in", True)
    m.logout()

    stack.expire_access_tokens()
    m = imaps(stack)
    t0 = time.monotonic()
    try:
        # imaplib answers the failure's JSON challenge with an empty line.
        m.authenticate("XOAUTH2", lambda _: xoauth2("alice", tok["access_token"]))
        check("an expired access token is refused", False)
    except imaplib.IMAP4.error as e:
        check("an expired access token is refused", "AUTHENTICATE" in str(e) or "failed" in str(e), e)
    m.logout()
    status, tok3 = refresh(stack, r)
    m = imaps(stack)
    typ, _ = m.authenticate("XOAUTH2", lambda _: xoauth2("alice", tok3["access_token"]))
    check("after a refresh the new token works, and quickly (no penalty for the failure)",
          typ == "OK" and time.monotonic() - t0 < 1.9, time.monotonic() - t0)
    m.logout()

    stack.expires_in = 1
    status, short = refresh(stack, r)
    time.sleep(1.2)
    m = imaps(stack)
    try:
        m.authenticate("XOAUTH2", lambda _: xoauth2("alice", short["access_token"]))
        check("a token past its expires_in is refused", False)
    except imaplib.IMAP4.error:
        check("a token past its expires_in is refused", True)
    m.logout()
    stack.expires_in = 3600

    status, tok4 = refresh(stack, r)
    stack.revoke_refresh_token(r)
    status, err = refresh(stack, r)
    check("a revoked refresh token gets invalid_grant", status == 400 and err.get("error") == "invalid_grant")
    m = imaps(stack)
    try:
        m.authenticate("XOAUTH2", lambda _: xoauth2("alice", tok4["access_token"]))
        check("revoking a refresh token ends its access tokens", False)
    except imaplib.IMAP4.error:
        check("revoking a refresh token ends its access tokens", True)
    m.logout()

    stack.rotate_refresh_tokens = True
    r1 = stack.add_refresh_token("bob")
    status, rot = refresh(stack, r1)
    r2 = rot.get("refresh_token")
    status_old, _ = refresh(stack, r1)
    status_new, rot2 = refresh(stack, r2)
    check("rotate_refresh_tokens: a new refresh token each time, the old one refused",
          status == 200 and r2 and r2 != r1 and status_old == 400 and status_new == 200, (status, status_old,
                                                                                          status_new))
    stack.revoke_refresh_token(rot2["refresh_token"])
    m = imaps(stack)
    try:
        m.authenticate("XOAUTH2", lambda _: xoauth2("bob", rot["access_token"]))
        check("revoking a rotated refresh token ends the grant's earlier access tokens", False)
    except imaplib.IMAP4.error:
        check("revoking a rotated refresh token ends the grant's earlier access tokens", True)
    m.logout()
    stack.rotate_refresh_tokens = False

    a = stack.issue_access_token("bob")
    m = imaplib.IMAP4(stack.imap_host, stack.imap_port, timeout=10)
    m.starttls(tls(stack))
    bearer = f"n,a=bob,\x01host=localhost\x01port={stack.imap_port}\x01auth=Bearer {a}\x01\x01".encode()
    typ, _ = m.authenticate("OAUTHBEARER", lambda _: bearer)
    check("AUTHENTICATE OAUTHBEARER after STARTTLS", typ == "OK")
    m.logout()


def lmtp_and_junk(stack):
    n0 = count(stack, "bob")
    stack.deliver_lmtp("bob", message("lmtp one"))
    m = login(stack, "bob")
    typ, data = m.select("INBOX", readonly=True)
    check("an LMTP delivery is in INBOX (EXAMINE)", int(data[0]) == n0 + 1, data)
    typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    check("and it is the message delivered", b"lmtp one" in b"".join(x[1] for x in data if isinstance(x, tuple)))
    j0 = int(m.select("Junk", readonly=True)[1][0])
    m.logout()
    stack.deliver_lmtp("bob", message("spammy"), mailbox="Junk")
    check("deliver_lmtp(mailbox='Junk') lands in Junk, not INBOX",
          count(stack, "bob", "Junk") == j0 + 1 and count(stack, "bob") == n0 + 1)
    stack.deliver_lmtp("bob", message("archived"), mailbox="Archive")
    check("deliver_lmtp into a mailbox that did not exist makes it", count(stack, "bob", "Archive") == 1
          and count(stack, "bob") == n0 + 1)
    try:
        stack.deliver_lmtp("nobody-here", message("x"))
        check("LMTP refuses an unknown user", False)
    except smtplib.SMTPException:
        check("LMTP refuses an unknown user", True)


def idle(stack):
    m = login(stack, "alice")
    typ, data = m.select("INBOX")
    exists = int(data[0])
    tag = m._new_tag().decode()
    m.send(f"{tag} IDLE\r\n".encode())
    check("IDLE is accepted", m.readline().startswith(b"+"))
    m.sock.settimeout(2.0)
    t0 = time.monotonic()
    stack.deliver_lmtp("alice", message("while idling"))
    seen = None
    try:
        while time.monotonic() - t0 < 2.0:
            line = m.readline()
            if re.match(rb"\* (\d+) EXISTS", line):
                seen = int(line.split()[1])
                break
    except (TimeoutError, OSError):
        pass
    dt = time.monotonic() - t0
    check("IDLE announces the delivered message within 2 s", seen == exists + 1, f"{seen} after {dt:.2f}s")
    print(f"     (IDLE notification after {dt * 1000:.0f} ms)")
    m.sock.settimeout(10)
    m.send(b"DONE\r\n")
    while True:
        line = m.readline()
        if line.startswith(tag.encode()):
            break
    check("DONE ends IDLE with OK", b"OK" in line, line)
    m.logout()


def flags_unchanged(stack):
    stack.deliver_lmtp("bob", message("peek me"))
    stack.deliver_lmtp("bob", message("read me"))
    before = stack.flags("bob")
    uids = sorted(before)
    check("flags() lists the messages, none \\Seen", len(uids) >= 2 and all("\\Seen" not in f
                                                                          for f in before.values()), before)
    m = login(stack, "bob")
    m.select("INBOX")
    m.uid("FETCH", f"{uids[-2]}", "(BODY.PEEK[] FLAGS)")
    m.logout()
    check("BODY.PEEK[] changes no flag", stack.flags("bob") == before, stack.flags("bob"))
    m = login(stack, "bob")
    m.select("INBOX")
    m.uid("FETCH", f"{uids[-1]}", "(BODY[])")
    m.logout()
    after = stack.flags("bob")
    check("while BODY[] sets \\Seen (so the check above can fail)", "\\Seen" in after[uids[-1]]
          and after[uids[-2]] == before[uids[-2]], after)


def uidvalidity(stack):
    stack.deliver_lmtp("alice", message("kept across uidvalidity"))
    m = login(stack, "alice")
    m.select("INBOX")
    old = int(m.response("UIDVALIDITY")[1][0])
    n = len(m.uid("SEARCH", None, "ALL")[1][0].split())
    check("uidvalidity() is what IMAP says", stack.uidvalidity("alice") == old)
    new = stack.change_uidvalidity("alice")
    try:
        typ, _ = m.noop()
        print(f"     (a session that had INBOX selected: NOOP -> {typ} {m.untagged_responses})")
    except (imaplib.IMAP4.abort, OSError) as e:
        print(f"     (a session that had INBOX selected is disconnected: {e})")
    try:
        m.logout()
    except (imaplib.IMAP4.abort, OSError):
        pass
    m = login(stack, "alice")
    m.select("INBOX")
    now = int(m.response("UIDVALIDITY")[1][0])
    n2 = len(m.uid("SEARCH", None, "ALL")[1][0].split())
    m.logout()
    check("change_uidvalidity gives INBOX a new UIDVALIDITY", now == new and now != old, (old, new, now))
    check("its messages are still there", n2 == n and n > 0, (n, n2))
    return new


def restart(stack, validity):
    n = count(stack, "alice")
    m = login(stack, "alice")
    stack.restart_dovecot()
    try:
        m.noop()
        check("restart_dovecot drops connected sessions", False)
    except (imaplib.IMAP4.abort, OSError, EOFError):
        check("restart_dovecot drops connected sessions", True)
    check("after restart_dovecot the mail is kept", count(stack, "alice") == n)
    check("and so is the changed UIDVALIDITY", stack.uidvalidity("alice") == validity)
    stack.deliver_lmtp("alice", message("after restart"))
    check("LMTP on the same port after the restart", count(stack, "alice") == n + 1)


def submission(stack):
    sunk = len(stack.sunk_messages())
    c = smtplib.SMTP(stack.smtp_host, stack.submission_port, timeout=10)
    c.ehlo("client.example")
    check("submission offers no AUTH before STARTTLS", not c.has_extn("auth"), c.esmtp_features)
    try:
        c.mail("alice@localhost")
        code, _ = c.rcpt("bob@example.com")
        check("submission refuses mail before STARTTLS", code >= 500, code)
    except smtplib.SMTPException:
        check("submission refuses mail before STARTTLS", True)
    c.rset()
    c.starttls(context=tls(stack))
    c.ehlo("client.example")
    check("after STARTTLS it offers AUTH PLAIN", "PLAIN" in c.esmtp_features.get("auth", ""), c.esmtp_features)
    try:
        c.mail("alice@localhost")
        code, _ = c.rcpt("bob@example.com")
        check("relaying without AUTH is refused", code >= 500, code)
    except smtplib.SMTPException:
        check("relaying without AUTH is refused", True)
    c.rset()
    c.login("alice", stack.password("alice"))
    body = message("submitted", "line one\r\n.leading dot\r\n")
    c.sendmail("alice@localhost", ["bob@example.com"], body)
    try:
        c.sendmail("alice@localhost", ["refused@example.com"], message("to refused"))
        check("'refused' gets 550 5.1.1 at RCPT", False)
    except smtplib.SMTPRecipientsRefused as e:
        code, text = e.recipients["refused@example.com"]
        check("'refused' gets 550 5.1.1 at RCPT", code == 550 and text == b"5.1.1 <refused@example.com>: "
              b"Recipient address rejected: User unknown in virtual mailbox table", (code, text))
    c.mail("alice@localhost")
    ok = c.rcpt("carol@example.net")[0]
    bad = c.rcpt("refused@example.net")[0]
    c.data(message("one of two"))
    check("a refused recipient among good ones: only it refused", ok == 250 and bad == 550, (ok, bad))
    c.quit()
    msgs = stack.wait_sunk(sunk + 2, 10)
    got = msgs[sunk]
    check("the submitted message reaches the sink", b"Subject: submitted" in got and
          got.endswith(b"line one\r\n.leading dot\r\n"), got[-200:])
    s = stack.sunk()[sunk]
    check("sunk() has its envelope", s.mail_from == "alice@localhost" and s.rcpts == ["bob@example.com"],
          (s.mail_from, s.rcpts))
    check("the refused recipient reached nothing", all("refused@" not in r for x in stack.sunk() for r in x.rcpts))


def submission_xoauth2(stack):
    sunk = len(stack.sunk_messages())
    c = smtplib.SMTP_SSL(stack.smtp_host, stack.submissions_port, context=tls(stack), timeout=10)
    c.ehlo("client.example")
    check("implicit-TLS submission port answers EHLO", True)
    mechs = c.esmtp_features.get("auth", "").split()
    has = "XOAUTH2" in mechs
    check("Postfix passes Dovecot's XOAUTH2 through (AUTH lists it)", has, mechs)
    if has:
        r = stack.add_refresh_token("bob")
        _, tok = refresh(stack, r)
        code, _ = c.docmd("AUTH", "XOAUTH2 " + base64.b64encode(xoauth2("bob", tok["access_token"])).decode())
        check("AUTH XOAUTH2 on the implicit-TLS port", code == 235, code)
        c.sendmail("bob@localhost", ["dave@example.com"], message("via xoauth2"))
        c.quit()
        stack.expire_access_tokens()
        c = smtplib.SMTP(stack.smtp_host, stack.submission_port, timeout=10)
        c.starttls(context=tls(stack))
        c.ehlo("client.example")
        code, challenge = c.docmd("AUTH", "XOAUTH2 " + base64.b64encode(xoauth2("bob", tok["access_token"])).decode())
        detail = base64.b64decode(challenge) if code == 334 else challenge
        code2, text = c.docmd("") if code == 334 else (code, challenge)
        check("an expired token: 334 with the error JSON, then 535", code == 334 and code2 == 535, (code, detail,
                                                                                                    code2, text))
        print(f"     (XOAUTH2 failure challenge: {detail!r}, then {code2} {text.decode()})")
    else:
        c.login("bob", stack.password("bob"))
        c.sendmail("bob@localhost", ["dave@example.com"], message("via xoauth2"))
    c.quit()
    msgs = stack.wait_sunk(sunk + 1, 10)
    check("mail from the implicit-TLS port reaches the sink", b"via xoauth2" in msgs[sunk])


def strict(workdir):
    # Deep, as pytest's folders can be: past what a UNIX socket path allows.
    deep = os.path.join(workdir, *["a-folder-deep-down-for-long-socket-paths"] * 3)
    with MailStack(deep, strict_tls=True) as stack:
        check("a deep work folder works (through a short link)", len(deep) > 108 and stack.root != deep)
        check("strict_tls: IMAP on 127.0.0.2", stack.imap_host == "127.0.0.2")
        m = imaplib.IMAP4(stack.imap_host, stack.imap_port, timeout=10)
        check("strict_tls: LOGINDISABLED before STARTTLS", "LOGINDISABLED" in m.capabilities, m.capabilities)
        try:
            m.login("alice", stack.password("alice"))
            check("strict_tls: LOGIN before STARTTLS refused", False)
        except imaplib.IMAP4.error:
            check("strict_tls: LOGIN before STARTTLS refused", True)
        m.starttls(tls(stack))
        check("strict_tls: LOGIN after STARTTLS", m.login("alice", stack.password("alice"))[0] == "OK")
        m.logout()
        m = imaplib.IMAP4_SSL(stack.imap_host, stack.imaps_port, ssl_context=tls(stack), timeout=10)
        check("strict_tls: IMAPS verifies 127.0.0.2", m.login("bob", stack.password("bob"))[0] == "OK")
        m.logout()
        stack.deliver_lmtp("bob", message("deep"))
        c = smtplib.SMTP_SSL(stack.smtp_host, stack.submissions_port, context=tls(stack), timeout=10)
        c.login("bob", stack.password("bob"))
        c.sendmail("bob@localhost", ["x@example.com"], message("deep submission"))
        c.quit()
        check("the deep stack delivers and submits", count(stack, "bob") == 1 and len(stack.wait_sunk(1)) == 1)
    # The default host, for comparison: Dovecot lets 127.0.0.1 to itself in.
    with MailStack(workdir + "-default") as stack:
        m = imaplib.IMAP4(stack.imap_host, stack.imap_port, timeout=10)
        ok = m.login("alice", stack.password("alice"))[0] == "OK"
        m.logout()
        check("default host: LOGIN without STARTTLS is allowed (loopback counts as secured)",
              ok and stack.imap_logins()[-1]["tls"] is False, stack.imap_logins())


def many(workdir):
    users = [f"u{i}" for i in range(600)]
    t0 = time.monotonic()
    with MailStack(workdir, users=users) as stack:
        print(f"     (600-user stack started in {stack.start_seconds:.2f} s)")
        check("a 600-user stack starts in under 5 s", stack.start_seconds < 5, stack.start_seconds)
        ctx = tls(stack)
        tokens = {u: stack.issue_access_token(u) for u in users[::3]}

        def open_one(u):
            m = imaplib.IMAP4_SSL(stack.imap_host, stack.imaps_port, ssl_context=ctx, timeout=30)
            if u in tokens:
                m.authenticate("XOAUTH2", lambda _: xoauth2(u, tokens[u]))
            else:
                m.login(u, stack.password(u))
            m.select("INBOX")
            return m

        t1 = time.monotonic()
        sessions, errors = [], []
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            for f in [pool.submit(open_one, u) for u in users]:
                try:
                    sessions.append(f.result())
                except Exception as e:  # noqa: BLE001 - counted below
                    errors.append(repr(e))
        dt = time.monotonic() - t1
        print(f"     (600 logins, a third XOAUTH2, in {dt:.1f} s)")
        check("600 simultaneous IMAP sessions log in and SELECT", len(sessions) == 600, errors[:3])
        # All still open: each answers a NOOP.
        alive = 0
        for m in sessions:
            try:
                alive += m.noop()[0] == "OK"
            except Exception:  # noqa: BLE001
                pass
        check("all 600 stay open together (NOOP on each)", alive == 600, alive)
        stack.deliver_lmtp("u599", message("to the last"))
        check("delivery while 600 are connected", count(stack, "u599") == 1)
        for m in sessions:
            try:
                m.logout()
            except Exception:  # noqa: BLE001
                pass
        log = stack.dovecot_log(10 ** 9)
        check("Dovecot logged no limit reached", "reached" not in log and "Fatal" not in log,
              [line for line in log.splitlines() if "reached" in line or "Fatal" in line][:3])
        pids = stack.processes()
    check("none of the 600-user stack's processes is left", not [p for p in pids if _state(p) not in ("gone", "Z")])
    print(f"     (600-user stack up, used and down in {time.monotonic() - t0:.1f} s)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--many", action="store_true", help="also the 600-user benchmark stack")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="mailstack-selftest-")
    try:
        with MailStack(os.path.join(work, "stack")) as stack:
            print(f"     (stack started in {stack.start_seconds:.2f} s)")
            check("the stack starts in under 3 s", stack.start_seconds < 3, stack.start_seconds)
            section("IMAP with a password", imap_password, stack)
            section("IMAP with XOAUTH2", imap_xoauth2, stack)
            section("LMTP and Junk", lmtp_and_junk, stack)
            section("IDLE", idle, stack)
            section("flags", flags_unchanged, stack)
            validity = []
            section("UIDVALIDITY", lambda: validity.append(uidvalidity(stack)))
            section("restart", restart, stack, validity[0] if validity else None)
            section("submission", submission, stack)
            section("submission XOAUTH2", submission_xoauth2, stack)
            pids = stack.processes()
            t0 = time.monotonic()
        print(f"     (stack stopped in {time.monotonic() - t0:.2f} s)")
        check("the stack had its processes", len(pids) > 5, pids)
        check("none is left after it stopped", not [p for p in pids if os.path.exists(f"/proc/{p}")
                                                     and _state(p) != "Z"])
        check("the token server is closed", not _listening(stack.token_port))
        section("strict_tls", strict, os.path.join(work, "strict"))
        if args.many:
            section("600 users", many, os.path.join(work, "many"))
        leftovers = [p for p in os.listdir("/proc") if p.isdigit() and work.encode() in _cmdline_env(p)]
        check("no process names the work folder", not leftovers, leftovers)
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    return 1 if FAILED else 0


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def _listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _cmdline_env(pid):
    """What identifies a process as ours: its command line and environment
    name the work folder (Postfix's daemons carry MAIL_CONFIG)."""
    out = b""
    for name in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as f:
                out += f.read()
        except OSError:
            pass
    return out


if __name__ == "__main__":
    sys.exit(main())
