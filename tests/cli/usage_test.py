#!/usr/bin/env python3
"""Exit codes and output shapes of the CLI (CLASSIFY-OUTPUT.md).

Usage: usage_test.py REBOUND_BINARY EXAMPLES_DIR
"""
import json
import os
import subprocess
import sys

REBOUND, EXAMPLES = sys.argv[1], sys.argv[2]
failures = []


def run(*args, stdin=None):
    return subprocess.run([REBOUND, *args], input=stdin, capture_output=True)


def check(cond, what):
    if not cond:
        failures.append(what)


example = os.path.join(EXAMPLES, "dsn-unknown-user.eml")
p = run("classify", example)
check(p.returncode == 0, "classify example exit")
rec = json.loads(p.stdout)  # not a terminal: JSON lines by default
check(rec["recipient"] == "jane.doe@example.org" and rec["type"] == "HARD" and rec["reason"] == "UNKNOWN_USER",
      f"example verdict {rec}")

p = run("classify", "-", stdin=open(example, "rb").read())
check(p.returncode == 0 and json.loads(p.stdout)["file"] == "-", "stdin input")

p = run("classify", "--format", "human", example)
check(p.returncode == 0 and b"UNKNOWN_USER" in p.stdout, "human output")

p = run("classify", "/nonexistent/file.eml", example)
check(p.returncode == 1, f"unreadable input exit {p.returncode}")
check(len(p.stdout.splitlines()) == 1, "other inputs still classified")

p = run("classify")
check(p.returncode == 2, f"missing path exit {p.returncode}")
p = run("no-such-command")
check(p.returncode == 2, f"bad command exit {p.returncode}")

p = run("classify", "-", stdin=b"\x00\x01\x02garbage\xff\xfe")
check(p.returncode == 0 and "error" in json.loads(p.stdout), "junk gives an error record")

p = run("classify-reply", stdin=b"550 5.1.1 <a@b.example>: User unknown\n452 4.2.2 Mailbox full\n")
lines = [json.loads(x) for x in p.stdout.splitlines()]
check(p.returncode == 0 and len(lines) == 2, "classify-reply lines")
if len(lines) == 2:
    check(lines[0]["type"] == "HARD" and lines[0]["status"] == "5.1.1", f"reply 1: {lines[0]}")
    check(lines[1]["type"] == "SOFT" and lines[1]["reply_code"] == "452", f"reply 2: {lines[1]}")
    for key in ("reply", "type", "reason", "cause", "status", "reply_code", "evidence"):
        check(key in lines[0], f"classify-reply field {key}")

for f in failures:
    print("FAIL:", f)
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
