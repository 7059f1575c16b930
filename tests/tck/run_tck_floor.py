#!/usr/bin/env python3
"""ctest driver of the openCypher TCK: starts `trendgraph serve --port 0` on a
temporary database, runs the shared runner (run_tck.py) over the feature
folders against it, prints the runner's per-folder lines, and fails when
fewer scenarios pass than the floor in floor.txt (the lead raises it as the
query engine lands).

usage: run_tck_floor.py --bin TRENDGRAPH --tck SHARED/tck --floor floor.txt
                        [--features DIR_OR_FILE ...] [--timeout S]
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time


def start_server(binary, db):
    proc = subprocess.Popen([binary, "serve", "--db", db, "--port", "0", "--query-timeout-ms", "20000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("listening on "):
            return proc, line.split("listening on ", 1)[1].strip()
    proc.kill()
    err = proc.stderr.read()
    sys.exit(f"run_tck_floor: the server did not start: {err.strip()[:500]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--tck", required=True, help="the shared tck folder (run_tck.py, features/)")
    ap.add_argument("--floor", required=True)
    ap.add_argument("--features", nargs="*", default=None)
    ap.add_argument("--timeout", type=float, default=10.0, help="per-request timeout of the runner")
    args = ap.parse_args()

    floor = int(open(args.floor).read().split()[0])
    features = args.features or [os.path.join(args.tck, "features")]
    with tempfile.TemporaryDirectory(prefix="trendgraph-tck-") as tmp:
        proc, url = start_server(args.bin, os.path.join(tmp, "db"))
        out_json = os.path.join(tmp, "tck.json")
        try:
            started = time.time()
            run = subprocess.run([sys.executable, os.path.join(args.tck, "run_tck.py"), "--url", url,
                                  "--timeout", str(args.timeout), "--json", out_json] + features,
                                 capture_output=True, text=True)
            sys.stdout.write(run.stdout)
            if run.returncode != 0:
                sys.stderr.write(run.stderr)
                print(f"run_tck_floor: the runner failed with status {run.returncode}")
                return 1
            elapsed = time.time() - started
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
        passed = None
        try:
            results = json.load(open(out_json))  # one record per scenario
            passed = sum(1 for r in results if r.get("status") == "passed")
        except (OSError, ValueError, AttributeError):
            pass
        if passed is None:
            print("run_tck_floor: the runner wrote no readable --json results")
            return 1
        print(f"run_tck_floor: {passed} passed (floor {floor}) in {elapsed:.0f} s")
        if passed < floor:
            print(f"run_tck_floor: FAIL: {passed} < floor {floor} (tests/tck/floor.txt)")
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
