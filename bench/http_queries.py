#!/usr/bin/env python3
"""Times the shared query set over HTTP against a running trendgraph server,
with one keep-alive connection (standard library only).

  http_queries.py --url http://127.0.0.1:7480 [--graph default] [--queries FILE]
                  [--params FILE] [--runs R] [--only Q1a,Q6b] [--client lean|httpclient]

Prints the same JSON lines as kuzu_peer.mjs: {"query","rows","median_ms","p90_ms"}
per query. A time runs from sending the request until the whole JSON answer
has been read and decoded (json.loads), so it is what an application sees.

The default client is a lean keep-alive HTTP/1.1 client on a raw socket
(TCP_NODELAY, the request encoded once, one sendall per request, the
answer read into a reused buffer, Content-Length or chunked bodies). It does
everything an HTTP client must and nothing else: http.client parses every
answer head through the email package, which alone costs ~0.1 ms per
request, more than the server's whole work for a point lookup.
`--client httpclient` uses http.client for comparison. `--path` times
another route (e.g. GET /v1/health, to measure the fixed per-request cost).
"""
import argparse
import http.client
import json
import math
import os
import socket
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


class LeanClient:
    """One keep-alive HTTP/1.1 connection. request() returns (status, body
    bytes). Reconnects once if the server closed an idle connection."""

    def __init__(self, host, port):
        self.addr = (host, port)
        self.host_header = f"{host}:{port}".encode()
        self.sock = None
        self.buf = bytearray(1 << 16)
        self.start = 0  # unread data is self.buf[self.start:self.end]
        self.end = 0

    def connect(self):
        if self.sock:
            self.sock.close()
        self.sock = socket.create_connection(self.addr, timeout=600)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.start = self.end = 0

    def encode(self, method, path, body=b"", content_type="application/json"):
        head = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self.host_header]
        if body or method in ("POST", "PUT"):
            head.append(b"Content-Type: " + content_type.encode())
            head.append(b"Content-Length: " + str(len(body)).encode())
        return b"\r\n".join(head) + b"\r\n\r\n" + body

    def _fill(self):
        if self.end == len(self.buf):
            if self.start > 0:  # move the unread bytes to the front
                n = self.end - self.start
                self.buf[:n] = self.buf[self.start:self.end]
                self.start, self.end = 0, n
            else:
                self.buf.extend(bytes(len(self.buf)))
        n = self.sock.recv_into(memoryview(self.buf)[self.end:])
        if n == 0:
            raise ConnectionError("the server closed the connection")
        self.end += n

    def _take(self, n):
        """Removes and returns the next n bytes (reading more as needed)."""
        while self.end - self.start < n:
            self._fill()
        out = bytes(self.buf[self.start:self.start + n])
        self.start += n
        if self.start == self.end:
            self.start = self.end = 0
        return out

    def _find(self, sep):
        """Offset (from self.start) of the next `sep`, reading more as needed."""
        while True:
            i = self.buf.find(sep, self.start, self.end)
            if i >= 0:
                return i - self.start
            self._fill()

    def request(self, raw):
        if self.sock is None:
            self.connect()
        try:
            self.sock.sendall(raw)
            return self._response()
        except (ConnectionError, BrokenPipeError):
            # A keep-alive connection the server closed meanwhile: retry once
            # on a fresh one (queries here are reads, so a retry is safe).
            self.connect()
            self.sock.sendall(raw)
            return self._response()

    def _response(self):
        head = self._take(self._find(b"\r\n\r\n") + 4)
        lines = head[:-4].split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked, close = None, False, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        if 100 <= status < 200:
            return self._response()  # an interim answer; the real one follows
        if chunked:
            parts = []
            while True:
                i = self._find(b"\r\n")
                size = int(self._take(i + 2)[:i].split(b";")[0], 16)
                if size == 0:
                    while self._find(b"\r\n") != 0:  # trailers
                        self._take(self._find(b"\r\n") + 2)
                    self._take(2)
                    break
                parts.append(self._take(size + 2)[:-2])
            body = b"".join(parts)
        elif length is not None:
            body = self._take(length)
        else:  # no length: the body runs until the server closes
            while True:
                try:
                    self._fill()
                except ConnectionError:
                    break
            body = self._take(self.end - self.start)
            close = True
        if close:
            self.sock.close()
            self.sock = None
        return status, body


class HttpClientClient:
    """The same interface on http.client (for comparison)."""

    def __init__(self, host, port):
        self.conn = http.client.HTTPConnection(host, port, timeout=600)

    def encode(self, method, path, body=b"", content_type="application/json"):
        headers = {"Content-Type": content_type} if body or method in ("POST", "PUT") else {}
        return (method, path, body, headers)

    def request(self, raw):
        self.conn.request(*raw)
        r = self.conn.getresponse()
        return r.status, r.read()


def summarize(times):
    times.sort()
    n = len(times)
    med = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    p90 = times[min(n - 1, max(0, math.ceil(0.9 * n) - 1))]
    return round(med, 3), round(p90, 3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--graph", default="default")
    ap.add_argument("--queries", default=DEFAULT_QUERIES)
    ap.add_argument("--params")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--only")
    ap.add_argument("--client", choices=["lean", "httpclient"], default="lean")
    ap.add_argument("--path", help="time GET PATH instead of the queries (e.g. /v1/health)")
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.url)
    client = (LeanClient if a.client == "lean" else HttpClientClient)(u.hostname, u.port or 80)

    if a.path:
        raw = client.encode("GET", a.path)
        status, _ = client.request(raw)
        times = []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            status, data = client.request(raw)
            json.loads(data)
            times.append((time.perf_counter() - t0) * 1000)
        med, p90 = summarize(times)
        print(json.dumps({"path": a.path, "status": status, "median_ms": med, "p90_ms": p90}), flush=True)
        return

    queries = json.load(open(a.queries))
    params_file = json.load(open(a.params)) if a.params else None
    only = set(a.only.split(",")) if a.only else None
    path = f"/v1/graphs/{a.graph}/query"
    failed = 0
    for q in queries:
        if only and q["id"] not in only:
            continue
        body = json.dumps({"query": q["cypher"], "parameters": resolve(q, params_file)}).encode()
        raw = client.encode("POST", path, body)

        def run():
            status, data = client.request(raw)
            return status, json.loads(data)

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
            if status != 200:
                sys.exit(f"http_queries: {q['id']}: status {status} on a repeat run: {answer}")
            rows = len(answer["rows"])
        med, p90 = summarize(times)
        print(json.dumps({"query": q["id"], "rows": rows, "median_ms": med, "p90_ms": p90}), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
