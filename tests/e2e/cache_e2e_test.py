#!/usr/bin/env python3
"""End-to-end test of the two-tier search cache (L1 in process, L2 in Redis).

A real redis-server runs on a free loopback port in a temporary directory, and
the test talks RESP to it directly to list, read, overwrite and flush cache
entries. Three `quarry serve` processes hold replicas of the same collections
(the same writes in the same order): A and B share the Redis as their L2, and
R runs with --no-cache as the reference every cached answer is compared with.
The test checks that an answer is served from L1 the second time and from L2
by the other replica, that a write, a fork (other content at the same
generation on another server), a dropped and re-created collection and a
restored snapshot are never answered from a stale entry, that a Redis killed,
paused or flushed never fails or changes a search and that L2 hits resume when
it is back, that garbage in Redis is ignored, and that /api/cache/stats and
/metrics count what the test saw.

Run:  QUARRY_BIN=build/quarry /usr/bin/python3 tests/e2e/cache_e2e_test.py
Needs redis-server (Debian package; REDIS_SERVER overrides the path).
Python 3 standard library only.
"""

import collections
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from quarry_server import Server, quarry_bin  # noqa: E402

MODES = ("keyword", "vector", "hybrid")
KEY_PREFIX = "quarry:v1:"
RESULT_KEYS = KEY_PREFIX + "r:*"
EMBEDDING_KEYS = KEY_PREFIX + "e:*"
CACHE_STATES = ("l1", "l2", "miss")

# Liveness bounds, not timings: how long Redis may take to answer its first
# PING, how long a server may take to finish the L2 writes of an answer it
# sent (they run after the answer), and how long the servers may take to use
# L2 again once Redis is back (the circuit breaker's cool-down plus a probe).
# Healthy runs need far less.
REDIS_START_TIMEOUT_S = 20
L2_WRITE_TIMEOUT_S = 20
L2_RECOVERY_TIMEOUT_S = 30

# The answer minus what legitimately differs between two computations of it.
VOLATILE_FIELDS = ("took_ms", "timing", "cache")

TOPICS = {
    "bees": "honey bees hive nectar pollen queen colony wax comb flowers swarm",
    "volcano": "volcano magma lava crater ash eruption crust gas basalt vent",
    "bread": "sourdough bread yeast starter dough oven flour crust rye loaf",
    "chess": "chess opening knight bishop king castle pawn board gambit endgame",
    "ocean": "ocean tide wave coral reef salt current whale kelp shore",
    "rail": "railway train station track signal locomotive carriage timetable",
}
QUERIES = ("honey bees nectar", "lava crater eruption", "sourdough starter oven",
           "knight opening king", "coral reef whale", "train station signal", "crust")


def make_corpus(seed, count, prefix):
    """`count` documents of mostly one topic with a few words of another:
    enough overlap that every query ranks several documents."""
    rng = random.Random(seed)
    names = sorted(TOPICS)
    documents = []
    for i in range(count):
        main, other = rng.sample(names, 2)
        words = rng.choices(TOPICS[main].split(), k=rng.randint(12, 30))
        words += rng.choices(TOPICS[other].split(), k=rng.randint(1, 5))
        rng.shuffle(words)
        documents.append({"id": f"{prefix}{i:03d}", "title": f"{main} {i}",
                          "text": " ".join(words) + "."})
    return documents


def batches(documents, size=10):
    return [documents[i:i + size] for i in range(0, len(documents), size)]


def answer_of(body):
    """What two computations of one search must agree on."""
    return {k: v for k, v in body.items() if k not in VOLATILE_FIELDS}


def hit_ids(answer):
    return [hit["document_id"] for hit in answer["hits"]]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Redis ------------------------------------------------------------------------

class RespError(Exception):
    """An error reply (-ERR ...) from Redis."""


class Resp:
    """A minimal RESP2 client: one connection, one command at a time."""

    def __init__(self, port, timeout_s=10):
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=timeout_s)
        self._file = self._sock.makefile("rb")

    def close(self):
        self._file.close()
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def command(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for arg in args:
            if isinstance(arg, str):
                arg = arg.encode("utf-8")
            elif isinstance(arg, int):
                arg = str(arg).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
        self._sock.sendall(b"".join(out))
        return self._read()

    def _line(self):
        line = self._file.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError(f"Redis closed the connection mid-reply: {line!r}")
        return line[:-2]

    def _read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RespError(rest.decode("utf-8", "replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self._file.read(n + 2)
            if len(data) != n + 2:
                raise ConnectionError("Redis closed the connection mid-value")
            return data[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise ConnectionError(f"not a RESP reply: {line!r}")

    def scan(self, pattern):
        """Every key matching `pattern`, as str, sorted."""
        keys, cursor = set(), b"0"
        while True:
            cursor, batch = self.command("SCAN", cursor, "MATCH", pattern, "COUNT", 1000)
            keys.update(k.decode() for k in batch)
            if cursor == b"0":
                return sorted(keys)


class RedisProcess:
    """redis-server on 127.0.0.1:<port>, no persistence, in the caller's temp
    dir. It can be killed, paused and restarted on the same port."""

    def __init__(self, work_dir):
        self.work_dir = work_dir
        self.binary = os.environ.get("REDIS_SERVER") or shutil.which("redis-server") \
            or "/usr/sbin/redis-server"
        self.port = None
        self.proc = None
        self._log = None

    def start(self):
        last_error = None
        for _ in range(5):  # a free port can be taken before Redis binds it
            self.port = free_port()
            try:
                return self._spawn()
            except OSError as e:
                last_error = e
        raise AssertionError(f"redis-server did not start: {last_error}\n{self.log_text()}")

    def restart(self):
        """Starts again on the same port (after kill())."""
        assert self.proc is None or self.proc.poll() is not None
        return self._spawn()

    def ensure_running(self):
        """Resumed if paused, restarted if dead: what a test that failed
        half-way leaves to the next one."""
        if self.proc.poll() is None:
            self.resume()
        else:
            self.kill()
            self.restart()

    def _spawn(self):
        if not os.access(self.binary, os.X_OK):
            raise AssertionError(f"redis-server not found at {self.binary!r}; "
                                 "scripts/install-deps.sh installs it")
        self._log = open(os.path.join(self.work_dir, "redis.log"), "ab")
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.work_dir],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + REDIS_START_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                self._log.close()
                raise OSError(f"redis-server exited with {self.proc.returncode}")
            try:
                with Resp(self.port, timeout_s=2) as r:
                    if r.command("PING") == "PONG":
                        return self
            except (OSError, RespError):
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"redis-server did not answer PING:\n{self.log_text()}")
            time.sleep(0.02)

    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def client(self):
        return Resp(self.port)

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a stopped process dies only once resumed
            self.proc.kill()
            self.proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def log_text(self):
        try:
            with open(os.path.join(self.work_dir, "redis.log"), "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""


# The servers ------------------------------------------------------------------

class Node:
    """One `quarry serve` (a Server) and the cache states the test saw it
    report since it started or its cache was cleared, for comparison with
    its own counters."""

    def __init__(self, name, data_dir, log_path, args):
        self.name = name
        self.cached = "--no-cache" not in args
        self.data_dir = data_dir
        self.log_path = log_path
        self.args = args
        self.server = None
        self.seen = collections.Counter()

    def start(self):
        self.server = Server(self.data_dir, self.log_path, *self.args).start()
        self.seen = collections.Counter()
        return self

    def stop(self):
        code = self.server.stop(signal.SIGTERM)
        if code != 0:
            raise AssertionError(f"server {self.name} exited with {code} on SIGTERM:\n"
                                 f"{self.server.log_text()[-4000:]}")

    def kill(self):
        if self.server is not None:
            self.server.kill()

    def request(self, method, path, body=None):
        return self.server.request(method, path, body)


class CacheTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        tmp = tempfile.TemporaryDirectory(prefix="quarry-cache-e2e-")
        cls.addClassCleanup(tmp.cleanup)
        cls.tmp = tmp.name
        redis_dir = os.path.join(cls.tmp, "redis")
        os.mkdir(redis_dir)
        cls.redis = RedisProcess(redis_dir)
        cls.addClassCleanup(cls.redis.kill)
        cls.redis.start()
        # No background warming: every cache entry and every counter comes
        # from a search the test sent.
        cached = ["--cache-l2", cls.redis.url(), "--cache-warm-interval", "0"]
        cls.a = cls.node("A", cached)
        cls.b = cls.node("B", cached)
        cls.r = cls.node("R", ["--no-cache"])
        cls.nodes = (cls.a, cls.b, cls.r)
        cls.replicate("main", make_corpus(7, 60, "m"))

    @classmethod
    def node(cls, name, args):
        n = Node(name, os.path.join(cls.tmp, name + "-data"), os.path.join(cls.tmp, name + ".log"),
                 args)
        cls.addClassCleanup(n.kill)
        return n.start()

    @classmethod
    def tearDownClass(cls):
        for n in cls.nodes:  # a clean exit, and in the ASan build no leak
            n.stop()

    # Helpers -----------------------------------------------------------------

    @classmethod
    def create(cls, nodes, name, documents):
        for n in nodes:
            reply = n.request("PUT", f"/api/collections/{name}", {})
            assert reply.status == 201, (n.name, reply)
        for batch in batches(documents):
            cls.write(nodes, name, batch)

    @classmethod
    def write(cls, nodes, name, documents):
        for n in nodes:
            reply = n.request("POST", f"/api/collections/{name}/documents?wait=true",
                              {"documents": documents})
            assert reply.status == 200, (n.name, reply)

    @classmethod
    def replicate(cls, name, documents):
        """The same collection on every node, written in the same batches in
        the same order: replicas."""
        cls.create(cls.nodes, name, documents)

    def search(self, node, collection, query, mode, k=5):
        """POSTs the search; returns (cache state, answer)."""
        reply = node.request("POST", "/api/search",
                             {"collection": collection, "query": query, "k": k, "mode": mode})
        self.assertEqual(reply.status, 200,
                         f"{node.name}: {reply}\n{node.server.log_text()[-2000:]}")
        body = reply.json()
        state = body.get("cache")
        if node.cached:
            self.assertIn(state, CACHE_STATES, f"{node.name}: {body}")
            self.assertEqual(reply.header("x-cache"), state,
                             f"{node.name}: X-Cache and the body disagree")
        else:
            self.assertEqual(state, "off", f"{node.name} runs with --no-cache: {body}")
            self.assertIsNone(reply.header("x-cache"))
        node.seen[state] += 1
        return state, answer_of(body)

    def reference(self, collection, query, mode, k=5):
        return self.search(self.r, collection, query, mode, k)[1]

    def search_stored(self, node, collection, query, mode, k=5, timeout_s=L2_WRITE_TIMEOUT_S):
        """A search that must miss, then the wait for its L2 writes (the
        answer, and the query embedding if it computed one), which the server
        makes after it answered. Returns the answer, and whether the writes
        landed within `timeout_s`."""
        before = self.stats(node)
        state, answer = self.search(node, collection, query, mode, k)
        self.assertEqual(state, "miss", f"{node.name}: {query!r} {mode}")

        def written():
            now = self.stats(node)
            embedded = (now["query_embeddings"]["computed"]
                        - before["query_embeddings"]["computed"])
            return (l2_writes(now, "results") > l2_writes(before, "results")
                    and l2_writes(now, "embeddings") >= l2_writes(before, "embeddings") + embedded)
        return answer, self.wait_until(written, timeout_s)

    @staticmethod
    def wait_until(condition, timeout_s):
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def store(self, node, collection, query, mode, k=5):
        """search_stored, where the writes must land."""
        answer, landed = self.search_stored(node, collection, query, mode, k)
        self.assertTrue(landed, f"{node.name} did not write {query!r} {mode} to L2: "
                                f"{self.stats(node)['l2']}")
        return answer

    def keys(self, pattern=KEY_PREFIX + "*"):
        with self.redis.client() as r:
            return r.scan(pattern)

    def flush_redis(self):
        with self.redis.client() as r:
            self.assertEqual(r.command("FLUSHALL"), "OK")

    def restart(self, node):
        """A fresh process over the same data: an empty L1."""
        node.stop()
        node.start()

    def wait_for_l2(self, collection, tag):
        """Fresh queries until B answers one from L2 (that A put there).
        Every answer on the way must be right. Returns the rounds it took."""
        deadline = time.monotonic() + L2_RECOVERY_TIMEOUT_S
        rounds = 0
        while True:
            rounds += 1
            # While A's breaker is open its writes are skipped: wait a little
            # for them, not for ever.
            _, b_state = self.chaos_round(collection, f"{tag}{rounds}", "keyword",
                                          a_write_timeout_s=0.5)
            if b_state == "l2":
                return rounds
            self.assertLess(time.monotonic(), deadline,
                            f"L2 hits did not resume after {rounds} rounds ({tag}); "
                            f"A stats: {self.stats(self.a)}")

    def chaos_round(self, collection, nonce, mode, a_write_timeout_s=0):
        """A new query (never searched before) on A, then on B; both must
        equal R's answer. Between them, waits up to `a_write_timeout_s` for
        A's L2 writes. Returns the two cache states."""
        base = QUERIES[sum(map(ord, nonce)) % len(QUERIES)]
        query = f"{base} z{nonce}q"
        expected = self.reference(collection, query, mode)
        a_answer, _ = self.search_stored(self.a, collection, query, mode,
                                         timeout_s=a_write_timeout_s)
        b_state, b_answer = self.search(self.b, collection, query, mode)
        self.assertNotEqual(b_state, "l1", f"B, {query!r}: a query never sent before hit L1")
        self.assertEqual(a_answer, expected, f"A, {query!r} {mode}")
        self.assertEqual(b_answer, expected, f"B, {query!r} {mode}, cache {b_state}")
        return "miss", b_state

    def stats(self, node):
        reply = node.request("GET", "/api/cache/stats")
        self.assertEqual(reply.status, 200, reply)
        return reply.json()

    def metrics(self, node):
        reply = node.request("GET", "/metrics")
        self.assertEqual(reply.status, 200, reply)
        return parse_prometheus(reply.body.decode("utf-8"))

    # 1. L1 ---------------------------------------------------------------------

    def test_1_second_search_is_an_l1_hit(self):
        for mode in MODES:
            for query in QUERIES[:3]:
                expected = self.reference("main", query, mode)
                self.assertTrue(expected["hits"], f"{query!r} {mode} finds nothing")
                first = self.search(self.a, "main", query, mode)
                second = self.search(self.a, "main", query, mode)
                self.assertEqual(first, ("miss", expected), f"{query!r} {mode}")
                self.assertEqual(second, ("l1", expected), f"{query!r} {mode}")
        # Another k is another question.
        expected = self.reference("main", QUERIES[0], "keyword", k=2)
        self.assertEqual(self.search(self.a, "main", QUERIES[0], "keyword", k=2),
                         ("miss", expected))
        self.assertEqual(len(expected["hits"]), 2)
        self.check_counters(self.a)

    # 2. L2 shared by replicas --------------------------------------------------

    def test_2_replica_answers_from_l2(self):
        self.replicate("shared", make_corpus(11, 30, "s"))
        query = "queen colony swarm"
        for mode in MODES:
            expected = self.reference("shared", query, mode)
            before = set(self.keys(RESULT_KEYS))
            self.assertEqual(self.store(self.a, "shared", query, mode), expected, mode)
            added = set(self.keys(RESULT_KEYS)) - before
            self.assertEqual(len(added), 1, f"{mode}: one result entry per search, got {added}")
            self.assertEqual(self.search(self.b, "shared", query, mode), ("l2", expected), mode)
            self.assertEqual(self.search(self.b, "shared", query, mode), ("l1", expected), mode)
        keys = self.keys()
        self.assertTrue(self.keys(EMBEDDING_KEYS), f"no query embedding in L2: {keys}")
        for key in keys:
            self.assertRegex(key, r"^quarry:v1:[re]:")
            for word in query.split():  # a key reveals nothing of the query
                self.assertNotIn(word, key)
        self.check_counters(self.a)
        self.check_counters(self.b)

    # 3. Writes, drops and restores never serve a stale entry --------------------

    def test_3_write_is_never_answered_from_a_stale_entry(self):
        docs = make_corpus(13, 20, "w")
        self.replicate("fresh", docs)
        q1, q2 = "knight gambit endgame", "bishop pawn board"
        old = {q: self.reference("fresh", q, "hybrid") for q in (q1, q2)}
        self.assertEqual(self.store(self.a, "fresh", q1, "hybrid"), old[q1])
        self.assertEqual(self.search(self.a, "fresh", q1, "hybrid"), ("l1", old[q1]))
        self.assertEqual(self.search(self.b, "fresh", q1, "hybrid"), ("l2", old[q1]))
        new_doc = {"id": "zz-new", "title": "knight gambit",
                   "text": "The knight gambit endgame: bishop, pawn and board, knight first."}

        # The write reaches A only: A must see it at once, B must not see A's
        # new answers (its collection is in another state).
        self.write([self.a], "fresh", [new_doc])
        a1 = self.store(self.a, "fresh", q1, "hybrid")  # a miss: nothing from before the write
        a2 = self.store(self.a, "fresh", q2, "hybrid")
        self.assertIn("zz-new", hit_ids(a1))
        self.assertIn("zz-new", hit_ids(a2))
        self.assertEqual(a1["generation"], old[q1]["generation"] + 1)
        self.assertEqual(self.search(self.b, "fresh", q1, "hybrid"), ("l1", old[q1]),
                         "B (not yet written) must keep its own answer")
        self.assertEqual(self.search(self.b, "fresh", q2, "hybrid"), ("miss", old[q2]),
                         "B took from L2 an answer for another state of the collection")

        # The same write on B (and R): B is A's replica again, and A's new
        # answers are right for it.
        self.write([self.b, self.r], "fresh", [new_doc])
        for q, a_answer in ((q1, a1), (q2, a2)):
            expected = self.reference("fresh", q, "hybrid")
            self.assertEqual(a_answer, expected, q)
            self.assertEqual(self.search(self.b, "fresh", q, "hybrid"), ("l2", expected), q)
        self.check_counters(self.a)
        self.check_counters(self.b)

    def test_3_other_content_at_the_same_generation_is_not_answered_from_old_entries(self):
        x, y, z, w = (make_corpus(seed, 10, p) for seed, p in
                      ((21, "x"), (22, "y"), (23, "z"), (24, "w")))
        query = "volcano lava flour"

        # Forks: one collection name, one write each, other documents on A
        # and on B. B must not take A's answer from L2.
        self.create([self.a], "fork", x)
        self.create([self.b, self.r], "fork", y)
        a_answer = self.store(self.a, "fork", query, "hybrid")
        expected = self.reference("fork", query, "hybrid")
        self.assertEqual(expected["generation"], a_answer["generation"])
        self.assertNotEqual(hit_ids(expected), hit_ids(a_answer))
        self.assertEqual(self.search(self.b, "fork", query, "hybrid"), ("miss", expected))

        # On A: X, then dropped and created again with Y: the same number of
        # writes, so the same generation, and another content.
        self.create([self.a], "phoenix", x)
        state, x_answer = self.search(self.a, "phoenix", query, "hybrid")
        self.assertEqual(state, "miss")
        self.assertEqual(self.a.request("DELETE", "/api/collections/phoenix").status, 200)
        self.create([self.a], "phoenix", y)
        self.create([self.r], "phoenix", y)
        expected = self.reference("phoenix", query, "hybrid")
        self.assertEqual(expected["generation"], x_answer["generation"])
        self.assertNotEqual(hit_ids(expected), hit_ids(x_answer))
        self.assertEqual(self.search(self.a, "phoenix", query, "hybrid"), ("miss", expected))

        # Snapshot, write Z, search; restore the snapshot, write W: the
        # generation is the one the Z answer was cached under.
        made = self.a.request("POST", "/api/collections/phoenix/snapshots")
        self.assertEqual(made.status, 201, made)
        self.write([self.a], "phoenix", z)
        state, z_answer = self.search(self.a, "phoenix", query, "hybrid")
        self.assertEqual(state, "miss")
        restored = self.a.request(
            "POST", f"/api/collections/phoenix/snapshots/{made.json()['name']}/restore",
            {"replace": True})
        self.assertEqual(restored.status, 200, restored)
        self.write([self.a, self.r], "phoenix", w)
        expected = self.reference("phoenix", query, "hybrid")
        self.assertNotEqual(hit_ids(expected), hit_ids(z_answer))
        state, answer = self.search(self.a, "phoenix", query, "hybrid")
        self.assertEqual(answer["hits"], expected["hits"],
                         f"stale answer after a restore (cache {state})")
        self.assertEqual(state, "miss")
        self.assertEqual(answer["generation"], z_answer["generation"],
                         "the premise: a key on the generation alone would have hit")

    # 4. Redis killed, paused, flushed ------------------------------------------

    def test_4_redis_faults_never_fail_or_change_a_search(self):
        self.replicate("chaos", make_corpus(31, 40, "c"))
        self.addCleanup(self.redis.ensure_running)
        rounds = itertools.count()

        def fresh(tag, n, allowed_b_states, a_write_timeout_s=0):
            for _ in range(n):
                i = next(rounds)
                _, b_state = self.chaos_round("chaos", f"{tag}{i}", MODES[i % 3],
                                              a_write_timeout_s)
                self.assertIn(b_state, allowed_b_states, f"{tag} round {i}")

        fresh("up", 3, ("l2",), a_write_timeout_s=L2_WRITE_TIMEOUT_S)

        # FLUSHALL between A's search and B's: B must recompute.
        query = "reef kelp shore"
        expected = self.reference("chaos", query, "vector")
        self.assertEqual(self.store(self.a, "chaos", query, "vector"), expected)
        self.flush_redis()
        self.assertEqual(self.keys(), [])
        self.assertEqual(self.search(self.b, "chaos", query, "vector"), ("miss", expected))
        self.assertEqual(self.search(self.b, "chaos", query, "vector"), ("l1", expected))

        # Killed: no L2, every answer still right, and the breaker opens.
        opened = self.stats(self.a)["l2"]["breaker_opened"]
        self.redis.kill()
        fresh("killed", 8, ("miss",))
        stats = self.stats(self.a)
        self.assertNotEqual(stats["l2"]["breaker"], "closed", stats)
        self.assertGreater(stats["l2"]["breaker_opened"], opened, stats)
        self.assertEqual(metric(self.metrics(self.a), "quarry_cache_l2_breaker_open"), 1)
        self.redis.restart()
        self.wait_for_l2("chaos", "back")

        # Paused. Before: A answers P1..P6, so L2 holds them. During: B asks for
        # P1..P3; its L2 requests go unanswered. After: Redis answers those
        # stale requests too; B's P4..P6 must still get their own values.
        prepared = [(f"{QUERIES[i % len(QUERIES)]} p{i}x", MODES[i % 3]) for i in range(6)]
        expected = {p: self.reference("chaos", *p) for p in prepared}
        for p in prepared:
            self.assertEqual(self.store(self.a, "chaos", *p), expected[p])
        self.redis.pause()
        try:
            for p in prepared[:3]:
                self.assertEqual(self.search(self.b, "chaos", *p), ("miss", expected[p]), p)
            fresh("paused", 3, ("miss",))
        finally:
            self.redis.resume()
        self.wait_for_l2("chaos", "resumed")
        for p in prepared[3:]:
            state, answer = self.search(self.b, "chaos", *p)
            self.assertEqual(answer, expected[p], f"{p}: cache {state}")
            self.assertEqual(state, "l2", p)
        for node in (self.a, self.b):
            self.assertEqual(self.check_counters(node)["l2"]["breaker"], "closed", node.name)

    # 5. Garbage in Redis -------------------------------------------------------

    def test_5_garbage_values_in_redis_are_ignored(self):
        self.replicate("garbage", make_corpus(41, 30, "g"))
        self.flush_redis()
        # Query texts no other test sends: A holds no embedding of them in L1,
        # so each vector search puts one in L2.
        queries = ("honey pollen wax", "magma basalt vent", "rye flour loaf", "pawn gambit endgame")
        searches = [(q, mode) for q in queries for mode in MODES]
        expected = {s: self.reference("garbage", *s) for s in searches}
        self.assertEqual(len({json.dumps(e, sort_keys=True) for e in expected.values()}),
                         len(searches), "two searches with one answer weaken the swaps")
        by_key = {}  # result key -> the search it answers
        for s in searches:
            before = set(self.keys(RESULT_KEYS))
            self.assertEqual(self.store(self.a, "garbage", *s), expected[s])
            (key,) = set(self.keys(RESULT_KEYS)) - before
            by_key[key] = s
        with self.redis.client() as r:
            valid = {k: r.command("GET", k) for k in self.keys()}
        result_keys = sorted(by_key)
        embedding_keys = sorted(k for k in valid if k.startswith(KEY_PREFIX + "e:"))
        self.assertEqual(len(embedding_keys), len(queries), "one query embedding per query text")

        rng = random.Random(5)
        for round_ in range(2):
            garbage = {}
            for i, key in enumerate(result_keys):
                other = valid[result_keys[(i + 1 + round_) % len(result_keys)]]
                garbage[key] = corrupt(valid[key], other, i + round_ * 5, rng)
            for i, key in enumerate(embedding_keys):
                other = valid[embedding_keys[(i + 1) % len(embedding_keys)]]
                garbage[key] = corrupt(valid[key], other, 2 * i + round_, rng)
            # B stopped first: none of its writes (they follow its answers)
            # may land on the garbage.
            self.b.stop()
            with self.redis.client() as r:
                for key, value in garbage.items():
                    self.assertEqual(r.command("SET", key, value), "OK")
            self.b.start()
            for key in result_keys:
                s = by_key[key]
                state, answer = self.search(self.b, "garbage", *s)
                self.assertEqual(answer, expected[s], f"round {round_}, {s}: cache {state}")
                self.assertEqual(state, "miss", f"round {round_}, {s}: garbage served")
            l2 = self.check_counters(self.b)["l2"]
            self.assertEqual(l2["results"]["corrupt"], len(result_keys), l2)
            self.assertEqual(l2["embeddings"]["corrupt"], len(embedding_keys), l2)

        # The control: the values the test saved are served as they are.
        self.b.stop()
        with self.redis.client() as r:
            for key, value in valid.items():
                r.command("SET", key, value)
        self.b.start()
        for s in searches:
            self.assertEqual(self.search(self.b, "garbage", *s), ("l2", expected[s]), s)
        self.check_counters(self.b)

    # 6. Counters ---------------------------------------------------------------

    def test_6_stats_and_metrics_count_what_the_test_saw(self):
        self.replicate("stats", make_corpus(51, 20, "t"))
        self.restart(self.a)  # counters from zero, whatever ran before
        self.restart(self.b)
        self.check_counters(self.a)
        for query in ("tide wave", "rye loaf", "signal track"):
            self.store(self.a, "stats", query, "hybrid")
            for node, want in ((self.a, "l1"), (self.b, "l2"), (self.b, "l1"), (self.a, "l1")):
                self.assertEqual(self.search(node, "stats", query, "hybrid")[0], want, query)
        self.assertEqual(dict(self.a.seen), {"miss": 3, "l1": 6})
        self.assertEqual(dict(self.b.seen), {"l2": 3, "l1": 3})
        for node in (self.a, self.b):
            stats = self.check_counters(node)
            self.assertEqual(stats["l2"]["breaker"], "closed")
            self.assertEqual(metric(self.metrics(node), "quarry_cache_l2_breaker_open"), 0)
        off = self.stats(self.r)
        self.assertFalse(off["enabled"], off)
        self.assertEqual((off["searches"]["l1"], off["searches"]["l2"]), (0, 0), off)

        # Clear: A's L1 and the shared L2 are emptied, and A's counters reset.
        keys = self.keys()
        self.assertTrue(keys)
        cleared = self.a.request("POST", "/api/cache/clear")
        self.assertEqual(cleared.status, 200, cleared)
        self.assertEqual(cleared.json().get("l2_keys_deleted"), len(keys), cleared)
        self.assertEqual(self.keys(), [])
        self.a.seen.clear()
        self.assertEqual(self.search(self.a, "stats", "tide wave", "hybrid")[0], "miss")
        self.check_counters(self.a)

    def check_counters(self, node):
        """The node's counters in /api/cache/stats and /metrics against the
        cache states the test saw it answer. Every search looks in L1; each
        L1 miss looks in L2 once (a hit, or a miss: absent, corrupt, failed,
        or skipped while the breaker is open). Returns the stats."""
        seen = {k: node.seen[k] for k in CACHE_STATES}
        tiers = {"l1 hits": seen["l1"], "l1 misses": seen["l2"] + seen["miss"],
                 "l2 hits": seen["l2"], "l2 misses": seen["miss"]}
        stats = self.stats(node)
        self.assertEqual(stats_search_counts(stats), seen, f"{node.name}: {stats}")
        self.assertEqual(stats_tier_counts(stats), tiers, f"{node.name}: {stats}")
        samples = self.metrics(node)
        self.assertEqual(metric_search_counts(samples), seen, f"{node.name} /metrics")
        self.assertEqual(metric_tier_counts(samples), tiers, f"{node.name} /metrics")
        return stats


# What the test knows of the server's stats and metrics formats ----------------

def l2_writes(stats, kind):
    return stats["l2"][kind]["writes"]


def stats_search_counts(stats):
    """Searches by where they were answered: {"l1", "l2", "miss"}."""
    return {k: stats["searches"][k] for k in CACHE_STATES}


def stats_tier_counts(stats):
    l1, l2 = stats["l1"]["results"], stats["l2"]["results"]
    return {"l1 hits": l1["hits"], "l1 misses": l1["misses"], "l2 hits": l2["hits"],
            "l2 misses": l2["misses"] + l2["errors"] + l2["skipped"]}


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$')


def parse_prometheus(text):
    """{(name, frozenset of label pairs): value} of every sample."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        if not match:
            raise AssertionError(f"not a Prometheus sample line: {line!r}")
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        samples[(match.group(1), labels)] = float(match.group(3))
    return samples


def metric(samples, name, **labels):
    key = (name, frozenset(labels.items()))
    if key not in samples:
        raise AssertionError(f"no sample {name}{labels} in /metrics")
    return samples[key]


def metric_search_counts(samples):
    return {k: int(metric(samples, "quarry_cache_searches_total", tier=k)) for k in CACHE_STATES}


def metric_tier_counts(samples):
    def l2(outcome):
        return int(metric(samples, "quarry_cache_l2_lookups_total", kind="result",
                          outcome=outcome))
    return {"l1 hits": int(metric(samples, "quarry_cache_l1_lookups_total", kind="result",
                                  outcome="hit")),
            "l1 misses": int(metric(samples, "quarry_cache_l1_lookups_total", kind="result",
                                    outcome="miss")),
            "l2 hits": l2("hit"), "l2 misses": l2("miss") + l2("error") + l2("skipped")}


def corrupt(value, other, kind, rng):
    """A value the server must not accept for this key; `other` is the
    valid value of another key."""
    kind %= 8
    if kind == 0:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300)))
    if kind == 1:
        return value[:len(value) // 2]
    if kind == 2:
        return value[:-1]
    if kind == 3:
        flipped = bytearray(value)
        flipped[len(flipped) // 2] ^= 0x10
        return bytes(flipped)
    if kind == 4:
        return other
    if kind == 5:
        return other[:len(other) - 3]
    if kind == 6:
        return value + b"\x00garbage"
    return b""


if __name__ == "__main__":
    quarry_bin()  # fail early and clearly when unset
    unittest.main(verbosity=2)
