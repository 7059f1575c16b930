#!/usr/bin/env python3
"""ctest for bench/http_queries.py, the HTTP benchmark client: against the
real `trendgraph serve`, its lean raw-socket client must read exactly what
the standard library reads (Content-Length answers, chunked NDJSON streams,
error answers, a connection the server closed), and both of its clients must
report the same rows for a query file. A client that misreads answers would
make the HTTP latency figures meaningless.

usage: http_queries_client_test.py --bin TRENDGRAPH --bench-dir SOURCE/bench
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request


def start_server(binary, db):
    proc = subprocess.Popen([binary, "serve", "--db", db, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("listening on "):
            return proc, line.split()[-1].strip()
    sys.exit(f"the server did not start: {proc.stderr.read()[:500]}")


def urllib_fetch(url, method="GET", body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--bench-dir", required=True)
    a = ap.parse_args()
    sys.path.insert(0, a.bench_dir)
    import http_queries  # noqa: E402  (the client under test)

    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL:", what)

    with tempfile.TemporaryDirectory(prefix="trendgraph-httpq-") as tmp:
        proc, url = start_server(a.bin, os.path.join(tmp, "db"))
        try:
            host, port = url.split("//")[1].split(":")
            qurl = url + "/v1/graphs/default/query"
            jh = {"Content-Type": "application/json"}
            setup = json.dumps({"query": "UNWIND range(1, 200) AS i CREATE (:Tech {name: 'tech ' + toString(i), i: i})"})
            check(urllib_fetch(qurl, "POST", setup.encode(), jh)[0] == 200, "setup query")

            c = http_queries.LeanClient(host, int(port))
            # A small JSON answer (Content-Length).
            body = json.dumps({"query": "MATCH (t:Tech {name: $n}) RETURN t.i AS i", "parameters": {"n": "tech 7"}}).encode()
            st, data = c.request(c.encode("POST", "/v1/graphs/default/query", body))
            check(st == 200 and json.loads(data)["rows"] == [[7]], f"point lookup: {st} {data[:200]}")
            # A streamed answer (chunked) must equal what urllib reads, but
            # for the trailer's elapsed time.
            big = json.dumps({"query": "UNWIND range(1, 30000) AS i RETURN i, 'padding padding' AS p"}).encode()
            raw = c.encode("POST", "/v1/graphs/default/query", big).replace(
                b"Content-Type: application/json", b"Content-Type: application/json\r\nAccept: application/x-ndjson", 1)
            st, data = c.request(raw)
            ust, udata = urllib_fetch(qurl, "POST", big, dict(jh, Accept="application/x-ndjson"))
            check(st == 200 and ust == 200, f"ndjson status {st} / {ust}")
            check(data.splitlines()[:-1] == udata.splitlines()[:-1] and len(data.splitlines()) == 30002,
                  f"ndjson body differs: {len(data)} vs {len(udata)} bytes")
            # Errors come back with their status and JSON body; the
            # connection stays usable.
            st, data = c.request(c.encode("POST", "/v1/graphs/default/query", b'{"query": '))
            check(st == 400 and json.loads(data)["error"]["code"] == "BadRequest", f"malformed body: {st} {data[:200]}")
            st, data = c.request(c.encode("GET", "/v1/no/such/route"))
            check(st == 404, f"unknown route: {st}")
            st, data = c.request(c.encode("GET", "/v1/health"))
            check(st == 200 and json.loads(data)["status"] == "ok", f"health: {st} {data[:200]}")
            # "Connection: close" makes the server close the connection after
            # its answer (cpprestsdk does not say so in the answer); the next
            # request finds it closed and is sent again on a new one.
            raw = c.encode("GET", "/v1/health").replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)
            st, data = c.request(raw)
            check(st == 200, f"Connection: close: {st}")
            st, data = c.request(c.encode("GET", "/v1/health"))
            check(st == 200, f"after Connection: close: {st}")
            # A connection that died while idle: the request is retried once
            # on a new connection.
            c.sock.shutdown(socket.SHUT_RDWR)
            st, data = c.request(c.encode("GET", "/v1/health"))
            check(st == 200, f"after a dead connection: {st}")

            # Both clients of the script report the same rows.
            qfile = os.path.join(tmp, "queries.json")
            json.dump([
                {"id": "A", "cypher": "MATCH (t:Tech {name: $name}) RETURN t.i AS i", "params": {"name": "tech 3"}},
                {"id": "B", "cypher": "MATCH (t:Tech) WHERE t.i <= 50 RETURN t.name AS n ORDER BY n"},
                {"id": "C", "cypher": "MATCH (t:Tech) RETURN count(*) AS c"},
            ], open(qfile, "w"))
            script = os.path.join(a.bench_dir, "http_queries.py")
            outs = {}
            for client in ("lean", "httpclient"):
                run = subprocess.run([sys.executable, script, "--url", url, "--queries", qfile, "--runs", "5",
                                      "--client", client], capture_output=True, text=True)
                check(run.returncode == 0, f"http_queries.py --client {client} failed: {run.stderr[:300]}")
                outs[client] = {d["query"]: d["rows"] for d in map(json.loads, run.stdout.splitlines())}
            check(outs["lean"] == outs["httpclient"] == {"A": 1, "B": 50, "C": 1},
                  f"row counts differ: {outs}")
            run = subprocess.run([sys.executable, script, "--url", url, "--path", "/v1/health", "--runs", "5"],
                                 capture_output=True, text=True)
            check(run.returncode == 0 and json.loads(run.stdout)["status"] == 200, f"--path: {run.stdout} {run.stderr}")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
