#!/usr/bin/python3
"""Helper for bench/run.sh: makes the bundle configs and renders the report.

  bench.py config ROOTFS ARGS_JSON CGROUPNS(0|1) > config.json
  bench.py report RAW.tsv META.json RESULTS.md|-    (markdown to stdout)

RAW.tsv is what bench.c writes, one command per line:
  mode runtime workers iter op wall_ns user_us sys_us maxrss_kb status
"""
import json
import os
import random
import re
import sys

# --------------------------------------------------------------------------
# bundle config


def make_config(rootfs, args, cgroupns):
    """A typical config (what `runc spec` makes, minus the terminal and the
    /sys/fs/cgroup mount), identical for every runtime."""
    ns = ["pid", "network", "ipc", "uts", "mount"]
    if cgroupns:
        ns.append("cgroup")
    caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    return {
        "ociVersion": "1.0.2",
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": args,
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "cwd": "/",
            "capabilities": {k: caps for k in
                             ("bounding", "effective", "permitted", "ambient")},
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
            "noNewPrivileges": True,
        },
        "root": {"path": rootfs, "readonly": True},
        "hostname": "bench",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666",
                         "mode=0620", "gid=5"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
        ],
        "linux": {
            "resources": {"devices": [{"allow": False, "access": "rwm"}]},
            "namespaces": [{"type": t} for t in ns],
            "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore",
                            "/proc/keys", "/proc/latency_stats",
                            "/proc/timer_list", "/proc/timer_stats",
                            "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"],
        },
    }


# --------------------------------------------------------------------------
# statistics


def pct(xs, p):
    """Percentile with linear interpolation (xs non-empty)."""
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def fmt(v, digits=None):
    if v is None:
        return "-"
    if digits is None:
        digits = 2 if abs(v) < 10 else (1 if abs(v) < 100 else 0)
    return f"{v:.{digits}f}"


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            p = line.rstrip("\n").split("\t")
            if len(p) != 10:
                continue
            rows.append({
                "mode": p[0], "rt": p[1], "workers": int(p[2]),
                "iter": int(p[3]), "op": p[4], "wall_ns": int(p[5]),
                "user_us": int(p[6]), "sys_us": int(p[7]),
                "maxrss_kb": int(p[8]), "status": int(p[9]),
            })
    return rows


class Fig:
    """One row of the table: per runtime a summary value (for ratios) and a
    display string."""

    def __init__(self, key, label, unit, lower_better=True):
        self.key, self.label, self.unit = key, label, unit
        self.lower_better = lower_better
        self.value = {}
        self.text = {}
        self.samples = {}


def dist_fig(key, label, unit, samples, scale):
    f = Fig(key, label, unit)
    for rt, xs in samples.items():
        if not xs:
            continue
        xs = [x * scale for x in xs]
        med = pct(xs, 50)
        f.samples[rt] = xs
        f.value[rt] = med
        f.text[rt] = f"{fmt(med)} [{fmt(pct(xs, 10))}–{fmt(pct(xs, 90))}]"
    return f


def compute(rows, runtimes, workers_list):
    ok = [r for r in rows if r["status"] == 0]

    def sel(mode, op, rt, workers=None):
        return [r for r in ok if r["mode"] == mode and r["op"] == op
                and r["rt"] == rt and (workers is None or r["workers"] == workers)]

    figs = []
    lat_ms = 1e-6
    figs.append(dist_fig("run", "run, back-to-back (ms)", "ms",
                         {rt: [r["wall_ns"] for r in sel("lat", "run", rt)]
                          for rt in runtimes}, lat_ms))
    figs.append(dist_fig("run_idle", "run, after 1 s idle (ms)", "ms",
                         {rt: [r["wall_ns"] for r in sel("idle", "run", rt)]
                          for rt in runtimes}, lat_ms))
    for op in ("create", "start", "state", "exec", "kill", "delete"):
        figs.append(dist_fig(op, f"{op} (ms)", "ms",
                             {rt: [r["wall_ns"] for r in sel("lat", op, rt)]
                              for rt in runtimes}, lat_ms))
    figs.append(dist_fig("cpu_run", "CPU time per container, `run` user+sys (ms)",
                         "ms", {rt: [r["user_us"] + r["sys_us"]
                                     for r in sel("lat", "run", rt)]
                                for rt in runtimes}, 1e-3))
    figs.append(dist_fig(
        "cpu_life", "CPU time, create+start+state+exec+kill+delete (ms)", "ms",
        {rt: lifecycle_cpu(ok, rt) for rt in runtimes}, 1e-3))

    mib = 1 / 1024.0
    figs.append(dist_fig("rss_run", "peak RSS of `run`, wait4 ru_maxrss (MiB)",
                         "MiB", {rt: [r["maxrss_kb"] for r in sel("lat", "run", rt)]
                                 for rt in runtimes}, mib))
    figs.append(dist_fig("rss_exec", "peak RSS of `exec`, wait4 ru_maxrss (MiB)",
                         "MiB", {rt: [r["maxrss_kb"] for r in sel("lat", "exec", rt)]
                                 for rt in runtimes}, mib))
    f = Fig("rss_peak", "peak RSS, max over all commands (MiB)", "MiB")
    for rt in runtimes:
        xs = [r["maxrss_kb"] for r in ok if r["rt"] == rt and r["mode"] in
              ("lat", "idle", "tput")]
        if xs:
            worst = max(xs)
            op = next(r["op"] for r in ok if r["rt"] == rt and r["maxrss_kb"] == worst)
            f.value[rt] = worst * mib
            f.text[rt] = f"{fmt(worst * mib)} ({op})"
    figs.append(f)
    f = Fig("rss_timev", "peak RSS, /usr/bin/time -v, max over all commands (MiB)",
            "MiB")
    for rt in runtimes:
        xs = [r for r in ok if r["rt"] == rt and r["mode"] == "timev"
              and r["maxrss_kb"] > 0]
        if xs:
            worst = max(xs, key=lambda r: r["maxrss_kb"])
            runs = [r["maxrss_kb"] for r in xs if r["op"] == "run"]
            f.value[rt] = worst["maxrss_kb"] * mib
            f.text[rt] = (f"{fmt(worst['maxrss_kb'] * mib)} ({worst['op']}); "
                          f"run {fmt(pct(runs, 50) * mib) if runs else '-'}")
    figs.append(f)

    for w in workers_list:
        f = Fig(f"tput{w}", f"throughput, {w} workers (containers/s)",
                "containers/s", lower_better=False)
        for rt in runtimes:
            rates = []
            for win in [r for r in rows if r["mode"] == "window" and r["rt"] == rt
                        and r["workers"] == w]:
                done = [r for r in ok if r["mode"] == "tput" and r["rt"] == rt
                        and r["workers"] == w and r["iter"] == win["iter"]]
                rates.append(len(done) / (win["wall_ns"] / 1e9))
            if rates:
                f.value[rt] = pct(rates, 50)
                f.text[rt] = fmt(pct(rates, 50)) + (
                    f" [{fmt(min(rates))}–{fmt(max(rates))}]" if len(rates) > 1 else "")
        figs.append(f)
        figs.append(dist_fig(f"tputlat{w}", f"run latency with {w} workers (ms)", "ms",
                             {rt: [r["wall_ns"] for r in sel("tput", "run", rt, w)]
                              for rt in runtimes}, lat_ms))
    return figs


def lifecycle_cpu(ok, rt):
    per = {}
    for r in ok:
        if r["mode"] == "lat" and r["rt"] == rt and r["op"] != "run":
            d = per.setdefault(r["iter"], {})
            d[r["op"]] = r["user_us"] + r["sys_us"]
    ops = {"create", "start", "state", "exec", "kill", "delete"}
    return [sum(d.values()) for d in per.values() if set(d) == ops]


TARGETS = [  # (figure key, kind, bound, text)
    ("run", "ratio", 0.6, "run <= 0.6 x crun"),
    ("exec", "ratio", 0.6, "exec <= 0.6 x crun"),
    ("create", "ratio", 1.0, "create <= crun"),
    ("start", "ratio", 1.0, "start <= crun"),
    ("state", "ratio", 1.0, "state <= crun"),
    ("kill", "ratio", 1.0, "kill <= crun"),
    ("delete", "ratio", 1.0, "delete <= crun"),
    ("rss_peak", "abs", 2.0, "peak RSS <= 2 MiB (max over all commands)"),
    ("tput2", "ratio_ge", 1.5, "throughput, 2 workers >= 1.5 x crun"),
    ("tput8", "ratio_ge", 1.5, "throughput, 8 workers >= 1.5 x crun"),
]


def ratio_ci(a, b, n=2000, seed=1):
    """95% bootstrap interval of median(a) / median(b)."""
    if len(a) < 5 or len(b) < 5:
        return None
    rnd = random.Random(seed)
    rs = []
    for _ in range(n):
        ma = pct(rnd.choices(a, k=len(a)), 50)
        mb = pct(rnd.choices(b, k=len(b)), 50)
        if mb:
            rs.append(ma / mb)
    return pct(rs, 2.5), pct(rs, 97.5)


def targets_text(figs, subject, base):
    byk = {f.key: f for f in figs}
    out, met, total = [], 0, 0
    for key, kind, bound, text in TARGETS:
        f = byk.get(key)
        if f is None:
            continue
        s = f.value.get(subject)
        if kind == "abs":
            if s is None:
                out.append(f"- {text}: not measured")
                total += 1
                continue
            ok = s <= bound
            detail = f"{fmt(s)} {f.unit}"
        else:
            b = f.value.get(base)
            if s is None or not b:
                out.append(f"- {text}: not measured")
                total += 1
                continue
            ratio = s / b
            ok = ratio <= bound if kind == "ratio" else ratio >= bound
            detail = f"{subject}/{base} = {ratio:.2f}"
            ci = ratio_ci(f.samples.get(subject, []), f.samples.get(base, []))
            if ci:
                detail += f" (95% CI {ci[0]:.2f}–{ci[1]:.2f})"
            detail += f", {fmt(s)} vs {fmt(b)} {f.unit}"
            if ci and ci[0] <= bound <= ci[1]:
                detail += " (borderline: the interval contains the bound)"
        total += 1
        met += ok
        out.append(f"- {text}: **{'MET' if ok else 'NOT MET'}** — {detail}")
    return met, total, out


def render(rows, meta):
    runtimes = [r["name"] for r in meta["runtimes"]]
    workers_list = meta["tput_workers"]
    figs = compute(rows, runtimes, workers_list)
    subject = meta.get("subject")
    if subject not in runtimes:
        subject = None
    others = [rt for rt in runtimes if rt != subject]
    if subject:
        ratio_cols = [(subject, o) for o in others]
    elif "crun" in runtimes and "runc" in runtimes:
        ratio_cols = [("runc", "crun")]
    else:
        ratio_cols = []

    L = []
    L.append(f"## {meta['label']}")
    L.append("")
    L.append(f"- Date: {meta['date']}")
    L.append(f"- Host: {meta['host']}")
    L.append("- Runtimes: " + "; ".join(
        f"`{r['name']}` = {r['path']} ({r['version']})" for r in meta["runtimes"]))
    L.append(f"- Command: `{meta['command']}`")
    L.append(f"- Settings: {meta['settings']}")
    L.append(f"- Bundle: {meta['bundle']}")
    for n in meta.get("notes", []):
        L.append(f"- Note: {n}")
    L.append("")
    L.append("Latencies are wall-clock times of one runtime command, median "
             "[p10–p90]; the ratio columns divide medians (below 1 = faster/"
             "smaller, except throughput where above 1 = better).")
    L.append("")
    hdr = ["figure"] + runtimes + [f"{a}/{b}" for a, b in ratio_cols]
    L.append("| " + " | ".join(hdr) + " |")
    L.append("|" + "---|" * len(hdr))
    for f in figs:
        cells = [f.label] + [f.text.get(rt, "-") for rt in runtimes]
        for a, b in ratio_cols:
            va, vb = f.value.get(a), f.value.get(b)
            cells.append(f"{va / vb:.2f}" if va is not None and vb else "-")
        L.append("| " + " | ".join(cells) + " |")
    # samples and failures
    cells = ["samples (lat / idle) and failed commands"]
    for rt in runtimes:
        n_lat = sum(1 for r in rows if r["rt"] == rt and r["mode"] == "lat"
                    and r["op"] == "run" and r["status"] == 0)
        n_idle = sum(1 for r in rows if r["rt"] == rt and r["mode"] == "idle"
                     and r["status"] == 0)
        bad = sum(1 for r in rows if r["rt"] == rt and r["status"] != 0
                  and r["mode"] != "window")
        cells.append(f"{n_lat} / {n_idle}; {bad} failed")
    cells += ["" for _ in ratio_cols]
    L.append("| " + " | ".join(cells) + " |")
    L.append("")
    if subject and "crun" in runtimes:
        met, total, lines = targets_text(figs, subject, "crun")
        L.append(f"Targets for {subject} (ratios to crun measured in this run): "
                 f"{met} of {total} met.")
        L.append("")
        L += lines
    elif subject:
        L.append(f"Targets for {subject} need crun in the same run: not evaluated.")
    else:
        L.append("ocirun was not part of this run, so no target is evaluated.")
    L.append("")
    return "\n".join(L)


HEADER = """# Benchmark results: ocirun vs crun vs runc

Written by `bench/run.sh` (see `bench/README.md` for what every figure means).
Each section is replaced by the next run with the same label (`BENCH_LABEL`);
other sections are kept. Timings are informative only: no test gates on them.
"""


def write_results(path, label, text):
    old = open(path).read() if os.path.exists(path) else HEADER
    if not old.startswith("# "):
        old = HEADER + "\n" + old
    begin = f"<!-- bench:begin {label} -->"
    end = f"<!-- bench:end {label} -->"
    block = f"{begin}\n{text}\n{end}\n"
    pat = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    if pat.search(old):
        new = pat.sub(lambda m: block, old, count=1)
    else:
        # newest first: right after the header paragraph
        m = re.search(r"<!-- bench:begin ", old)
        if m:
            new = old[:m.start()] + block + "\n" + old[m.start():]
        else:
            new = old.rstrip("\n") + "\n\n" + block
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(new)
    os.replace(tmp, path)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "config":
        rootfs, args, cgns = sys.argv[2], json.loads(sys.argv[3]), sys.argv[4] == "1"
        json.dump(make_config(rootfs, args, cgns), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "report":
        rows = load(sys.argv[2])
        with open(sys.argv[3]) as f:
            meta = json.load(f)
        text = render(rows, meta)
        sys.stdout.write(text + "\n")
        if sys.argv[4] != "-":
            write_results(sys.argv[4], meta["label"], text)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
