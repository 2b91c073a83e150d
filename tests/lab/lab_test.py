#!/usr/bin/env python3
"""Rebound over a lab corpus (captured bounces of real mail servers with the
truth the lab caused): type, reason and recipient must agree on at least 99%
of the records, and every "not a bounce" record must be read as none.

    lab_test.py REBOUND CORPUS_DIR [--min-messages N]

Prints the corpus's size per server and per failure kind, then the
disagreements. Exit 1 when a target is missed.
"""
import collections
import json
import subprocess
import sys
from pathlib import Path


def main():
    rebound, corpus = sys.argv[1], Path(sys.argv[2])
    min_messages = int(sys.argv[sys.argv.index("--min-messages") + 1]) if "--min-messages" in sys.argv else 1
    labels = [json.loads(l) for l in (corpus / "labels.jsonl").read_text().splitlines() if l.strip()]
    files = sorted({l["file"] for l in labels})
    per_server = collections.Counter(f.split("/")[0] for f in files)
    per_kind = collections.defaultdict(set)
    for l in labels:
        per_kind[l["kind"]].add(l["server"])
    print(f"lab corpus: {len(files)} messages, {len(labels)} records")
    for s, n in sorted(per_server.items()):
        kinds = sorted({l["kind"] for l in labels if l["server"] == s})
        print(f"  {s:<10} {n:>4} messages, {len(kinds)} kinds")
    if not files:
        print("lab: FAILED (no captured message)")
        return 1
    print("  kinds: " + ", ".join(f"{k} ({len(v)} servers)" for k, v in sorted(per_kind.items())))

    # One classify run over every file; records in order per file.
    out = subprocess.run([rebound, "classify", "--format", "jsonl"] + [str(corpus / f) for f in files],
                         capture_output=True, text=True, check=True).stdout
    got = collections.defaultdict(list)
    for line in out.splitlines():
        j = json.loads(line)
        got[str(Path(j["file"]).relative_to(corpus))].append(j)
    n = ok_type = ok_reason = ok_rcpt = 0
    none_total = none_ok = 0
    bad = []
    per_kind_ok = {}
    for l in labels:
        recs = got.get(l["file"], [])
        v = recs[l["index"] - 1] if l["index"] <= len(recs) else None
        t = v is not None and v["type"] == l["type"]
        r = v is not None and v["reason"] == l["reason"]
        rc = v is not None and (v["recipient"] or "") == l["recipient"]
        n += 1
        ok_type += t
        ok_reason += r
        ok_rcpt += rc
        if l["type"] == "NONE":
            none_total += 1
            none_ok += t
        if not (t and r and rc):
            bad.append(f"  {l['file']}#{l['index']} ({l['kind']}, {l['notice']}): want {l['type']}/{l['reason']} "
                       f"{l['recipient']}, got " + (f"{v['type']}/{v['reason']} {v['recipient']} ({v['cause']}: "
                                                    f"{(v['diagnostic'] or '')[:80]})" if v else "nothing"))
        per_kind_ok.setdefault((l["server"], l["kind"]), [0, 0])
        per_kind_ok[(l["server"], l["kind"])][0] += t and r and rc
        per_kind_ok[(l["server"], l["kind"])][1] += 1
    # Agreement (type, reason and recipient all right) per server and kind.
    kinds = sorted({k for _, k in per_kind_ok})
    servers = sorted({s for s, _ in per_kind_ok})
    print("  agreement per kind (records right/records):")
    print("  " + f"{'kind':<14}" + "".join(f"{s:>11}" for s in servers))
    for k in kinds:
        cells = [per_kind_ok.get((s, k)) for s in servers]
        print("  " + f"{k:<14}" + "".join(f"{f'{c[0]}/{c[1]}':>11}" if c else f"{'-':>11}" for c in cells))
    pct = lambda a: 100.0 * a / n if n else 0.0
    print(f"type {ok_type}/{n} {pct(ok_type):.2f}%  reason {ok_reason}/{n} {pct(ok_reason):.2f}%  "
          f"recipient {ok_rcpt}/{n} {pct(ok_rcpt):.2f}%  not-a-bounce {none_ok}/{none_total}")
    for b in bad:
        print(b)
    failed = (len(files) < min_messages or pct(ok_type) < 99 or pct(ok_reason) < 99 or pct(ok_rcpt) < 99
              or none_ok != none_total)
    print("lab: FAILED" if failed else "lab: passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
