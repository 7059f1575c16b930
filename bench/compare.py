#!/usr/bin/env python3
"""Joins trendgraph's and Kùzu's benchmark lines by query id, prints one table
(ours in-process, ours over HTTP, Kùzu, ratios), checks that both engines
give the same rows and that the graph matches the generator's ground truth,
and writes everything as JSON.

  compare.py --ours ours.jsonl --kuzu kuzu.jsonl [--http http.jsonl]
             [--ours-dump ours_dump.json --kuzu-dump kuzu_dump.json]
             [--manifest CSVDIR/manifest.json] [--load load.json]
             [--query-time query.time] [--out results.json]

Exit status 1 when any answer differs (rows vs Kùzu, counts vs ground truth)
or a query failed: the benchmark fails loudly rather than timing wrong answers.
"""
import argparse
import json
import sys


def read_lines(path):
    per_query, final = {}, {}
    if not path:
        return per_query, final
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            d = json.loads(line)
            if "query" in d:
                per_query[d["query"]] = d
            else:
                final = d
    return per_query, final


def norm(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v


def rows_of(dump, qid):
    return [{k: norm(v) for k, v in r.items()} for r in dump.get(qid, {}).get("rows", [])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--kuzu", required=True)
    ap.add_argument("--http")
    ap.add_argument("--ours-dump")
    ap.add_argument("--kuzu-dump")
    ap.add_argument("--manifest")
    ap.add_argument("--load")
    ap.add_argument("--query-time", help="/usr/bin/time -v output of the in-process query run")
    ap.add_argument("--out")
    a = ap.parse_args()

    ours, ours_final = read_lines(a.ours)
    kuzu, kuzu_final = read_lines(a.kuzu)
    http, _ = read_lines(a.http)
    problems = []

    ids = [q for q in kuzu] + [q for q in ours if q not in kuzu]
    print(f"{'query':6} {'rows':>5} {'ours ms':>9} {'http ms':>9} {'kuzu ms':>9} {'ours/kuzu':>9} {'http/kuzu':>9}")
    table = []
    for q in ids:
        o, k, h = ours.get(q, {}), kuzu.get(q, {}), http.get(q, {})
        om, km, hm = o.get("median_ms"), k.get("median_ms"), h.get("median_ms")
        r1 = om / km if om is not None and km else None
        r2 = hm / km if hm is not None and km else None
        if "error" in o:
            problems.append(f"{q}: trendgraph failed with {o['error']}")
        if o and k and o.get("rows") != k.get("rows"):
            problems.append(f"{q}: {o.get('rows')} rows, Kùzu {k.get('rows')}")
        fmt = lambda x: f"{x:9.3f}" if isinstance(x, (int, float)) else f"{'-':>9}"
        print(f"{q:6} {str(o.get('rows', '-')):>5} {fmt(om)} {fmt(hm)} {fmt(km)} {fmt(r1)} {fmt(r2)}")
        table.append({"query": q, "rows": o.get("rows"), "ours_ms": om, "ours_p90_ms": o.get("p90_ms"), "http_ms": hm,
                      "kuzu_ms": km, "kuzu_p90_ms": k.get("p90_ms"), "ours_over_kuzu": r1, "http_over_kuzu": r2})

    load = json.load(open(a.load)) if a.load else {}
    if load and kuzu_final.get("load_s"):
        print(f"\nload ({load.get('mode', 'txn')}): ours {load.get('load_s')} s ({load.get('docs_per_s')} docs/s, "
              f"{load.get('rels_per_s')} rels/s, peak RSS {load.get('peak_rss_mib')} MiB), "
              f"Kùzu COPY {kuzu_final['load_s']} s, ratio {load['load_s'] / kuzu_final['load_s']:.2f}")
    if load.get("db_bytes") and kuzu_final.get("db_bytes"):
        print(f"database size: ours {load['db_bytes'] / 2**20:.1f} MiB, Kùzu {kuzu_final['db_bytes'] / 2**20:.1f} MiB, "
              f"ratio {load['db_bytes'] / kuzu_final['db_bytes']:.2f}")

    query_rss = None
    if a.query_time:
        for line in open(a.query_time):
            if "Maximum resident set size" in line:
                query_rss = int(line.rsplit(":", 1)[1]) / 1024
        if query_rss is not None:
            print(f"peak RSS while querying: {query_rss:.1f} MiB")

    if a.ours_dump and a.kuzu_dump:
        od, kd = json.load(open(a.ours_dump)), json.load(open(a.kuzu_dump))
        for q in kd:
            if q in od and rows_of(od, q) != rows_of(kd, q):
                problems.append(f"{q}: rows differ from Kùzu's: ours {rows_of(od, q)[:3]}... Kùzu {rows_of(kd, q)[:3]}...")
    if a.manifest:
        m = json.load(open(a.manifest))
        nodes = ours_final.get("nodes", {})
        for label, n in m["nodes"].items():
            if nodes.get(label) != n:
                problems.append(f"ground truth: {n} {label} nodes, trendgraph has {nodes.get(label)}")
        rels = ours_final.get("relationships", {})
        want = dict(m["relationships"])
        want["FLAGS"] = want.pop("FLAGS_Issue", 0) + want.pop("FLAGS_Concern", 0)
        for t, n in want.items():
            if rels.get(t) != n:
                problems.append(f"ground truth: {n} {t} relationships, trendgraph has {rels.get(t)}")

    if a.out:
        json.dump({"queries": table, "load": load, "kuzu": kuzu_final, "ours": ours_final,
                   "query_peak_rss_mib": query_rss, "problems": problems},
                  open(a.out, "w"), indent=1)
    if problems:
        print("\nANSWERS DIFFER:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        sys.exit(1)
    print("\nanswers: identical to Kùzu's rows and to the ground-truth counts")


if __name__ == "__main__":
    main()
