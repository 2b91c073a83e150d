#!/usr/bin/env python3
"""The bounce lab's driver, run by scripts/bounce-lab inside one server's
private mount and network namespaces (loopback only).

It starts a DNS server (unbound), a receiving Postfix that refuses in known
ways, a Dovecot LMTP server with quota, a refusing and a silent address, and
a capture sink for the bounce domain; configures the reporting server under
test; sends the cases of cases.py through it; and writes every message that
comes back, with the truth the case caused, as the lab corpus.

    lab.py --server NAME --root DIR --work DIR --out DIR [--subset]
    lab.py --relabel --server NAME --work DIR --out DIR [--subset]
    lab.py --merge-labels --out DIR

--relabel labels a finished run's captures again (after a change to
cases.py's truth), from the send times the run kept in its work folder.
"""
import argparse
import email.utils
import json
import os
import re
import shutil
import smtplib
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cases as casedefs  # noqa: E402
import servers  # noqa: E402

# Addresses on the namespace's loopback.
DNS = "127.0.0.1"
REPORTER = "127.0.0.2"
SINK = "127.0.0.5"
RECEIVER = "127.0.0.10"
RECEIVER_SMALL = "127.0.0.11"
RECEIVER_RBL = "127.0.0.13"
LMTP = "127.0.0.20"
REFUSED = "127.0.0.40"
SILENT = "127.0.0.41"


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# ---- DNS ----------------------------------------------------------------

def unbound_conf(work):
    records = [
        ("sender.test.", "MX 10 mx.sender.test."), ("mx.sender.test.", f"A {SINK}"),
        ("reporter.test.", "MX 10 mx.reporter.test."), ("mx.reporter.test.", f"A {REPORTER}"),
        ("ok.test.", "MX 10 mx.ok.test."), ("mx.ok.test.", f"A {RECEIVER}"),
        ("relay.test.", "MX 10 mx.ok.test."),
        ("notls.test.", "MX 10 mx.ok.test."),
        ("quota.test.", "MX 10 mx.ok.test."),
        ("big.test.", "MX 10 mx.big.test."), ("mx.big.test.", f"A {RECEIVER_SMALL}"),
        ("rbl.test.", "MX 10 mx.rbl.test."), ("mx.rbl.test.", f"A {RECEIVER_RBL}"),
        ("lmtp.quota.test.", f"A {LMTP}"),
        ("refused.test.", "MX 10 mx.refused.test."), ("mx.refused.test.", f"A {REFUSED}"),
        ("silent.test.", "MX 10 mx.silent.test."), ("mx.silent.test.", f"A {SILENT}"),
        ("nullmx.test.", "MX 0 ."),
        ("mail.dovecot.test.", "A 127.0.0.30"),
        # The DNS block list the receiver consults: the reporter is listed.
        ("2.0.0.127.bl.test.", "A 127.0.0.2"), ("1.0.0.127.bl.test.", "A 127.0.0.2"),
        ("1.0.0.127.bl.test.", 'TXT "listed: see bl.test"'), ("2.0.0.127.bl.test.", 'TXT "listed: see bl.test"'),
    ]
    lines = [
        "server:", f"  interface: {DNS}", "  port: 53", "  do-ip6: no", "  access-control: 127.0.0.0/8 allow",
        '  chroot: ""', '  username: ""', f'  directory: "{work}/unbound"', f'  pidfile: "{work}/unbound.pid"',
        "  use-syslog: no", f'  logfile: "{work}/unbound.log"', '  module-config: "iterator"',
        "  do-not-query-localhost: no", '  local-zone: "test." static', '  local-zone: "127.in-addr.arpa." static',
    ]
    for name, data in records:
        q = "'" if '"' in data else '"'
        lines.append(f"  local-data: {q}{name} {data}{q}")
    for ip, name in [(REPORTER, "mx.reporter.test"), (SINK, "mx.sender.test"), (RECEIVER, "mx.ok.test"),
                     (RECEIVER_SMALL, "mx.big.test"), (RECEIVER_RBL, "mx.rbl.test"), ("127.0.0.1", "localhost")]:
        lines.append(f'  local-data-ptr: "{ip} {name}"')
    return "\n".join(lines) + "\n"


# ---- capture sink and silent host --------------------------------------------

class Capture:
    def __init__(self, directory):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.n = 0

    def save(self, mail_from, rcpts, data):
        with self.lock:
            self.n += 1
            n = self.n
        stem = f"{n:05d}"
        (self.dir / f"{stem}.eml").write_bytes(data)
        (self.dir / f"{stem}.json").write_text(json.dumps(
            {"from": mail_from, "rcpts": rcpts, "time": time.time()}))


def sink_handler(capture):
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, text):
            self.wfile.write(text.encode() + b"\r\n")
            self.wfile.flush()

        def handle(self):
            self.reply("220 mx.sender.test ESMTP lab sink")
            mail_from, rcpts = None, []
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                cmd = line.decode("latin-1").strip()
                verb = cmd[:4].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250-mx.sender.test\r\n250-8BITMIME\r\n250 SMTPUTF8" if verb == "EHLO"
                               else "250 mx.sender.test")
                elif verb == "MAIL":
                    mail_from, rcpts = cmd[10:].split(" ")[0].strip("<>"), []
                    self.reply("250 2.1.0 Ok")
                elif verb == "RCPT":
                    rcpts.append(cmd[8:].split(" ")[0].strip("<>").lower())
                    self.reply("250 2.1.5 Ok")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    chunks = []
                    while True:
                        l = self.rfile.readline()
                        if not l or l in (b".\r\n", b".\n"):
                            break
                        if l.startswith(b".."):
                            l = l[1:]
                        chunks.append(l)
                    capture.save(mail_from, rcpts, b"".join(chunks))
                    self.reply("250 2.0.0 Ok: queued")
                elif verb == "QUIT":
                    self.reply("221 2.0.0 Bye")
                    return
                elif verb in ("RSET", "NOOP"):
                    self.reply("250 2.0.0 Ok")
                else:
                    self.reply("502 5.5.2 Error: command not recognized")
    return Handler


class SilentHandler(socketserver.BaseRequestHandler):
    """Accepts the connection and never says a word: a host that times out."""

    def handle(self):
        self.request.settimeout(600)
        try:
            while self.request.recv(4096):
                pass
        except OSError:
            pass


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


def serve(addr, handler):
    s = Server(addr, handler)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s


# ---- sending -------------------------------------------------------------

def body_of(case, variant, rcpts, sender):
    """The message a case sends: plain text, UTF-8, or with an attachment."""
    msgid = f"<lab.{case.server}.{case.number}@sender.test>"
    headers = [
        f"From: Lab Sender <{sender}>",
        "To: " + ", ".join(f"<{r}>" for r in rcpts),
        f"Subject: lab message {case.number}",
        f"Date: {email.utils.formatdate()}",
        f"Message-ID: {msgid}",
        f"X-Rebound-Send-Id: lab-{case.server}-{case.number}",
        "MIME-Version: 1.0",
    ]
    text = f"This is message {case.number} of the bounce lab.\r\n"
    if case.big:
        # about 70 kB, over the small receiver's limit, inside the text part
        # (Courier drops what follows a multipart's closing boundary)
        text += ("x" * 76 + "\r\n") * 900
    if variant % 3 == 1:
        headers.append("Content-Type: text/plain; charset=utf-8")
        headers.append("Content-Transfer-Encoding: 8bit")
        text += "Grüße, привет, こんにちは.\r\n"
    elif variant % 3 == 2:
        headers.append('Content-Type: multipart/mixed; boundary="lab-b"')
        text = ("--lab-b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + text +
                "\r\n--lab-b\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n--lab-b--\r\n")
    else:
        headers.append("Content-Type: text/plain; charset=us-ascii")
    return ("\r\n".join(headers) + "\r\n\r\n" + text).encode()


def send_case(case, sender, port=25):
    rcpts = [r.address for r in case.rcpts]
    data = body_of(case, case.variant, rcpts, sender)
    with smtplib.SMTP(REPORTER, port, local_hostname="client.sender.test", timeout=60) as s:
        s.ehlo()
        dsn = s.has_extn("dsn")
        mail_opts = ["RET=HDRS" if case.variant % 2 else "RET=FULL", f"ENVID=lab-{case.number}"] if dsn else []
        if s.has_extn("8bitmime"):
            mail_opts.append("BODY=8BITMIME")
        s.mail(sender, mail_opts)
        for r in case.rcpts:
            opts = [f"NOTIFY={r.notify}", f"ORCPT=rfc822;{r.address}"] if dsn else []
            code, msg = s.rcpt(r.address, opts)
            if code >= 400:
                log(f"case {case.id}: RCPT {r.address} refused at once: {code} {msg!r}")
        s.data(data)


# ---- collecting ---------------------------------------------------------------

def label_captures(server, cases, capture_dir, out_dir, lifetime, started):
    """Writes each captured message as out/<server>/<case>-<n>.eml with its
    labels: the truth its case caused, one record per bounced recipient in the
    order the message names them."""
    by_sender = {c.sender: c for c in cases}
    dest = Path(out_dir) / server
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    per_case = {}
    for meta in sorted(Path(capture_dir).glob("*.json")):
        info = json.loads(meta.read_text())
        case = next((by_sender[r] for r in info["rcpts"] if r in by_sender), None)
        if case is None:
            log(f"capture {meta.name} for {info['rcpts']}: no case; kept out")
            continue
        per_case.setdefault(case.id, []).append((info["time"], meta.with_suffix(".eml").read_bytes()))
    labels = []
    counts = {}
    for case in cases:
        got = sorted(per_case.get(case.id, []), key=lambda t: t[0])
        for i, (when, raw) in enumerate(got):
            age = when - case.sent_at
            notice = case.notice_for(age, lifetime, i == len(got) - 1, len(got))
            retried = len(got) > 1 and not casedefs.expiring(case.server, case.kind)
            counts[case.id] = counts.get(case.id, 0) + 1
            name = f"{case.id}-{counts[case.id]}.eml"
            (dest / name).write_bytes(raw)
            lower = raw.lower()
            records = [r for r in case.rcpts if r.truth_for(notice, retried) is not None]
            records.sort(key=lambda r: lower.find(r.address.encode()) if r.address.encode() in lower else 1 << 30)
            for k, r in enumerate(records, 1):
                t = r.truth_for(notice, retried)
                label = {"file": f"{server}/{name}", "index": k, "format": server, "server": server,
                         "kind": t.kind, "notice": notice, "cause": t.cause, "type": t.type, "reason": t.reason,
                         "recipient": r.answered or r.address, "age_seconds": round(age)}
                said = casedefs.SAID.get(case.kind)
                # the words, not the lab's own names (addresses, hosts)
                words = re.sub(rb"[^\s<>\[\]'\"]*\.test\b", b"", lower)
                if said and not any(w.encode() in words for w in said):
                    label["cause"], label["reason"] = casedefs.UNSTATED
                    label["note"] = "the notice states no reason"
                if t.type == "NONE":
                    label["not_a_bounce"] = True
                labels.append(label)
    (Path(out_dir) / f"labels-{server}.jsonl").write_text("".join(json.dumps(l) + "\n" for l in labels))
    missing = [c for c in cases if counts.get(c.id, 0) == 0 and c.expects_notice()]
    for c in missing:
        log(f"case {c.id} ({c.kind}): no notice came back")
    log(f"{server}: {sum(counts.values())} messages captured, {len(labels)} labelled records,"
        f" {len(missing)} cases without a notice")
    return missing


def merge_labels(out_dir):
    out = Path(out_dir)
    lines = []
    for p in sorted(out.glob("labels-*.jsonl")):
        lines += [l for l in p.read_text().splitlines() if l.strip()]
    (out / "labels.jsonl").write_text("".join(l + "\n" for l in lines))
    print(f"bounce-lab: {len(lines)} labelled records in {out / 'labels.jsonl'}")


# ---- main ---------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server")
    ap.add_argument("--root")
    ap.add_argument("--work")
    ap.add_argument("--out", required=True)
    ap.add_argument("--subset", action="store_true")
    ap.add_argument("--merge-labels", action="store_true")
    ap.add_argument("--relabel", action="store_true")
    args = ap.parse_args()
    if args.merge_labels:
        merge_labels(args.out)
        return 0
    if args.relabel:
        sent = json.loads((Path(args.work) / "sent.json").read_text())
        cases = casedefs.cases_for(args.server, subset=args.subset)
        for c in cases:
            c.sent_at = sent["cases"].get(c.id, 0.0)
        missing = label_captures(args.server, cases, Path(args.work) / "captured", args.out, sent["lifetime"],
                                 sent["started"])
        merge_labels(args.out)
        return 1 if len(missing) > len(cases) // 10 else 0

    work = Path(args.work)
    root = Path(args.root)
    lifetime, warn = (70, 25) if args.subset else (150, 40)
    env = servers.Env(server=args.server, root=root, work=work, lifetime=lifetime, warn=warn,
                      reporter=REPORTER, receiver=RECEIVER, receiver_small=RECEIVER_SMALL,
                      receiver_rbl=RECEIVER_RBL, lmtp=LMTP, dns=DNS)
    # The namespace's own resolver and host names, for the host's view and the server's root.
    (work / "resolv.conf").write_text(f"nameserver {DNS}\noptions attempts:2 timeout:2\n")
    (work / "hosts").write_text(f"127.0.0.1 localhost\n{REPORTER} mx.reporter.test mx\n")
    for base in (Path("/"), root):
        for f in ("resolv.conf", "hosts"):
            subprocess.run(["mount", "--bind", str(work / f), str(base / "etc" / f)], check=True)
    # The work folder is the same folder in the server's root.
    (root / str(work).lstrip("/")).mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "--bind", str(work), str(root / str(work).lstrip("/"))], check=True)

    try:
        return run(args, work, root, env)
    finally:
        servers.stop_all(env)  # whatever happened, nothing the lab started outlives it


def run(args, work, root, env):
    lifetime = env.lifetime
    (work / "unbound").mkdir()
    (work / "unbound.conf").write_text(unbound_conf(work))
    env.chroot(["unbound", "-c", str(work / "unbound.conf")])
    capture = Capture(work / "captured")
    serve((SINK, 25), sink_handler(capture))
    serve((SILENT, 25), SilentHandler)
    servers.start_receiver(env)
    servers.start_lmtp(env)
    time.sleep(1)

    cases = casedefs.cases_for(args.server, subset=args.subset)
    if args.server == "dovecot":
        started = time.time()
        servers.run_dovecot_cases(env, cases, capture)
        deadline = time.time() + 20
    else:
        servers.start_reporter(env)
        time.sleep(2)
        started = time.time()
        for c in cases:
            c.sent_at = time.time()
            try:
                send_case(c, c.sender)
            except (smtplib.SMTPException, OSError) as e:
                log(f"case {c.id}: sending failed: {e}")
        log(f"{args.server}: {len(cases)} cases sent")
        # Every notice is back once the queue lifetime has passed and the
        # server has run its queue once more.
        deadline = started + lifetime + (40 if args.subset else 90)
    expecting = sum(1 for c in cases if c.expects_notice())
    while time.time() < deadline:
        time.sleep(5)
        got = {json.loads(p.read_text())["rcpts"][0] for p in (work / "captured").glob("*.json")}
        finals = sum(1 for c in cases if c.expects_notice() and c.sender in got)
        if finals == expecting and time.time() > started + lifetime + 20:
            break
    time.sleep(3)
    servers.stop_all(env)
    env.stops.clear()
    (work / "sent.json").write_text(json.dumps({"started": started, "lifetime": lifetime,
                                                "cases": {c.id: c.sent_at for c in cases}}))
    missing = label_captures(args.server, cases, work / "captured", args.out, lifetime, started)
    return 1 if len(missing) > len(cases) // 10 else 0


if __name__ == "__main__":
    sys.exit(main())
