"""End-to-end tests of extraction through `quarry ingest`: HTML pages, JSON and
JSON Lines records (one document each), and the BEIR SciFact corpus as it is.
Run with Debian's /usr/bin/python3; QUARRY_BIN names the binary and
QUARRY_SOURCE_DIR the source root (the shared data is at ../shared beside it).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quarry_server import Server  # noqa: E402

QUARRY_BIN = os.environ.get("QUARRY_BIN")
SOURCE_DIR = os.environ.get("QUARRY_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCIFACT = os.path.join(SOURCE_DIR, "..", "shared", "data", "beir", "scifact", "corpus.jsonl")


MAKE_PDF = """
import sys
from reportlab.pdfgen import canvas
c = canvas.Canvas(sys.argv[1])
c.setTitle("Annual Plant Report")
c.drawString(72, 720, "Quarterly figures for the greenhouse budget.")
c.showPage()
c.drawString(72, 720, "Photosynthesis turns light into sugar with chlorophyll.")
c.showPage()
c.save()
"""

# Three pages; only page 2 mentions feldspar.
MAKE_3_PAGE_PDF = """
import sys
from reportlab.pdfgen import canvas
c = canvas.Canvas(sys.argv[1])
c.setTitle("Quarry Survey")
pages = (
    ("Harbour cranes load the blocks onto barges at dawn.",
     "The tide decides when the boats may leave the quay.",
     "Sailors count the stones twice before they sign."),
    ("Feldspar crystals sparkle in the pale granite of the north face.",
     "The foreman marks each seam with chalk before the cut.",
     "Water keeps the saw blades cool through the long shift."),
    ("The accounts close with wages paid to the masons.",
     "A list of tools lent and returned follows the wages.",
     "The clerk signs the ledger and locks the office."),
)
for lines in pages:
    for i, line in enumerate(lines):
        c.drawString(72, 720 - 20 * i, line)
    c.showPage()
c.save()
"""


def run(*args, timeout=300):
    return subprocess.run([QUARRY_BIN, *args], capture_output=True, text=True, timeout=timeout)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


class ExtractTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="quarry-extract-")
        self.data = os.path.join(self.tmp.name, "data")
        self.corpus = os.path.join(self.tmp.name, "site")

    def tearDown(self):
        self.tmp.cleanup()

    def ingest(self, *paths, extra=()):
        return run("ingest", "--data", self.data, "--collection", "c", *extra, *paths)

    def search(self, query, k=5):
        r = run("search", "--data", self.data, "--collection", "c", "--k", str(k), "--json",
                "--mode", "keyword", query)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)["hits"]

    def test_folder_with_html_and_json(self):
        write(os.path.join(self.corpus, "guide.html"),
              "<!doctype html><html><head><title>Sourdough guide</title>"
              "<script>var leaven = 'scripted';</script></head><body>"
              "<h1>Bread</h1><p>Feed the starter &amp; wait.</p>"
              "<h2>Baking</h2><p>Bake the loaf in a covered pot.</p></body></html>")
        write(os.path.join(self.corpus, "records.json"),
              json.dumps([{"id": "r1", "title": "Kettle", "text": "Boil water for tea."},
                          {"id": "r2", "text": "Steep green leaves briefly."}]))
        write(os.path.join(self.corpus, "lines.jsonl"),
              '{"_id": "l1", "text": "Grind coffee beans coarsely."}\n'
              'not json\n'
              '{"_id": "l2", "title": "Press", "text": "Plunge the press slowly."}\n')
        r = self.ingest(self.corpus)
        # A record that could not be read makes the run fail (exit 1), after
        # everything else went in.
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("ingested 5 documents", r.stdout)
        self.assertIn("1 records skipped", r.stdout)
        self.assertIn("lines.jsonl: line 2: not valid JSON", r.stderr)
        self.assertIn("failures (1):", r.stdout)

        hits = self.search("covered pot")
        self.assertEqual(hits[0]["document_id"], "site/guide.html")
        self.assertNotIn("<p>", hits[0]["text"])
        self.assertEqual(self.search("scripted"), [])  # script text is not indexed
        self.assertEqual(self.search("steep leaves")[0]["document_id"], "r2")
        self.assertEqual(self.search("plunge")[0]["document_id"], "l2")

    def test_mixed_folder_progress_summary_and_exit_status(self):
        site = self.corpus
        write(os.path.join(site, "good.txt"), "Granite blocks are cut from the quarry face.")
        write(os.path.join(site, "notes.md"), "# Notes\n\nBasalt forms hexagonal columns.")
        write(os.path.join(site, "page.html"),
              "<html><head><title>Marble</title></head><body><p>Marble is metamorphic "
              "limestone.</p></body></html>")
        os.makedirs(site, exist_ok=True)
        with open(os.path.join(site, "legacy.html"), "wb") as f:  # Latin-1, declared
            f.write("<html><head><meta http-equiv='Content-Type' "
                    "content='text/html; charset=iso-8859-1'><title>Dessert</title></head>"
                    "<body><p>Cr\u00e8me br\u00fbl\u00e9e with caramelised sugar.</p></body>"
                    "</html>".encode("latin-1"))
        write(os.path.join(site, "records.json"),
              json.dumps([{"id": "rec-1", "text": "Slate splits into thin sheets."},
                          {"id": "rec-2", "text": "Pumice floats on water."}]))
        write(os.path.join(site, "lines.json"),  # JSON Lines in a .json file
              '{"id": "jl-1", "text": "Obsidian is volcanic glass."}\n'
              '{"id": "jl-2", "text": "Chalk is soft white limestone."}\n')
        write(os.path.join(site, "corpus.jsonl"),
              '{"_id": "c-1", "text": "Quartzite is hard metamorphic sandstone."}\n')
        write(os.path.join(site, "broken.json"), '{"text": ')
        write(os.path.join(site, "drafts", "secret.md"), "Unobtainium draft notes.")
        write(os.path.join(site, "old.bak.txt"), "Unobtainium backup.")
        write(os.path.join(site, "photo.png"), "not really a png")

        r = self.ingest(site, extra=("--exclude", "drafts/", "--exclude", "*.bak.txt",
                                     "--progress-interval", "0"))
        self.assertEqual(r.returncode, 1, r.stderr)  # broken.json failed
        self.assertIn("ingested 9 documents", r.stdout)
        self.assertIn("1 skipped, 1 failed, 0 records skipped", r.stdout)  # photo.png; broken.json
        self.assertIn("2 left out by --include/--exclude", r.stdout)
        self.assertIn("rate: ", r.stdout)
        self.assertRegex(r.stdout, r"failures \(1\):\n    .*broken\.json: .*not valid JSON")
        self.assertIn("could not be ingested", r.stderr)
        # Progress on stderr, plain lines (stderr is a pipe here), ending at 100%.
        self.assertNotIn("\r", r.stderr)
        self.assertNotIn("\x1b", r.stderr)
        progress = [l for l in r.stderr.splitlines() if l.startswith("ingest: ")]
        self.assertGreaterEqual(len(progress), 2, r.stderr)
        self.assertRegex(progress[-1], r"^ingest: 8/8 files \(100%\), .* chunks/s, .* MB/s, ETA 0:00$")

        self.assertEqual(self.search("hexagonal")[0]["document_id"], "site/notes.md")
        self.assertEqual(self.search("obsidian")[0]["document_id"], "jl-1")
        self.assertEqual(self.search("chalk")[0]["document_id"], "jl-2")
        self.assertEqual(self.search("pumice")[0]["document_id"], "rec-2")
        hit = self.search("caramelised")[0]
        self.assertEqual(hit["document_id"], "site/legacy.html")
        self.assertIn("Cr\u00e8me br\u00fbl\u00e9e", hit["text"])
        self.assertEqual(self.search("unobtainium"), [])  # excluded
        r2 = run("collections", "--data", self.data, "--json")
        self.assertEqual(json.loads(r2.stdout)[0]["documents"], 9)

        # Again: all unchanged; the broken file still fails, but --allow-failures exits 0.
        r = self.ingest(site, extra=("--exclude", "drafts/", "--exclude", "*.bak.txt", "--quiet",
                                     "--allow-failures"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ingested 0 documents", r.stdout)
        self.assertIn("9 unchanged", r.stdout)
        self.assertIn("failures (1):", r.stdout)
        self.assertNotIn("ingest: ", r.stderr)  # --quiet: no progress

        # Without the broken file everything is in or unchanged: exit 0.
        os.remove(os.path.join(site, "broken.json"))
        r = self.ingest(site, extra=("--exclude", "drafts/", "--exclude", "*.bak.txt"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("failures", r.stdout)

        # Includes narrow the walk; files named explicitly are never filtered.
        r = run("ingest", "--data", self.data, "--collection", "only-md", "--include", "*.md",
                "--exclude", "drafts/", site, os.path.join(site, "good.txt"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ingested 2 documents", r.stdout)
        # A bad pattern is a usage error.
        r = run("ingest", "--data", self.data, "--include", "[abc", site)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not closed", r.stderr)

    def test_json_field_flags(self):
        path = os.path.join(self.tmp.name, "items.jsonl")
        write(path, '{"sku": "A-1", "name": "Lamp", "desc": "Warm reading light.", "year": 2020}\n'
                    '{"sku": "A-2", "name": "Desk", "desc": "Oak writing desk.", "year": 2021}\n')
        r = self.ingest(path, extra=("--json-text-fields", "name,desc", "--json-id-field", "sku",
                                     "--json-title-field", "name", "--json-metadata-fields",
                                     "year"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ingested 2 documents", r.stdout)
        hits = self.search("oak")
        self.assertEqual(hits[0]["document_id"], "A-2")
        r = run("search", "--data", self.data, "--collection", "c", "--json", "--filter",
                '{"must": [{"key": "year", "match": {"value": 2020}}]}', "light")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([h["document_id"] for h in json.loads(r.stdout)["hits"]], ["A-1"])

    def test_bad_html_and_pdf_fail_alone(self):
        write(os.path.join(self.corpus, "deep.html"), "<div>" * 100000)
        write(os.path.join(self.corpus, "paper.txt"), "%PDF-1.7 pretend")
        write(os.path.join(self.corpus, "ok.htm"), "<p>fine page</p>")
        r = self.ingest(self.corpus)
        self.assertEqual(r.returncode, 1)
        self.assertIn("deeper than the limit", r.stderr)
        self.assertRegex(r.stderr, r"paper\.txt.*(damaged|not a) PDF")
        self.assertIn("ingested 1 documents", r.stdout)

    def test_pdf_pages_are_searchable(self):
        # A real two-page PDF written with ReportLab (python3-reportlab, from Debian).
        os.makedirs(self.corpus, exist_ok=True)
        pdf = os.path.join(self.corpus, "report.pdf")
        made = subprocess.run(["/usr/bin/python3", "-c", MAKE_PDF, pdf], capture_output=True, text=True)
        if made.returncode != 0:
            self.skipTest(f"cannot write a PDF here: {made.stderr.strip()[-200:]}")
        r = self.ingest(self.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        hits = self.search("photosynthesis")
        self.assertEqual(hits[0]["document_id"], "site/report.pdf", hits)
        self.assertEqual(hits[0]["title"], "Annual Plant Report")
        self.assertIn("chlorophyll", hits[0]["text"])

    def test_pdf_page_numbers_reach_search_results(self):
        # A collection that seals after 16 chunks, so that the PDF ends up in a
        # sealed segment as well as going through the log. Only page 2 says feldspar.
        os.makedirs(self.corpus, exist_ok=True)
        pdf = os.path.join(self.corpus, "survey.pdf")
        made = subprocess.run(["/usr/bin/python3", "-c", MAKE_3_PAGE_PDF, pdf],
                              capture_output=True, text=True)
        if made.returncode != 0:
            self.skipTest(f"cannot write a PDF here: {made.stderr.strip()[-200:]}")
        for i in range(24):
            write(os.path.join(self.corpus, f"note{i:02d}.txt"),
                  f"Filler note {i} about sandstone and limestone walls.")
        log = os.path.join(self.tmp.name, "server.log")
        server = Server(self.data, log).start()
        try:
            # Pages of about 35 tokens stand alone as sections with a target of 32
            # (a section under a quarter of the target joins the next one).
            reply = server.request("PUT", "/api/collections/c",
                                   {"chunking": {"target_tokens": 32},
                                    "storage": {"seal_rows": 16}})
            self.assertEqual(reply.status, 201, reply)
        finally:
            server.stop_cleanly()
        r = self.ingest(self.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ingested 25 documents", r.stdout)

        # CLI, reopened from disk: JSON and text output.
        hits = self.search("feldspar")
        self.assertEqual(hits[0]["document_id"], "site/survey.pdf", hits)
        self.assertEqual(hits[0]["page"], 2)
        self.assertEqual(self.search("harbour")[0]["page"], 1)
        self.assertNotIn("page", self.search("sandstone")[0])  # a text file has no pages
        r = run("search", "--data", self.data, "--collection", "c", "--mode", "keyword",
                "feldspar")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"site/survey\.pdf  page 2")

        # The server seals what the log holds; the sealed segment answers the same.
        segments = os.path.join(self.data, "collections", "c", "segments")
        server = Server(self.data, log).start()
        try:
            deadline = time.monotonic() + 60
            while not any(os.path.isfile(os.path.join(segments, d, "documents.idx"))
                          for d in (os.listdir(segments) if os.path.isdir(segments) else [])):
                self.assertLess(time.monotonic(), deadline, "no segment was sealed")
                time.sleep(0.1)
            reply = server.request("POST", "/api/search", {"collection": "c", "query": "feldspar",
                                                           "mode": "keyword", "k": 3})
            self.assertEqual(reply.status, 200, reply)
            hit = reply.json()["hits"][0]
            self.assertEqual((hit["document_id"], hit["page"]), ("site/survey.pdf", 2))
            reply = server.request("GET", "/api/collections/c/documents/site%2Fsurvey.pdf")
            self.assertEqual(reply.status, 200, reply)
            self.assertEqual(reply.json()["pages"], [1, 2, 3])
            reply = server.request("GET", "/api/collections/c/documents/site%2Fnote00.txt")
            self.assertEqual(reply.status, 200, reply)
            self.assertNotIn("pages", reply.json())
        finally:
            server.stop_cleanly()
        # After the restart the segment is still there (the MANIFEST lists it),
        # written in chunk store version 2.
        sealed = [d for d in os.listdir(segments)
                  if os.path.isfile(os.path.join(segments, d, "documents.idx"))]
        self.assertTrue(sealed)
        hits = self.search("feldspar")
        self.assertEqual((hits[0]["document_id"], hits[0]["page"]), ("site/survey.pdf", 2))
        with open(os.path.join(segments, sealed[0], "documents.idx"), "rb") as f:
            header = f.read(12)
        self.assertEqual(header[:8], b"QRYDOCIX")
        self.assertEqual(int.from_bytes(header[8:12], "little"), 2)

    def test_latin1_text_is_searchable_by_its_accented_words(self):
        os.makedirs(self.corpus, exist_ok=True)
        with open(os.path.join(self.corpus, "menu.txt"), "wb") as f:
            f.write("Le caf\u00e9 sert une cr\u00e8me br\u00fbl\u00e9e tr\u00e8s "
                    "appr\u00e9ci\u00e9e.".encode("latin-1"))
        r = self.ingest(self.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        hits = self.search("appr\u00e9ci\u00e9e")
        self.assertEqual(hits[0]["document_id"], "site/menu.txt", hits)
        self.assertIn("cr\u00e8me br\u00fbl\u00e9e", hits[0]["text"])
        self.assertNotIn("\ufffd", hits[0]["text"])

    def test_parallel_and_one_thread_ingest_store_the_same(self):
        # Files are read ahead on several threads and written by several writes
        # at once; the result must be what one thread stores: the same
        # documents, chunks and hits, and a later record with an earlier id
        # (across JSON Lines files read in order) still wins.
        for i in range(40):
            write(os.path.join(self.corpus, "notes", "n%02d.md" % i),
                  "# Note %d\n\nThe word marker%d appears here. %s\n" % (i, i, "Filler text. " * (i * 9)))
            write(os.path.join(self.corpus, "pages", "p%02d.html" % i),
                  "<html><head><title>Page %d</title></head><body><p>pagemark%d body</p></body></html>"
                  % (i, i))
        write(os.path.join(self.corpus, "records", "a.jsonl"),
              "".join(json.dumps({"_id": "r%d" % i, "text": "first version rec%d" % i}) + "\n"
                      for i in range(30)))
        write(os.path.join(self.corpus, "records", "b.jsonl"),
              "".join(json.dumps({"_id": "r%d" % i, "text": "second wording rec%d" % i}) + "\n"
                      for i in range(0, 30, 2)))
        results = {}
        for threads in ("1", "4"):
            data = os.path.join(self.tmp.name, "data-" + threads)
            env = dict(os.environ, QUARRY_INGEST_THREADS=threads)
            r = subprocess.run([QUARRY_BIN, "ingest", "--data", data, "--collection", "c",
                                "--batch", "3", "--quiet", self.corpus],
                               capture_output=True, text=True, timeout=300, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            info = json.loads(run("collections", "--data", data, "--json").stdout)[0]
            hits = {}
            for q in ("marker7", "pagemark33", "rec4", "rec5", "second", "first"):
                out = run("search", "--data", data, "--collection", "c", "--k", "50", "--json",
                          "--mode", "keyword", q)
                self.assertEqual(out.returncode, 0, out.stderr)
                hits[q] = sorted(h["document_id"] for h in json.loads(out.stdout)["hits"])
            results[threads] = (info["documents"], info["chunks"], hits)
        self.assertEqual(results["1"], results["4"])
        documents, _, hits = results["4"]
        self.assertEqual(documents, 40 + 40 + 30)
        self.assertEqual(hits["rec4"], ["r4"])
        self.assertEqual(len(hits["second"]), 15)  # the even ids, rewritten by b.jsonl
        self.assertEqual(len(hits["first"]), 15)   # the odd ones kept their first text

    def test_scifact_corpus_ingests_as_is(self):
        if not os.path.isfile(SCIFACT):
            self.skipTest("SciFact corpus missing at %s (the shared data beside the source root)"
                          % SCIFACT)
        r = self.ingest(SCIFACT, extra=("--quiet",))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ingested 5183 documents", r.stdout)
        self.assertIn("0 records skipped", r.stdout)
        r = run("collections", "--data", self.data, "--json")
        self.assertEqual(json.loads(r.stdout)[0]["documents"], 5183)
        # Document ids are the records' _id.
        with open(SCIFACT, encoding="utf-8") as f:
            first = json.loads(f.readline())
        hits = self.search(first["title"], k=10)
        self.assertIn(first["_id"], [h["document_id"] for h in hits])


if __name__ == "__main__":
    if not QUARRY_BIN:
        sys.exit("QUARRY_BIN must name the quarry binary (ctest sets it)")
    unittest.main(verbosity=2)
