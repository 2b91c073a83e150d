#!/usr/bin/env python3
"""Whole-process checks of `rebound classify` and `rebound eval` over the shared corpus.

Usage: corpus_test.py REBOUND_BINARY CORPUS_DIR
"""
import json
import os
import re
import subprocess
import sys

REBOUND, CORPUS = sys.argv[1], sys.argv[2]
FIELDS = ["file", "recipient", "type", "reason", "cause", "status", "reply_code", "action",
          "diagnostic", "remote_mta", "format", "original_message_id", "evidence"]
TYPES = {"HARD", "SOFT", "PENDING", "NONE"}
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def classify(*args):
    p = subprocess.run([REBOUND, "classify", "--format", "jsonl", *args], capture_output=True)
    records = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
    return p.returncode, records, p.stderr.decode("utf-8", "replace")


def base(name):
    return re.sub(r"#\d+$", "", name)


# Every folder of maildir/: exit 0, a record for every message, every record well-formed.
maildir = os.path.join(CORPUS, "maildir")
rc, records, err = classify(maildir)
check(rc == 0, f"classify maildir exit {rc}: {err[-500:]}")
files = set()
for root, _, names in os.walk(maildir):
    files.update(os.path.join(root, n) for n in names)
seen = {base(r["file"]) for r in records}
missing = files - seen
check(not missing, f"no record for {sorted(missing)[:5]}")
for r in records:
    for f in FIELDS:
        check(f in r, f"{r.get('file')}: field {f} missing")
    check(r.get("type") in TYPES, f"{r['file']}: bad type {r.get('type')}")
    check((r.get("reason") is None) == (r.get("type") == "NONE"), f"{r['file']}: reason/type mismatch")
    check(isinstance(r.get("evidence"), list), f"{r['file']}: evidence not a list")

# The mbox files, with --mbox.
rc, mrecords, err = classify("--mbox", os.path.join(CORPUS, "mailbox"))
check(rc == 0, f"classify --mbox exit {rc}: {err[-500:]}")
check(len({r['file'] for r in mrecords}) >= 38, f"mbox records: {len(mrecords)}")

# dos/ and mac/ copies give the same records as their bsd/ originals.
def strip(rs):
    return [{k: v for k, v in r.items() if k != "file"} for r in rs]


by_file = {}
for r in records:
    by_file.setdefault(base(os.path.relpath(r["file"], maildir)), []).append(r)
variants = 0
for variant_dir in ("dos", "mac"):
    for name in sorted(os.listdir(os.path.join(maildir, variant_dir))):
        original = by_file.get(f"bsd/{name}")
        copy = by_file.get(f"{variant_dir}/{name}")
        if original is None:
            continue
        variants += 1
        check(strip(copy) == strip(original), f"{variant_dir}/{name} differs from bsd/{name}")
check(variants >= 100, f"only {variants} variant files compared")

# eval runs and reports.
p = subprocess.run([REBOUND, "eval", CORPUS], capture_output=True, text=True)
check(p.returncode == 0, f"eval exit {p.returncode}")
check("cause agreement" in p.stdout and "disagreements" in p.stdout, "eval output incomplete")

for f in failures[:30]:
    print("FAIL:", f)
print(f"{len(records)} maildir records, {len(mrecords)} mbox records, {variants} variants compared")
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
