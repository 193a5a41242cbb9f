"""End-to-end tests of the `static` and `openai` embedders through the real
`quarry` binary: a model2vec folder written here, and a stand-in
OpenAI-compatible service (stdlib http.server on 127.0.0.1) that checks the
bearer key. Run with Debian's /usr/bin/python3; QUARRY_BIN names the binary.
"""

import hashlib
import http.server
import json
import math
import os
import re
import struct
import subprocess
import tempfile
import threading
import unittest

QUARRY_BIN = os.environ.get("QUARRY_BIN")
KEY = "sk-e2e-7f3a9b"
DIMS = 64

DOCS = {
    "bread.md": "# Bread\n\nKnead the dough, let it rise and bake the bread in a hot oven.",
    "wal.md": "# Log\n\nEvery change is appended to the log and fsynced before it is acknowledged.",
    "hnsw.txt": "HNSW is a graph for approximate nearest neighbour search over vectors.",
}


def run(*args, env=None, timeout=120):
    return subprocess.run([QUARRY_BIN, *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def bag_of_words(text):
    """The stand-in service's 'model': hashed word counts (not normalized)."""
    v = [0.0] * DIMS
    for w in words(text):
        v[int(hashlib.sha1(w.encode()).hexdigest(), 16) % DIMS] += 1.0
    return v


class FakeOpenAi(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests = []

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAi.requests.append((self.path, self.headers.get("Authorization"), body))
        if self.headers.get("Authorization") != "Bearer " + KEY:
            return self.answer(401, {"error": {"message": "Incorrect API key provided"}})
        if self.path != "/v1/embeddings":
            return self.answer(404, {"error": {"message": "no route"}})
        data = [{"object": "embedding", "index": i, "embedding": bag_of_words(t)}
                for i, t in enumerate(body["input"])]
        self.answer(200, {"object": "list", "data": data, "model": body["model"],
                          "usage": {"prompt_tokens": 1, "total_tokens": 1}})


def write_model2vec(folder, vocabulary):
    """A model2vec folder: WordPiece tokenizer.json, embeddings [vocab, 16] F32."""
    os.makedirs(folder)
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + sorted(vocabulary)
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
        "normalizer": {"type": "BertNormalizer", "clean_text": True,
                       "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": None,
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100,
                  "vocab": {t: i for i, t in enumerate(tokens)}}}
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(tokenizer, f)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"model_type": "model2vec", "normalize": True, "hidden_dim": 16}, f)
    rows = []
    for t in tokens:  # a pseudo-random row per token, from its hash
        h = hashlib.sha256(t.encode()).digest()
        rows.extend((b - 127.5) / 128.0 for b in h[:16])
    data = struct.pack("<%df" % len(rows), *rows)
    header = json.dumps({"embeddings": {"dtype": "F32", "shape": [len(tokens), 16],
                                        "data_offsets": [0, len(data)]}}).encode()
    with open(os.path.join(folder, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + data)


class EmbeddersTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="quarry-embedders-")
        self.data = os.path.join(self.tmp.name, "data")
        self.corpus = os.path.join(self.tmp.name, "docs")
        os.makedirs(self.corpus)
        for name, text in DOCS.items():
            with open(os.path.join(self.corpus, name), "w") as f:
                f.write(text)

    def tearDown(self):
        self.tmp.cleanup()

    def search(self, query, env=None):
        return run("search", "--data", self.data, "--collection", "c", "--mode", "vector",
                   "--json", query, env=env)

    def test_static_model_folder(self):
        vocabulary = set()
        for text in DOCS.values():
            vocabulary.update(words(text))
        model = os.path.join(self.tmp.name, "potion-tiny")
        write_model2vec(model, vocabulary)
        r = run("ingest", "--data", self.data, "--collection", "c", "--embedder", "static",
                "--model", model, self.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ingested 3 documents", r.stdout)
        r = self.search("knead the dough and bake bread")
        self.assertEqual(r.returncode, 0, r.stderr)
        hits = json.loads(r.stdout)["hits"]
        self.assertEqual(hits[0]["document_id"].split("/")[-1], "bread.md")
        r = run("collections", "--data", self.data)
        self.assertIn("static-v1/potion-tiny/", r.stdout)

        os.remove(os.path.join(model, "model.safetensors"))
        r = run("ingest", "--data", os.path.join(self.tmp.name, "d2"), "--embedder", "static",
                "--model", model, self.corpus)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("model.safetensors is missing", r.stderr)

    def test_openai_compatible_service(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAi)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = "http://127.0.0.1:%d/v1" % server.server_port
        env = dict(os.environ, E2E_EMBED_KEY=KEY)
        try:
            flags = ["--embedder", "openai", "--embedder-url", url, "--embedder-model", "bow",
                     "--dimensions", str(DIMS), "--embedder-key-env", "E2E_EMBED_KEY"]
            r = run("ingest", "--data", self.data, "--collection", "c", *flags, self.corpus,
                    env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("ingested 3 documents", r.stdout)
            self.assertTrue(FakeOpenAi.requests)
            for path, auth, body in FakeOpenAi.requests:
                self.assertEqual(path, "/v1/embeddings")
                self.assertEqual(auth, "Bearer " + KEY)
                self.assertEqual(body["model"], "bow")

            r = self.search("graph search over vectors", env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            hits = json.loads(r.stdout)["hits"]
            self.assertEqual(hits[0]["document_id"].split("/")[-1], "hnsw.txt")

            # The key is in no file of the data directory.
            for root, _, files in os.walk(self.data):
                for name in files:
                    with open(os.path.join(root, name), "rb") as f:
                        self.assertNotIn(KEY.encode(), f.read(), name)

            # Without the variable the collection cannot embed: a clear error, no key.
            r = self.search("graph", env={k: v for k, v in env.items() if k != "E2E_EMBED_KEY"})
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("E2E_EMBED_KEY is not set", r.stderr)

            # A wrong key: the service's 401 is reported, the key is not.
            bad = dict(os.environ, E2E_EMBED_KEY="sk-wrong-1234")
            r = run("ingest", "--data", os.path.join(self.tmp.name, "d2"), *flags, self.corpus,
                    env=bad)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("HTTP 401", r.stdout + r.stderr)
            self.assertNotIn("sk-wrong-1234", r.stdout + r.stderr)
        finally:
            server.shutdown()
            server.server_close()

    def test_openai_flags_are_checked(self):
        r = run("ingest", "--data", self.data, "--embedder", "openai", "--base-url",
                "http://127.0.0.1:9/v1", "--model", "m", self.corpus)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--dimensions is required", r.stderr)
        r = run("ingest", "--data", self.data, "--embedder-url", "http://h/v1", self.corpus)
        self.assertEqual(r.returncode, 2)
        r = run("ingest", "--data", self.data, "--embedder", "openai", "--embedder-url",
                "ftp://api.openai.com/v1", "--embedder-model", "m", "--dimensions", "64",
                self.corpus)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("must start with http:// or https://", r.stderr)
        r = run("ingest", "--data", self.data, "--embedder", "openai", "--embedder-url",
                "http://127.0.0.1:9/v1", "--embedder-model", "m", "--dimensions", "64",
                "--api-key-header", "x-key", self.corpus)
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
