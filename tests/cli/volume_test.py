#!/usr/bin/env python3
"""Volume through Postfix's smtp-sink: `rebound send` to 3,000 recipients over
several reused connections; every one is delivered and recorded.

Usage: volume_test.py REBOUND_BINARY
"""
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

REBOUND = sys.argv[1]
N = 3000
if not shutil.which("smtp-sink"):
    print("smtp-sink not installed; skipped")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)
WORK = tempfile.mkdtemp(prefix="rebound-volume-")
failures = []
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
user = ["-u", "nobody"] if os.geteuid() == 0 else []
# -c counts sessions and messages; PIPELINING is announced by default.
sink = subprocess.Popen(["smtp-sink", *user, f"127.0.0.1:{port}", "256"], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    db = os.path.join(WORK, "v.db")
    config = os.path.join(WORK, "rebound.toml")
    with open(config, "w") as f:
        f.write(f"""[database]
url = "sqlite:{db}"
[bounce]
domain = "bounces.example.net"
keys = [ {{ id = 1, secret = "volume-secret-0123456789ab" }} ]
[delivery]
concurrency_per_destination = 4
routes = [ {{ domain = "sink.example", host = "127.0.0.1:{port}" }} ]
""")
    subprocess.run([REBOUND, "account", "create", "v", "--db", "sqlite:" + db], check=True, capture_output=True)
    with open(os.path.join(WORK, "to.txt"), "w") as f:
        f.write("".join(f"user{i}@sink.example\n" for i in range(N)))
    with open(os.path.join(WORK, "body.txt"), "w") as f:
        f.write("hello\n")
    r = subprocess.run([REBOUND, "send", "v", "--from", "v@shop.example", "--subject", "Volume", "--body-file",
                        os.path.join(WORK, "body.txt"), "--to-file", os.path.join(WORK, "to.txt"), "--config", config],
                       capture_output=True, text=True)
    if r.returncode != 0 or f"{N} delivered" not in r.stdout:
        failures.append(f"send: {r.stdout} {r.stderr[-300:]}")
    con = sqlite3.connect(db)
    delivered = con.execute("SELECT COUNT(*) FROM sends WHERE state = 'delivered'").fetchone()[0]
    attempts = con.execute("SELECT COUNT(*) FROM delivery_attempts WHERE type = 'DELIVERED'").fetchone()[0]
    con.close()
    if delivered != N or attempts != N:
        failures.append(f"{delivered} sends delivered, {attempts} attempts recorded, want {N}")
finally:
    sink.kill()
    shutil.rmtree(WORK, ignore_errors=True)
for f in failures:
    print("FAIL:", f)
print(f"{N} recipients through smtp-sink")
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
