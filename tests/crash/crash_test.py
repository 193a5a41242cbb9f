#!/usr/bin/env python3
"""Crash test with real processes: SIGKILL `quarry serve` while it ingests,
restart it on the same data directory, and check that nothing acknowledged
was lost (docs/design/storage-engine.md; issue 4, "Tests").

Each cycle: 2-4 client threads send upserts (new ids, new versions of
existing ids, re-created deleted ids; batches of 1-4 documents) and deletes,
all with ?wait=true, into two collections: one with fsync=always (the
default) and one with fsync=interval. After a random delay (seeded) the whole
server process group gets SIGKILL; sometimes the restarted server is killed
again during recovery. Once it listens again, checker.py verifies every id
ever written (see its docstring for the invariants). For fsync=interval only
consistency is checked: on a power loss, not a process kill, acknowledged
writes of the last interval may be lost by design, so a rollback there is
counted and reported, not a violation.

Short mode (the default, run by ctest): 30 cycles. By hand:
    QUARRY_BIN=build/quarry /usr/bin/python3 tests/crash/crash_test.py \
        --cycles 1000 --seed 1 --report crash.json
Reproduce a failure with the seed it printed (thread timing still varies).
Python 3 standard library only.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import struct
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from checker import Checker, Violations, make_pool  # noqa: E402
from history import ACKED, DELETE, NOT_SENT, UNCERTAIN, UPSERT, Corpus, Model  # noqa: E402
from server_process import Client, ServerError, ServerProcess  # noqa: E402
from workload import CollectionSpec, Stats, Workload  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cycles", type=int, default=30, help="kill/restart cycles (default 30)")
    p.add_argument("--seed", type=int, help="RNG seed (default: random, printed)")
    p.add_argument("--threads", type=int, default=3, help="client threads, 2-4 (default 3)")
    p.add_argument("--min-kill-ms", type=float, default=50)
    p.add_argument("--max-kill-ms", type=float, default=1500)
    p.add_argument("--recovery-kill-chance", type=float, default=0.15,
                   help="chance per cycle of a second kill while the server recovers")
    p.add_argument("--seal-rows", type=int, default=80, help="storage.seal_rows (chunks)")
    p.add_argument("--full-scan-threshold", type=int, default=40,
                   help="vectors.full_scan_threshold: segments of this many rows or more get "
                        "an HNSW graph, and merges start from their largest input's")
    p.add_argument("--dimensions", type=int, default=256)
    p.add_argument("--max-docs", type=int, default=150,
                   help="live documents the fsync=always collection tends to")
    p.add_argument("--interval-share", type=float, default=0.25,
                   help="share of operations sent to the fsync=interval collection")
    p.add_argument("--k", type=int, default=10, help="top k of the findability searches")
    p.add_argument("--check-workers", type=int, default=4)
    p.add_argument("--http-timeout", type=float, default=60, help="seconds, every HTTP call")
    p.add_argument("--start-timeout", type=float, default=120,
                   help="seconds for a restarted server to listen")
    p.add_argument("--max-seconds", type=float, default=0,
                   help="stop after the cycle that passes this many seconds (0: no limit)")
    p.add_argument("--keep-going", action="store_true", help="go on after a violation")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    p.add_argument("--verbose", action="store_true", help="one line per cycle")
    p.add_argument("--report", help="write a JSON report to this file")
    p.add_argument("--bin", help="the quarry binary (default: $QUARRY_BIN)")
    p.add_argument("--sabotage", action="store_true",
                   help="check the checker: after each kill, cut the tail of the newest "
                        "log file of the fsync=always collection; succeeds only if lost "
                        "acknowledged writes are then reported")
    args = p.parse_args()
    if not 2 <= args.threads <= 4:
        p.error("--threads must be 2-4")
    if args.min_kill_ms < 0 or args.max_kill_ms < args.min_kill_ms:
        p.error("need 0 <= --min-kill-ms <= --max-kill-ms")
    if args.sabotage:
        args.keep_going = True
    return args


def quarry_bin(args):
    path = args.bin or os.environ.get("QUARRY_BIN")
    if not path:
        sys.exit("QUARRY_BIN is not set: QUARRY_BIN=build/quarry /usr/bin/python3 "
                 "tests/crash/crash_test.py")
    if not os.access(path, os.X_OK):
        sys.exit(f"QUARRY_BIN={path!r} is not an executable file")
    return path


def collection_specs(args):
    def config(fsync):
        storage = {"fsync": fsync, "seal_rows": args.seal_rows}
        if fsync == "interval":
            storage["fsync_interval_ms"] = 50
        return {"embedder": {"dimensions": args.dimensions}, "chunking": {"target_tokens": 16},
                "vectors": {"full_scan_threshold": args.full_scan_threshold},
                "storage": storage}
    return [CollectionSpec("crash_always", "always", 1 - args.interval_share, args.max_docs,
                           config("always")),
            CollectionSpec("crash_interval", "interval", args.interval_share,
                           max(20, args.max_docs // 3), config("interval"))]


# kWalFileHeaderSize and kWalRecordHeaderSize (src/storage/wal_format.h); a
# record header starts with the payload length (u32, little-endian).
WAL_FILE_HEADER_BYTES = 32
WAL_RECORD_HEADER_BYTES = 17

# What a storage engine that drops acknowledged log records looks like.
# not_a_prefix too: a MANIFEST written by a seal or merge records the
# tombstones of every delete and replacement logged so far (their records
# were synced first), also those past its last LSN. A cut that removes such
# a replacement leaves the tombstone, so the document's older, acknowledged
# version vanishes with it, and every later write that survived is reported
# as surviving a lost one (seen once in CI, seed 1630104638).
LOSS_KINDS = {"acked_write_lost", "older_version", "deleted_document_back", "not_a_prefix"}


def percentile(values, q):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


class Run:
    def __init__(self, args, binary, tmp):
        self.args = args
        self.seed = args.seed
        self.rng = random.Random(f"{self.seed}/driver")
        self.specs = collection_specs(args)
        self.model = Model(self.seed, [s.name for s in self.specs])
        self.corpus = Corpus(self.seed)
        self.violations = Violations()
        self.stats = Stats()
        self.workload = Workload(self.model, self.corpus, self.specs, self.violations,
                                 self.stats, args.http_timeout)
        self.data_dir = os.path.join(tmp, "data")
        self.server = ServerProcess(binary, self.data_dir, os.path.join(tmp, "server.stderr"),
                                    args.start_timeout)
        self.checker = Checker(self.model, self.corpus, self.violations,
                               lambda: self.server.port, args.http_timeout,
                               args.check_workers, args.k)
        self.cycles_done = 0
        self.kills = 0
        self.recovery_kills = 0   # kills that landed before the server listened
        self.recovery_ms = []
        self.check_ms = []
        self.segments_seen = set()
        self.cycle_log = []
        self.error = None

    # One cycle -----------------------------------------------------------------

    def write_and_kill(self, cycle):
        self.model.cycle_ops = []
        stop = threading.Event()
        threads = self.workload.start_clients(self.server.port, cycle, self.args.threads,
                                              self.seed, stop)
        delay = self.rng.uniform(self.args.min_kill_ms, self.args.max_kill_ms) / 1000
        time.sleep(delay)
        if not self.server.alive():
            self.violations.add("server_died", f"the server exited with code "
                                f"{self.server.proc.returncode} before it was killed")
        self.server.kill()
        self.workload.dead_at = time.monotonic()
        stop.set()
        self.kills += 1
        if self.args.sabotage:
            self.cut_wal_tail()
        for t in threads:
            t.join(self.args.http_timeout + 30)
            if t.is_alive():
                raise RuntimeError("a client thread did not stop (HTTP timeout not honoured?)")
        ops = self.model.cycle_ops
        in_flight = [op for op in ops if op.outcome == UNCERTAIN]
        return {"cycle": cycle, "kill_after_ms": round(delay * 1000, 1),
                "acked": sum(1 for op in ops if op.outcome == ACKED),
                "in_flight": [{"seq": op.seq, "kind": op.kind, "collection": op.collection,
                               "versions": op.versions, "detail": op.detail}
                              for op in in_flight]}

    def cut_wal_tail(self):
        """Tears the last records (three, or all if fewer) of the newest log
        file of the fsync=always collection that holds any, as a storage
        engine that loses acknowledged writes would. Three, because the last
        one or two may be writes in flight, which are allowed to be lost."""
        wal = os.path.join(self.data_dir, "collections", self.specs[0].name, "wal")
        empty_newer = []  # log files after the cut one, holding no record
        for name in sorted(os.listdir(wal), reverse=True):
            path = os.path.join(wal, name)
            with open(path, "rb") as f:
                data = f.read()
            starts = []
            pos = WAL_FILE_HEADER_BYTES
            while pos + WAL_RECORD_HEADER_BYTES <= len(data):
                starts.append(pos)
                pos += WAL_RECORD_HEADER_BYTES + struct.unpack_from("<I", data, pos)[0]
            if starts:
                cut = starts[max(0, len(starts) - 3)]
                os.truncate(path, cut + WAL_RECORD_HEADER_BYTES // 2)
                # A seal may have rolled to a new, still empty file just before
                # the kill. Left in place, it would make the cut look like damage
                # in the middle of the log (which recovery rightly refuses)
                # instead of a lost tail, the loss the checker must report.
                for newer in empty_newer:
                    os.remove(newer)
                return
            empty_newer.append(path)

    def restart(self, record):
        if self.rng.random() < self.args.recovery_kill_chance:
            typical = statistics.median(self.recovery_ms) / 1000 if self.recovery_ms else 0.1
            self.server.spawn()
            delay = self.rng.uniform(0, typical)
            time.sleep(delay)
            during = not self.server.listening_now()
            self.server.kill()
            self.kills += 1
            self.recovery_kills += int(during)
            record["recovery_kill_ms"] = round(delay * 1000, 1)
            record["recovery_kill_before_listening"] = during
        t0 = time.monotonic()
        self.server.spawn()
        self.server.wait_listening()
        ms = (time.monotonic() - t0) * 1000
        self.recovery_ms.append(ms)
        record["recovery_ms"] = round(ms, 1)

    def check(self, record, pool):
        for spec in self.specs:
            seg_dir = os.path.join(self.data_dir, "collections", spec.name, "segments")
            try:
                for entry in os.listdir(seg_dir):
                    self.segments_seen.add((spec.name, entry))
            except OSError:
                pass
        t0 = time.monotonic()
        for spec in self.specs:
            self.checker.check(spec, pool)
        ms = (time.monotonic() - t0) * 1000
        self.check_ms.append(ms)
        record["check_ms"] = round(ms, 1)
        record["stored"] = {s.name: sum(1 for d in self.model.docs[s.name].values()
                                        if d.state is not None) for s in self.specs}

    def create_collections(self):
        c = Client(self.server.port, self.args.http_timeout)
        try:
            for spec in self.specs:
                reply = c.request("PUT", f"/api/collections/{spec.name}", spec.config)
                if reply.status != 201:
                    raise ServerError(f"PUT /api/collections/{spec.name} answered {reply}")
        finally:
            c.close()

    def run(self):
        args = self.args
        started = time.monotonic()
        pool = make_pool(args.check_workers)
        try:
            self.server.spawn()
            self.server.wait_listening()
            self.create_collections()
            every = max(1, args.cycles // 10)
            for cycle in range(1, args.cycles + 1):
                self.violations.cycle = cycle
                record = self.write_and_kill(cycle)
                self.restart(record)
                self.check(record, pool)
                self.cycle_log.append(record)
                self.cycles_done = cycle
                if args.verbose or cycle % every == 0:
                    print(f"crash_test: cycle {cycle}/{args.cycles}: killed after "
                          f"{record['kill_after_ms']:.0f} ms, {record['acked']} acked, "
                          f"{len(record['in_flight'])} in flight, recovery "
                          f"{record['recovery_ms']:.0f} ms, check {record['check_ms']:.0f} ms, "
                          f"stored {record['stored']}, violations {self.violations.count}",
                          flush=True)
                if self.violations.count and not args.keep_going:
                    break
                if args.max_seconds and time.monotonic() - started > args.max_seconds:
                    print(f"crash_test: --max-seconds {args.max_seconds:.0f} reached after "
                          f"{cycle} cycles", flush=True)
                    break
            if not self.violations.count or args.keep_going:
                self.clean_restart(pool)
        except ServerError as e:
            self.violations.add("server_start_failed", str(e))
        except (OSError, http.client.HTTPException) as e:
            self.violations.add("server_unresponsive",
                                f"an HTTP call failed while no kill was pending: "
                                f"{type(e).__name__}: {e}")
        finally:
            self.server.kill()
            pool.shutdown(wait=False, cancel_futures=True)
        self.elapsed_s = time.monotonic() - started

    def clean_restart(self, pool):
        """SIGTERM (a clean shutdown), restart, check once more."""
        self.violations.cycle = "final"
        code = self.server.terminate(self.args.http_timeout)
        if code != 0:
            self.violations.add("unclean_shutdown", f"SIGTERM: the server exited with {code}")
        record = {"cycle": "final"}
        self.server.spawn()
        self.server.wait_listening()
        self.check(record, pool)

    # Output ------------------------------------------------------------------

    def summary(self):
        c = self.stats.counts
        acked_upserts = c.get(f"{UPSERT}_{ACKED}", 0)
        acked_deletes = c.get(f"{DELETE}_{ACKED}", 0)
        sent = sum(v for k, v in c.items()
                   if k.startswith((UPSERT, DELETE)) and not k.endswith(NOT_SENT))
        in_flight = [op for r in self.cycle_log for op in r["in_flight"]]
        return {
            "seed": self.seed,
            "cycles": self.cycles_done,
            "kills": self.kills,
            "kills_during_recovery": self.recovery_kills,
            "acked_ops": acked_upserts + acked_deletes,
            "acked_upserts": acked_upserts,
            "acked_deletes": acked_deletes,
            "acked_documents": c.get("documents_acked", 0),
            "ops_sent": sent,
            "in_flight_ops": len(in_flight),
            "in_flight_documents": sum(len(op["versions"]) for op in in_flight),
            "in_flight_applied": self.checker.in_flight_applied,
            "in_flight_lost": self.checker.in_flight_lost,
            "interval_rollbacks": self.checker.rollbacks,
            "http_errors": {k: v for k, v in c.items() if k.startswith("error_")},
            "violations": self.violations.count,
            "recovery_ms_p50": round(percentile(self.recovery_ms, 0.5), 1),
            "recovery_ms_max": round(max(self.recovery_ms, default=0), 1),
            "check_ms_p50": round(percentile(self.check_ms, 0.5), 1),
            "segments_seen": len(self.segments_seen),
            "documents_read": self.checker.reads,
            "searches": self.checker.searches,
            "elapsed_s": round(self.elapsed_s, 1),
        }

    def report(self, s, path):
        data = {"summary": s, "args": vars(self.args), "binary": self.server.binary,
                "collections": {spec.name: spec.config for spec in self.specs},
                "recovery_ms": [round(x, 1) for x in self.recovery_ms],
                "violations": self.violations.items, "cycles": self.cycle_log}
        with open(path, "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")


def main():
    args = parse_args()
    binary = quarry_bin(args)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1 << 32)
    print(f"crash_test: seed={args.seed} cycles={args.cycles} threads={args.threads} "
          f"binary={binary}", flush=True)
    tmp = tempfile.mkdtemp(prefix="quarry-crash-")
    run = Run(args, binary, tmp)
    ok = False
    try:
        run.run()
        s = run.summary()
        ok = s["violations"] == 0
        if args.sabotage:
            kinds = {v["kind"] for v in run.violations.items}
            # not_a_prefix alone would name no lost document: suspicious.
            ok = bool(kinds & (LOSS_KINDS - {"not_a_prefix"})) and kinds <= LOSS_KINDS
            print(f"crash_test: sabotage: the cut log tails were "
                  f"{'detected' if ok else 'NOT detected as expected'}: "
                  f"{s['violations']} violations of kinds {sorted(kinds)}")
        print(f"crash_test: fsync=interval collection ({run.specs[1].name}): consistency only "
              f"(acknowledged writes within the fsync interval may be lost on power loss); "
              f"rollbacks after a kill: {s['interval_rollbacks']}")
        verdict = ("SABOTAGE DETECTED" if args.sabotage else "PASS") if ok else "FAIL"
        print(f"crash_test: {verdict} seed={s['seed']} cycles={s['cycles']} "
              f"kills={s['kills']} ({s['kills_during_recovery']} during recovery) "
              f"acked_ops={s['acked_ops']} (upserts {s['acked_upserts']} of "
              f"{s['acked_documents']} documents, deletes {s['acked_deletes']}) "
              f"in_flight={s['in_flight_ops']} ops of {s['in_flight_documents']} documents "
              f"(applied {s['in_flight_applied']}, not applied {s['in_flight_lost']}) "
              f"violations={s['violations']} "
              f"recovery_ms p50={s['recovery_ms_p50']:.0f} max={s['recovery_ms_max']:.0f} "
              f"segments={s['segments_seen']} searches={s['searches']} "
              f"elapsed={s['elapsed_s']:.0f}s", flush=True)
        if s["http_errors"]:
            print(f"crash_test: HTTP errors while serving: {s['http_errors']}")
        if args.report:
            run.report(s, args.report)
    finally:
        if not ok:
            print("crash_test: server stderr (sanitizer report, or the tail without the "
                  "access log):\n" + run.server.stderr_report(),
                  file=sys.stderr)
            print(f"crash_test: data directory and server log kept in {tmp}; rerun with "
                  f"--seed {args.seed}", file=sys.stderr)
        elif args.keep:
            print(f"crash_test: kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
