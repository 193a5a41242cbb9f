"""The client threads of the crash test: upserts (new ids, replacements with
a new version, re-creation of deleted ids) in batches of 1-4 documents, and
deletes, every one with ?wait=true, until the server is killed.

An operation is acknowledged only by a 200. Its outcome is UNCERTAIN when it
was sent and no answer came (the kill) or an error came back; NOT_SENT when
the connection was refused or it was sent after the server was known dead.

Thread-safety: run_clients() starts the threads; the Model's lock guards the
choice of ids, and the per-id claim keeps one operation per id in flight.
"""

import http.client
import random
import threading
import time
import urllib.parse

from history import ACKED, DELETE, NOT_SENT, REJECTED, UNCERTAIN, UPSERT
from server_process import Client


class CollectionSpec:
    """One collection of the run and its write mix."""

    def __init__(self, name, fsync, share, max_docs, config):
        self.name = name
        self.fsync = fsync          # "always" or "interval"
        self.share = share          # fraction of the operations
        self.max_docs = max_docs    # live documents it tends to (new ids stop there)
        self.max_ids = 3 * max_docs  # then "new" documents re-create deleted ids
        self.config = config        # the PUT body


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}

    def add(self, key, n=1):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n


class Workload:
    def __init__(self, model, corpus, specs, violations, stats, http_timeout_s):
        self.model = model
        self.corpus = corpus
        self.specs = specs
        self.violations = violations
        self.stats = stats
        self.http_timeout_s = http_timeout_s
        self.dead_at = float("inf")  # monotonic time the killed server was reaped

    # Choosing an operation -------------------------------------------------

    def _plan(self, rng, cycle, client):
        """Claims ids and returns (op, docs, request body), or None if every
        id is busy. Takes the model lock."""
        r = rng.random()
        spec = self.specs[-1]
        for s in self.specs:
            if r < s.share:
                spec = s
                break
            r -= s.share
        m = self.model
        with m.lock:
            docs = list(m.docs[spec.name].values())
            free = [d for d in docs if not d.busy and not d.frozen]
            present = [d for d in free if d.state is not None]
            absent = [d for d in free if d.state is None]
            live = m.live_count(spec.name)
            p_delete = 0.2 if live < spec.max_docs else 0.5
            if present and rng.random() < p_delete:
                doc = rng.choice(present)
                doc.busy = True
                op = m.new_op(DELETE, spec.name, {doc.id: None}, cycle, client)
                return op, [doc], None
            chosen = []
            for _ in range(rng.choice((1, 1, 1, 1, 2, 3, 4))):
                doc = None
                if live < spec.max_docs and rng.random() < 0.4:
                    if len(docs) < spec.max_ids:
                        doc = m.new_doc(spec.name)
                        docs.append(doc)
                    elif absent:
                        doc = absent.pop(rng.randrange(len(absent)))
                if doc is None and present:
                    doc = present.pop(rng.randrange(len(present)))
                if doc is None:
                    break
                doc.busy = True
                chosen.append(doc)
                live += 1 if doc.state is None else 0
            if not chosen:
                return None
            versions = {d.id: m.new_version(d) for d in chosen}
            op = m.new_op(UPSERT, spec.name, versions, cycle, client)
        body = {"documents": [self.corpus.document(d, versions[d.id],
                                                   m.token(d, versions[d.id]))
                              for d in chosen]}
        return op, chosen, body

    # Sending it --------------------------------------------------------------

    def _execute(self, conn, op, docs, body):
        name = urllib.parse.quote(op.collection, safe="")
        if op.kind == UPSERT:
            method, path = "POST", f"/api/collections/{name}/documents?wait=true"
        else:
            doc_id = urllib.parse.quote(docs[0].id, safe="")
            method, path = "DELETE", f"/api/collections/{name}/documents/{doc_id}"
        op.t_sent = time.monotonic()
        try:
            reply = conn.request(method, path, body)
        except ConnectionRefusedError:
            return NOT_SENT, "connection refused"
        except (OSError, http.client.HTTPException) as e:
            if op.t_sent > self.dead_at:
                return NOT_SENT, f"sent after the kill: {type(e).__name__}"
            return UNCERTAIN, f"no answer: {type(e).__name__}: {e}"
        if reply.status == 200:
            if op.kind == UPSERT:
                try:
                    summary = reply.json()
                except (ValueError, UnicodeDecodeError):
                    summary = {}
                if summary.get("documents") != len(docs) or summary.get("unchanged") != 0:
                    self.violations.add(
                        "upsert_summary", f"op {op.seq}: {len(docs)} new versions, the server "
                        f"answered {reply.body[:200]!r}", op=op.to_json())
            return ACKED, ""
        if op.kind == DELETE and reply.status == 404:
            doc = docs[0]
            self.violations.add(
                "acked_write_lost_while_serving",
                f"DELETE of {op.collection}/{doc.id} answered 404 while the document was "
                f"stored at v{doc.state} (acknowledged or observed)", op=op.to_json())
            return REJECTED, "404"
        self.stats.add(f"error_http_{reply.status}")
        return UNCERTAIN, f"HTTP {reply.status}: {reply.body[:200]!r}"

    def _client_loop(self, port, cycle, client, stop, rng):
        conn = Client(port, self.http_timeout_s)
        try:
            while not stop.is_set():
                planned = self._plan(rng, cycle, client)
                if planned is None:
                    time.sleep(0.005)
                    continue
                op, docs, body = planned
                outcome, detail = self._execute(conn, op, docs, body)
                self.model.finish(op, outcome, detail, time.monotonic(), docs)
                self.stats.add(f"{op.kind}_{outcome}")
                if outcome == ACKED and op.kind == UPSERT:
                    self.stats.add("documents_acked", len(docs))
                if outcome == NOT_SENT:
                    # The server is gone: wait for the stop signal.
                    stop.wait(self.http_timeout_s)
        finally:
            conn.close()

    def start_clients(self, port, cycle, threads, seed, stop):
        self.dead_at = float("inf")
        out = []
        for client in range(threads):
            rng = random.Random(f"{seed}/client/{cycle}/{client}")
            t = threading.Thread(target=self._client_loop,
                                 args=(port, cycle, client, stop, rng), daemon=True)
            t.start()
            out.append(t)
        return out

