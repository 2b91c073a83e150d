"""What the receiver tests share: the configuration `rebound serve` reads,
starting it, and the send a bounce is applied to."""
import os
import re
import subprocess

import testdb


def write_config(work, db_url, extra="", tables=""):
    """A configuration file in `work` for the store at `db_url`: bounce
    domain bounces.example.net, one signing key, a receiver on a free port.
    `extra` lines go in the [receiver] table, `tables` after it."""
    path = os.path.join(work, "rebound.toml")
    with open(path, "w") as f:
        f.write(f"""
[database]
url = "{db_url}"
[bounce]
domain = "bounces.example.net"
keys = [ {{ id = 1, secret = "test-secret-0123456789abcdef" }} ]
[receiver]
listen = "127.0.0.1:0"
{extra}
{tables}
""")
    return path


def start(rebound, config, env=None):
    """Starts `rebound serve` (in `env`, if given); returns the process and
    the port it listens on."""
    proc = subprocess.Popen([rebound, "serve", "--config", config], stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stderr.readline()
    m = re.search(r"port (\d+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"serve did not start: {line}{proc.stderr.read()}")
    return proc, int(m.group(1))


def add_send(rebound, db_url):
    """Account acme, contact jane.doe@example.org, and send 1 of a marketing
    email to it (as delivery makes them); true when the account was made."""
    r = subprocess.run([rebound, "account", "create", "acme", "--db", db_url], capture_output=True, text=True)
    testdb.sql(db_url, "INSERT INTO emails (account_id, kind, created_at) VALUES (1, 'marketing', 0)")
    testdb.sql(db_url, "INSERT INTO contacts (account_id, address, created_at) VALUES (1, 'jane.doe@example.org', 0)")
    testdb.sql(db_url, "INSERT INTO sends (email_id, account_id, contact_id, message_id, created_at) "
                       "VALUES (1, 1, 1, 'm1', 0)")
    return r.returncode == 0
