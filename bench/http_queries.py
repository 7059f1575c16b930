#!/usr/bin/env python3
"""Times the shared query set over HTTP against a running trendgraph server,
with one keep-alive connection (standard library only).

  http_queries.py --url http://127.0.0.1:7480 [--graph default] [--queries FILE]
                  [--params FILE] [--runs R] [--only Q1a,Q6b]

Prints the same JSON lines as kuzu_peer.mjs: {"query","rows","median_ms","p90_ms"}
per query. A time runs from sending the request until the whole JSON answer
has been read and decoded.
"""
import argparse
import http.client
import json
import math
import os
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_QUERIES = os.path.join(HERE, "..", "..", "shared", "bench", "queries.json")


def resolve(q, params_file):
    params = dict(q.get("params", {}))
    if params_file and q.get("param_ref"):
        for k, ref in q["param_ref"].items():
            v = params_file
            for part in ref.split("."):
                v = v.get(part) if isinstance(v, dict) else None
            if isinstance(v, dict) and "name" in v:
                v = v["name"]
            if v is None:
                sys.exit(f"http_queries: {q['id']}: param_ref {ref} not in params file")
            params[k] = v
    return params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--graph", default="default")
    ap.add_argument("--queries", default=DEFAULT_QUERIES)
    ap.add_argument("--params")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--only")
    a = ap.parse_args()
    queries = json.load(open(a.queries))
    params_file = json.load(open(a.params)) if a.params else None
    only = set(a.only.split(",")) if a.only else None
    u = urllib.parse.urlparse(a.url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=600)
    path = f"/v1/graphs/{a.graph}/query"
    headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
    failed = 0
    for q in queries:
        if only and q["id"] not in only:
            continue
        body = json.dumps({"query": q["cypher"], "parameters": resolve(q, params_file)})

        def run():
            conn.request("POST", path, body, headers)
            r = conn.getresponse()
            data = r.read()
            return r.status, json.loads(data)

        status, answer = run()
        if status != 200:
            print(f"http_queries: {q['id']} failed: {answer}", file=sys.stderr)
            print(json.dumps({"query": q["id"], "error": answer.get("error", {}).get("code", status)}))
            failed += 1
            continue
        times = []
        rows = len(answer["rows"])
        for _ in range(a.runs):
            t0 = time.perf_counter()
            status, answer = run()
            times.append((time.perf_counter() - t0) * 1000)
            rows = len(answer["rows"])
        times.sort()
        n = len(times)
        med = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
        p90 = times[min(n - 1, max(0, math.ceil(0.9 * n) - 1))]
        print(json.dumps({"query": q["id"], "rows": rows, "median_ms": round(med, 3), "p90_ms": round(p90, 3)}), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
