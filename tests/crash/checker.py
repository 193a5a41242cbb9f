"""The invariants checked after each restart, while no client writes.

For each collection:
  1. Every id the driver ever used is read back by GET; its state (absent, or
     the version named by its title) must be the known state or the state
     after one of the operations in flight at the kill (fsync=always); never
     an older version, never a deleted document back, never a version that
     was not sent. With fsync=interval only consistency is required: any
     state the id had; a rollback is counted, not a violation.
  2. The stored fields agree: title, metadata (id, version, token) and
     text_bytes match that version's text; content_hash and chunk_count are
     the same every time that version is read.
  3. The recovered state is a prefix of the acknowledged order: no write sent
     after an acknowledged write that was lost is present.
  4. GET /api/collections/{name} counts the documents found and the sum of
     their chunk_count.
  5. Every stored document is in the top k of a search for its version's
     unique token; every hit names a stored document, with its current
     title, and carries only its current token (no stale or deleted chunk);
     a search for a token superseded or deleted since the last check finds
     no chunk holding it.

Thread-safety: run while no client thread runs; uses its own pool of threads,
each with its own connection.
"""

import concurrent.futures
import re
import threading
import urllib.parse

from history import ACKED, UPSERT
from server_process import Client

TOKEN = re.compile(r"tok[a-z]{12}")
TITLE = re.compile(r"^(?P<id>\S+) v(?P<version>\d+)$")


class Violations:
    """Every broken invariant, with enough context to reproduce it."""

    def __init__(self, limit=200):
        self.lock = threading.Lock()
        self.items = []
        self.count = 0
        self.limit = limit
        self.cycle = None

    def add(self, kind, message, **context):
        with self.lock:
            self.count += 1
            if len(self.items) < self.limit:
                self.items.append({"kind": kind, "cycle": self.cycle, "message": message,
                                   **context})
            print(f"VIOLATION [{kind}] cycle {self.cycle}: {message}", flush=True)


class Checker:
    def __init__(self, model, corpus, violations, port, http_timeout_s, workers, k):
        self.model = model
        self.corpus = corpus
        self.violations = violations
        self.port = port  # () -> the port the server listens on now
        self.http_timeout_s = http_timeout_s
        self.workers = workers
        self.k = k
        self._local = threading.local()
        self.rollbacks = 0      # fsync=interval: acknowledged states not recovered
        self.in_flight_applied = 0
        self.in_flight_lost = 0
        self.searches = 0
        self.reads = 0

    def _client(self):
        """This thread's connection to the current server process."""
        c = getattr(self._local, "client", None)
        port = self.port()
        if c is None or c.port != port:
            if c is not None:
                c.close()
            c = self._local.client = Client(port, self.http_timeout_s)
        return c

    def _get(self, path):
        return self._client().request("GET", path)

    def _search(self, collection, query, k):
        reply = self._client().request("POST", "/api/search",
                                       {"collection": collection, "query": query, "k": k})
        if reply.status != 200:
            self.violations.add("search_failed", f"search {query!r} in {collection}: {reply}")
            return []
        return reply.json().get("hits", [])

    def check(self, spec, pool):
        name = spec.name
        quoted = urllib.parse.quote(name, safe="")
        info_reply = self._get(f"/api/collections/{quoted}")
        if info_reply.status != 200:
            self.violations.add("collection_missing",
                                f"GET /api/collections/{name} answered {info_reply}")
            return
        info = info_reply.json()
        docs = list(self.model.docs[name].values())
        observed = dict(zip((d.id for d in docs), pool.map(lambda d: self._read(d, quoted), docs)))
        self.reads += len(docs)

        # 1. States against the model; 3. the prefix property.
        lost_acks = []  # acknowledged ops whose state was not recovered
        for doc in docs:
            seen = observed[doc.id][0]
            if seen in doc.allowed():
                continue
            lost = doc.state_op if doc.state_op is not None and doc.state_op.outcome == ACKED \
                else None
            history_state = seen is None or doc.may_have_sent(seen)
            if spec.fsync != "always" and history_state:
                self.rollbacks += 1
                if lost is not None:
                    lost_acks.append(lost)
                continue
            self._state_violation(doc, seen, lost)
            if lost is not None:
                lost_acks.append(lost)
        if lost_acks:
            self._check_prefix(docs, observed, lost_acks)

        # 4. Counts.
        present = {d.id: observed[d.id] for d in docs if observed[d.id][0] is not None}
        chunks = sum(o[2] for o in present.values())
        if info.get("documents") != len(present) or info.get("chunks") != chunks:
            self.violations.add(
                "counts_disagree",
                f"{name}: GET /api/collections says documents={info.get('documents')} "
                f"chunks={info.get('chunks')}; GET by id finds {len(present)} documents with "
                f"{chunks} chunks (more documents than found means a phantom id)")

        # 5. Search: current tokens are found, superseded ones are gone.
        token_of = self.model.token
        current = {doc_id: token_of(self.model.docs[name][doc_id], o[0])
                   for doc_id, o in present.items()}
        stale = set()
        for doc in docs:
            stale |= doc.stale_tokens
            for _, s in doc.pending:
                if s is not None and s != observed[doc.id][0]:
                    stale.add(token_of(doc, s))
            if doc.state is not None and doc.state != observed[doc.id][0]:
                stale.add(token_of(doc, doc.state))
        stale -= set(current.values())
        titles = {doc_id: f"{doc_id} v{o[0]}" for doc_id, o in present.items()}
        jobs = [(doc_id, token, True) for doc_id, token in current.items()]
        jobs += [(None, token, False) for token in stale]
        list(pool.map(lambda j: self._check_search(name, j, current, titles), jobs))
        self.searches += len(jobs)

        # The observed state is now the known state.
        for doc in docs:
            seen = observed[doc.id][0]
            if doc.pending:
                applied = [op for op, s in doc.pending if s == seen and s != doc.state]
                if applied:
                    self.in_flight_applied += 1
                    doc.state_op = applied[-1]
                else:
                    self.in_flight_lost += 1
            if seen != doc.state and not any(s == seen for _, s in doc.pending):
                doc.state_op = None
            doc.state = seen
            doc.pending = []
            doc.frozen = False
            doc.stale_tokens = set()
            doc.observed = {seen: doc.observed[seen]} if seen in doc.observed else {}

    def _read(self, doc, quoted):
        """Returns (version or None, content_hash, chunk_count) of the stored
        document, checking its fields."""
        path = f"/api/collections/{quoted}/documents/{urllib.parse.quote(doc.id, safe='')}"
        reply = self._get(path)
        if reply.status == 404:
            return (None, None, 0)
        if reply.status != 200:
            self.violations.add("read_failed", f"GET {path} answered {reply}")
            return (doc.state, None, 0)
        d = reply.json()
        match = TITLE.match(d.get("title", ""))
        if not match or match.group("id") != doc.id:
            self.violations.add("bad_title", f"GET {path}: title {d.get('title')!r}")
            return (doc.state, None, 0)
        version = int(match.group("version"))
        meta = d.get("metadata") or {}
        if not doc.may_have_sent(version):
            return (version, d.get("content_hash"), d.get("chunk_count", 0))  # phantom: see check
        token = self.model.token(doc, version)
        text = self.corpus.document(doc, version, token)["text"]
        problems = []
        if d.get("id") != doc.id:
            problems.append(f"id {d.get('id')!r}")
        if meta != {"id": doc.id, "version": version, "token": token}:
            problems.append(f"metadata {meta!r}")
        if d.get("text_bytes") != len(text.encode("utf-8")):
            problems.append(f"text_bytes {d.get('text_bytes')} (expected "
                            f"{len(text.encode('utf-8'))})")
        key = (d.get("content_hash"), d.get("chunk_count"))
        first = doc.observed.setdefault(version, key)
        if first != key:
            problems.append(f"content_hash/chunk_count {key} (earlier {first})")
        if not isinstance(d.get("chunk_count"), int) or d.get("chunk_count") < 1:
            problems.append(f"chunk_count {d.get('chunk_count')!r}")
        if problems:
            self.violations.add("fields_disagree",
                                f"{doc.collection}/{doc.id} v{version}: " + "; ".join(problems))
        return (version, d.get("content_hash"), d.get("chunk_count") or 0)

    def _state_violation(self, doc, seen, lost):
        where = f"{doc.collection}/{doc.id}"
        allowed = sorted(("absent" if s is None else f"v{s}") for s in doc.allowed())
        found = "absent" if seen is None else f"v{seen}"
        pending = [op.to_json() for op, _ in doc.pending]
        last = lost.to_json() if lost is not None else None
        if seen is not None and not doc.may_have_sent(seen):
            kind = "phantom_version"
        elif seen is None:
            kind = "acked_write_lost" if lost is not None else "document_vanished"
        elif doc.state is None:
            kind = "deleted_document_back"
        elif seen < doc.state:
            kind = "older_version"
        else:
            kind = "unexpected_version"
        self.violations.add(kind, f"{where}: found {found}, allowed {allowed}",
                            last_acked=last, in_flight=pending)

    def _check_prefix(self, docs, observed, lost_acks):
        """A write sent after a lost acknowledged write must be lost too."""
        t_lost = min(op.t_done for op in lost_acks)
        first = min(lost_acks, key=lambda op: op.t_done)
        for doc in docs:
            seen = observed[doc.id][0]
            if seen is None:
                continue
            producers = [op for op, s in doc.pending if s == seen]
            if doc.state == seen and doc.state_op is not None:
                producers.append(doc.state_op)
            for op in producers:
                if op.kind == UPSERT and op.t_sent is not None and op.t_sent > t_lost:
                    self.violations.add(
                        "not_a_prefix",
                        f"{doc.collection}/{doc.id} v{seen} (op {op.seq}, sent after op "
                        f"{first.seq} was acknowledged) survived, op {first.seq} did not",
                        lost=first.to_json(), survived=op.to_json())

    def _check_search(self, collection, job, current, titles):
        doc_id, token, must_find = job
        hits = self._search(collection, token, self.k)
        found = False
        for hit in hits:
            hid = hit.get("document_id")
            tokens = set(TOKEN.findall(hit.get("text", "")))
            if hid not in current:
                self.violations.add(
                    "search_hit_not_stored",
                    f"search {token!r} in {collection}: hit {hid!r} is not stored (GET "
                    f"404 or never written)")
                continue
            if hit.get("title") != titles[hid] or tokens - {current[hid]}:
                self.violations.add(
                    "stale_chunk",
                    f"search {token!r} in {collection}: hit {hid!r} has title "
                    f"{hit.get('title')!r} and tokens {sorted(tokens)}; stored is "
                    f"{titles[hid]!r} with token {current[hid]}")
            if hid == doc_id:
                found = True
        if must_find and not found:
            self.violations.add(
                "not_findable",
                f"{collection}/{doc_id}: not in the top {self.k} for its token {token!r} "
                f"(hits: {[h.get('document_id') for h in hits]})")
        if not must_find and any(token in hit.get("text", "") for hit in hits):
            self.violations.add("stale_chunk",
                                f"search for superseded token {token!r} in {collection} "
                                f"returns a chunk holding it")


def make_pool(workers):
    return concurrent.futures.ThreadPoolExecutor(max_workers=workers)
