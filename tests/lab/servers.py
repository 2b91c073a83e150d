"""The lab's servers: the receiving Postfix, Dovecot (LMTP with quota; LDA
and Sieve), and each reporting server's private configuration.

Every server runs with its own configuration in the run's work folder and
listens only on the namespace's loopback addresses. Queue lifetimes are
shortened (Env.lifetime seconds, delay warnings after Env.warn) so that a
run that makes mail expire takes minutes, not days.
"""
import os
import pwd
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Env:
    server: str
    root: Path
    work: Path
    lifetime: int
    warn: int
    reporter: str
    receiver: str
    receiver_small: str
    receiver_rbl: str
    lmtp: str
    dns: str
    procs: list = field(default_factory=list)
    stops: list = field(default_factory=list)

    def chroot(self, argv, **kw):
        """Runs argv inside the server's root and waits for it."""
        return subprocess.run(["chroot", str(self.root)] + argv, check=True, **kw)

    def spawn(self, argv, chroot=True, **kw):
        log = open(self.work / f"{Path(argv[0]).name}.out", "ab")
        p = subprocess.Popen((["chroot", str(self.root)] if chroot else []) + argv, stdout=log,
                             stderr=subprocess.STDOUT, **kw)
        self.procs.append(p)
        return p


def write(path, text, mode=0o644):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)


# Servers whose namespace gives the loopback only the reporter's address
# (scripts/bounce-lab: ADDRS): Postfix would not find the others among its
# interfaces, so the receiver listens where master.cf says, on every interface.
UNASSIGNED = {"courier"}


# ---- the receiving Postfix ----------------------------------------------------------------

def postfix_master(smtpd_lines):
    """The host's master.cf without chroot, its smtpd replaced by `smtpd_lines`."""
    out = []
    for line in Path("/etc/postfix/master.cf").read_text().splitlines():
        f = line.split()
        if line.startswith("smtp ") and "inet" in line:
            continue
        if len(f) >= 8 and not line[0].isspace() and not line.startswith("#") and f[4] in ("y", "-"):
            f[4] = "n"
            line = " ".join(f)
        out.append(line)
    return "\n".join(smtpd_lines + out) + "\n"


def postfix_main(d, extra):
    base = f"""compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
mail_owner = postfix
setgid_group = postdrop
maillog_file = {d}/maillog
inet_protocols = ipv4
smtp_address_preference = ipv4
alias_maps =
alias_database =
biff = no
smtputf8_enable = yes
"""
    return base + extra


def start_postfix(env, name, main, master):
    d = env.work / name
    (d / "queue").mkdir(parents=True, exist_ok=True)
    (d / "data").mkdir(parents=True, exist_ok=True)
    os.chown(d / "data", pwd.getpwnam("postfix").pw_uid, -1)
    write(d / "main.cf", postfix_main(d, main))
    write(d / "master.cf", master)
    subprocess.run(["postfix", "-c", str(d), "start"], check=True)
    env.stops.append(["postfix", "-c", str(d), "stop"])


def start_receiver(env):
    """The receiving side, on the host's own Postfix: mx.ok.test refuses by
    recipient (unknown, at DATA, policy, greylisting), mx.big.test has a
    small size limit, mx.rbl.test consults a DNS block list, and quota.test
    is verified against the Dovecot LMTP server."""
    d = env.work / "receiver"
    write(d / "vmailbox", "!/^nouser/ ok\n")
    write(d / "rcpt_access", "/^grey/ 450 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/ok.test.html\n"
                             "/^policy-[12]@/ REJECT\n"
                             "/^policy-/ 550 5.7.1 Delivery not authorized, message refused\n"
                             "/@quota\\.test$/ reject_unverified_recipient\n")
    write(d / "data_access", "/^gone/ 550 5.1.1 User unknown\n")
    write(d / "transport", "quota.test lmtp:inet:lmtp.quota.test:24\n")
    main = f"""myhostname = mx.ok.test
mydomain = ok.test
mydestination =
mynetworks = 192.0.2.1/32
inet_interfaces = {"all" if env.server in UNASSIGNED else f"{env.receiver}, {env.receiver_small}, {env.receiver_rbl}"}
virtual_mailbox_domains = ok.test big.test rbl.test quota.test notls.test
virtual_mailbox_maps = regexp:{d}/vmailbox
virtual_transport = discard:
transport_maps = texthash:{d}/transport
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access regexp:{d}/rcpt_access
smtpd_data_restrictions = check_recipient_access regexp:{d}/data_access
unverified_recipient_reject_code = 550
address_verify_negative_refresh_time = 60s
smtpd_discard_ehlo_keywords = dsn
smtpd_client_restrictions =
disable_dns_lookups = no
"""
    master = [
        f"{env.receiver}:25 inet n - n - - smtpd",
        f"{env.receiver_small}:25 inet n - n - - smtpd -o message_size_limit=20000",
        f"{env.receiver_rbl}:25 inet n - n - - smtpd -o smtpd_client_restrictions=reject_rbl_client,bl.test",
    ]
    # message_size_limit must not be below the small receiver's in main.cf.
    main += "message_size_limit = 10240000\n"
    start_postfix(env, "receiver", main, postfix_master(master))


# ---- Dovecot ------------------------------------------------------------------------------

def dovecot_conf(env, d, lmtp):
    users = "\n".join(f"{u}:::::{d}/home/{u}::" for u in ("full1", "full2", "full3", "full4", "alice", "carol",
                                                          "vacation"))
    write(d / "users", users + "\n")
    conf = f"""base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot{"" if lmtp else "-lda"}.log
protocols = {"lmtp" if lmtp else ""}
listen = {env.lmtp}
ssl = no
hostname = {"lmtp.quota.test" if lmtp else "mail.dovecot.test"}
postmaster_address = postmaster@{"quota.test" if lmtp else "mail.dovecot.test"}
auth_username_format = %Ln
mail_location = maildir:~/Maildir
mail_uid = dovecot
mail_gid = dovecot
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
mail_plugins = quota
lmtp_rcpt_check_quota = yes
quota_full_tempfail = no
sendmail_path = {d}/capture-sendmail
userdb {{
  driver = passwd-file
  args = username_format=%Ln {d}/users
}}
passdb {{
  driver = passwd-file
  args = username_format=%Ln {d}/users
}}
service lmtp {{
  inet_listener lmtp {{
    address = {env.lmtp}
    port = 24
  }}
}}
protocol lda {{
  mail_plugins = $mail_plugins sieve
}}
plugin {{
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=0
  sieve = file:~/sieve;active=~/.dovecot.sieve
}}
"""
    write(d / "dovecot.conf", conf)
    # The "full" users' mailboxes already hold more than their quota.
    for u in ("full1", "full2", "full3", "full4", "alice", "carol", "vacation"):
        home = d / "home" / u / "Maildir"
        for sub in ("cur", "new", "tmp"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        if u.startswith("full"):
            (home / "cur" / "1.lab:2,S").write_text("Subject: old\n\n" + "x" * 4000 + "\n")
    env.chroot(["chown", "-R", "dovecot:dovecot", str(d / "home")])


def start_lmtp(env):
    d = env.work / "dovecot-lmtp"
    dovecot_conf(env, d, lmtp=True)
    write(d / "capture-sendmail", "#!/bin/sh\ncat >/dev/null\n", 0o755)
    # quota_rule2 above is per user name; Dovecot reads quota rules from the
    # userdb: give the full users theirs there.
    users = "\n".join(f"{u}:::::{d}/home/{u}::userdb_quota_rule=*:storage=2K" if u.startswith("full")
                      else f"{u}:::::{d}/home/{u}::" for u in ("full1", "full2", "full3", "full4", "alice"))
    write(d / "users", users + "\n")
    env.chroot(["dovecot", "-c", str(d / "dovecot.conf")])
    env.stops.append(["chroot", str(env.root), "doveadm", "-c", str(d / "dovecot.conf"), "stop"])


# ---- reporting servers --------------------------------------------------------------------

def start_reporter(env):
    {"postfix": start_postfix_reporter, "exim": start_exim, "sendmail": start_sendmail,
     "opensmtpd": start_opensmtpd, "courier": start_courier}[env.server](env)


def start_postfix_reporter(env):
    d = env.work / "reporter"
    write(d / "vmailbox", "/^(alice|bob|carol|ok-[0-9]+)@/ ok\n")
    write(d / "tls_policy", "notls.test encrypt\n")
    (env.work / "reporter-mail").mkdir(exist_ok=True)
    os.chown(env.work / "reporter-mail", pwd.getpwnam("postfix").pw_uid, -1)
    main = f"""myhostname = mx.reporter.test
mydomain = reporter.test
myorigin = reporter.test
mydestination =
inet_interfaces = {env.reporter}
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = reporter.test
virtual_mailbox_maps = regexp:{d}/vmailbox
virtual_mailbox_base = {env.work}/reporter-mail
virtual_uid_maps = static:{pwd.getpwnam("postfix").pw_uid}
virtual_gid_maps = static:{pwd.getpwnam("postfix").pw_gid}
smtpd_reject_unlisted_recipient = no
smtp_tls_policy_maps = texthash:{d}/tls_policy
maximal_queue_lifetime = {env.lifetime}s
bounce_queue_lifetime = {env.lifetime}s
delay_warning_time = {env.warn}s
queue_run_delay = 10s
minimal_backoff_time = 10s
maximal_backoff_time = 15s
smtp_connect_timeout = 10s
smtp_helo_timeout = 15s
"""
    start_postfix(env, "reporter", main, postfix_master([f"{env.reporter}:25 inet n - n - - smtpd"]))


def start_exim(env):
    d = env.work / "exim"
    for sub in ("spool", "log", "mail"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    conf = f"""primary_hostname = mx.reporter.test
qualify_domain = reporter.test
daemon_smtp_ports = 25
local_interfaces = {env.reporter}
spool_directory = {d}/spool
log_file_path = {d}/log/%slog
exim_user = Debian-exim
exim_group = Debian-exim
never_users = root
domainlist local_domains = reporter.test
hostlist relay_from_hosts = 127.0.0.0/8
dsn_advertise_hosts = *
delay_warning = {env.warn}s
message_size_limit = 10M
smtputf8_advertise_hosts =
acl_smtp_rcpt = acl_check_rcpt
acl_smtp_data = acl_check_data
disable_ipv6 = true
timeout_frozen_after = 1h
ignore_bounce_errors_after = 1h

begin acl
acl_check_rcpt:
  accept hosts = +relay_from_hosts
  deny message = relay not permitted
acl_check_data:
  accept

begin routers
requiretls:
  driver = dnslookup
  domains = notls.test
  transport = remote_smtp_tls
  no_more
dnslookup:
  driver = dnslookup
  domains = ! +local_domains
  transport = remote_smtp
  ignore_target_hosts = 0.0.0.0
  no_more
localuser:
  driver = accept
  domains = +local_domains
  check_local_user
  local_part_suffix = -*
  local_part_suffix_optional
  transport = local_delivery

begin transports
remote_smtp:
  driver = smtp
  connect_timeout = 10s
  command_timeout = 15s
remote_smtp_tls:
  driver = smtp
  hosts_require_tls = *
  tls_verify_certificates =
  connect_timeout = 10s
  command_timeout = 15s
local_delivery:
  driver = appendfile
  directory = {d}/mail/$local_part
  maildir_format
  delivery_date_add
  envelope_to_add
  return_path_add
  user = Debian-exim

begin retry
* * F,{env.lifetime}s,10s

begin rewrite
"""
    write(env.root / "etc/exim4/exim4.conf", conf)
    subprocess.run(["chroot", str(env.root), "chown", "-R", "Debian-exim:Debian-exim", str(d)], check=True)
    env.spawn(["/usr/sbin/exim4", "-bdf", "-q10s", "-oX", "25"])  # -bdf: stays in the foreground, so stop_all ends it


def start_sendmail(env):
    d = env.work / "sendmail"
    (d / "mqueue").mkdir(parents=True, exist_ok=True)
    (d / "clientmqueue").mkdir(parents=True, exist_ok=True)
    mc = f"""divert(-1)
include(`/usr/share/sendmail/cf/m4/cf.m4')dnl
VERSIONID(`rebound bounce lab')dnl
OSTYPE(`debian')dnl
define(`confDOMAIN_NAME', `mx.reporter.test')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`QUEUE_DIR', `{d}/mqueue')dnl
define(`confTO_QUEUEWARN', `{env.warn}s')dnl
define(`confTO_QUEUERETURN', `{env.lifetime}s')dnl
define(`confTO_CONNECT', `10s')dnl
define(`confTO_ICONNECT', `10s')dnl
define(`confTO_INITIAL', `15s')dnl
define(`confTO_HELO', `15s')dnl
define(`confMIN_QUEUE_AGE', `0')dnl
define(`confDELIVERY_MODE', `background')dnl
define(`confPRIVACY_FLAGS', `authwarnings')dnl
define(`confLOG_LEVEL', `12')dnl
define(`confCONNECTION_RATE_THROTTLE', `0')dnl
define(`confREFUSE_LA', `200')dnl
define(`confQUEUE_LA', `200')dnl
define(`confDONT_BLAME_SENDMAIL', `GroupWritableDirPathSafe')dnl
DAEMON_OPTIONS(`Family=inet, Name=MTA-v4, Port=smtp, Addr={env.reporter}')dnl
FEATURE(`access_db')dnl
FEATURE(`no_default_msa')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
"""
    write(d / "sendmail.mc", mc)
    env.chroot(["mkdir", "-p", "/var/lib/sendmail/host_status"])
    env.chroot(["sh", "-c", "rm -rf /var/lib/sendmail/host_status/*"])
    write(env.root / "etc/mail/access", "Connect:127.0.0.1 RELAY\nTLS_Srv:notls.test ENCR:112\nTLS_Rcpt:notls.test ENCR:112\n")
    write(env.root / "etc/mail/local-host-names", "mx.reporter.test\nreporter.test\n")
    env.chroot(["sh", "-c", "makemap hash /etc/mail/access < /etc/mail/access && chmod 644 /etc/mail/access.db "
                "&& chmod 755 /etc/mail"])
    with open(d / "sendmail.cf", "w") as out:
        env.chroot(["m4", f"{d}/sendmail.mc"], stdout=out)
    subprocess.run(["chmod", "700", str(d / "mqueue")], check=True)
    env.spawn(["/usr/sbin/sendmail", "-C", f"{d}/sendmail.cf", "-bD", "-q10s", f"-OQueueDirectory={d}/mqueue"])


def start_opensmtpd(env):
    d = env.work / "opensmtpd"
    d.mkdir(parents=True, exist_ok=True)
    conf = f"""queue ttl {env.lifetime}s
bounce warn-interval {env.warn}s
listen on {env.reporter} hostname mx.reporter.test
action "relaytls" relay tls helo mx.reporter.test
action "relay" relay helo mx.reporter.test
action "local" maildir "{d}/mail/%{{user.username}}"
match from src 127.0.0.0/8 for domain "notls.test" action "relaytls"
match from any for domain "reporter.test" action "local"
match from src 127.0.0.0/8 for any action "relay"
match from local for any action "relay"
"""
    write(d / "smtpd.conf", conf)
    # The queue is the package's own, in the server's root: empty it, so that
    # no earlier run's mail comes back during this one.
    env.chroot(["sh", "-c", "for q in /var/spool/smtpd/*; do [ -d $q ] && rm -rf $q/*; done; true"])
    env.spawn(["/usr/sbin/smtpd", "-d", "-f", f"{d}/smtpd.conf"])


def start_courier(env):
    """Courier's configuration is its control files in /etc/courier of its
    root (courier(8)); its queue is the package's own, emptied first."""
    c = env.root / "etc/courier"
    files = {
        "me": "mx.reporter.test", "defaultdomain": "reporter.test",
        "locals": "localhost\nmx.reporter.test\nreporter.test",
        "dsnfrom": '"Courier mail server at mx.reporter.test" <@>',
        "queuetime": f"{env.lifetime}s", "warntime": f"{env.warn}s",
        "retryalpha": "10s", "retrybeta": "3", "retrygamma": "10s", "retrymaxdelta": "1",
        "esmtpdelay": "0", "esmtptimeoutconnect": "10s", "esmtptimeout": "15s", "esmtptimeouthelo": "15s",
        "esmtptimeoutdata": "15s", "esmtptimeoutkeepalive": "15s",
        # TLS required but not offered (courier(8): esmtproutes /SECURITY=REQUIRED)
        "esmtproutes": "notls.test: mx.ok.test /SECURITY=REQUIRED",
        "smtpaccess/default": "127.0.0\tallow,RELAYCLIENT",
    }
    for name, text in files.items():
        write(c / name, text + "\n")
    esmtpd = (c / "esmtpd").read_text()
    esmtpd = "\n".join(l for l in esmtpd.splitlines() if not l.startswith(("ADDRESS=", "BOFHCHECKDNS=", "TARPIT=")))
    write(c / "esmtpd", esmtpd + f"\nADDRESS={env.reporter}\nBOFHCHECKDNS=0\nTARPIT=0\n")
    env.chroot(["sh", "-c", "rm -rf /var/lib/courier/msgq/* /var/lib/courier/msgs/* /var/lib/courier/track/*; "
                "makesmtpaccess && makeacceptmailfor && makehosteddomains && makealiases"])
    env.chroot(["/usr/sbin/courier", "start"])
    env.stops.append(["chroot", str(env.root), "/usr/sbin/courier", "stop"])
    env.chroot(["/usr/sbin/esmtpd", "start"])
    env.stops.append(["chroot", str(env.root), "/usr/sbin/esmtpd", "stop"])


# ---- Dovecot LDA and Sieve, run directly --------------------------------------------------

VACATION = {
    "en": ("Out of office", "I am out of the office until Monday and will answer your message then."),
    "ja": ("不在のお知らせ", "ただいま不在にしております。月曜日以降にご連絡いたします。"),
    "de": ("Abwesenheitsnotiz", "Ich bin bis Montag nicht im Büro und beantworte Ihre Nachricht danach."),
    "fr": ("Absence du bureau", "Je suis absent du bureau jusqu'à lundi et vous répondrai à mon retour."),
}


def run_dovecot_cases(env, cases, capture):
    """Delivers each case's message with dovecot-lda: its Sieve vacation and
    reject actions, and its quota rejection, send mail through the
    sendmail_path, which the lab captures."""
    import lab  # for body_of
    d = env.work / "dovecot-lda"
    dovecot_conf(env, d, lmtp=False)
    # dovecot-lda runs without an auth service: the quota rule comes from
    # the configuration, one for the full user and one for the others.
    conf = (d / "dovecot.conf").read_text().replace("quota_rule = *:storage=0", "quota_rule = *:storage=100M")
    write(d / "dovecot.conf", conf)
    write(d / "dovecot-full.conf", conf.replace("quota_rule = *:storage=100M", "quota_rule = *:storage=2K"))
    write(d / "dovecot-lda.log", "", 0o666)
    out = d / "sent"
    out.mkdir()
    os.chmod(out, 0o777)
    write(d / "capture-sendmail", f"#!/bin/sh\nf={out}/$(date +%s%N)\ncat > $f.eml\necho \"$*\" > $f.args\n", 0o755)
    write(d / "home/carol/.dovecot.sieve",
          'require ["reject"];\nreject "Your message was refused by the recipient\'s mail filter.";\n')
    for c in cases:
        home = d / "home" / c.rcpts[0].address.split("@")[0]
        if c.kind == "vacation":
            subject, text = VACATION[c.lang]
            write(home / ".dovecot.sieve", 'require ["vacation"];\n'
                  f'vacation :days 1 :subject "{subject}" :addresses ["vacation@mail.dovecot.test"] "{text}";\n')
        env.chroot(["chown", "-R", "dovecot:dovecot", str(d / "home")])
        data = lab.body_of(c, c.variant, [r.address for r in c.rcpts], c.sender)
        c.sent_at = time.time()
        user = c.rcpts[0].address.split("@")[0]
        r = subprocess.run(["chroot", "--userspec=dovecot:dovecot", str(env.root), "env", f"HOME={home}",
                            f"USER={user}", "/usr/lib/dovecot/dovecot-lda", "-c",
                            str(d / ("dovecot-full.conf" if user.startswith("full") else "dovecot.conf")),
                            "-f", c.sender, "-a", c.rcpts[0].address],
                           input=data.replace(b"\r\n", b"\n"), capture_output=True)
        if r.returncode != 0:
            print(f"case {c.id}: dovecot-lda exit {r.returncode}: {r.stderr.decode(errors='replace')}", flush=True)
        # What dovecot-lda sent is handed to the capture as the sink would.
        for m in sorted(out.glob("*.eml")):
            args = m.with_suffix(".args").read_text().split()
            rcpts = [a.strip("<>").lower() for a in args if "@" in a and not a.startswith("-")]
            capture.save(c.sender, rcpts or [c.sender], m.read_bytes())
            m.unlink()
            m.with_suffix(".args").unlink()


def stop_all(env):
    for argv in reversed(env.stops):
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for p in env.procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in env.procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
    # unbound was started as a daemon: stop it by its pid file.
    pid = env.work / "unbound.pid"
    if pid.exists():
        try:
            os.kill(int(pid.read_text().strip()), signal.SIGTERM)
        except (ValueError, ProcessLookupError):
            pass
