"""What the HTTP API tests share: a real `rebound serve` on loopback over a
SQLite file or a PostgreSQL schema, accounts and keys made with the CLI, and a
small client that returns (status, headers, body) for any request."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import testdb  # noqa: E402

SECRETS_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"


class Checks:
    """Counts checks and failures; `done()` prints the summary ctest reads."""

    def __init__(self, name):
        self.name = name
        self.count = 0
        self.failures = []

    def __call__(self, cond, what):
        self.count += 1
        if not cond:
            self.failures.append(what)
            print("FAIL:", what, flush=True)
        return cond

    def done(self):
        print(f"{self.name}: {self.count} checks")
        print(f"{self.count - len(self.failures)} passed, {len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)


class Serve:
    """`rebound serve` with the HTTP API (and optionally the receiver)."""

    def __init__(self, rebound, work, db_url, tables="", receiver=False, env=None, http_extra=""):
        self.rebound = rebound
        self.work = work
        self.db = db_url
        self.env = env
        os.makedirs(work, exist_ok=True)
        self.config = os.path.join(work, "rebound.toml")
        with open(self.config, "w") as f:
            f.write(f"""
[database]
url = "{db_url}"
[bounce]
domain = "bounces.example.net"
keys = [ {{ id = 1, secret = "test-secret-0123456789abcdef" }} ]
[receiver]
enabled = {"true" if receiver else "false"}
listen = "127.0.0.1:0"
[http]
listen = "127.0.0.1:0"
threads = 16
read_timeout_seconds = 3
keep_alive_seconds = 2
max_body_bytes = 2000000
{http_extra}
[secrets]
key = "{SECRETS_KEY}"
{tables}
""")
        self.proc = None
        self.port = 0
        self.smtp_port = 0
        self.log_path = os.path.join(work, "serve.log")

    def start(self):
        offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.rebound, "serve", "--config", self.config], stderr=log,
                                     stdout=subprocess.DEVNULL, env=self.env)
        log.close()
        deadline = time.time() + 20
        while time.time() < deadline:
            with open(self.log_path) as f:
                f.seek(offset)
                text = f.read()
            m = re.findall(r"http port (\d+)", text)
            if m:
                self.port = int(m[-1])
                s = re.findall(r"\(port (\d+)\)", text)
                self.smtp_port = int(s[-1]) if s else 0
                return self
            if self.proc.poll() is not None:
                raise SystemExit(f"serve exited {self.proc.returncode}: {text[-2000:]}")
            time.sleep(0.05)
        raise SystemExit("serve did not start: " + open(self.log_path).read()[-2000:])

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def cli(self, *args, check=True):
        r = subprocess.run([self.rebound, *args, "--db", self.db], capture_output=True, text=True, env=self.env)
        if check and r.returncode != 0:
            raise SystemExit(f"rebound {' '.join(args)}: {r.stderr}")
        return r

    def account(self, name):
        self.cli("account", "create", name)

    def key(self, account=None, scope="write"):
        args = ["apikey", "create"] + ([account, "--scope", scope] if account else ["--operator"])
        return self.cli(*args).stdout.strip().splitlines()[-1]

    def sql(self, query):
        return testdb.sql(self.db, query)

    def request(self, method, path, key=None, body=None, headers=None, ctype=None, timeout=30):
        """(status, headers dict lowercased, body bytes, parsed JSON or None)."""
        h = dict(headers or {})
        if key:
            h["Authorization"] = "Bearer " + key
        data = body
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
        if ctype:
            h["Content-Type"] = ctype
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            raw = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
        finally:
            c.close()
        parsed = None
        if hdrs.get("content-type", "").startswith("application/json"):
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = None
        return r.status, hdrs, raw, parsed


def database(backend, work, prefix):
    return testdb.database_url(backend, work, prefix)


def dsn(recipient, status="5.1.1", diagnostic=None, action="failed", message_id=None):
    """A standard DSN for `recipient`, optionally naming the original's Message-ID."""
    diagnostic = diagnostic or f"550 {status} <{recipient}>: Recipient address rejected: User unknown"
    original = f"Message-ID: <{message_id}>\n" if message_id else ""
    return f"""From: MAILER-DAEMON@mx.example.org
To: news@shop.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

This is the mail system. Your message could not be delivered.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {diagnostic}

--b
Content-Type: text/rfc822-headers

From: news@shop.example
To: {recipient}
Subject: Offers
{original}
--b--
""".encode()
