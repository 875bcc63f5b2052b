#!/usr/bin/env python3
"""Mutation check of issue 18 ("Broken and hostile input: nothing lost without a word").

Makes fresh mutants of every file under --realdata (six kinds: bitflip, truncate, lenfield,
splice, repeat, zero) plus hand-made hostile files, feeds each to `halfopen analyze --format json`
one by one, and flags: a panic (stderr "panicked", exit 101 or a signal), a run over 10 s or
256 MB max RSS, a silent loss (fewer records than the original, or the format lost, with no
problem, input error, or warning naming the file), and exit 0 with fewer records.

Python 3.11, stdlib only. Example:
    python3 scripts/mutants.py --seed 20261204 --bin target/release/halfopen \
        --realdata ../shared/realdata
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zlib
from collections import defaultdict
from pathlib import Path

KINDS = ["bitflip", "truncate", "lenfield", "splice", "repeat", "zero"]
LIMIT_S = 10.0
LIMIT_KB = 256 * 1024
# Warnings that name the file but say nothing about damage: they do not count as reporting a loss.
BENIGN_WARNINGS = ("without a time stamp placed at the file's modification time",
                   "the file has no time stamp;", "local times read as UTC")
MiB = 1 << 20
GiB = 1 << 30


# ---------------------------------------------------------------- inputs


def real_files(root: Path) -> list[Path]:
    out = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix.lower() != ".md":
            out.append(p)
    return out


def ext_of(p: Path) -> str:
    """Extension that names the kind, `.gz` stripped: `x.pcap.gz` -> `.pcap`."""
    name = p.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1] or "(none)"


def group_of(p: Path, root: Path) -> str:
    """realdata subfolder (first two levels, jc's per-OS folders folded) + extension."""
    dirs = p.relative_to(root).parts[:-1]
    g = "/".join(dirs[:2]) if dirs else "."
    gz = ".gz" if p.name.lower().endswith(".gz") else ""
    return f"{g} {ext_of(p)}{gz}"


# ---------------------------------------------------------------- mutations


def m_bitflip(rng: random.Random, data: bytes, _pool) -> tuple[bytes, dict]:
    b = bytearray(data)
    if not b:
        return bytes(b), {"bits": []}
    n = rng.randint(1, 8)
    flips = []
    for _ in range(n):
        off = rng.randrange(len(b))
        bit = rng.randrange(8)
        b[off] ^= 1 << bit
        flips.append(f"0x{off:x}.{bit}")
    return bytes(b), {"bits": flips}


def m_truncate(rng, data, _pool):
    if len(data) < 2:
        return data[:0], {"cut": 0}
    cut = rng.randrange(1, len(data))
    p = {"cut": f"0x{cut:x}", "of": len(data)}
    # A cut right after a line end (UTF-8/ANSI `\n`, UTF-16LE `\n\0` at an even offset).
    if data[cut - 1:cut] == b"\n" or (cut % 2 == 0 and data[cut - 2:cut] == b"\n\x00"):
        p["at_line_end"] = True
    return data[:cut], p


def _len_value(rng):
    r = rng.random()
    if r < 0.4:
        return 0xFFFFFFFF
    if r < 0.7:
        return rng.randrange(0x10000000, 0xFFFFFFFF)  # huge
    return rng.randrange(0, 16)  # small


def m_lenfield(rng, data, _pool):
    b = bytearray(data)
    if len(b) < 4:
        return bytes(b), {"writes": []}
    writes = []
    first_hi = min(len(b), 64 * 1024) - 4
    off1 = rng.randrange(0, first_hi + 1) & ~3
    v = _len_value(rng)
    b[off1:off1 + 4] = v.to_bytes(4, "little")
    writes.append(f"0x{off1:x}=0x{v:x}")
    lo = max(off1 + 4, 64 * 1024 if len(b) > 64 * 1024 + 8 else off1 + 4)
    if lo <= len(b) - 4:
        off2 = rng.randrange(lo, len(b) - 3) & ~3
        if off2 >= lo - 3:
            v = _len_value(rng)
            b[off2:off2 + 4] = v.to_bytes(4, "little")
            writes.append(f"0x{off2:x}=0x{v:x}")
    return bytes(b), {"writes": writes}


def m_splice(rng, data, pool):
    src_name, src = rng.choice(pool)
    if not src:
        return data, {"from": src_name, "len": 0}
    ln = min(len(src), rng.randint(64, 64 * 1024))
    so = rng.randrange(0, len(src) - ln + 1)
    at = rng.randrange(0, len(data) + 1)
    chunk = src[so:so + ln]
    return data[:at] + chunk + data[at:], {
        "at": f"0x{at:x}", "from": src_name, "src_off": f"0x{so:x}", "len": ln}


def m_repeat(rng, data, _pool):
    blk = min(4096, len(data))
    if blk == 0:
        return data, {"at": 0, "len": 0}
    at = rng.randrange(0, len(data) - blk + 1)
    return data[:at + blk] + data[at:at + blk] + data[at + blk:], {
        "block": f"0x{at:x}", "len": blk}


def m_zero(rng, data, _pool):
    b = bytearray(data)
    if not b:
        return bytes(b), {"at": 0, "len": 0}
    ln = min(len(b), rng.randint(512, 64 * 1024))
    at = rng.randrange(0, len(b) - ln + 1)
    b[at:at + ln] = bytes(ln)
    return bytes(b), {"at": f"0x{at:x}", "len": ln}


MUTATORS = {"bitflip": m_bitflip, "truncate": m_truncate, "lenfield": m_lenfield,
            "splice": m_splice, "repeat": m_repeat, "zero": m_zero}


# ---------------------------------------------------------------- hand-made files


def gz_stream(path: Path, head: bytes, zeros: int):
    co = zlib.compressobj(6, zlib.DEFLATED, 31)
    chunk = bytes(MiB)
    with open(path, "wb") as f:
        f.write(co.compress(head))
        left = zeros
        while left > 0:
            n = min(left, MiB)
            f.write(co.compress(chunk if n == MiB else bytes(n)))
            left -= n
        f.write(co.flush())


def make_handmade(d: Path, seed: int) -> list[tuple[str, Path]]:
    d.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}:handmade")
    out = []

    def want(name):
        p = d / name
        out.append((name, p))
        return None if p.exists() else p

    if p := want("empty.txt"):
        p.write_bytes(b"")
    if p := want("zeros-50MB.bin"):
        with open(p, "wb") as f:
            for _ in range(50):
                f.write(bytes(MiB))
    if p := want("random-50MB.bin"):
        with open(p, "wb") as f:
            for _ in range(50):
                f.write(rng.randbytes(MiB))
    row = b"  TCP    192.168.1.10:49152     93.184.216.34:80       SYN_SENT        4242   "
    if p := want("netstat-oneline-20MB.txt"):
        p.write_bytes((row * (20 * MiB // len(row) + 1))[:20 * MiB])
    if p := want("netstat-header-then-oneline-20MB.txt"):
        head = (b"\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address"
                b"        State           PID\r\n")
        p.write_bytes(head + (row * (20 * MiB // len(row) + 1))[:20 * MiB])
    if p := want("bomb-1GiB-zeros.pcap.gz"):
        gz_stream(p, b"", GiB)
    pcap_hdr = (bytes.fromhex("d4c3b2a1") + (2).to_bytes(2, "little") + (4).to_bytes(2, "little")
                + bytes(8) + (65535).to_bytes(4, "little") + (1).to_bytes(4, "little"))
    if p := want("pcaphdr-2GiB-zeros.pcap.gz"):
        gz_stream(p, pcap_hdr, 2 * GiB)
    nm = bytearray(128)
    nm[0:4] = b"GMBU"
    nm[4], nm[5] = 3, 2  # 2.3
    nm[6:8] = (1).to_bytes(2, "little")
    nm[8:24] = bytes.fromhex("e0070100050008001400" "3b000f004001")
    ft_len = MiB
    nm[24:28] = (128 + GiB - ft_len).to_bytes(4, "little")
    nm[28:32] = ft_len.to_bytes(4, "little")
    if p := want("netmonhdr-1GiB-zeros.cap.gz"):
        gz_stream(p, bytes(nm), GiB)
    return out


# ---------------------------------------------------------------- running


def run_one(binary: str, path: Path, timeout: float, workdir: Path) -> dict:
    tf = workdir / "time.out"
    if tf.exists():
        tf.unlink()
    cmd = ["/usr/bin/time", "-f", "%e %M", "-o", str(tf), binary, "analyze", "--format", "json",
           str(path)]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=workdir,
                         start_new_session=True)
    timed_out = False
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
    wall = time.monotonic() - t0
    secs, rss, sig = wall, 0, None
    if tf.exists():
        for line in tf.read_text(errors="replace").splitlines():
            if "terminated by signal" in line:
                sig = line.strip()
            parts = line.split()
            if len(parts) == 2:
                try:
                    secs, rss = float(parts[0]), int(parts[1])
                except ValueError:
                    pass
    rc = p.returncode
    if rc is not None and rc < 0:
        sig = sig or f"signal {-rc}"
    stderr = err.decode("utf-8", "replace")
    try:
        doc = json.loads(out) if out else None
    except json.JSONDecodeError:
        doc = None
    return {"rc": rc, "secs": round(secs, 2), "rss_kb": rss, "signal": sig, "out_bytes": len(out),
            "timed_out": timed_out, "stderr": stderr[-2000:], "doc": doc}


def clip(t: str, n: int = 300) -> str:
    """Problem texts may quote a whole input line: keep the report readable."""
    return t if len(t) <= n else t[:n] + f"… [{len(t)} chars]"


def summarise(doc, path: Path) -> dict:
    """The facts we compare: first input's format/records/skipped/problems, named warnings/errors."""
    s = {"format": None, "records": None, "skipped": 0, "problems": [], "input_error": None,
         "named_warnings": [], "named_errors": [], "json": doc is not None}
    if not doc:
        return s
    base = path.name
    inputs = doc.get("inputs") or []
    if inputs:
        i0 = inputs[0]
        s["format"] = i0.get("format")
        s["records"] = i0.get("records")
        s["skipped"] = i0.get("skipped") or 0
        s["problems"] = [clip(f"{q.get('locator')}: {q.get('reason')}"
                              + (f" ({q.get('detail')})" if q.get("detail") else ""))
                         for q in (i0.get("problems") or [])]
        s["input_error"] = i0.get("error")
    s["named_warnings"] = [clip(w.replace(str(path), "FILE"))
                           for w in (doc.get("warnings") or [])
                           if base in w and not any(b in w for b in BENIGN_WARNINGS)]
    s["named_errors"] = [clip(e.get("error") or "") for e in (doc.get("errors") or [])
                         if base in (e.get("path") or "") or base in (e.get("error") or "")]
    if s["input_error"]:
        s["input_error"] = clip(s["input_error"].replace(str(path), "FILE"))
    return s


def reported(s: dict) -> bool:
    return bool(s["skipped"] or s["problems"] or s["input_error"] or s["named_warnings"]
                or s["named_errors"])


def reported_beyond(s: dict, o: dict) -> bool:
    """Something the original's own report did not say (problem, input error or warning text)."""
    return bool(set(s["problems"]) - set(o["problems"])
                or (s["input_error"] and not o["input_error"])
                or set(s["named_warnings"]) - set(o["named_warnings"])
                or (s["named_errors"] and not o["named_errors"]))


# Formats read as lines of text: a cut right after a line end leaves a complete, shorter file.
TEXT_FORMATS = ("netstat", "firewall", "event-xml", "event-csv")


def judge(r: dict, s: dict, o: dict | None, params: dict | None = None) -> list[str]:
    flags = []
    if "panicked" in r["stderr"] or r["rc"] == 101 or r["signal"]:
        flags.append("panic")
    if r["timed_out"] or r["secs"] > LIMIT_S:
        flags.append("time")
    if r["rss_kb"] > LIMIT_KB:
        flags.append("rss")
    if o is None:  # hand-made: must be named somewhere
        if not reported(s) and not flags:
            flags.append("silent")
        return flags
    if s["records"] is None or o["records"] is None:
        if not s["json"] and not flags:
            flags.append("no-json")
        return flags
    lost = s["records"] < o["records"]
    fmt_lost = s["format"] == "unknown" and o["format"] not in (None, "unknown")
    if lost and not fmt_lost and (params or {}).get("at_line_end") \
            and o["format"] in TEXT_FORMATS and not reported(s):
        # Nothing in the text tells this cut from a shorter file: the reader lost nothing of
        # what the file holds. Counted apart, not as a silent loss.
        flags.append("line-end-cut")
        return flags
    if lost or fmt_lost:
        if not reported(s):
            flags.append("silent")
        elif not reported_beyond(s, o):
            flags.append("silent-masked")
        if lost and r["rc"] == 0:
            flags.append("exit0-loss")
    return flags


# ---------------------------------------------------------------- report


def table(rows: list[dict], key: str) -> list[str]:
    agg = defaultdict(lambda: {"n": 0, "panic": 0, "time": 0, "rss": 0, "silent": 0,
                               "masked": 0, "exit0": 0, "cut": 0, "maxs": 0.0, "maxrss": 0})
    for r in rows:
        a = agg[r[key]]
        a["n"] += 1
        f = r["flags"]
        a["panic"] += "panic" in f
        a["time"] += "time" in f
        a["rss"] += "rss" in f
        a["silent"] += "silent" in f
        a["masked"] += "silent-masked" in f
        a["exit0"] += "exit0-loss" in f
        a["cut"] += "line-end-cut" in f
        a["maxs"] = max(a["maxs"], r["secs"])
        a["maxrss"] = max(a["maxrss"], r["rss_kb"])
    out = [f"| {key} | count | panics | >10 s | >256 MB | silent loss | silent (masked) "
           f"| exit 0 + loss | cut at a line end | max s | max RSS MB |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    tot = {"n": 0, "panic": 0, "time": 0, "rss": 0, "silent": 0, "masked": 0, "exit0": 0,
           "cut": 0, "maxs": 0.0, "maxrss": 0}
    for k in sorted(agg):
        a = agg[k]
        for t in tot:
            tot[t] = max(tot[t], a[t]) if t in ("maxs", "maxrss") else tot[t] + a[t]
        out.append(f"| {k} | {a['n']} | {a['panic']} | {a['time']} | {a['rss']} | {a['silent']} "
                   f"| {a['masked']} | {a['exit0']} | {a['cut']} | {a['maxs']:.2f} "
                   f"| {a['maxrss'] / 1024:.0f} |")
    a = tot
    out.append(f"| **all** | {a['n']} | {a['panic']} | {a['time']} | {a['rss']} | {a['silent']} "
               f"| {a['masked']} | {a['exit0']} | {a['cut']} | {a['maxs']:.2f} "
               f"| {a['maxrss'] / 1024:.0f} |")
    return out


def flagged_lines(rows: list[dict]) -> list[str]:
    out = []
    for r in rows:
        if not r["flags"]:
            continue
        s = r["s"]
        said = (s["problems"][:3] + [f"input error: {s['input_error']}"] * bool(s["input_error"])
                + [f"warning: {w}" for w in s["named_warnings"][:2]]
                + [f"error: {e}" for e in s["named_errors"][:2]])
        tail = r["stderr"].strip().splitlines()[-1:] if "panic" in r["flags"] else []
        out.append(f"- `{r['case']}` — **{', '.join(r['flags'])}**; original `{r['orig']}`; "
                   f"{r['kind']} {json.dumps(r['params'])}; records {r['orig_records']} → "
                   f"{s['records']} (format {r['orig_format']} → {s['format']}); exit {r['rc']}; "
                   f"{r['secs']} s, {r['rss_kb'] // 1024} MB; report said: "
                   + ("; ".join(said) if said else "nothing about the file")
                   + (f"; stderr: {tail[0]}" if tail else ""))
    return out


# ---------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--bin", default="target/release/halfopen")
    ap.add_argument("--realdata", default="../shared/realdata")
    ap.add_argument("--work", default="/tmp/mut", help="cases/, flagged/, results.jsonl go here")
    ap.add_argument("--per-kind", type=int, default=5, help="mutants per kind per file (wanted)")
    ap.add_argument("--cap", type=int, default=1500, help="at most this many realdata mutants")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--no-handmade", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep every mutant, not only flagged")
    ap.add_argument("--markdown", help="also write the summary and flagged cases here")
    a = ap.parse_args()

    root = Path(a.realdata).resolve()
    work = Path(a.work)
    cases, flagged = work / "cases", work / "flagged"
    for d in (cases, flagged):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    binary = str(Path(a.bin).resolve())
    files = real_files(root)

    # Plan: every (file, kind) at least once, then per_kind each if the cap allows, else the rest
    # of the cap spread at random over (file, kind) pairs.
    plan_rng = random.Random(f"{a.seed}:plan")
    per = max(1, min(a.per_kind, a.cap // max(1, len(files) * len(KINDS))))
    counts = {(f, k): per for f in files for k in KINDS}
    extra = a.cap - per * len(counts)
    pairs = [pk for pk in counts if counts[pk] < a.per_kind]
    while extra > 0 and pairs:
        pk = plan_rng.choice(pairs)
        counts[pk] += 1
        extra -= 1
        if counts[pk] >= a.per_kind:
            pairs.remove(pk)

    raw = {f: f.read_bytes() for f in files}
    inflated = {}
    for f in files:
        if f.name.lower().endswith(".gz"):
            try:
                inflated[f] = gzip.decompress(raw[f])
            except (OSError, EOFError, zlib.error):
                inflated[f] = raw[f]
        else:
            inflated[f] = raw[f]
    by_ext = defaultdict(list)
    for f in files:
        by_ext[ext_of(f)].append(f)

    results = []
    log = open(work / "results.jsonl", "w")
    t_start = time.monotonic()

    def record(row):
        results.append(row)
        slim = {k: v for k, v in row.items() if k != "doc"}
        log.write(json.dumps(slim) + "\n")
        log.flush()

    # Originals.
    orig = {}
    for f in files:
        r = run_one(binary, f, a.timeout, work)
        s = summarise(r.pop("doc"), f)
        orig[f] = s
        row = {"case": str(f.relative_to(root)), "orig": str(f.relative_to(root)),
               "group": group_of(f, root), "kind": "original", "params": {}, "s": s,
               "orig_records": s["records"], "orig_format": s["format"], **r}
        row["flags"] = [x for x in judge(r, s, s) if x in ("panic", "time", "rss")]
        record(row)
    print(f"originals: {len(files)} run in {time.monotonic() - t_start:.0f} s", file=sys.stderr)

    n = 0
    total = sum(counts.values())
    for f in files:
        rel = f.relative_to(root)
        is_gz = f.name.lower().endswith(".gz")
        for k in KINDS:
            for i in range(counts[(f, k)]):
                rng = random.Random(f"{a.seed}:{rel}:{k}:{i}")
                pool_files = [g for g in by_ext[ext_of(f)] if g != f] or [f]
                pool = [(str(g.relative_to(root)), inflated[g]) for g in pool_files]
                gz_mode = None
                if is_gz:
                    gz_mode = "compressed" if i % 2 == 0 else "inflated"
                    if gz_mode == "compressed":
                        data, params = MUTATORS[k](rng, raw[f], pool)
                    else:
                        data, params = MUTATORS[k](rng, inflated[f], pool)
                        data = gzip.compress(data, mtime=0)
                    params = {"gz": gz_mode, **params}
                else:
                    data, params = MUTATORS[k](rng, raw[f], pool)
                n += 1
                name = f"{n:04d}-{k}-{f.name}"
                cp = cases / name
                cp.write_bytes(data)
                r = run_one(binary, cp, a.timeout, work)
                s = summarise(r.pop("doc"), cp)
                row = {"case": name, "orig": str(rel), "group": group_of(f, root), "kind": k,
                       "params": params, "s": s, "orig_records": orig[f]["records"],
                       "orig_format": orig[f]["format"], **r}
                row["flags"] = judge(r, s, orig[f], params)
                record(row)
                if row["flags"]:
                    shutil.copy2(cp, flagged / name)
                    print(f"FLAG {name}: {row['flags']} {orig[f]['records']}->{s['records']}",
                          file=sys.stderr)
                if not a.keep:
                    cp.unlink()
                if n % 100 == 0:
                    print(f"{n}/{total} mutants, {time.monotonic() - t_start:.0f} s",
                          file=sys.stderr)

    if not a.no_handmade:
        t0 = time.monotonic()
        hm = make_handmade(work / "handmade", a.seed)
        print(f"hand-made files ready in {time.monotonic() - t0:.0f} s", file=sys.stderr)
        for name, p in hm:
            r = run_one(binary, p, a.timeout, work)
            s = summarise(r.pop("doc"), p)
            row = {"case": name, "orig": "(hand-made)", "group": "hand-made", "kind": "hand-made",
                   "params": {"bytes": p.stat().st_size}, "s": s, "orig_records": None,
                   "orig_format": None, **r}
            row["flags"] = judge(r, s, None)
            record(row)
            if row["flags"]:
                if p.stat().st_size < 64 * MiB:
                    shutil.copy2(p, flagged / name)
                print(f"FLAG {name}: {row['flags']}", file=sys.stderr)
    log.close()

    muts = [r for r in results if r["kind"] != "original"]
    lines = [f"Seed {a.seed}; {len(files)} realdata files; {total} mutants "
             f"({per}–{a.per_kind} per kind per file, cap {a.cap}); "
             f"{len(results) - len(muts)} originals run; total {time.monotonic() - t_start:.0f} s.",
             "", "### Mutants per input kind (realdata folder + extension)", ""]
    lines += table(muts, "group")
    lines += ["", "### Per mutation kind", ""]
    lines += table(results, "kind")
    lines += ["", "### Originals", ""]
    lines += table([r for r in results if r["kind"] == "original"], "group")
    hm_rows = [r for r in results if r["kind"] == "hand-made"]
    if hm_rows:
        lines += ["", "### Hand-made files", "",
                  "| file | bytes | exit | s | RSS MB | JSON out bytes | format | records | what the report said |",
                  "|---|---:|---:|---:|---:|---:|---|---:|---|"]
        for r in hm_rows:
            s = r["s"]
            said = s["problems"] + s["named_warnings"] + s["named_errors"]
            said = "; ".join(clip(x, 140) for x in said[:4]).replace("|", "\\|")
            lines.append(f"| {r['case']} | {r['params']['bytes']} | {r['rc']} | {r['secs']} "
                         f"| {r['rss_kb'] // 1024} | {r['out_bytes']} | {s['format']} "
                         f"| {s['records']} | {said} |")
    fl = flagged_lines(results)
    lines += ["", f"### Flagged cases ({len(fl)})", ""] + (fl or ["None."])
    text = "\n".join(lines) + "\n"
    print(text)
    if a.markdown:
        Path(a.markdown).write_text(text)
    return 1 if fl else 0


if __name__ == "__main__":
    sys.exit(main())
