"""One `rebound serve` watching many Dovecot inboxes at once (IDLE): its peak
RSS and CPU while idle, and the time from the LMTP delivery of a bounceback to
its record (p50, p99).

usage: inbox_bench.py REBOUND [--inboxes 500] [--bouncebacks 1000] [--rate 50] [--idle-seconds 30]

Everything real and private, as in tests/inbox: Dovecot (IMAP with IDLE, LMTP),
Postfix as the submission server, Rebound on SQLite. The inboxes are
connected and the one-to-one email sent through the API; the bouncebacks are
direct replies delivered over LMTP at --rate per second, spread over the
inboxes; a record is seen by polling the store every 5 ms, so the figures
include up to 5 ms of observation.
"""
import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "inbox"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "http"))
from api_fixture import Serve  # noqa: E402
from mailstack import MailStack  # noqa: E402


def proc_stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return 0


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def dsn(rcpt, message_id):
    return ("From: MAILER-DAEMON@mx.customer.example\r\nTo: sales@localhost\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            f"Message-ID: <{os.urandom(8).hex()}@mx.customer.example>\r\n"
            f"In-Reply-To: <{message_id}>\r\nReferences: <{message_id}>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
            "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n"
            "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.customer.example\r\n\r\n"
            f"Final-Recipient: rfc822; {rcpt}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            f"Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown\r\n\r\n"
            "--B--\r\n").encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rebound")
    ap.add_argument("--inboxes", type=int, default=500)
    ap.add_argument("--bouncebacks", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=50.0)
    ap.add_argument("--idle-seconds", type=float, default=30.0)
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="rebound-inbox-bench-")
    os.chmod(work, 0o755)
    users = [f"u{i}" for i in range(a.inboxes)]
    t0 = time.time()
    with MailStack(os.path.join(work, "mail"), users=users) as stack:
        print(f"mail stack with {a.inboxes} users up in {time.time() - t0:.1f} s", flush=True)
        db_path = os.path.join(work, "rebound.db")
        tables = f"""
[inboxes]
ca_file = "{stack.ca_file}"
poll_seconds = 60
max_per_node = {a.inboxes + 10}
"""
        serve = Serve(a.rebound, os.path.join(work, "serve"), "sqlite:" + db_path, tables=tables)
        serve.account("acme")
        key = serve.key("acme")
        # The inboxes' owners, written straight into the store: a CLI user
        # each would spend minutes hashing passwords no one signs in with.
        con = sqlite3.connect(db_path)
        acct = con.execute("SELECT id FROM accounts WHERE name = 'acme'").fetchone()[0]
        con.executemany("INSERT INTO users (account_id, email, password_hash, created_at) VALUES (?, ?, 'x', 0)",
                        [(acct, f"{u}@localhost") for u in users])
        con.commit()
        serve.start()
        pid = serve.proc.pid

        t = time.time()
        inbox_ids = {}
        for u in users:
            status, _, _, j = serve.request("POST", "/v1/inboxes", key, {
                "user_email": f"{u}@localhost", "address": f"{u}@localhost", "imap_host": stack.imap_host,
                "imap_port": stack.imaps_port, "imap_tls": "tls", "smtp_host": stack.imap_host,
                "smtp_port": stack.submissions_port, "smtp_tls": "tls", "username": u,
                "password": stack.password(u)})
            if status != 201:
                raise SystemExit(f"connect {u}: {status} {j}")
            inbox_ids[u] = j["id"]
        print(f"{a.inboxes} inboxes connected in {time.time() - t:.1f} s", flush=True)

        # Two tracked emails per inbox (at least as many as bouncebacks).
        per = max(1, (a.bouncebacks + a.inboxes - 1) // a.inboxes)
        sends = []
        t = time.time()
        for k in range(per):
            for u in users:
                status, _, _, j = serve.request("POST", f"/v1/inboxes/{inbox_ids[u]}/send", key,
                                                {"to": f"c{k}-{u}@customer.example", "subject": "hi", "body": "hi"})
                if status != 201 or j["state"] != "delivered":
                    raise SystemExit(f"send {u}: {status} {j}")
                sends.append((u, f"c{k}-{u}@customer.example", j["message_id"], j["send_id"]))
        print(f"{len(sends)} one-to-one emails sent in {time.time() - t:.1f} s", flush=True)

        deadline = time.time() + 300
        while time.time() < deadline:
            n = con.execute("SELECT COUNT(*) FROM inboxes WHERE state = 'watching'").fetchone()[0]
            if n == a.inboxes:
                break
            time.sleep(0.5)
        print(f"{n} inboxes watching after {time.time() - t0:.1f} s", flush=True)

        # Idle: nothing arrives.
        time.sleep(5)
        ticks = os.sysconf("SC_CLK_TCK")
        c0, w0 = proc_stat(pid), time.time()
        time.sleep(a.idle_seconds)
        c1, w1 = proc_stat(pid), time.time()
        idle_cpu = (c1 - c0) / ticks / (w1 - w0) * 100
        rss_idle = proc_status(pid, "VmRSS")
        threads = proc_status(pid, "Threads")
        print(f"idle: CPU {idle_cpu:.2f}% of one core over {w1 - w0:.0f} s, RSS {rss_idle / 1024:.1f} MB, "
              f"{threads} threads", flush=True)

        # Bouncebacks.
        random.seed(7)
        chosen = random.sample(sends, a.bouncebacks) if a.bouncebacks <= len(sends) else sends
        delivered = {}  # send id -> time the LMTP delivery was acknowledged
        seen = {}
        stop = threading.Event()

        def watch():
            last = 0
            c = sqlite3.connect(db_path)
            while not stop.is_set():
                rows = c.execute("SELECT id, send_id FROM bounce_events WHERE id > ? AND channel = 'one_to_one'",
                                 (last,)).fetchall()
                now = time.time()
                for rid, sid in rows:
                    seen.setdefault(sid, now)
                    last = max(last, rid)
                time.sleep(0.005)

        w = threading.Thread(target=watch)
        w.start()
        t = time.time()
        for i, (u, rcpt, mid, sid) in enumerate(chosen):
            target = t + i / a.rate
            if time.time() < target:
                time.sleep(target - time.time())
            stack.deliver_lmtp(u, dsn(rcpt, mid))
            delivered[sid] = time.time()
        deadline = time.time() + 60
        while len(seen) < len(delivered) and time.time() < deadline:
            time.sleep(0.1)
        stop.set()
        w.join()
        lat = [(seen[s] - d) * 1000 for s, d in delivered.items() if s in seen]
        missing = len(delivered) - len(lat)
        peak = proc_status(pid, "VmHWM")
        print(f"bouncebacks: {len(delivered)} delivered at {a.rate:g}/s, {len(lat)} recorded, {missing} not seen")
        if lat:
            print(f"delivery to record: p50 {pct(lat, 50):.0f} ms, p90 {pct(lat, 90):.0f} ms, "
                  f"p99 {pct(lat, 99):.0f} ms, max {max(lat):.0f} ms, mean {statistics.mean(lat):.0f} ms")
        print(f"peak RSS (VmHWM) {peak / 1024:.1f} MB")
        print(json.dumps({"inboxes": a.inboxes, "idle_cpu_pct": round(idle_cpu, 2), "rss_idle_mb": round(
            rss_idle / 1024, 1), "peak_rss_mb": round(peak / 1024, 1), "threads": threads,
            "p50_ms": round(pct(lat, 50)) if lat else None, "p99_ms": round(pct(lat, 99)) if lat else None,
            "not_seen": missing}))
        serve.stop()


if __name__ == "__main__":
    main()
