#!/usr/bin/env python3
"""Turns the statements one request issued (PostgreSQL log, log_statement = 'all') into
a pgbench script, or into a psql script with the values inlined (for EXPLAIN).

usage: sql2pgbench.py LOG DB KNOWN_UUIDS MAP OUT_BASE

LOG          the log lines written while the request ran
DB           only lines of this database count
KNOWN_UUIDS  every uuid stored before the request, one a line: a parameter holding one of these
             refers to an existing row; any other uuid is one the request made up (a new row's id)
MAP          JSON {"uuid": "name"}: known uuids the harness supplies itself (-D name=… / psql -v)
OUT_BASE     writes OUT_BASE.pgbench, OUT_BASE.vars.json (the -D variables), OUT_BASE.sql
             (psql, the values inlined, :'name' for mapped uuids) and OUT_BASE.txt (readable)

In the pgbench script every new uuid becomes a value unique per client and transaction, made
from the variables t0 (ms since the epoch at start), n (a per-client transaction counter: the
script begins with `\\set n :n + 1`, run it with -D n=0) and :client_id, so unique constraints
hold however long it runs. Other values are passed as parameters (-D pN=value), as the
application passes them.
"""
import json
import re
import sys

PREFIX = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+) \[(\d+)\] (\S*)@(\S*) ([A-Z]+):  (.*)$"
)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PLACEHOLDER = re.compile(r"\$(\d+)\b")


def read_entries(path, db):
    entries = []  # dicts: pid, sql, params
    current = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            m = PREFIX.match(line)
            if not m:
                if current is not None and current.get("open"):
                    current["sql"] += "\n" + line.lstrip("\t")
                continue
            if current is not None:
                current["open"] = False
            _, pid, _, database, level, message = m.groups()
            if database != db:
                current = None
                continue
            if level == "LOG":
                sm = re.match(r"^(?:statement|execute [^:]+): (.*)$", message)
                if sm:
                    current = {"pid": pid, "sql": sm.group(1), "params": {}, "open": True}
                    entries.append(current)
                else:
                    current = None
            elif level == "DETAIL" and message.startswith("parameters: "):
                target = next((e for e in reversed(entries) if e["pid"] == pid), None)
                if target is not None:
                    target["params"] = parse_params(message[len("parameters: "):])
                current = None
            elif level in ("ERROR", "FATAL"):
                sys.stderr.write(f"warning: the request's log has an {level}: {message}\n")
                current = None
            else:
                current = None
    return entries


def parse_params(text):
    """`$1 = 'a''b', $2 = NULL` → {1: "a'b", 2: None}"""
    params, i = {}, 0
    while i < len(text):
        m = re.compile(r"\s*,?\s*\$(\d+) = ").match(text, i)
        if not m:
            break
        number, i = int(m.group(1)), m.end()
        if text.startswith("NULL", i):
            params[number], i = None, i + 4
            continue
        assert text[i] == "'", text[i:i + 40]
        i += 1
        value = []
        while True:
            j = text.index("'", i)
            value.append(text[i:j])
            if text.startswith("''", j):
                value.append("'")
                i = j + 2
            else:
                i = j + 1
                break
        params[number] = "".join(value)
    return params


def fresh_uuid(slot):
    # 12 hex digits of time, '7', 3 of the client, 1 slot, 15 of the counter: 32 in all.
    return (
        "(lpad(to_hex(:t0::bigint + :n), 12, '0') || '7' || lpad(to_hex(:client_id::int), 3, '0')"
        f" || '{slot:x}' || lpad(to_hex(:n::bigint), 15, '0'))::uuid"
    )


def sql_literal(value):
    return "'" + value.replace("'", "''") + "'"


def main():
    log, db, known_path, map_path, out = sys.argv[1:6]
    known = {line.strip() for line in open(known_path) if line.strip()}
    names = json.load(open(map_path))
    entries = read_entries(log, db)
    if not entries:
        sys.exit(f"no statement of database {db} in {log}")

    fresh, variables, by_value = {}, {}, {}
    bench_lines = ["\\set n :n + 1"]
    psql_lines, text_lines, unmapped = [], [], set()

    for entry in entries:
        params = entry["params"]

        def for_pgbench(m):
            value = params.get(int(m.group(1)), m.group(0))
            if value is None:
                return "NULL"
            if UUID.match(value):
                if value in names:
                    return ":" + names[value]
                if value not in known:
                    if value not in fresh:
                        fresh[value] = len(fresh)
                        if len(fresh) > 16:
                            sys.exit("more than 16 new uuids in one request: widen fresh_uuid()")
                    return fresh_uuid(fresh[value])
                unmapped.add(value)
            if value not in by_value:
                by_value[value] = f"p{len(by_value) + 1}"
                variables[by_value[value]] = value
            return ":" + by_value[value]

        def for_psql(m):
            value = params.get(int(m.group(1)), m.group(0))
            if value is None:
                return "NULL"
            if value in names:
                return ":'" + names[value] + "'"
            return sql_literal(value)

        sql = entry["sql"].rstrip().rstrip(";")
        bench_lines.append(PLACEHOLDER.sub(for_pgbench, sql) + ";")
        psql_lines.append(PLACEHOLDER.sub(for_psql, sql) + ";")
        shown = ", ".join(
            f"${k} = {'NULL' if v is None else sql_literal(v)}" for k, v in sorted(params.items())
        )
        text_lines.append(sql + ";" + (f"\n  -- {shown}" if shown else ""))

    for value in sorted(unmapped):
        sys.stderr.write(
            f"warning: {value} is an existing row's id the harness does not supply; "
            "it is passed as captured\n"
        )
    with open(out + ".pgbench", "w") as f:
        f.write("-- generated by bench/capture-sql from one request's statements; do not edit\n")
        f.write("\n".join(bench_lines) + "\n")
    with open(out + ".vars.json", "w") as f:
        json.dump(variables, f, ensure_ascii=False, indent=1)
    with open(out + ".sql", "w") as f:
        f.write("\n".join(psql_lines) + "\n")
    with open(out + ".txt", "w") as f:
        f.write("\n".join(text_lines) + "\n")
    print(f"{out}: {len(entries)} statements, {len(fresh)} new uuids, {len(variables)} values")


if __name__ == "__main__":
    main()
