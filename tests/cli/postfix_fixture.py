"""A private Postfix instance for delivery tests: its own configuration
directory, queue and port on loopback, discarding what it accepts and
refusing recipients as its access map says."""
import os
import shutil
import socket
import subprocess
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


MASTER_CF = """pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
tlsmgr unix - - n 1000? 1 tlsmgr
"""


def start(work, access):
    """A private Postfix in `work`: accepts for test.example (and discards),
    refuses what the access map `access` (check_recipient_access lines)
    says. Returns its directory and port."""
    d = os.path.join(work, "postfix")
    os.chmod(work, 0o755)  # Postfix's own processes run as the postfix user
    for sub in ("conf", "queue", "data"):
        os.makedirs(os.path.join(d, sub))
    shutil.chown(os.path.join(d, "data"), "postfix")
    # A self-signed certificate: our client's STARTTLS is opportunistic.
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=mx.test.example", "-keyout", os.path.join(d, "conf", "key.pem"), "-out",
                    os.path.join(d, "conf", "cert.pem")], check=True, capture_output=True)
    port = free_port()
    with open(os.path.join(d, "conf", "main.cf"), "w") as f:
        f.write(f"""compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.test.example
mydestination =
mynetworks = 127.0.0.0/8
relay_domains = test.example
relay_transport = discard
default_transport = discard
smtpd_recipient_restrictions = check_recipient_access texthash:{d}/conf/access, permit_mynetworks, reject
smtpd_relay_restrictions = permit_mynetworks, reject
maillog_file = {d}/maillog
maillog_file_prefixes = {d}
smtpd_tls_security_level = may
smtpd_tls_cert_file = {d}/conf/cert.pem
smtpd_tls_key_file = {d}/conf/key.pem
smtpd_tls_loglevel = 1
""")
    with open(os.path.join(d, "conf", "access"), "w") as f:
        f.write(access)
    with open(os.path.join(d, "conf", "master.cf"), "w") as f:
        f.write(f"127.0.0.1:{port} inet n - n - - smtpd\n" + MASTER_CF)
    r = subprocess.run(["postfix", "-c", os.path.join(d, "conf"), "start"], capture_output=True, text=True)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return d, port
        except OSError:
            time.sleep(0.05)
    log = open(os.path.join(d, "maillog")).read() if os.path.exists(os.path.join(d, "maillog")) else ""
    raise SystemExit(f"postfix did not start: {r.stderr} {log[-500:]}")




def stop(d):
    subprocess.run(["postfix", "-c", os.path.join(d, "conf"), "stop"], capture_output=True)
