#!/usr/bin/env python3
"""Reads one run's raw files (bench/results/<stamp>/) and reports.

report.py --line RUN NAME              one line about one measurement
report.py --rate RUN NAME              half the measured maximum rate (requests/s)
report.py --explain-sql FILE           EXPLAIN (ANALYZE, BUFFERS) of the list query in FILE
report.py --summary RUN OUT.json OUT.md  the summary: goals, ratios, every measurement
"""
import collections
import json
import os
import re
import sys
import urllib.parse

MS = 1000.0
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


def load_oha(run, name):
    with open(os.path.join(run, name + ".json")) as f:
        d = json.load(f)
    s = d["summary"]
    pct = d.get("latencyPercentiles", {})
    statuses = {str(k): v for k, v in (d.get("statusCodeDistribution") or {}).items()}
    errors = d.get("errorDistribution") or {}
    ok = sum(v for k, v in statuses.items() if k.startswith("2"))
    total = sum(statuses.values()) + sum(errors.values())
    return {
        "tool": "oha",
        "rps": s.get("requestsPerSec"),
        "requests": total,
        "ok": ok,
        "errors": total - ok,
        "statuses": statuses,
        "error_kinds": errors,
        "p50_ms": (pct.get("p50") or 0) * MS,
        "p90_ms": (pct.get("p90") or 0) * MS,
        "p99_ms": (pct.get("p99") or 0) * MS,
        "p999_ms": (pct.get("p99.9") or 0) * MS,
        "max_ms": (s.get("slowest") or 0) * MS,
        "mean_ms": (s.get("average") or 0) * MS,
    }


def load_pgbench(run, name):
    text = open(os.path.join(run, name + ".pgbench.txt")).read()

    def num(pattern, default=None):
        m = re.search(pattern, text)
        return float(m.group(1)) if m else default

    processed = num(r"number of transactions actually processed: (\d+)", 0)
    failed = num(r"number of failed transactions: (\d+)", 0)
    return {
        "tool": "pgbench",
        "rps": num(r"tps = ([\d.]+) \(without initial connection time\)"),
        "requests": int(processed + failed),
        "ok": int(processed),
        "errors": int(failed),
        "mean_ms": num(r"latency average = ([\d.]+) ms"),
    }


def classify(pid, command, server_pid):
    """Whose CPU: the benchmarked server, PostgreSQL working for the benchmark database, PostgreSQL's
    shared processes (WAL writer, checkpointer, autovacuum…), the load generator, or anything
    else on the machine (other databases' backends, compilers, other people's tests)."""
    if pid == server_pid:
        return "ipdr"
    if command.startswith("postgres:"):
        if " ipdr_bench " in command:
            return "postgres"
        if re.search(r"postgres: \S+: (walwriter|checkpointer|background writer|autovacuum|logical|"
                     r"stats|archiver|walsender)", command):
            return "pg-shared"
        return "other"
    for word in command.split()[:2]:  # Debian's /usr/bin/pgbench is a perl wrapper
        if os.path.basename(word) in ("oha", "pgbench"):
            return os.path.basename(word)
    return "other"


def load_cpu(run, name):
    """Mean cores used per group while the measurement ran (pidstat -u -h -l 1)."""
    path = os.path.join(run, name + ".cpu")
    if not os.path.exists(path):
        return None
    try:
        server_pid = open(os.path.join(run, "server.pid")).read().strip()
    except OSError:
        server_pid = None
    by_time = collections.defaultdict(lambda: collections.Counter())
    header = None
    for line in open(path):
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "#":
            header = fields[1:]
            continue
        if header is None or len(fields) < len(header) or not re.match(r"^\d\d:\d\d:\d\d$", fields[0]):
            continue
        row = dict(zip(header[:-1], fields[: len(header) - 1]))
        command = " ".join(fields[len(header) - 1:])
        group = classify(row["PID"], command, server_pid)
        by_time[row["Time"]][group] += float(row["%CPU"]) / 100.0
    if not by_time:
        return None
    n = len(by_time)
    total = collections.Counter()
    for counter in by_time.values():
        total.update(counter)
    order = ["ipdr", "postgres", "pg-shared", "oha", "pgbench", "other"]
    return {k: round(total[k] / n, 2) for k in order if k in total}


def measurement(run, name):
    if os.path.exists(os.path.join(run, name + ".pgbench.txt")):
        m = load_pgbench(run, name)
    else:
        m = load_oha(run, name)
    m["cpu_cores"] = load_cpu(run, name)
    # CPU time per request (ms): steadier than throughput on a shared machine.
    if m["cpu_cores"] and m.get("rps"):
        m["cpu_ms_per_request"] = {k: round(v / m["rps"] * 1000.0, 3) for k, v in m["cpu_cores"].items()
                                   if k in ("ipdr", "postgres", "pgbench")}
    return m


def cpu_text(cpu):
    if not cpu:
        return ""
    return "cpu " + " ".join(f"{k} {v:.2f}" for k, v in cpu.items())


def line(run, name):
    m = measurement(run, name)
    if m["tool"] == "pgbench":
        text = f"{m['rps']:.0f} tps, mean {m['mean_ms']:.2f} ms, {m['errors']} failed"
    else:
        text = (f"{m['rps']:.0f} req/s, p50 {m['p50_ms']:.2f} ms, p99 {m['p99_ms']:.2f} ms, "
                f"{m['errors']} errors {m['statuses']}")
        if m["error_kinds"]:
            text += f" {m['error_kinds']}"
    per = m.get("cpu_ms_per_request") or {}
    per_text = ("; cpu ms/request " + " ".join(f"{k} {v:.2f}" for k, v in per.items())) if per else ""
    print(f"  {name}: {text}  {cpu_text(m['cpu_cores'])}{per_text}")


def read_kib(run, name):
    try:
        return int(open(os.path.join(run, name)).read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def summary(run, out_json, out_md):
    meta = json.load(open(os.path.join(run, "meta.json")))
    names = sorted(
        f[: -len(".pgbench.txt")] if f.endswith(".pgbench.txt") else f[: -len(".json")]
        for f in os.listdir(run)
        if (f.endswith(".json") and f not in ("meta.json", "seed.json")) or f.endswith(".pgbench.txt")
    )
    ms = {n: measurement(run, n) for n in names}
    seed = json.load(open(os.path.join(run, "seed.json")))
    try:
        samples = [int(x) for x in open(os.path.join(run, "rss.samples")).read().split() if x.isdigit()]
    except OSError:
        samples = []
    memory = {
        "vmhwm_mib": mib(read_kib(run, "server.vmhwm")),
        "rss_end_mib": mib(read_kib(run, "server.vmrss")),
        "rss_sampled_max_mib": mib(max(samples) if samples else None),
        "flood_rss_before_mib": mib(read_kib(run, "flood.rss_before")),
        "flood_rss_after_mib": mib(read_kib(run, "flood.rss_after")),
    }
    goals = []

    def goal(what, value, unit, target, op, fmt="{:.2f}"):
        met = None if value is None else (value >= target if op == ">=" else value <= target)
        goals.append({"what": what, "value": value, "unit": unit, "goal": f"{op} {fmt.format(target)}{unit}",
                      "met": met, "text": "—" if value is None else fmt.format(value) + unit})

    def ratio(a, b):
        return ms[a]["rps"] / ms[b]["rps"] if a in ms and b in ms and ms[b]["rps"] else None

    if "post_max" in ms and "pgbench_post" in ms:
        goal(f"POST /cases ÷ pgbench, 16 clients ({ms['post_max']['rps']:.0f} ÷ {ms['pgbench_post']['rps']:.0f} /s)",
             ratio("post_max", "pgbench_post"), "", 0.7, ">=")
    if "get_max" in ms and "pgbench_get" in ms:
        goal(f"GET /cases/{{id}} ÷ pgbench, 32 clients ({ms['get_max']['rps']:.0f} ÷ {ms['pgbench_get']['rps']:.0f} /s)",
             ratio("get_max", "pgbench_get"), "", 0.3, ">=")
    if "post_half" in ms:
        goal(f"POST p99 at {ms['post_half']['rps']:.0f}/s open loop", ms["post_half"]["p99_ms"], " ms", 25, "<=", "{:.1f}")
        goal("POST errors at half rate", ms["post_half"]["errors"], "", 0, "<=", "{:.0f}")
    if "get_half" in ms:
        goal(f"GET p99 at {ms['get_half']['rps']:.0f}/s open loop", ms["get_half"]["p99_ms"], " ms", 10, "<=", "{:.1f}")
        goal("GET errors at half rate", ms["get_half"]["errors"], "", 0, "<=", "{:.0f}")
    flood = ms.get("flood")
    if "get_flood" in ms:
        base = ms.get("get_half", {}).get("p99_ms")
        goal(f"GET p99 with login flood ÷ without ({ms['get_flood']['p99_ms']:.1f} ÷ {base or 0:.1f} ms)",
             ms["get_flood"]["p99_ms"] / base if base else None, "", 2.0, "<=")
        goal("GET errors during the flood", ms["get_flood"]["errors"], "", 0, "<=", "{:.0f}")
    if flood:
        throttled = flood["statuses"].get("429", 0)
        goals.append({"what": f"login flood answered 429 ({throttled} of {flood['requests']}, "
                              f"{flood['statuses'].get('401', 0)} × 401)",
                      "value": throttled / max(1, flood["requests"]), "unit": "", "goal": "most", "met":
                      throttled / max(1, flood["requests"]) >= 0.5,
                      "text": f"{100.0 * throttled / max(1, flood['requests']):.0f} %"})
    if memory["flood_rss_before_mib"] is not None and memory["flood_rss_after_mib"] is not None:
        goal(f"RSS growth during the flood ({memory['flood_rss_before_mib']:.0f} → {memory['flood_rss_after_mib']:.0f} MiB)",
             memory["flood_rss_after_mib"] - memory["flood_rss_before_mib"], " MiB", 64, "<=", "{:.0f}")
    for n in sorted(ms):
        mm = re.match(r"list_(.+)_half$", n)
        if mm:
            goal(f"list ?{open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lists', mm.group(1))).read().strip()} "
                 f"p99 at {ms[n]['rps']:.0f}/s", ms[n]["p99_ms"], " ms", 50, "<=", "{:.1f}")
            goal(f"list {mm.group(1)} errors", ms[n]["errors"], "", 0, "<=", "{:.0f}")
    if "console_case_half" in ms:
        goal(f"console GET /cases/{{id}} p99 at {ms['console_case_half']['rps']:.0f}/s open loop "
             f"(max {ms['console_case_max']['rps']:.0f}/s)" if "console_case_max" in ms else
             f"console GET /cases/{{id}} p99 at {ms['console_case_half']['rps']:.0f}/s open loop",
             ms["console_case_half"]["p99_ms"], " ms", 20, "<=", "{:.1f}")
        goal("console case page errors", ms["console_case_half"]["errors"], "", 0, "<=", "{:.0f}")
    for n in sorted(ms):
        mm = re.match(r"console_list_(.+)_half$", n)
        if mm:
            query = urllib.parse.unquote(console_query(mm.group(1)))
            top = ms.get(f"console_list_{mm.group(1)}_max")
            goal(f"console GET /cases{'?' + query if query else ''} p99 at {ms[n]['rps']:.0f}/s"
                 + (f" (max {top['rps']:.0f}/s)" if top else ""), ms[n]["p99_ms"], " ms", 20, "<=", "{:.1f}")
            goal(f"console list {mm.group(1)} errors", ms[n]["errors"], "", 0, "<=", "{:.0f}")
    writes = console_writes(run, ms)
    if writes:
        shown = ", ".join(f"{t} {' '.join(f'{v} {k}' for k, v in d.items())}" for t, d in writes["tables"].items())
        goals.append({"what": f"rows written while the console phase ran ({writes['requests']} GETs in "
                              f"{writes['seconds']:.0f} s; with the background work)",
                      "value": writes["rows"], "unit": "", "goal": "reported", "met": None,
                      "text": shown or "none"})
    goals.append({"what": "peak resident memory of the server (VmHWM)", "value": memory["vmhwm_mib"],
                  "unit": " MiB", "goal": "reported", "met": None,
                  "text": f"{memory['vmhwm_mib']:.0f} MiB" if memory["vmhwm_mib"] else "—"})

    elapsed = read_kib(run, "elapsed")
    statements = statement_counts(run)
    result = {"meta": meta, "seed": seed, "memory": memory, "goals": goals, "measurements": ms,
              "statements_per_request": statements, "elapsed_seconds": elapsed}
    if writes:
        result["console_writes"] = writes
    if flood:
        result["flood"] = flood

    md = []
    md.append(f"Run {meta['stamp']} at commit `{meta['commit']}`"
              + (f" (+{meta['uncommitted_files']} uncommitted files)" if meta["uncommitted_files"] else "")
              + f"; {meta['cores']} cores, {meta['cpu']}, PostgreSQL {meta['postgres']}; "
              f"server {', '.join(f'{k}={v}' for k, v in meta['server'].items())}; "
              + (f"{seed['cases']:,} cases (database reused)" if seed.get("reused") else f"{seed['cases']:,} cases seeded in {seed['seconds']} s")
              + f"; run took {elapsed} s.")
    others = [m["cpu_cores"].get("other", 0) for m in ms.values() if m.get("cpu_cores")]
    busy = sum(others) / len(others) if others else 0
    result["other_cpu_cores_mean"] = round(busy, 2)
    json.dump(result, open(out_json, "w"), ensure_ascii=False, indent=1)
    if busy > 0.15:
        md.append("")
        md.append(f"**Warning: other processes used {busy:.2f} of {meta['cores']} cores on average during the "
                  "measurements (column \"other\"): the machine was shared, figures are low and noisy.**")
    md.append("")
    md.append("| goal | measured | target | |")
    md.append("|---|---|---|---|")
    for g in goals:
        mark = "met" if g["met"] else ("**missed**" if g["met"] is False else "")
        md.append(f"| {g['what']} | {g['text']} | {g['goal']} | {mark} |")
    md.append("")
    md.append("| measurement | rate /s | p50 ms | p99 ms | max ms | errors | statuses | CPU cores used | CPU ms per request |")
    md.append("|---|---|---|---|---|---|---|---|---|")
    for n, m in ms.items():
        if n.endswith("warmup"):
            continue
        if m["tool"] == "pgbench":
            md.append(f"| {n} (pgbench) | {m['rps']:.0f} | mean {m['mean_ms']:.2f} | | | {m['errors']} | | {cpu_text(m['cpu_cores'])[4:]} | {per_text(m)} |")
        else:
            st = " ".join(f"{k}:{v}" for k, v in sorted(m["statuses"].items()))
            md.append(f"| {n} | {m['rps']:.0f} | {m['p50_ms']:.2f} | {m['p99_ms']:.2f} | {m['max_ms']:.1f} | "
                      f"{m['errors']} | {st} | {cpu_text(m['cpu_cores'])[4:]} | {per_text(m)} |")
    md.append("")
    md.append(f"Memory: VmHWM {memory['vmhwm_mib']} MiB, largest sampled RSS {memory['rss_sampled_max_mib']} MiB, "
              f"RSS at the end {memory['rss_end_mib']} MiB.")
    if statements:
        md.append("")
        md.append("Statements per request (bench/capture-sql): "
                  + ", ".join(f"{k} {v}" for k, v in statements.items()) + ".")
    open(out_md, "w").write("\n".join(md) + "\n")

    print()
    print("=" * 100)
    print("\n".join(md))
    print("=" * 100)
    print(f"raw numbers: {out_json}\nMarkdown table: {out_md}")


def console_query(name):
    try:
        return open(os.path.join(BENCH_DIR, "console-lists", name)).read().strip()
    except OSError:
        return "?"


def console_writes(run, ms):
    """Rows inserted, updated, deleted per table between the start and the end of the console
    phase (pg_stat_user_tables), with the number of console GETs and the phase's duration."""
    try:
        before = json.load(open(os.path.join(run, "console.writes_before")))
        after = json.load(open(os.path.join(run, "console.writes_after")))
        seconds = float(open(os.path.join(run, "console.ended")).read()) - float(
            open(os.path.join(run, "console.started")).read())
    except (OSError, ValueError):
        return None
    tables = {}
    for table, counts in sorted(after.items()):
        old = before.get(table, {})
        delta = {k: v - old.get(k, 0) for k, v in counts.items() if v - old.get(k, 0)}
        if delta:
            tables[table] = delta
    requests = sum(m["requests"] for n, m in ms.items() if n.startswith("console_"))
    rows = sum(sum(d.values()) for d in tables.values())
    return {"tables": tables, "rows": rows, "requests": requests, "seconds": round(seconds, 1),
            "rows_per_1000_requests": round(rows / requests * 1000, 3) if requests else None}


def statement_counts(run):
    """Statements of one request of each captured kind (the run's copies of bench/sql/*.pgbench)."""
    counts = {}
    for f in sorted(os.listdir(run)):
        if f.endswith(".pgbench"):
            lines = [line.rstrip() for line in open(os.path.join(run, f))]
            counts[f[: -len(".pgbench")]] = sum(1 for line in lines
                                                if line.endswith(";") and not line.startswith(("--", "\\")))
    return counts


def per_text(m):
    return " ".join(f"{k} {v:.2f}" for k, v in (m.get("cpu_ms_per_request") or {}).items())


def mib(kib):
    return None if kib is None else round(kib / 1024.0, 1)


def explain_sql(path):
    statements = [s.strip() for s in open(path).read().split(";\n") if s.strip()]
    picked = [s for s in statements if re.search(r'FROM "cases"', s) and "LIMIT" in s]
    if not picked:
        sys.exit(f"no list query in {path}")
    print("EXPLAIN (ANALYZE, BUFFERS) " + picked[0].rstrip(";") + ";")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "--line":
        line(sys.argv[2], sys.argv[3])
    elif mode == "--rate":
        print(max(1, int(measurement(sys.argv[2], sys.argv[3])["rps"] / 2)))
    elif mode == "--explain-sql":
        explain_sql(sys.argv[2])
    elif mode == "--summary":
        summary(*sys.argv[2:5])
    else:
        sys.exit(__doc__)
