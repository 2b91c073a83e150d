#!/usr/bin/env python3
"""The same bounce, carried differently, gets the same verdict.

Rewrites every message of the corpus's maildir/bsd in ways a real relay or
mailbox may rewrite mail, and checks that `rebound classify` says the same
recipient, cause, status, type, reason and format as for the original:
  - header field names lowercased (every header block, every part);
  - folded header fields unfolded, and long DSN fields folded;
  - five more relay hops (Received fields) on top; DSN Action values in capitals;
  - a single-part text notice sent quoted-printable, then base64;
  - the notice part of a multipart report sent base64 (Python's generator
    also refolds the headers it writes).
Evidence may differ (it names what decided); nothing else may.

Usage: metamorphic_test.py REBOUND_BINARY CORPUS_DIR
"""
import base64
import email
import json
import os
import quopri
import re
import subprocess
import sys
import tempfile
from email import policy

REBOUND, CORPUS = sys.argv[1], sys.argv[2]
SOURCE = os.path.join(CORPUS, "maildir", "bsd")
KEYS = ("recipient", "cause", "status", "type", "reason", "format")


def verdicts(path):
    p = subprocess.run([REBOUND, "classify", "--format", "jsonl", path], capture_output=True, check=True)
    out = {}
    for line in p.stdout.decode("utf-8").splitlines():
        r = json.loads(line)
        name = re.sub(r"#\d+$", "", os.path.basename(r["file"]))
        out.setdefault(name, []).append(tuple(r.get(k) for k in KEYS))
    return out


def lowercase_names(raw):
    return re.sub(rb"(?m)^([A-Za-z][A-Za-z0-9-]*)(?=:)", lambda m: m.group(1).lower(), raw)


FIELD_AND_FOLD = re.compile(rb"(?m)^([A-Za-z][A-Za-z0-9-]*:[^\n]*)\n[ \t]+")


def unfold(raw):
    while True:
        joined = FIELD_AND_FOLD.sub(lambda m: m.group(1) + b" ", raw)
        if joined == raw:
            return raw
        raw = joined


def fold_dsn_fields(raw):
    def fold(m):
        line = m.group(0)
        at = line.find(b" ", 40)
        while at >= 0 and at + 1 < len(line) and line[at + 1:at + 2] in (b" ", b"\t"):
            at = line.find(b" ", at + 1)
        if len(line) <= 50 or at < 0 or at + 1 >= len(line):
            return line
        return line[:at] + b"\n\t" + line[at + 1:]
    return re.sub(rb"(?mi)^(diagnostic-code|final-recipient|remote-mta):[^\r\n]*", fold, raw)


def more_hops(raw):
    hops = b"".join(b"Received: from relay%d.example.net (relay%d.example.net [192.0.2.%d])\n"
                    b"\tby mx%d.example.org with ESMTPS id hop%d\n"
                    b"\tfor <x@example.org>; Mon, 1 Jan 2024 00:00:0%d +0000\n" % ((i,) * 6) for i in range(5))
    if raw.startswith(b"From "):  # after an mbox separator
        nl = raw.find(b"\n") + 1
        return raw[:nl] + hops + raw[nl:]
    return hops + raw


def capital_actions(raw):
    return re.sub(rb"(?mi)^(action:[ \t]*)([a-z]+)", lambda m: m.group(1) + m.group(2).upper(), raw)


def single_part(raw, encoding):
    raw = raw.replace(b"\r\n", b"\n")
    if raw.startswith(b"From "):
        return None  # an mbox: the rewrite below would take its separator for a header
    end = raw.find(b"\n\n")
    if end < 0:
        return None
    head, body = raw[:end + 1], raw[end + 2:]
    if re.search(rb"(?im)^content-transfer-encoding:", head):
        return None
    if re.search(rb"(?im)^content-type:", head) and not re.search(rb"(?im)^content-type:\s*text/plain", head):
        return None
    coded = quopri.encodestring(body) if encoding == "quoted-printable" else base64.encodebytes(body)
    return head + b"Content-Transfer-Encoding: " + encoding.encode() + b"\n\n" + coded


def multipart_notice_base64(raw):
    if raw.startswith(b"From "):
        return None
    try:
        m = email.message_from_bytes(raw, policy=policy.compat32)
    except Exception:  # pylint: disable=broad-except
        return None
    if not m.is_multipart():
        return None
    for part in m.walk():
        if part.get_content_type() != "text/plain" or part.is_multipart():
            continue
        if part.get("Content-Transfer-Encoding", "7bit").lower() not in ("7bit", "8bit"):
            return None
        payload = part.get_payload(decode=False)
        if not isinstance(payload, str):
            return None
        del part["Content-Transfer-Encoding"]
        part["Content-Transfer-Encoding"] = "base64"
        part.set_payload(base64.encodebytes(payload.encode("utf-8", "surrogateescape")).decode("ascii"))
        try:
            return m.as_bytes(policy=policy.compat32)
        except Exception:  # pylint: disable=broad-except
            return None
    return None


REWRITES = {
    "lowercased field names": lowercase_names,
    "fields unfolded": unfold,
    "DSN fields folded": fold_dsn_fields,
    "five more relay hops": more_hops,
    "Action values in capitals": capital_actions,
    "notice quoted-printable": lambda raw: single_part(raw, "quoted-printable"),
    "notice base64": lambda raw: single_part(raw, "base64"),
    "report notice base64": multipart_notice_base64,
}

original = verdicts(SOURCE)
failures = []
with tempfile.TemporaryDirectory() as tmp:
    for label, rewrite in REWRITES.items():
        folder = os.path.join(tmp, re.sub(r"\W+", "-", label))
        os.mkdir(folder)
        written = 0
        for name in sorted(os.listdir(SOURCE)):
            with open(os.path.join(SOURCE, name), "rb") as f:
                raw = f.read()
            out = rewrite(raw)
            if out is None or out == raw:
                continue  # nothing to rewrite in this one
            with open(os.path.join(folder, name), "wb") as f:
                f.write(out)
            written += 1
        got = verdicts(folder)
        differ = [n for n in got if got[n] != original.get(n)]
        print(f"{label}: {written} messages rewritten, {len(differ)} verdicts differ")
        if written < 50:
            failures.append(f"{label}: only {written} messages could be rewritten")
        for n in differ[:10]:
            failures.append(f"{label}: {n}: {original.get(n)} -> {got[n]}")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
