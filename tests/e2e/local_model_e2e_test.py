#!/usr/bin/python3
"""The `local` embedder over HTTP: a client names a model from the server's
--models-dir, ingests and searches; paths are refused; concurrent vector
searches (batched query embeddings) answer like sequential ones (same documents, scores equal to float rounding).

The model is a random BERT written by tests/embed/make_tiny_bert.py (PyTorch)
with the real all-MiniLM-L6-v2 tokenizer from ../shared. Exits 77 (skipped)
when either is missing. Run: QUARRY_BIN=build/quarry /usr/bin/python3 THIS.
"""

import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quarry_server import OneServerTestCase, Server  # noqa: E402

SOURCE_DIR = os.environ.get(
    "QUARRY_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SHARED_DIR = os.environ.get("QUARRY_SHARED_DIR", os.path.join(SOURCE_DIR, "..", "shared"))
MINILM = os.path.join(SHARED_DIR, "models", "all-MiniLM-L6-v2")
SKIP = 77

DOCUMENTS = [
    {"id": "ribosome", "text": "Ribosomes translate messenger RNA into proteins."},
    {"id": "mitochondria", "text": "Mitochondria produce most of the cell's chemical energy."},
    {"id": "insulin", "text": "Insulin lowers blood glucose by promoting its uptake."},
    {"id": "neuron", "text": "Neurons transmit signals across synapses with neurotransmitters."},
    {"id": "enzyme", "text": "Enzymes lower the activation energy of chemical reactions."},
]


def make_model(models_dir):
    """Writes models_dir/tiny; returns None, or the reason it cannot."""
    if not os.path.exists(os.path.join(MINILM, "tokenizer.json")):
        return f"no all-MiniLM-L6-v2 tokenizer at {MINILM}"
    out = os.path.join(models_dir, "tiny")
    made = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE_DIR, "tests", "embed", "make_tiny_bert.py"),
                           out, "--hidden", "32", "--heads", "4", "--layers", "2"],
                          capture_output=True, text=True)
    if made.returncode == SKIP:
        return "python3-torch is not installed"
    if made.returncode != 0:
        raise RuntimeError(f"make_tiny_bert.py failed: {made.stderr}")
    for name in ("tokenizer.json", "vocab.txt", "tokenizer_config.json"):
        shutil.copy(os.path.join(MINILM, name), os.path.join(out, name))
    with open(os.path.join(out, "sentence_bert_config.json"), "w") as f:
        f.write('{"max_seq_length": 64}')
    return None


class LocalModelOverHttpTest(OneServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="quarry-local-e2e-")
        cls.models = os.path.join(cls._tmp.name, "models")
        os.makedirs(cls.models)
        why = make_model(cls.models)
        if why:
            cls._tmp.cleanup()
            print(f"SKIPPED: {why}")
            sys.exit(SKIP)
        # Outside the models dir: a client must not reach it by path.
        shutil.copytree(os.path.join(cls.models, "tiny"), os.path.join(cls._tmp.name, "outside"))
        cls.server = Server(os.path.join(cls._tmp.name, "data"), os.path.join(cls._tmp.name, "server.log"),
                            "--models-dir", cls.models, "--no-cache")
        cls.server.start()

    def call(self, method, path, body=None):
        return self.server.request(method, path, body)

    def test_1_models_are_named_never_given_as_paths(self):
        outside = os.path.join(self._tmp.name, "outside")
        for model, status in ((outside, 400), ("../outside", 400), ("tiny/../../outside", 400),
                              (".hidden", 400), ("absent", 404)):
            reply = self.call("PUT", "/api/collections/refused", {"embedder": {"type": "local", "model": model}})
            self.assertEqual(reply.status, status, (model, reply))
            self.assertNotIn(self._tmp.name, reply.body.decode(), "errors do not echo server paths")
        self.assertEqual(self.call("GET", "/api/collections/refused").status, 404)

    def test_2_ingest_and_search_with_the_named_model(self):
        created = self.call("PUT", "/api/collections/bio", {"embedder": {"type": "local", "model": "tiny"}})
        self.assertEqual(created.status, 201, created)
        info = created.json()
        self.assertEqual(info["embedder"]["dimensions"], 32, info)
        self.assertTrue(info["embedder"]["semantic"], info)
        # The default chunk target (256) shrank to what this model sees (64); a chosen one must fit.
        self.assertEqual(info["config"]["chunking"]["target_tokens"], 64, info)
        too_big = self.call("PUT", "/api/collections/big", {"embedder": {"type": "local", "model": "tiny"},
                                                            "chunking": {"target_tokens": 100}})
        self.assertEqual(too_big.status, 400, too_big)
        self.assertIn("maximum input (64 tokens)", too_big.body.decode())

        ingested = self.call("POST", "/api/collections/bio/documents?wait=true", {"documents": DOCUMENTS})
        self.assertEqual(ingested.status, 200, ingested)

        # A query equal to a document's text embeds to that chunk's vector:
        # it must come first, with cosine 1, whatever the random weights.
        for doc in DOCUMENTS:
            reply = self.call("POST", "/api/search",
                              {"collection": "bio", "query": doc["text"], "mode": "vector", "k": 3})
            self.assertEqual(reply.status, 200, reply)
            hits = reply.json()["hits"]
            self.assertEqual(hits[0]["document_id"], doc["id"], hits)
            self.assertAlmostEqual(hits[0]["score"], 1.0, places=4)

    def test_3_concurrent_searches_answer_like_sequential_ones(self):
        queries = [f"{doc['text']} variant {i}" for doc in DOCUMENTS for i in range(6)]

        def search(query):
            # The server runs --no-cache: every request embeds its query, so the batcher sees them all.
            reply = self.call("POST", "/api/search", {"collection": "bio", "query": query, "mode": "vector",
                                                      "k": 5})
            self.assertEqual(reply.status, 200, reply)
            return [(h["document_id"], h["score"]) for h in reply.json()["hits"]]

        sequential = [search(q) for q in queries]
        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            concurrent_answers = list(pool.map(search, queries))
        # Batched with other queries, a query's vector may differ from its lone
        # one in the last float bits (the matrix products' summation order
        # depends on the batch's shape): same documents, scores within 1e-5.
        for query, together, alone in zip(queries, concurrent_answers, sequential):
            self.assertEqual([d for d, _ in together], [d for d, _ in alone], query)
            for (_, a), (_, b) in zip(together, alone):
                self.assertAlmostEqual(a, b, delta=1e-5, msg=query)

    def test_4_parallel_cli_ingest_of_long_documents_is_not_refused(self):
        # One write per ingestion thread is in flight, and each embeds its
        # chunks through the model's one batcher (a queue of at most 4,096
        # texts). Writes of 64 documents of about 50 chunks each must not
        # overflow it ("embedder overloaded") when several run at once.
        folder = os.path.join(self._tmp.name, "long-docs")
        os.makedirs(folder)
        sentence = "Cells divide by mitosis and each daughter cell gets a full copy of the genome. "
        for i in range(256):
            with open(os.path.join(folder, "doc%03d.txt" % i), "w") as f:
                f.write("Document %d. " % i + sentence * 50)
        env = dict(os.environ, QUARRY_INGEST_THREADS="6")
        r = subprocess.run([os.environ["QUARRY_BIN"], "ingest", "--data", os.path.join(self._tmp.name, "cli-data"),
                            "--embedder", "local", "--model", os.path.join(self.models, "tiny"),
                            "--chunk-tokens", "16", "--overlap", "0", "--quiet", folder],
                           capture_output=True, text=True, timeout=600, env=env)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:] + r.stdout[-2000:])
        self.assertIn("ingested 256 documents", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
