"""End-to-end tests of the `quarry` command line: the real binary on a real
data directory. Run with Debian's /usr/bin/python3; QUARRY_BIN names the binary.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

QUARRY_BIN = os.environ.get("QUARRY_BIN")


def run(*args, timeout=120):
    return subprocess.run([QUARRY_BIN, *args], capture_output=True, text=True, timeout=timeout)


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="quarry-cli-")
        self.data = os.path.join(self.tmp.name, "data")
        self.corpus = os.path.join(self.tmp.name, "notes")
        write(os.path.join(self.corpus, "storage", "wal.md"),
              "# Write-ahead log\n\nEvery change is appended to the log and fsynced before "
              "it is acknowledged.\n\n## Recovery\n\nAfter a crash the log is replayed.\n")
        write(os.path.join(self.corpus, "vectors", "hnsw.txt"),
              "HNSW is a graph for approximate nearest neighbour search over vectors.")
        write(os.path.join(self.corpus, "kitchen.markdown"),
              "# Bread\n\nKnead the dough, let it rise and bake the bread in a hot oven.")
        write(os.path.join(self.corpus, ".hidden.md"), "secret hidden words")
        write(os.path.join(self.corpus, "image.png"), "\x89PNG not text", "w")

    def tearDown(self):
        self.tmp.cleanup()

    def ingest(self, *paths, extra=()):
        return run("ingest", "--data", self.data, "--collection", "notes", *extra, *paths)

    def test_ingest_search_and_list(self):
        r = self.ingest(self.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ingested 3 documents", r.stdout)
        self.assertIn("image.png", r.stdout)  # reported as skipped

        r = run("search", "--data", self.data, "--collection", "notes", "replay the log after a crash")
        self.assertEqual(r.returncode, 0, r.stderr)
        first = r.stdout.splitlines()[0]
        self.assertIn("notes/storage/wal.md", first)
        # Both sections are far under a quarter of the target size, so they share
        # one chunk, which keeps the first section's heading path.
        self.assertIn("[Write-ahead log]", first)

        r = run("search", "--data", self.data, "--collection", "notes", "--k", "2", "--json",
                "bake bread")
        self.assertEqual(r.returncode, 0, r.stderr)
        answer = json.loads(r.stdout)
        self.assertLessEqual(len(answer["hits"]), 2)
        top = answer["hits"][0]
        self.assertEqual(top["document_id"], "notes/kitchen.markdown")
        self.assertIn("bake the bread", top["text"])
        self.assertGreater(top["score"], 0)
        self.assertLess(top["start"], top["end"])
        self.assertNotIn("secret", r.stdout)

        r = run("collections", "--data", self.data)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("notes", r.stdout)
        r = run("collections", "--data", self.data, "--json")
        listed = json.loads(r.stdout)
        self.assertEqual(listed[0]["name"], "notes")
        self.assertEqual(listed[0]["documents"], 3)

    def test_reingest_is_idempotent_and_changes_replace(self):
        self.assertEqual(self.ingest(self.corpus).returncode, 0)
        r = self.ingest(self.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ingested 0 documents", r.stdout)
        self.assertIn("3 unchanged", r.stdout)
        write(os.path.join(self.corpus, "kitchen.markdown"), "# Soup\n\nSimmer tomato soup slowly.")
        r = self.ingest(self.corpus)
        self.assertIn("ingested 1 documents", r.stdout)
        r = run("search", "--data", self.data, "--collection", "notes", "--json", "knead dough oven")
        for hit in json.loads(r.stdout)["hits"]:
            self.assertNotIn("Knead", hit["text"])

    def sealed_segments(self):
        r = run("collections", "--data", self.data, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)[0]["sealed_segments"]

    def log_bytes(self):
        wal = os.path.join(self.data, "collections", "notes", "wal")
        return sum(os.path.getsize(os.path.join(wal, name)) for name in os.listdir(wal))

    def test_ingest_seals_its_rows_and_merges_the_segments_at_the_end(self):
        # Each run seals what it wrote into a segment of its own, so that the
        # next open replays nothing; the fourth tier-0 segment makes a merge
        # due, which the run does before it exits (no merge thread runs in a
        # CLI process). --no-merge leaves the segments for `quarry serve`.
        r = self.ingest(self.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("  segments: 1, merged into 1 in ", r.stdout)
        after_first = self.log_bytes()
        for n in range(2, 5):
            write(os.path.join(self.tmp.name, f"more{n}", "note.md"),
                  f"# Note {n}\n\nThe {n}th note talks about lighthouse number {n}.")
            r = self.ingest(os.path.join(self.tmp.name, f"more{n}"),
                            extra=("--quiet",) if n == 4 else ())
            self.assertEqual(r.returncode, 0, r.stderr)
            if n == 3:  # the wait for the merges is announced, unless --quiet
                self.assertIn("quarry: 3 segments sealed; merging those due", r.stderr)
        self.assertNotIn("merging", r.stderr)
        # Segments this small have no graph (under vectors.full_scan_threshold
        # rows): the merge has none to start from.
        self.assertRegex(r.stdout, r"  segments: 4, merged into 1 in [0-9.]+ s "
                                   r"\(1 merge of [1-9]\d* rows, 0 kept their graph links\)\n")
        self.assertEqual(self.sealed_segments(), 1)
        # Every write is in the merged segment, none left to replay in the log.
        self.assertLessEqual(self.log_bytes(), after_first)
        found = run("search", "--data", self.data, "--collection", "notes", "--json", "lighthouse")
        top = {h["document_id"] for h in json.loads(found.stdout)["hits"][:3]}
        self.assertEqual(top, {f"more{n}/note.md" for n in range(2, 5)})

        write(os.path.join(self.tmp.name, "more5", "note.md"), "# Note 5\n\nA fifth lighthouse.")
        r = self.ingest(os.path.join(self.tmp.name, "more5"), extra=("--no-merge",))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("  segments: 2, not merged (--no-merge)", r.stdout)
        self.assertEqual(self.sealed_segments(), 2)

    def test_single_file_ids_and_failures_do_not_stop_the_batch(self):
        big = os.path.join(self.tmp.name, "big.txt")
        write(big, "word " * 5000)
        r = self.ingest(os.path.join(self.corpus, "vectors", "hnsw.txt"), big,
                        extra=("--max-file-bytes", "10000"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("big.txt", r.stderr)
        self.assertIn("limit", r.stderr)
        self.assertIn("ingested 1 documents", r.stdout)
        r = run("search", "--data", self.data, "--collection", "notes", "--json", "nearest neighbour")
        self.assertTrue(json.loads(r.stdout)["hits"][0]["document_id"].endswith("hnsw.txt"))

    def test_semantic_chunking_cuts_at_the_topic_change(self):
        tides = ("Ocean tides rise and fall twice a day. The moon pulls the ocean water toward "
                 "it, and the tides follow the moon. Spring tides come when the sun and the moon "
                 "pull the ocean together. Neap tides are weaker ocean tides. ")
        chess = ("A chess opening develops the knights and bishops early. Chess players castle "
                 "the king to keep the king safe. In the chess endgame the king becomes a strong "
                 "piece. A pawn on the last rank of the chess board becomes a queen.")
        folder = os.path.join(self.tmp.name, "glued")
        write(os.path.join(folder, "glued.txt"), tides + chess)
        # Each topic is about 40 words: over a quarter of a 64-token target, so
        # neither is a tiny group that would join the other.
        r = run("ingest", "--data", self.data, "--collection", "sem", "--chunking", "semantic",
                "--breakpoint-percentile", "90", "--chunk-tokens", "64", folder)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ingested 1 documents", r.stdout)
        r = run("search", "--data", self.data, "--collection", "sem", "--json", "--k", "1",
                "chess king castle")
        self.assertEqual(r.returncode, 0, r.stderr)
        top = json.loads(r.stdout)["hits"][0]
        self.assertEqual(top["start"], len(tides))
        self.assertNotIn("tides", top["text"])
        r = run("collections", "--data", self.data, "--json")
        chunking = json.loads(r.stdout)[0]["config"]["chunking"]
        self.assertEqual(chunking["strategy"], "semantic")
        self.assertEqual(chunking["breakpoint_percentile"], 90)

    def test_usage_errors_exit_2_with_one_line(self):
        cases = [
            (),
            ("frobnicate",),
            ("search", "--data", self.data),             # missing query
            ("search", "--data", self.data, "--k", "0", "x"),
            ("search", "--data", self.data, "--k", "abc", "x"),
            ("ingest", "--data", self.data),             # no paths
            ("serve", "--port", "70000"),
            ("serve", "--bogus"),
            ("serve", "--config", os.path.join(self.tmp.name, "missing.toml")),
            ("ingest", "--data", self.data, "--dimensions", "3", self.corpus),
            ("ingest", "--data", self.data, "--chunking", "topics", self.corpus),
            ("ingest", "--data", self.data, "--chunking", "semantic",
             "--breakpoint-percentile", "0", self.corpus),
        ]
        for args in cases:
            r = run(*args)
            self.assertEqual(r.returncode, 2, f"{args}: {r.stderr}")
            self.assertTrue(r.stderr.startswith("quarry: "), f"{args}: {r.stderr!r}")
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, f"{args}: {r.stderr!r}")

    def test_bad_config_file_is_a_usage_error(self):
        config = os.path.join(self.tmp.name, "bad.toml")
        write(config, "[server]\nprot = 80\n")
        r = run("serve", "--config", config, "--data", self.data)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown key 'server.prot'", r.stderr)

    def test_runtime_errors_exit_1(self):
        r = run("search", "--data", self.data, "--collection", "nope", "x")
        self.assertEqual(r.returncode, 1)
        self.assertIn("does not exist", r.stderr)
        r = run("ingest", "--data", self.data, os.path.join(self.tmp.name, "missing"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing", r.stderr)

    def test_help_and_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"quarry \d+\.\d+\.\d+")
        for cmd in ("serve", "ingest", "search", "collections"):
            r = run(cmd, "--help")
            self.assertEqual(r.returncode, 0, cmd)
            self.assertIn("--data", r.stdout)
        self.assertEqual(run("--help").returncode, 0)

    def test_data_directory_is_locked_while_serving(self):
        self.assertEqual(self.ingest(self.corpus).returncode, 0)
        server = subprocess.Popen([QUARRY_BIN, "serve", "--data", self.data, "--port", "0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline()
            self.assertIn("listening on", line)
            r = self.ingest(self.corpus)
            self.assertEqual(r.returncode, 1)
            self.assertIn("another process", r.stderr)
        finally:
            server.terminate()
            server.wait(timeout=30)
            server.stdout.close()
            server.stderr.close()

    def test_snapshot_create_list_restore_delete(self):
        self.assertEqual(self.ingest(self.corpus).returncode, 0)
        made = run("snapshot", "create", "--data", self.data, "--collection", "notes")
        self.assertEqual(made.returncode, 0, made.stderr)
        name = made.stdout.split()[2]
        path = made.stdout.splitlines()[1]
        self.assertTrue(name.endswith(".qsnap"))
        listed = run("snapshot", "list", "--data", self.data, "--collection", "notes")
        self.assertIn(name, listed.stdout)
        restored = run("snapshot", "restore", "--data", self.data, "--collection", "copy", path)
        self.assertEqual(restored.returncode, 0, restored.stderr)
        self.assertIn("restored copy: 3 documents", restored.stdout)
        found = run("search", "--data", self.data, "--collection", "copy", "log")
        self.assertEqual(found.returncode, 0, found.stderr)
        # Restoring over an existing collection needs --replace.
        again = run("snapshot", "restore", "--data", self.data, "--collection", "copy", path)
        self.assertEqual(again.returncode, 1)
        self.assertIn("already exists", again.stderr)
        # A damaged archive is refused and leaves the collection alone.
        bad = os.path.join(self.tmp.name, "bad.qsnap")
        with open(path, "rb") as src, open(bad, "wb") as dst:
            data = bytearray(src.read())
            data[len(data) // 2] ^= 0x20
            dst.write(data)
        refused = run("snapshot", "restore", "--data", self.data, "--collection", "copy",
                      "--replace", bad)
        self.assertEqual(refused.returncode, 1)
        self.assertEqual(run("search", "--data", self.data, "--collection", "copy",
                             "log").returncode, 0)
        hostile = run("snapshot", "delete", "--data", self.data, "--collection", "notes",
                      "../../LOCK")
        self.assertEqual(hostile.returncode, 2, hostile.stderr)
        deleted = run("snapshot", "delete", "--data", self.data, "--collection", "notes", name)
        self.assertEqual(deleted.returncode, 0, deleted.stderr)
        self.assertIn("no snapshots", run("snapshot", "list", "--data", self.data,
                                          "--collection", "notes").stdout)

    def test_corrupt_manifest_is_reported_not_served(self):
        self.assertEqual(self.ingest(self.corpus).returncode, 0)
        path = os.path.join(self.data, "collections", "notes", "MANIFEST")
        with open(path, "r+b") as f:
            f.seek(40)
            byte = f.read(1)
            f.seek(40)
            f.write(bytes([byte[0] ^ 0xFF]))
        r = run("search", "--data", self.data, "--collection", "notes", "log")
        self.assertEqual(r.returncode, 1)
        self.assertIn("checksum", r.stderr)
        self.assertIn("notes", r.stderr)


if __name__ == "__main__":
    if not QUARRY_BIN:
        sys.exit("QUARRY_BIN must name the quarry binary (ctest sets it)")
    unittest.main(verbosity=2)
