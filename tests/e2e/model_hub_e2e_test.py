#!/usr/bin/python3
"""`quarry models pull` and `quarry models list` against a stand-in Hugging Face
hub that speaks the real protocol over HTTPS:

  GET /api/models/{owner}/{name}/revision/{rev}?blobs=true  -> {"sha", "siblings": [...]}
  GET /{owner}/{name}/resolve/{commit}/{file}               -> the bytes, or for LFS files
                                                               a 302 to a second "CDN" server

Both servers use a certificate for "localhost" signed by a CA made at test time
with the openssl CLI; quarry trusts it through SSL_CERT_FILE. The model is a
random tiny BERT (tests/embed/make_tiny_bert.py, PyTorch) with the real
all-MiniLM-L6-v2 tokenizer and configs from ../shared. Exits 77 (skipped) when
openssl, torch or the shared files are missing.
Run: QUARRY_BIN=build/quarry /usr/bin/python3 THIS.
"""

import hashlib
import http.server
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse

SOURCE_DIR = os.environ.get(
    "QUARRY_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SHARED_DIR = os.environ.get("QUARRY_SHARED_DIR", os.path.join(SOURCE_DIR, "..", "shared"))
MINILM = os.path.join(SHARED_DIR, "models", "all-MiniLM-L6-v2")
QUARRY_BIN = os.environ.get("QUARRY_BIN")
SKIP = 77

TINY = "quarry-test/tiny-bert"
PINNED = "sentence-transformers/all-MiniLM-L6-v2"
TOKEN = "hf_test_token_9d2c41"
MINILM_FILES = ["config.json", "tokenizer.json", "vocab.txt", "tokenizer_config.json",
                "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
                "config_sentence_transformers.json", "1_Pooling/config.json", "README.md"]
LFS = {"model.safetensors", "pytorch_model.bin", "onnx/model.onnx"}

DOCUMENTS = {
    "ribosome.txt": "Ribosomes translate messenger RNA into proteins.",
    "mitochondria.txt": "Mitochondria produce most of the cell's chemical energy.",
    "insulin.txt": "Insulin lowers blood glucose by promoting its uptake.",
}


def git_blob_id(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Hub:
    """The state both servers read; tests change `mode` between pulls."""

    def __init__(self):
        self.repos = {}      # repo -> {"commit", "files": {name: bytes}}
        self.blobs = {}      # sha256 -> bytes (the CDN)
        self.mode = None
        self.plain_port = 0  # an http:// CDN, for the https->http case
        self.cdn_port = 0
        self.hub_port = 0
        self.auth_seen = {"hub": set(), "cdn": set()}
        self.lock = threading.Lock()

    def add(self, repo, commit, files):
        self.repos[repo] = {"commit": commit, "files": files}
        for name, data in files.items():
            if name in LFS:
                self.blobs[hashlib.sha256(data).hexdigest()] = data

    def listing(self, repo):
        r = self.repos[repo]
        siblings = []
        for name, data in r["files"].items():
            size = len(data)
            if name == "config.json":
                size += {"wrong-size": 1, "short-size": -1}.get(self.mode, 0)
            s = {"rfilename": name, "size": size, "blobId": git_blob_id(data)}
            if name in LFS:
                s["lfs"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                            "pointerSize": 134}
                s["blobId"] = hashlib.sha1(name.encode()).hexdigest()  # the pointer's, not the data's
            siblings.append(s)
        if self.mode in ("../x", "/etc/passwd", "a\\b"):
            siblings.insert(0, {"rfilename": self.mode, "size": 1, "blobId": "0" * 40})
        if self.mode == "hidden":
            siblings.insert(0, {"rfilename": ".git/x", "size": 1, "blobId": git_blob_id(b"x")})
        body = json.dumps({"_id": "x", "id": TINY, "sha": r["commit"], "siblings": siblings})
        if self.mode == "malformed":
            return body[: len(body) // 2].encode()
        if self.mode == "huge":
            return (body[:-1] + ', "padding": "' + "x" * (9 << 20) + '"}').encode()
        return body.encode()


def handler(hub, role):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, body=b"", headers=()):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            with hub.lock:
                hub.auth_seen[role].add(self.headers.get("Authorization", ""))
            url = urllib.parse.urlsplit(self.path)
            parts = url.path.split("/")
            if role == "cdn":
                data = hub.blobs.get(parts[-1])
                if data is None:
                    return self.send(404, b"no such blob")
                if hub.mode == "corrupt-lfs":
                    data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
                if hub.mode == "drop":  # the connection dies half-way through the body
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return None
                return self.send(200, data, [("Content-Type", "application/octet-stream")])
            if url.path.startswith("/api/models/"):
                # /api/models/{owner}/{name}/revision/{rev}
                repo = "/".join(parts[3:5])
                if repo not in hub.repos or parts[5] != "revision" or url.query != "blobs=true":
                    return self.send(404, b'{"error": "Repository not found"}')
                return self.send(200, hub.listing(repo), [("Content-Type", "application/json")])
            # /{owner}/{name}/resolve/{commit}/{file...}
            repo = "/".join(parts[1:3])
            name = urllib.parse.unquote("/".join(parts[5:]))
            r = hub.repos.get(repo)
            if r is None or parts[3] != "resolve" or parts[4] != r["commit"] or name not in r["files"]:
                return self.send(404, b"Entry not found")
            data = r["files"][name]
            if hub.mode == "loop":
                return self.send(302, headers=[("Location", self.path)])
            if name in LFS:
                sha = hashlib.sha256(data).hexdigest()
                if hub.mode == "to-http":
                    target = f"http://localhost:{hub.plain_port}/blobs/{sha}"
                else:
                    target = f"https://localhost:{hub.cdn_port}/blobs/{sha}"
                return self.send(302, headers=[("Location", target)])
            if hub.mode == "corrupt-blob" and name == "config.json":
                data = data.replace(b"{", b"{ ", 1)[:len(data)]
            return self.send(200, data)

    return Handler


def serve(hub, role, context):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler(hub, role))
    server.daemon_threads = True
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def make_certificates(d):
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n")
    steps = [
        ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=quarry-test-ca"],
        ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
        ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf"],
    ]
    for step in steps:
        subprocess.run(["openssl", *step], cwd=d, check=True, capture_output=True)


def make_tiny_model(out):
    made = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE_DIR, "tests", "embed", "make_tiny_bert.py"),
                           out, "--hidden", "32", "--heads", "4", "--layers", "2"],
                          capture_output=True, text=True)
    if made.returncode == SKIP:
        return "python3-torch is not installed"
    if made.returncode != 0:
        raise RuntimeError(f"make_tiny_bert.py failed: {made.stderr}")
    return None


def read(path):
    with open(path, "rb") as f:
        return f.read()


class ModelHubTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not QUARRY_BIN:
            print("SKIPPED: QUARRY_BIN is not set")
            sys.exit(SKIP)
        if not os.path.exists(os.path.join(MINILM, "tokenizer.json")):
            print(f"SKIPPED: no all-MiniLM-L6-v2 files at {MINILM}")
            sys.exit(SKIP)
        if shutil.which("openssl") is None:
            print("SKIPPED: no openssl CLI to make test certificates")
            sys.exit(SKIP)
        cls._tmp = tempfile.TemporaryDirectory(prefix="quarry-hub-e2e-")
        tmp = cls._tmp.name
        make_certificates(tmp)
        tiny = os.path.join(tmp, "tiny")
        why = make_tiny_model(tiny)
        if why:
            cls._tmp.cleanup()
            print(f"SKIPPED: {why}")
            sys.exit(SKIP)
        weights = read(os.path.join(tiny, "model.safetensors"))
        hub = cls.hub = Hub()
        files = {".gitattributes": b"*.safetensors filter=lfs\n"}
        for name in ("tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json",
                     "README.md"):
            files[name] = read(os.path.join(MINILM, name))
        files["sentence_bert_config.json"] = b'{"max_seq_length": 64}'
        files["config.json"] = read(os.path.join(tiny, "config.json"))
        files["1_Pooling/config.json"] = read(os.path.join(tiny, "1_Pooling", "config.json"))
        files["pytorch_model.bin"] = b"not fetched" * 10
        files["onnx/model.onnx"] = b"not fetched either"
        files["model.safetensors"] = weights
        hub.add(TINY, "1" * 40, files)
        pinned = {name: read(os.path.join(MINILM, name)) for name in MINILM_FILES}
        pinned["model.safetensors"] = weights  # random: not the published weights
        hub.add(PINNED, "2" * 40, pinned)

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(tmp, "server.pem"), os.path.join(tmp, "server.key"))
        cls.servers = [serve(hub, "hub", context), serve(hub, "cdn", context), serve(hub, "cdn", None)]
        hub.hub_port = cls.servers[0].server_address[1]
        hub.cdn_port = cls.servers[1].server_address[1]
        hub.plain_port = cls.servers[2].server_address[1]
        cls.hub_url = f"https://localhost:{hub.hub_port}"
        cls.env = dict(os.environ, SSL_CERT_FILE=os.path.join(tmp, "ca.pem"), HF_TOKEN=TOKEN)
        cls.env.pop("HF_ENDPOINT", None)

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.shutdown()
            s.server_close()
        cls._tmp.cleanup()

    def setUp(self):
        self.hub.mode = None
        self.work = tempfile.mkdtemp(dir=self._tmp.name)
        self.models = os.path.join(self.work, "models")

    def run_quarry(self, *args, env=None):
        return subprocess.run([QUARRY_BIN, *args], capture_output=True, text=True, timeout=120,
                              env=env or self.env)

    def pull(self, repo=TINY, *extra, env=None):
        return self.run_quarry("models", "pull", repo, "--hub-url", self.hub_url,
                               "--models-dir", self.models, *extra, env=env)

    def assert_nothing_installed(self, repo=TINY):
        self.assertFalse(os.path.exists(os.path.join(self.models, repo)))
        if os.path.isdir(self.models):
            leftovers = [n for n in os.listdir(self.models) if n.startswith(".")]
            self.assertEqual(leftovers, [])

    def assert_refused(self, r, *needles, repo=TINY):
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        for needle in needles:
            self.assertIn(needle, r.stderr)
        self.assertNotIn(TOKEN, r.stdout + r.stderr)
        self.assert_nothing_installed(repo)

    def test_good_pull_then_ingest_and_search(self):
        r = self.pull()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("installed quarry-test/tiny-bert at commit " + "1" * 40, r.stdout)
        self.assertIn("verified model.safetensors sha256", r.stderr)
        self.assertIn("fetching config.json (", r.stderr)
        self.assertNotIn(TOKEN, r.stdout + r.stderr)
        folder = os.path.join(self.models, TINY)
        names = sorted(os.path.relpath(os.path.join(d, f), folder)
                       for d, _, fs in os.walk(folder) for f in fs)
        self.assertEqual(names, sorted(["1_Pooling/config.json", "README.md", "config.json",
                                        "model.safetensors", "quarry-model.json",
                                        "sentence_bert_config.json", "special_tokens_map.json",
                                        "tokenizer.json", "tokenizer_config.json", "vocab.txt"]))
        manifest = json.loads(read(os.path.join(folder, "quarry-model.json")))
        self.assertEqual(manifest["repo"], TINY)
        self.assertEqual(manifest["commit"], "1" * 40)
        sums = {f["name"]: f["sha256"] for f in manifest["files"]}
        self.assertEqual(sums["model.safetensors"],
                         hashlib.sha256(self.hub.repos[TINY]["files"]["model.safetensors"]).hexdigest())
        # The token went to the hub, never to the CDN.
        self.assertIn("Bearer " + TOKEN, self.hub.auth_seen["hub"])
        self.assertEqual(self.hub.auth_seen["cdn"], {""})

        again = self.pull()
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("already present at commit " + "1" * 40, again.stdout)
        self.assertNotIn("fetching", again.stderr)
        forced = self.pull(TINY, "--force")
        self.assertEqual(forced.returncode, 0, forced.stderr)
        self.assertIn("installed", forced.stdout)

        listed = self.run_quarry("models", "list", "--models-dir", self.models, "--json")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        entries = json.loads(listed.stdout)
        self.assertEqual([(e["id"], e["dimensions"], e["check"]) for e in entries],
                         [(TINY, 32, "verified")])
        table = self.run_quarry("models", "list", "--models-dir", self.models)
        self.assertIn("verified", table.stdout)

        corpus = os.path.join(self.work, "docs")
        os.makedirs(corpus)
        for name, text in DOCUMENTS.items():
            with open(os.path.join(corpus, name), "w") as f:
                f.write(text)
        data = os.path.join(self.work, "data")
        r = self.run_quarry("ingest", "--data", data, "--collection", "c", "--embedder", "local",
                            "--model", folder, corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ingested 3 documents", r.stdout)
        r = self.run_quarry("search", "--data", data, "--collection", "c", "--mode", "vector",
                            "--json", "messenger RNA")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(json.loads(r.stdout)["hits"]), 3)

        # A file changed by hand no longer counts as verified.
        with open(os.path.join(folder, "vocab.txt"), "a") as f:
            f.write("extra\n")
        listed = self.run_quarry("models", "list", "--models-dir", self.models, "--json")
        self.assertEqual(json.loads(listed.stdout)[0]["check"], "changed")

    def test_corrupted_git_blob_is_refused(self):
        self.hub.mode = "corrupt-blob"
        self.assert_refused(self.pull(), "config.json: git blob id", "nothing installed")

    def test_corrupted_lfs_file_is_refused(self):
        self.hub.mode = "corrupt-lfs"
        self.assert_refused(self.pull(), "model.safetensors: sha256")

    def test_wrong_size_is_refused(self):
        self.hub.mode = "wrong-size"
        self.assert_refused(self.pull(), "config.json: received")
        self.hub.mode = "short-size"
        self.assert_refused(self.pull(), "config.json: the hub sent more than")

    def test_connection_lost_mid_file(self):
        self.hub.mode = "drop"
        self.assert_refused(self.pull(), "model.safetensors: GET https://localhost:")

    def test_max_file_bytes(self):
        self.assert_refused(self.pull(TINY, "--max-file-bytes", "1000"),
                            "more than the limit of 1000")

    def test_hostile_file_names_are_refused(self):
        for name in ("../x", "/etc/passwd", "a\\b"):
            self.hub.mode = name
            self.assert_refused(self.pull(), "unsafe file name")
        self.assertFalse(os.path.exists(os.path.join(self.work, "x")))

    def test_hidden_files_are_never_fetched(self):
        self.hub.mode = "hidden"
        r = self.pull()
        self.assertEqual(r.returncode, 0, r.stderr)
        folder = os.path.join(self.models, TINY)
        self.assertFalse(os.path.exists(os.path.join(folder, ".git")))
        self.assertFalse(os.path.exists(os.path.join(folder, ".gitattributes")))

    def test_redirect_from_https_to_http_is_refused(self):
        self.hub.mode = "to-http"
        self.assert_refused(self.pull(), "refused a redirect from https to http")

    def test_too_many_redirects(self):
        self.hub.mode = "loop"
        self.assert_refused(self.pull(), "more than 5 redirects")

    def test_bad_listings_are_refused(self):
        self.hub.mode = "malformed"
        self.assert_refused(self.pull(), "listing", "not JSON")
        self.hub.mode = "huge"
        self.assert_refused(self.pull(), "listing", "larger than")
        self.hub.mode = None
        self.assert_refused(self.pull("quarry-test/missing"), "no model quarry-test/missing",
                            repo="quarry-test/missing")
        r = self.pull("../etc")
        self.assertEqual(r.returncode, 2)

    def test_untrusted_certificate_is_refused(self):
        env = dict(self.env)
        env.pop("SSL_CERT_FILE")
        env["SSL_CERT_DIR"] = self.work
        self.assert_refused(self.pull(env=env), "certificate verify failed")

    def test_hub_endpoint_from_hf_endpoint(self):
        env = dict(self.env, HF_ENDPOINT=self.hub_url)
        r = self.run_quarry("models", "pull", TINY, "--models-dir", self.models, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_pinned_model_checks_its_pins(self):
        r = self.pull(PINNED)
        self.assert_refused(r, "model.safetensors", "compiled into Quarry", repo=PINNED)
        # The real configs passed their pins before the weights were refused.
        for name in ("config.json", "tokenizer.json", "vocab.txt", "1_Pooling/config.json"):
            self.assertRegex(r.stderr, "verified " + name + " sha256 [0-9a-f]{64} \\(pinned\\)")


if __name__ == "__main__":
    unittest.main()
