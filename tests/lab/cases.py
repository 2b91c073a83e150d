"""The lab's cases: what each message is sent to, and the truth that causes.

A failure kind names how the lab makes delivery fail (see servers.py and
lab.py for the receiving side). Its truth is what PRODUCT.md section 3 says
that failure is: the cause, and the type and reason that follow. Kinds that
fail only after retrying ("expiring") also bring delay notices, whose truth
is PENDING with the reason of the temporary failure.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Truth:
    kind: str
    cause: str
    type: str
    reason: str | None


# kind: (address pattern, final truth (cause, type, reason), delay truth or None)
KINDS = {
    # refused at RCPT by the receiving Postfix: not in its mailbox table
    "rcpt-unknown": ("nouser-{n}@ok.test", ("userunknown", "HARD", "UNKNOWN_USER"), None),
    # accepted at RCPT, refused at DATA: "550 5.1.1 ... User unknown"
    "data-unknown": ("gone-{n}@ok.test", ("userunknown", "HARD", "UNKNOWN_USER"), None),
    # the reporting server's own domain, no such local user
    "local-unknown": ("nosuch-{n}@reporter.test", ("userunknown", "HARD", "UNKNOWN_USER"), None),
    # the domain does not exist (NXDOMAIN)
    "nxdomain": ("user{n}@nx{n}.test", ("hostunknown", "HARD", "UNKNOWN_USER"), None),
    # RFC 7505 null MX
    "nullmx": ("user{n}@nullmx.test", ("notaccept", "HARD", "UNKNOWN_USER"), None),
    # Dovecot LMTP over quota, reported through the receiver's address verification
    "quota": ("full{n}@quota.test", ("mailboxfull", "HARD", "MAILBOX_FULL"), None),
    # over the receiving server's size limit
    "toobig": ("user{n}@big.test", ("mesgtoobig", "HARD", "CONTENT"), None),
    # the receiving server does not relay for that domain
    "relay": ("user{n}@relay.test", ("norelaying", "HARD", "POLICY"), None),
    # a 5.7.1 policy refusal ("Access denied")
    "policy": ("policy-{n}@ok.test", ("policyviolation", "HARD", "POLICY"), None),
    # the sending host is on a DNS block list the receiver consults
    "blocklist": ("user{n}@rbl.test", ("blocked", "HARD", "SPAM"), None),
    # greylisted until the queue lifetime runs out
    "greylist": ("grey-{n}@ok.test", ("blocked", "SOFT", "SECURITY_FILTER"),
                 ("blocked", "PENDING", "SECURITY_FILTER")),
    # nothing listens on the MX's address: a connection failure
    # (PRODUCT.md: TEMPORARY_TECHNICAL), retried, then given up
    "refused": ("user{n}@refused.test", ("networkerror", "SOFT", "TEMPORARY_TECHNICAL"),
                ("networkerror", "PENDING", "TEMPORARY_TECHNICAL")),
    # the MX accepts the connection and never answers
    "timeout": ("user{n}@silent.test", ("expired", "SOFT", "RECIPIENT_TEMPORARY"),
                ("expired", "PENDING", "RECIPIENT_TEMPORARY")),
    # the reporting server requires TLS for the domain; the MX offers none
    "notls": ("user{n}@notls.test", ("failedstarttls", "SOFT", "TEMPORARY_TECHNICAL"),
              ("failedstarttls", "PENDING", "TEMPORARY_TECHNICAL")),
    # delivered, with NOTIFY=SUCCESS: a delivery (or relay) notice
    "success": ("ok-{n}@ok.test", ("delivered", "NONE", None), None),
}
EXPIRING = {"greylist", "refused", "timeout", "notls"}

# What a notice of an expiring kind must say for its reason to be knowable.
# Some servers' notices name no reason at all (Exim's delay warning, its
# "retry timeout exceeded"): their truth is what the product makes of a
# delivery the server is still retrying or gave up on without saying why,
# RECIPIENT_TEMPORARY (the label says so in its "note").
SAID = {
    "greylist": ("greylist",),
    "refused": ("refused", "network error", "connect"),
    "notls": ("tls is", "tls session", "starttls", "encryption", "tls required", "tls negotiation",
              "tls support", "tls not", "network error"),
}
UNSTATED = ("expired", "RECIPIENT_TEMPORARY")

# PRODUCT.md section 3: the reason of a cause when the failure is transient.
SOFT_REASON = {"userunknown": "RECIPIENT_TEMPORARY", "hostunknown": "RECIPIENT_TEMPORARY",
               "notaccept": "RECIPIENT_TEMPORARY", "mailboxfull": "RECIPIENT_TEMPORARY",
               "mesgtoobig": "RECIPIENT_TEMPORARY", "norelaying": "SECURITY_FILTER",
               "policyviolation": "SECURITY_FILTER", "blocked": "SECURITY_FILTER"}

# Cases per kind (full run, subset run).
COUNTS = {
    "rcpt-unknown": (6, 1), "data-unknown": (6, 1), "local-unknown": (4, 1), "nxdomain": (4, 1),
    "nullmx": (4, 1), "quota": (4, 1), "toobig": (4, 1), "relay": (4, 1), "policy": (4, 1),
    "blocklist": (4, 1), "greylist": (3, 1), "refused": (2, 1), "timeout": (2, 0), "notls": (2, 1),
    "success": (5, 1), "mixed": (4, 1),
}

# Kinds a server cannot be made to produce the way the lab runs it.
UNSUPPORTED = {
    "sendmail": {"local-unknown"},  # refuses unknown local users at RCPT: no bounce
    "opensmtpd": {"local-unknown", "timeout"},  # its SMTP timeouts outlast the lab's queue lifetime
    "courier": {"local-unknown"},  # refuses unknown local users at RCPT: no bounce
}

# Kinds a server reports otherwise than the others, and the truth its
# notices then carry: kind -> (final truth, delay truth or None). A kind with
# a delay truth is retried until the queue lifetime runs out; one without is
# final at once.
SERVER_TRUTH = {
    "courier": {
        # A route whose /SECURITY=REQUIRED cannot be met is not retried
        # (courier(8), esmtproutes): "Action: failed", a TLS failure
        # (PRODUCT.md: failedstarttls, HARD, POLICY).
        "notls": (("failedstarttls", "HARD", "POLICY"), None),
        # Courier 1.0 does not know RFC 7505: the null MX's "." is a "DNS
        # lookup failed.", retried until the queue time runs out (PRODUCT.md:
        # a DNS failure is TEMPORARY_TECHNICAL).
        "nullmx": (("networkerror", "SOFT", "TEMPORARY_TECHNICAL"), ("networkerror", "PENDING", "TEMPORARY_TECHNICAL")),
    },
}


def expiring(server, kind):
    """Whether the server retries the kind until its queue lifetime runs out."""
    if kind in SERVER_TRUTH.get(server, {}):
        return SERVER_TRUTH[server][kind][1] is not None
    return kind in EXPIRING


# Dovecot LDA and Sieve, run directly (servers.run_dovecot_cases).
VACATION_LANGS = ["en", "ja", "de", "fr"]
DOVECOT_KINDS = {
    "vacation": ("vacation", "NONE", None),
    "lda-quota": ("mailboxfull", "HARD", "MAILBOX_FULL"),
    "sieve-reject": ("filtered", "HARD", "CONTENT"),
}


@dataclass
class Rcpt:
    address: str
    final: Truth | None
    delay: Truth | None = None
    notify: str = "FAILURE,DELAY"
    answered: str | None = None  # the address that answered (auto-replies)

    def truth_for(self, notice, retried=False):
        if notice == "delay":
            if self.delay is None and self.final is not None and self.final.type == "HARD":
                # still being retried: PENDING, with the cause's transient reason
                return Truth(self.final.kind, self.final.cause, "PENDING", SOFT_REASON[self.final.cause])
            return self.delay
        if notice == "final" and retried and self.final is not None and self.final.type == "HARD":
            # the server retried and then gave up: what it finally says is an expiry
            return Truth(self.final.kind, "expired", "SOFT", "RECIPIENT_TEMPORARY")
        if notice == "success":
            return self.final if self.final and self.final.type == "NONE" else None
        if self.final and self.final.type == "NONE" and notice == "final":
            return None
        return self.final


@dataclass
class Case:
    server: str
    id: str
    kind: str
    rcpts: list = field(default_factory=list)
    variant: int = 0
    big: bool = False
    sent_at: float = 0.0
    lang: str = ""

    number: int = 0

    @property
    def sender(self):
        # Opaque: nothing in the envelope, the Subject or the Message-ID
        # names the kind, so no rule can learn it from there.
        return f"b-{self.server}-{self.number}@sender.test"

    def expects_notice(self):
        return any(r.final is not None for r in self.rcpts)

    def notice_for(self, age, lifetime, last, count=1):
        """Which notice a capture is, from what the lab did and when it came:
        of an expiring kind, the last notice once the lifetime has run out is
        the final one, every other a delay notice."""
        if self.kind == "success":
            return "success"
        if self.kind == "vacation":
            return "vacation"
        if expiring(self.server, self.kind):
            return "final" if last and age >= lifetime * 0.9 else "delay"
        # A server that retries what the lab meant as a final failure (a
        # null MX that OpenSMTPD does not know) sends delay notices first:
        # every notice but the last, and the last one too while the
        # lifetime has not run out.
        if not last or (count > 1 and age < lifetime * 0.9):
            return "delay"
        return "final"


def _rcpt(kind, n, server=""):
    pattern, final, delay = KINDS[kind]
    if kind in SERVER_TRUTH.get(server, {}):
        final, delay = SERVER_TRUTH[server][kind]
    r = Rcpt(pattern.format(n=n), Truth(kind, *final), Truth(kind, *delay) if delay else None)
    if kind == "success":
        r.notify = "SUCCESS"
    return r


def cases_for(server, subset=False):
    if server == "dovecot":
        return dovecot_cases(subset)
    out = []
    k = 0
    for kind, (full, sub) in COUNTS.items():
        if kind in UNSUPPORTED.get(server, set()):
            continue
        for n in range(1, (sub if subset else full) + 1):
            k += 1
            cid = f"{kind}-{n}"
            c = Case(server, cid, kind, variant=k, number=k)
            if kind == "mixed":
                # several recipients in one message to one host, some
                # refused at RCPT and one accepted: one notice for both
                c.rcpts = [_rcpt("rcpt-unknown", 10 + n), _rcpt("rcpt-unknown", 20 + n)]
                c.rcpts.insert(n % 3, Rcpt(f"ok-{10 + n}@ok.test", None))
                if n % 2 == 0:
                    c.rcpts.append(_rcpt("rcpt-unknown", 30 + n))
            else:
                c.rcpts = [_rcpt(kind, n, server)]
                c.big = kind == "toobig"
            out.append(c)
    return out


def dovecot_cases(subset):
    out = []
    k = 0
    per = 1 if subset else 6
    for lang in VACATION_LANGS:
        for n in range(1, per + 1):
            k += 1
            addr = f"vacation@mail.dovecot.test"
            c = Case("dovecot", f"vacation-{lang}-{n}", "vacation", variant=k, lang=lang, number=k)
            c.rcpts = [Rcpt(addr, Truth(f"vacation-{lang}", *DOVECOT_KINDS["vacation"]), answered=addr)]
            out.append(c)
    for kind, user in (("lda-quota", "full1"), ("sieve-reject", "carol")):
        for n in range(1, (1 if subset else 4) + 1):
            k += 1
            c = Case("dovecot", f"{kind}-{n}", kind, variant=k, number=k)
            c.rcpts = [Rcpt(f"{user}@mail.dovecot.test", Truth(kind, *DOVECOT_KINDS[kind]))]
            out.append(c)
    return out
