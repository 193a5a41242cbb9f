"""What the crash test sent, what was acknowledged, and what may be stored.

The driver never has two operations on one document id in flight at a time
(ids are claimed by a client for the length of a request), so the operations
on an id form a sequence. Per id, the model keeps:

  - `state`: the durable state known for sure, None (absent) or a version
    number: set by an acknowledged operation (a 200), or by what a check
    after a restart observed;
  - `pending`: the operations sent after it whose outcome is unknown (in
    flight at a kill, or answered with an error): each may or may not have
    been applied.

After a restart the stored state of the id must be `state` or the state
after one of `pending` (fsync=always); the check then makes the observed
state the new `state`. A document's content is a pure function of (run
seed, collection, id, version), so no text is kept: memory stays flat over
thousands of cycles.

Thread-safety: a Model is guarded by its own lock; Doc objects are changed
only by the client that claimed them, or by the checker while no client runs.
"""

import hashlib
import random
import threading

# Outcomes of an operation.
ACKED = "acked"            # 200: durable and searchable
UNCERTAIN = "uncertain"    # sent, no answer before the kill (or an error answer)
NOT_SENT = "not_sent"      # connection refused, or sent after the server was dead
REJECTED = "rejected"      # a definite refusal that changed nothing (e.g. 404 on delete)

UPSERT = "upsert"
DELETE = "delete"


class Op:
    """One HTTP request: an upsert of a batch of documents, or a delete."""

    __slots__ = ("seq", "kind", "collection", "versions", "cycle", "client", "t_sent", "t_done",
                 "outcome", "detail")

    def __init__(self, seq, kind, collection, versions, cycle, client):
        self.seq = seq
        self.kind = kind
        self.collection = collection
        self.versions = versions  # {id: version} (upsert) or {id: None} (delete)
        self.cycle = cycle
        self.client = client
        self.t_sent = None
        self.t_done = None
        self.outcome = None
        self.detail = ""

    def to_json(self):
        return {"seq": self.seq, "kind": self.kind, "collection": self.collection,
                "versions": self.versions, "cycle": self.cycle, "client": self.client,
                "outcome": self.outcome, "detail": self.detail}


class Doc:
    """The model of one document id in one collection."""

    __slots__ = ("collection", "id", "next_version", "state", "state_op", "pending", "busy",
                 "frozen", "unsent", "observed", "stale_tokens")

    def __init__(self, collection, doc_id):
        self.collection = collection
        self.id = doc_id
        self.next_version = 1
        self.state = None      # None = absent, else the version stored
        self.state_op = None   # the acknowledged Op that set `state` (None if observed)
        self.pending = []      # [(Op, state after it)] with unknown outcome
        self.busy = False      # claimed by a client
        self.frozen = False    # has a pending op: no more ops until the next check
        self.unsent = set()    # versions allocated but never sent (connection refused)
        self.observed = {}     # stored version -> (content_hash, chunk_count) first seen
        self.stale_tokens = set()  # tokens superseded since the last check

    def allowed(self):
        return {self.state} | {s for _, s in self.pending}

    def may_have_sent(self, version):
        return 1 <= version < self.next_version and version not in self.unsent


def token_for(seed, collection, doc_id, version):
    """A word that occurs in no other version of any document (26^12
    values). Letters after the prefix, so that its character n-grams are its
    own."""
    digest = hashlib.blake2b(f"{seed}/{collection}/{doc_id}/{version}".encode(),
                             digest_size=16).digest()
    n = int.from_bytes(digest, "big")
    letters = []
    for _ in range(12):
        n, r = divmod(n, 26)
        letters.append(chr(ord("a") + r))
    return "tok" + "".join(letters)


class Corpus:
    """Deterministic document contents: title "ID vN", a text of filler words
    with the version's token at its start and every few words (so every
    chunk holds it), metadata naming the id, version and token."""

    def __init__(self, seed, vocabulary_size=400):
        rng = random.Random(f"{seed}/vocabulary")
        words = set()
        while len(words) < vocabulary_size:
            words.add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                              for _ in range(rng.randint(4, 9))))
        self.words = sorted(words)

    def document(self, doc, version, token):
        rng = random.Random(token)
        n = rng.randint(20, 60)
        out = []
        for i in range(n):
            if i % 10 == 0:
                out.append(token)
            out.append(rng.choice(self.words))
            if rng.random() < 0.12:
                out[-1] += "."
        text = " ".join(out) + "."
        return {"id": doc.id, "title": f"{doc.id} v{version}", "text": text,
                "metadata": {"id": doc.id, "version": version, "token": token}}


class Model:
    def __init__(self, seed, collections):
        self.seed = seed
        self.lock = threading.Lock()
        self.docs = {c: {} for c in collections}   # collection -> {id: Doc}
        self.next_id = {c: 0 for c in collections}
        self.op_count = 0
        self.cycle_ops = []    # the Ops of the current cycle (the driver clears it)

    def new_doc(self, collection):
        """REQUIRES: self.lock held."""
        n = self.next_id[collection]
        self.next_id[collection] += 1
        doc = Doc(collection, f"d{n:06d}")
        self.docs[collection][doc.id] = doc
        return doc

    def new_op(self, kind, collection, versions, cycle, client):
        """REQUIRES: self.lock held."""
        op = Op(self.op_count, kind, collection, versions, cycle, client)
        self.op_count += 1
        self.cycle_ops.append(op)
        return op

    def new_version(self, doc):
        """Allocates the next version of `doc`. REQUIRES: self.lock held."""
        version = doc.next_version
        doc.next_version += 1
        return version

    def token(self, doc, version):
        return token_for(self.seed, doc.collection, doc.id, version)

    def live_count(self, collection):
        """Documents present or possibly present. REQUIRES: self.lock held."""
        return sum(1 for d in self.docs[collection].values()
                   if d.state is not None or d.pending)

    def finish(self, op, outcome, detail, t_done, docs):
        """Records the outcome of `op` on the claimed `docs` and releases them."""
        op.outcome = outcome
        op.detail = detail
        op.t_done = t_done
        for doc in docs:
            after = op.versions[doc.id]
            if outcome == ACKED:
                if doc.state is not None and doc.state != after:
                    doc.stale_tokens.add(self.token(doc, doc.state))
                doc.state = after
                doc.state_op = op
                doc.pending = []
            elif outcome == UNCERTAIN:
                doc.pending.append((op, after))
                doc.frozen = True
            elif outcome == NOT_SENT and after is not None:
                doc.unsent.add(after)
        with self.lock:
            for doc in docs:
                doc.busy = False
