"""Real mail servers for the connected-inbox tests, private and on loopback.

MailStack starts, inside a work folder and on free 127.0.0.1 ports:

- a token server standing in for an OAuth 2.0 provider (refresh-token grant
  at /token, RFC 7662 introspection at /introspect);
- a Dovecot 2.3 with IMAP (STARTTLS and implicit TLS), LMTP, and an auth
  listener for Postfix; users log in with a password (PLAIN, LOGIN) or with
  an access token (XOAUTH2, OAUTHBEARER), which Dovecot's oauth2 passdb checks
  against the token server;
- a Postfix as the submission server (STARTTLS port and implicit-TLS port,
  AUTH through Dovecot), relaying all it accepts to an smtp-sink whose dumps
  the tests read.

Nothing of the host's own Dovecot or Postfix is used: no system service, no
configuration under /etc. It runs as root (as CI does); the mail is owned by
the `dovecot` user. Starting takes a few tenths of a second.

    with MailStack(tmpdir) as stack:
        stack.deliver_lmtp("alice", b"Subject: hi\\r\\n\\r\\nbody\\r\\n")
        imap = imaplib.IMAP4_SSL(stack.imap_host, stack.imaps_port,
                                 ssl_context=ssl.create_default_context(cafile=stack.ca_file))

MailStack(workdir, users=["alice", "bob"], passwords=None, strict_tls=False, debug=False)
  start(), stop(), or `with`; restart_dovecot() (same ports, mail kept)
  addresses: imap_host, imap_port (STARTTLS), imaps_port, lmtp_port,
    smtp_host, submission_port (STARTTLS), submissions_port (implicit TLS), token_url,
    introspect_url, ca_file, domain ("localhost": users are user@localhost)
  users: password(user) (default "pw-<user>")
  tokens: client_id, client_secret (None: not checked), expires_in,
    rotate_refresh_tokens, add_refresh_token(user) -> r,
    revoke_refresh_token(r), expire_access_tokens(), issue_access_token(user),
    refresh_count, token_log
  mail: deliver_lmtp(user, raw, mailbox=None), flags(user, mailbox),
    uidvalidity(user, mailbox), change_uidvalidity(user, mailbox),
    doveadm(*args), imap_logins()
  sink: sunk_messages(), sunk() (with envelopes), wait_sunk(n, timeout)
  debugging: dovecot_log(), postfix_log(), processes(); the servers' files
    are under workdir (dovecot/, postfix/, sink/, mail/, tls/)
"""
import atexit
import base64
import grp
import http.server
import json
import os
import pwd
import random
import re
import resource
import secrets
import shutil
import signal
import smtplib
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from postfix_fixture import MASTER_CF  # noqa: E402  (Postfix's internal services, as the delivery tests run them)

HOST = "127.0.0.1"
STRICT_HOST = "127.0.0.2"  # see strict_tls
DOMAIN = "localhost"


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port():
    """A free port below the ephemeral range: there, no outgoing connection
    (the engine makes hundreds) can take it between now and the server's
    bind. Other stacks choose at random too; start() retries a clash."""
    low = _ephemeral_low()
    for _ in range(100):
        port = random.randrange(10000, low) if low > 11000 else 0
        s = socket.socket()
        try:
            s.bind((HOST, port))
            if port and not _bindable(STRICT_HOST, port):
                continue
            return s.getsockname()[1]
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port")


def _bindable(host, port):
    s = socket.socket()
    try:
        s.bind((host, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def wait_port(port, timeout, what, log=None, host=HOST):
    end = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > end:
                tail = log() if log else ""
                raise RuntimeError(f"{what} does not listen on {host}:{port}\n{tail}")
            time.sleep(0.02)


def tail(path, n=4000):
    try:
        with open(path, "rb") as f:
            return f.read()[-n:].decode(errors="replace")
    except OSError:
        return ""


def children_of(pid):
    """Every descendant of pid, found through /proc (the servers' own
    processes, so that stopping can wait for each of them by its id)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
                parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except (OSError, ValueError):
                pass
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for child, parent in parents.items():
            if parent == p and child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pids, timeout):
    """Waits for pids to end, then kills (by id) those still there."""
    end = time.monotonic() + timeout
    while any(alive(p) for p in pids) and time.monotonic() < end:
        time.sleep(0.02)
    for p in pids:
        if alive(p):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass


# ---- the token server ----------------------------------------------------------------------

@dataclass
class AccessToken:
    user: str
    grant: int  # the add_refresh_token it comes from (0: issue_access_token)
    expires_at: float
    active: bool = True


class TokenServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, stack):
        self.stack = stack
        super().__init__((HOST, 0), TokenHandler)


class TokenHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # Dovecot's HTTP client keeps connections open

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(errors="replace")).items()}
        auth = self.headers.get("Authorization", "")
        path = urllib.parse.urlsplit(self.path).path
        if path == "/token":
            status, answer = self.server.stack._token(form, auth)
        elif path == "/introspect":
            status, answer = self.server.stack._introspect(form)
        else:
            status, answer = 404, {"error": "not_found"}
        self.server.stack._log_call(path, form, status, answer)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass  # the stack keeps its own log of calls


# ---- configuration -------------------------------------------------------------------------

DOVECOT_CONF = """\
# A private Dovecot for the connected-inbox tests (tests/inbox/mailstack.py).
base_dir = {run}
state_dir = {d}/state
instance_name = mailstack-{imap_port}
log_path = {d}/dovecot.log
protocols = imap lmtp
listen = {host}
hostname = {domain}
postmaster_address = postmaster@{domain}
# Our users' mail is owned by the dovecot user (uid below 500).
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull

ssl = yes
ssl_cert = <{tls}/server.pem
ssl_key = <{tls}/server.key
# No password before TLS. But Dovecot counts a connection whose remote and
# local addresses are the same (127.0.0.1 to 127.0.0.1) as secured, and
# allows it there anyway (even with ssl = required): strict_tls puts IMAP on
# 127.0.0.2, where the client's address (127.0.0.1) differs.
disable_plaintext_auth = yes

auth_mechanisms = plain login xoauth2 oauthbearer
auth_username_format = %Ln
auth_verbose = yes
auth_debug = {debug}
# Tests fail logins on purpose (expired, revoked tokens, wrong passwords):
# no 2 s delay on each (auth_failure_delay), and no penalty slowing every
# login from 127.0.0.1 after them, up to 15 s: auth finds no
# anvil-auth-penalty socket, and then keeps no penalties (see the anvil
# service below).
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%Ln {d}/users
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {d}/oauth2.conf.ext
}}
userdb {{
  driver = passwd-file
  args = username_format=%Ln {d}/users
}}

mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  mailbox Junk {{
    special_use = \\Junk
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}

# IDLE: a new message is seen through inotify at once; the check interval
# only bounds what inotify misses.
mailbox_idle_check_interval = 1 secs

# Room for the benchmark's 600 simultaneous logins (one per user), and for
# several connections per user in the other tests.
mail_max_userip_connections = 1000
default_process_limit = 1000
default_client_limit = 4000
service imap-login {{
  inet_listener imap {{
    address = {imap_host}
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = {imap_host}
    port = {imaps_port}
    ssl = yes
  }}
  # One login process for many clients: forking one per TLS connection
  # (each stays as its TLS proxy) would cost 600 processes more.
  service_count = 0
  process_min_avail = 2
  client_limit = 1000
  vsz_limit = 1G
}}
service imap {{
  process_limit = 1500
}}
service lmtp {{
  inet_listener lmtp {{
    address = {host}
    port = {lmtp_port}
  }}
}}
service auth {{
  # For Postfix's smtpd_sasl_path = inet:{host}:{auth_port}: an inet listener
  # of the auth service speaks the auth client protocol.
  inet_listener sasl {{
    address = {host}
    port = {auth_port}
  }}
}}

service anvil {{
  unix_listener anvil-auth-penalty {{
    path = anvil-auth-penalty-disabled
  }}
}}

protocol lmtp {{
  # RCPT TO:<user+Junk@...> saves into the Junk mailbox (deliver_lmtp);
  # a mailbox that does not exist is made, rather than the message going
  # to INBOX without a word.
  lmtp_save_to_detail_mailbox = yes
  lda_mailbox_autocreate = yes
  lda_mailbox_autosubscribe = yes
}}
recipient_delimiter = +
"""

# Dovecot's oauth2 passdb (2.3): with introspection_mode = post it POSTs
# "token=<access token>" form-encoded to introspection_url and reads the JSON
# answer; the login succeeds if active_attribute has active_value and
# username_attribute is the user who logs in.
OAUTH2_CONF = """\
introspection_mode = post
introspection_url = {url}
username_attribute = username
active_attribute = active
active_value = true
"""

POSTFIX_MAIN = """\
# A private Postfix as the submission server (tests/inbox/mailstack.py).
compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = {d}/maillog
maillog_file_prefixes = {d}
inet_interfaces = {host}
inet_protocols = ipv4
myhostname = {domain}
mydestination =
mynetworks = {host}/32
alias_maps =
alias_database =
local_transport = error:no local delivery here
biff = no
smtputf8_enable = yes
# Whatever is accepted goes to the smtp-sink, at once.
relayhost = [{host}]:{sink_port}
smtp_tls_security_level = none
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s

smtpd_tls_cert_file = {tls}/server.pem
smtpd_tls_key_file = {tls}/server.key
smtpd_tls_loglevel = 1
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:{host}:{auth_port}
smtpd_sasl_security_options = noanonymous
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = check_recipient_access regexp:{d}/conf/refused
"""

SUBMISSION = ("-o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes "
              "-o smtpd_client_restrictions=permit_sasl_authenticated,reject")

POSTFIX_MASTER = """\
{smtp_host}:{submission_port} inet n - n - - smtpd
  -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt {sub}
{smtp_host}:{submissions_port} inet n - n - - smtpd
  -o syslog_name=postfix/submissions -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt {sub}
""" + MASTER_CF


# What a real provider's MTA answers for a mailbox that does not exist.
REFUSED = "/^refused@/ 550 5.1.1 User unknown in virtual mailbox table\n"


LOGIN_LINE = re.compile(r"imap-login: Info: Login: user=<(?P<user>[^>]*)>, method=(?P<method>[A-Z0-9-]+),")


@dataclass
class Sunk:
    """One transaction as smtp-sink dumped it."""
    mail_from: str
    rcpts: list
    helo: str
    data: bytes  # the message as Postfix sent it (CRLF line ends, dots unstuffed)
    path: str


# ---- the stack -----------------------------------------------------------------------------

class MailStack:
    """See the module's doc. strict_tls: IMAP (and submission) listen on
    127.0.0.2, where Dovecot refuses LOGIN and AUTHENTICATE PLAIN before
    STARTTLS (it announces LOGINDISABLED), as a real server does; by default
    they listen on 127.0.0.1, where Dovecot allows them. debug: Dovecot's
    auth_debug."""

    def __init__(self, workdir, users=("alice", "bob"), passwords=None, strict_tls=False, debug=False):
        self.workdir = os.path.abspath(str(workdir))
        self.users = list(users)
        self.passwords = {u: (passwords or {}).get(u, f"pw-{u}") for u in self.users}
        self.debug = debug
        self.strict_tls = strict_tls
        self.imap_host = STRICT_HOST if strict_tls else HOST
        self.smtp_host = self.imap_host  # the submission ports
        self.domain = DOMAIN
        self.client_id = "rebound-test"
        self.client_secret = None  # set it to require one at /token
        self.expires_in = 3600  # for the tokens issued from now on
        # As Microsoft's provider does: each refresh also answers a new
        # refresh token, and the one used stops working.
        self.rotate_refresh_tokens = False
        self.refresh_count = 0
        self.token_log = []
        self._lock = threading.Lock()
        self._refresh = {}  # refresh token -> (user, grant)
        self._grants = 0
        self._access = {}  # access token -> AccessToken
        self._dovecot = None
        self._sink = None
        self._postfix_pid = None
        self._token_server = None
        self._link_dir = None
        self.started = False

    # ---- tokens

    def add_refresh_token(self, user):
        """A new grant for user (what the user's consent would give):
        returns its refresh token."""
        r = "r-" + secrets.token_urlsafe(24)
        with self._lock:
            self._grants += 1
            self._refresh[r] = (user, self._grants)
        return r

    def revoke_refresh_token(self, r):
        """Revokes r's grant: r, the refresh tokens rotated from it and the
        access tokens issued with them (RFC 7009 says a server SHOULD end
        those; the big providers do)."""
        with self._lock:
            entry = self._refresh.pop(r, None)
            if entry is None:
                return
            grant = entry[1]
            for other in [k for k, v in self._refresh.items() if v[1] == grant]:
                del self._refresh[other]
            for a in self._access.values():
                if a.grant == grant:
                    a.active = False

    def expire_access_tokens(self):
        with self._lock:
            for a in self._access.values():
                a.active = False

    def issue_access_token(self, user):
        """An access token for user without a refresh (for tests that do not
        care how it was obtained)."""
        with self._lock:
            return self._issue(user, 0)["access_token"]

    def _issue(self, user, grant):
        a = "a-" + secrets.token_urlsafe(24)
        self._access[a] = AccessToken(user, grant, time.time() + self.expires_in)
        return {"access_token": a, "token_type": "Bearer", "expires_in": self.expires_in}

    def _token(self, form, auth):
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if auth.startswith("Basic "):  # client_secret_basic (RFC 6749 2.3.1)
            try:
                client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return 401, {"error": "invalid_client"}
        if self.client_id and client_id != self.client_id:
            return 401, {"error": "invalid_client"}
        if self.client_secret is not None and client_secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            entry = self._refresh.get(form.get("refresh_token"))
            if entry is None:
                return 400, {"error": "invalid_grant"}
            self.refresh_count += 1
            answer = self._issue(*entry)
            if self.rotate_refresh_tokens:
                del self._refresh[form["refresh_token"]]
                answer["refresh_token"] = "r-" + secrets.token_urlsafe(24)
                self._refresh[answer["refresh_token"]] = entry
            return 200, answer

    def _introspect(self, form):
        with self._lock:
            a = self._access.get(form.get("token", ""))
            if a is None or not a.active or time.time() >= a.expires_at:
                return 200, {"active": False}
            return 200, {"active": True, "username": a.user, "token_type": "Bearer",
                         "exp": int(a.expires_at)}

    def _log_call(self, path, form, status, answer):
        with self._lock:
            self.token_log.append({"time": time.time(), "path": path, "form": form, "status": status,
                                   "answer": answer})

    # ---- starting and stopping

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        t0 = time.monotonic()
        for attempt in range(3):
            try:
                self._start()
                break
            except BaseException as e:
                self.stop()
                # Another program took one of the chosen ports meanwhile.
                if attempt == 2 or "in use" not in str(e):
                    raise
        self.start_seconds = time.monotonic() - t0
        self.started = True
        # A stack started without `with` and never stopped would outlive
        # the tests (Postfix's master is a daemon, not our child).
        atexit.register(self.stop)
        return self

    def _start(self):
        w = self.workdir
        os.makedirs(w, exist_ok=True)
        os.chmod(w, 0o755)
        # The servers' own users (dovecot, postfix) must reach the folder:
        # mkdtemp's and pytest's folders above it are 0700. Search only (o+x),
        # not listing, is what they need.
        parent = os.path.dirname(w)
        while parent != "/":
            mode = os.stat(parent).st_mode
            if not mode & stat.S_IXOTH:
                os.chmod(parent, stat.S_IMODE(mode) | stat.S_IXOTH)
            parent = os.path.dirname(parent)
        # UNIX socket paths are at most 107 bytes, and both servers make
        # theirs in the folders given them (Dovecot's longest name some 25
        # bytes more, Postfix's queue/public/postlog): a deep work folder is
        # reached through a short link in /tmp. Not for Dovecot's base_dir:
        # its processes find it again through getcwd(), the link resolved.
        self.root = w
        self._run_dir = os.path.join(w, "dovecot", "run")
        if len(os.path.realpath(w)) > 56:
            self._link_dir = tempfile.mkdtemp(prefix="mailstack-")
            os.chmod(self._link_dir, 0o755)
            self.root = os.path.join(self._link_dir, "w")
            os.symlink(w, self.root)
            self._run_dir = os.path.join(self._link_dir, "dovecot-run")
        # 600 users with TLS are some thousands of descriptors in Dovecot's
        # log and login processes; the soft limit is often 1024.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))
        self.imap_port, self.imaps_port, self.lmtp_port, self.auth_port = (free_port() for _ in range(4))
        self.submission_port, self.submissions_port, self.sink_port = (free_port() for _ in range(3))

        self._token_server = TokenServer(self)
        self.token_port = self._token_server.server_address[1]
        self.token_url = f"http://{HOST}:{self.token_port}/token"
        self.introspect_url = f"http://{HOST}:{self.token_port}/introspect"
        threading.Thread(target=self._token_server.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True, name="mailstack-tokens").start()

        self._make_tls()
        self._write_dovecot()
        self._start_dovecot()
        self._start_sink()
        self._start_postfix()

    def stop(self):
        """Stops everything that was started, each part even if another
        fails, and leaves no process behind."""
        errors = []
        for part in (self._stop_postfix, self._stop_sink, self._stop_dovecot, self._stop_tokens):
            try:
                part()
            except Exception as e:  # noqa: BLE001 - the other parts must stop too
                errors.append(e)
        if self._link_dir:
            shutil.rmtree(self._link_dir, ignore_errors=True)  # the link, not the folder it points to
            self._link_dir = None
        self.started = False
        atexit.unregister(self.stop)
        if errors:
            raise errors[0]

    def processes(self):
        """The ids of the stack's running processes (servers and their
        children), for tests that check that nothing is left over."""
        pids = set()
        for pid in (self._dovecot and self._dovecot.pid, self._postfix_pid, self._sink and self._sink.pid):
            if pid and alive(pid):
                pids |= {pid} | children_of(pid)
        return pids

    def _stop_tokens(self):
        if self._token_server:
            self._token_server.shutdown()
            self._token_server.server_close()
            self._token_server = None

    # ---- TLS

    def _make_tls(self):
        """A CA and a server certificate for localhost, 127.0.0.1 and 127.0.0.2 signed by
        it; clients trust ca_file. (A CA apart from the server certificate,
        because strict verifiers refuse a CA certificate as a server's.)
        EC keys: made in milliseconds."""
        d = os.path.join(self.root, "tls")
        os.makedirs(d, exist_ok=True)
        self.ca_file = os.path.join(self.workdir, "tls", "ca.pem")

        def ssl(*args):
            subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)
        ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
            "-subj", "/CN=MailStack test CA", "-keyout", "ca.key", "-out", "ca.pem",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
            "-keyout", "server.key", "-out", "server.csr")
        with open(os.path.join(d, "server.ext"), "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2\n")
        ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "30", "-extfile", "server.ext", "-out", "server.pem")

    # ---- Dovecot

    def _write_dovecot(self):
        # The servers are given paths under root; what the stack reads
        # (logs, the sink) it reads under workdir, also after a stop.
        d = os.path.join(self.root, "dovecot")
        self.dovecot_dir = os.path.join(self.workdir, "dovecot")
        os.makedirs(os.path.join(d, "state"), exist_ok=True)
        run = self._run_dir
        mail = os.path.join(self.root, "mail")
        os.makedirs(mail, exist_ok=True)
        dv = pwd.getpwnam("dovecot")
        os.chown(mail, dv.pw_uid, dv.pw_gid)
        with open(os.path.join(d, "users"), "w") as f:
            for u in self.users:
                f.write(f"{u}:{{PLAIN}}{self.passwords[u]}:{dv.pw_uid}:{dv.pw_gid}::{mail}/{u}::\n")
        with open(os.path.join(d, "oauth2.conf.ext"), "w") as f:
            f.write(OAUTH2_CONF.format(url=self.introspect_url))
        self.dovecot_conf = os.path.join(self.dovecot_dir, "dovecot.conf")
        with open(self.dovecot_conf, "w") as f:
            f.write(DOVECOT_CONF.format(
                d=d, run=run, host=HOST, imap_host=self.imap_host, domain=DOMAIN,
                tls=os.path.join(self.root, "tls"),
                imap_port=self.imap_port, imaps_port=self.imaps_port, lmtp_port=self.lmtp_port,
                auth_port=self.auth_port, debug="yes" if self.debug else "no"))

    def _start_dovecot(self):
        log = open(os.path.join(self.dovecot_dir, "dovecot.out"), "ab")
        # -F: the master stays our child, so that stopping it is by its id.
        self._dovecot = subprocess.Popen(["dovecot", "-F", "-c", self.dovecot_conf], stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        for host, port in ((self.imap_host, self.imap_port), (self.imap_host, self.imaps_port),
                           (HOST, self.lmtp_port), (HOST, self.auth_port)):
            if self._dovecot.poll() is not None:
                break
            wait_port(port, 10, "Dovecot", self.dovecot_log, host)
        if self._dovecot.poll() is not None:
            raise RuntimeError(f"Dovecot exited ({self._dovecot.returncode})\n{self.dovecot_log()}")

    def _stop_dovecot(self):
        p, self._dovecot = self._dovecot, None
        if p is None:
            return
        procs = children_of(p.pid)
        # The master alone takes a second to end its children; signalling
        # them together (as it would itself) takes a tenth of that.
        if p.poll() is None:
            p.terminate()
        for pid in procs:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        wait_gone(procs, 5)

    def restart_dovecot(self):
        """Stops Dovecot and starts it again on the same ports; the mail is kept.
        Connected clients lose their connections, as with a real restart."""
        self._stop_dovecot()
        self._start_dovecot()

    def imap_logins(self):
        """The IMAP logins Dovecot logged, oldest first: dicts with user,
        method (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER) and tls (False for a
        login before STARTTLS, which only the default host allows)."""
        out = []
        try:
            with open(os.path.join(self.dovecot_dir, "dovecot.log"), errors="replace") as f:
                for line in f:
                    m = LOGIN_LINE.search(line)
                    if m:
                        out.append({"user": m["user"], "method": m["method"], "tls": ", TLS" in line})
        except OSError:
            pass
        return out

    def dovecot_log(self, n=4000):
        """The last n bytes of Dovecot's log (and of its own output)."""
        return tail(os.path.join(self.dovecot_dir, "dovecot.log"), n) + tail(
            os.path.join(self.dovecot_dir, "dovecot.out"), n)

    # ---- smtp-sink and Postfix

    def _start_sink(self):
        self.sink_dir = os.path.join(self.workdir, "sink")
        os.makedirs(self.sink_dir, exist_ok=True)
        shutil.chown(self.sink_dir, "postfix")
        log = open(os.path.join(self.root, "smtp-sink.out"), "ab")
        # -u: smtp-sink refuses to run as root; -d: one file per transaction.
        self._sink = subprocess.Popen(["smtp-sink", "-u", "postfix", "-h", "sink.localhost", "-d",
                                       os.path.join(self.sink_dir, "%Y%m%d%H%M%S."),
                                       f"{HOST}:{self.sink_port}", "128"],
                                      stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        wait_port(self.sink_port, 10, "smtp-sink", lambda: tail(os.path.join(self.root, "smtp-sink.out")))

    def _stop_sink(self):
        p, self._sink = self._sink, None
        if p is not None and p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def _start_postfix(self):
        d = os.path.join(self.root, "postfix")
        self.postfix_dir = os.path.join(self.workdir, "postfix")
        for sub in ("conf", "queue", "data"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        shutil.chown(os.path.join(d, "data"), "postfix")
        self._make_postfix_queue(os.path.join(d, "queue"))
        conf = os.path.join(d, "conf")
        fields = dict(d=d, host=HOST, smtp_host=self.smtp_host, domain=DOMAIN, tls=os.path.join(self.root, "tls"),
                      sink_port=self.sink_port, auth_port=self.auth_port, submission_port=self.submission_port,
                      submissions_port=self.submissions_port, sub=SUBMISSION)
        with open(os.path.join(conf, "main.cf"), "w") as f:
            f.write(POSTFIX_MAIN.format(**fields))
        with open(os.path.join(conf, "master.cf"), "w") as f:
            f.write(POSTFIX_MASTER.format(**fields))
        with open(os.path.join(conf, "refused"), "w") as f:
            f.write(REFUSED)
        # Postfix waits (up to 2 s, in steps of 0.3) until a configuration
        # file it reads is older than the current second: date them back.
        past = time.time() - 60
        for name in ("main.cf", "master.cf", "refused"):
            os.utime(os.path.join(conf, name), (past, past))
        # Output to a file, not a pipe: the daemonised master keeps the pipe
        # open for a second or two, and reading it would wait as long.
        out = os.path.join(d, "postfix.out")
        with open(out, "ab") as f:
            r = subprocess.run(["postfix", "-c", conf, "start"], stdout=f, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise RuntimeError(f"postfix start: {tail(out)}{self.postfix_log()}")
        self._postfix_pid = self._read_postfix_pid()
        for port in (self.submission_port, self.submissions_port):
            wait_port(port, 10, "Postfix", self.postfix_log, self.smtp_host)

    @staticmethod
    def _make_postfix_queue(q):
        """The queue directories as postfix-files says; with quick-start,
        postfix start skips its integrity checks, which take two seconds."""
        pf = pwd.getpwnam("postfix")
        postdrop = grp.getgrnam("postdrop").gr_gid
        for name, group, mode in (("active", 0, 0o700), ("bounce", 0, 0o700), ("corrupt", 0, 0o700),
                                  ("defer", 0, 0o700), ("deferred", 0, 0o700), ("flush", 0, 0o700),
                                  ("hold", 0, 0o700), ("incoming", 0, 0o700), ("private", 0, 0o700),
                                  ("saved", 0, 0o700), ("trace", 0, 0o700), ("maildrop", postdrop, 0o730),
                                  ("public", postdrop, 0o710)):
            path = os.path.join(q, name)
            os.makedirs(path, exist_ok=True)
            os.chown(path, pf.pw_uid, group)
            os.chmod(path, mode)
        os.makedirs(os.path.join(q, "pid"), exist_ok=True)
        open(os.path.join(q, "quick-start"), "w").close()

    def _read_postfix_pid(self):
        path = os.path.join(self.postfix_dir, "queue", "pid", "master.pid")
        for _ in range(200):
            try:
                with open(path) as f:
                    return int(f.read().strip())
            except (OSError, ValueError):
                time.sleep(0.02)
        return None

    def _stop_postfix(self):
        pid, self._postfix_pid = self._postfix_pid, None
        if pid is None:
            return
        procs = children_of(pid) | {pid}
        # "abort", not "stop": a client that has not said QUIT would keep its
        # smtpd (and so the stop) waiting for a timeout.
        subprocess.run(["postfix", "-c", os.path.join(self.postfix_dir, "conf"), "abort"], capture_output=True,
                       stdin=subprocess.DEVNULL)
        wait_gone(procs, 10)

    def postfix_log(self, n=4000):
        return tail(os.path.join(self.postfix_dir, "maillog"), n)

    def sunk(self):
        """The transactions that reached the smtp-sink, oldest first; only
        finished ones (smtp-sink has closed the file)."""
        try:
            names = os.listdir(self.sink_dir)
        except OSError:
            return []
        sink_dir = os.path.realpath(self.sink_dir)  # as /proc shows it
        open_files = set()
        if self._sink is not None:
            fd_dir = f"/proc/{self._sink.pid}/fd"
            try:
                for fd in os.listdir(fd_dir):
                    try:
                        open_files.add(os.readlink(os.path.join(fd_dir, fd)))
                    except OSError:
                        pass
            except OSError:
                pass
        out = []
        for name in names:
            path = os.path.join(self.sink_dir, name)
            if os.path.join(sink_dir, name) in open_files or not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                raw = f.read()
            out.append((os.stat(path).st_mtime_ns, name, parse_sunk(raw, path)))
        return [s for _, _, s in sorted(out, key=lambda t: (t[0], t[1]))]

    def sunk_messages(self):
        return [s.data for s in self.sunk()]

    def wait_sunk(self, n, timeout=10):
        """Waits until at least n messages reached the sink; returns them."""
        end = time.monotonic() + timeout
        while True:
            msgs = self.sunk_messages()
            if len(msgs) >= n:
                return msgs
            if time.monotonic() > end:
                raise TimeoutError(f"{len(msgs)} of {n} messages reached the sink\n{self.postfix_log()}")
            time.sleep(0.05)

    # ---- mail helpers

    def password(self, user):
        return self.passwords[user]

    def deliver_lmtp(self, user, raw, mailbox=None, mail_from="sender@example.org"):
        """Delivers raw (bytes) to user over LMTP; into mailbox if given, by
        the address detail user+mailbox (lmtp_save_to_detail_mailbox)."""
        rcpt = f"{user}+{mailbox}@{DOMAIN}" if mailbox and mailbox.upper() != "INBOX" else f"{user}@{DOMAIN}"
        with smtplib.LMTP(HOST, self.lmtp_port, timeout=30) as lmtp:
            refused = lmtp.sendmail(mail_from, [rcpt], raw)
        if refused:
            raise RuntimeError(f"LMTP refused {rcpt}: {refused}")

    def doveadm(self, *args):
        r = subprocess.run(["doveadm", "-c", self.dovecot_conf, *args], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise RuntimeError(f"doveadm {' '.join(args)}: {r.returncode} {r.stderr}")
        return r.stdout

    def flags(self, user, mailbox="INBOX"):
        """{uid: set of flags} of every message in the mailbox, read with
        doveadm fetch, which sets no flag."""
        out = self.doveadm("-f", "tab", "fetch", "-u", user, "uid flags", "mailbox", mailbox, "ALL")
        result = {}
        for line in out.splitlines()[1:]:
            uid, _, flags = line.partition("\t")
            # \Recent belongs to a session, not to the message: no client
            # sets or clears it, and any SELECT (or doveadm) takes it.
            result[int(uid)] = set(flags.split()) - {"\\Recent"}
        return result

    def uidvalidity(self, user, mailbox="INBOX"):
        out = self.doveadm("-f", "tab", "mailbox", "status", "-u", user, "uidvalidity", mailbox)
        return int(out.splitlines()[1].split("\t")[-1])

    def change_uidvalidity(self, user, mailbox="INBOX"):
        """Gives the mailbox a new UIDVALIDITY, its messages kept (with their
        UIDs and flags); returns it. A session that has the mailbox selected
        is disconnected by Dovecot at its next command ("IMAP session state
        is inconsistent, please relogin"), as after a real reset."""
        new = max(self.uidvalidity(user, mailbox) + 1, int(time.time()))
        self.doveadm("mailbox", "update", "-u", user, "--uid-validity", str(new), mailbox)
        return new


def parse_sunk(raw, path=""):
    """Splits an smtp-sink dump: its X- records and its three-line Received
    header, then the message, then one empty line of its own."""
    lines = raw.split(b"\n")
    mail_from, rcpts, helo = "", [], ""
    i = 0
    while i < len(lines) and lines[i].startswith(b"X-"):
        key, _, value = lines[i].decode(errors="replace").partition(": ")
        if key == "X-Mail-Args":
            mail_from = value.split()[0] if value else ""
        elif key == "X-Rcpt-Args":
            rcpts.append(value.split()[0] if value else "")
        elif key == "X-Helo-Args":
            helo = value
        i += 1
    if i < len(lines) and lines[i].startswith(b"Received: ") and b"(smtp-sink)" in b"\n".join(lines[i:i + 3]):
        i += 1
        while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
            i += 1
    data = b"\n".join(lines[i:])
    if data.endswith(b"\n\n"):
        data = data[:-1]
    # smtp-sink stores lines ending in LF; on the wire they ended in CRLF.
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return Sunk(mail_from.strip("<>").removeprefix("FROM:").strip("<>"),
                [r.removeprefix("TO:").strip("<>") for r in rcpts], helo, data, path)
