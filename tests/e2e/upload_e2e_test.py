#!/usr/bin/env python3
"""End-to-end tests of file uploads (multipart/form-data) over real HTTP.

A real `quarry serve` on a loopback ephemeral port receives Markdown, HTML, a
real PDF, a corrupt PDF, a zip file renamed .pdf, invalid JSON, a file over
--max-file-bytes and a hostile file name in one request; the job is polled
for progress and per-file results, the good files must be searchable, the
bad ones must fail alone with a reason, and what was stored before must be
untouched. Also: ?wait=true answers 200 / 207 / 422, malformed uploads 400,
the upload's own body limit 413.

Run:  QUARRY_BIN=build/quarry /usr/bin/python3 tests/e2e/upload_e2e_test.py
Needs Debian's python3-reportlab to write the PDF.
"""

import io
import os
import subprocess
import sys
import time
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from extract_e2e_test import MAKE_PDF  # noqa: E402
from quarry_server import OneServerTestCase  # noqa: E402

MAX_FILE_BYTES = 200_000
MAX_UPLOAD_BYTES = 1_048_576
BOUNDARY = "----quarry-e2e-7MA4YWxkTrZu0gW"


def multipart(files, fields=(), boundary=BOUNDARY):
    """The body of a multipart/form-data request: (filename, bytes) files
    under field "file", then (name, text) fields."""
    out = io.BytesIO()
    out.write(b"preamble that parsers must ignore\r\n")
    for name, value in fields:
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                  .encode())
        out.write(value.encode() + b"\r\n")
    for filename, data in files:
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                  f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                  .encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


def child_commands(pid):
    """The command lines of a process's children (from /proc)."""
    commands = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            if parent != pid:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                commands.append([a.decode() for a in f.read().split(b"\0") if a])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return commands


def pdf_bytes(folder):
    """A real two-page PDF, written by extract_e2e_test's reportlab script."""
    path = os.path.join(folder, "report.pdf")
    made = subprocess.run([sys.executable, "-c", MAKE_PDF, path], capture_output=True, text=True)
    if made.returncode != 0:
        raise AssertionError(f"could not write a PDF: {made.stderr}")
    with open(path, "rb") as f:
        return f.read()


def zip_bomb():
    """Ten megabytes of zeros, deflated to a few kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.bin", b"\0" * (10 << 20))
    return buffer.getvalue()


MARKDOWN = b"""# Beekeeping guide

## Hives

Worker bees build wax combs and store honey for the winter.
"""

HTML = b"""<!doctype html><html><head><title>Volcano page</title>
<script>var magma = "never indexed";</script></head>
<body><h1>Volcanoes</h1><p>Basalt lava cools into columnar joints.</p></body></html>"""


class UploadTest(OneServerTestCase):
    server_args = ("--max-body-bytes", "65536", "--max-upload-bytes", str(MAX_UPLOAD_BYTES),
                   "--max-file-bytes", str(MAX_FILE_BYTES))

    def upload(self, collection, body, query=""):
        return self.server.request(
            "POST", f"/api/collections/{collection}/documents{query}", body,
            {"Content-Type": f"multipart/form-data; boundary=\"{BOUNDARY}\""})

    def create(self, name):
        reply = self.server.request("PUT", f"/api/collections/{name}")
        self.assertEqual(reply.status, 201, reply)

    def keyword_hits(self, collection, query):
        reply = self.server.request("POST", "/api/search",
                                    {"collection": collection, "query": query,
                                     "mode": "keyword", "k": 5})
        self.assertEqual(reply.status, 200, reply)
        return [hit["document_id"] for hit in reply.json()["hits"]]

    def wait_for_job(self, url):
        deadline = time.monotonic() + 120
        seen_states = []
        while True:
            reply = self.server.request("GET", url)
            self.assertEqual(reply.status, 200, reply)
            job = reply.json()
            seen_states.append(job["status"])
            if job["status"] not in ("queued", "running"):
                return job, seen_states
            self.assertLess(time.monotonic(), deadline, f"job still {job['status']}: {job}")
            time.sleep(0.05)

    def test_mixed_upload_fails_bad_files_alone_and_keeps_stored_data(self):
        self.create("mixed")
        stored = {"documents": [{"id": "glacier", "text": "Glaciers carve deep valleys "
                                 "into granite over thousands of years."}]}
        reply = self.server.request("POST", "/api/collections/mixed/documents?wait=true", stored)
        self.assertEqual(reply.status, 200, reply)
        before = self.server.request("GET", "/api/collections/mixed/documents/glacier").json()

        files = [
            ("guide.md", MARKDOWN),
            ("page.html", HTML),
            ("report.pdf", pdf_bytes(self._tmp.name)),
            ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage"),
            ("bomb.pdf", zip_bomb()),
            ("records.json", b'{"documents": [ {"id": "x", "text": '),
            ("huge.txt", b"word " * (MAX_FILE_BYTES // 5 + 1)),
            ("../../etc/evil\\..\\notes.txt", b"Saffron is the stigma of a crocus flower."),
        ]
        reply = self.upload("mixed", multipart(files))
        self.assertEqual(reply.status, 202, reply)
        accepted = reply.json()
        self.assertEqual(reply.header("location"), accepted["url"])
        job, states = self.wait_for_job(accepted["url"])

        self.assertEqual(job["kind"], "upload_files")
        self.assertEqual(job["status"], "partial", job)
        self.assertEqual(job["http_status"], 207, job)
        progress = job["progress"]
        self.assertEqual(progress["files_total"], len(files))
        self.assertEqual(progress["files_done"], len(files))
        self.assertEqual(progress["bytes_total"], sum(len(d) for _, d in files))
        self.assertEqual(progress["bytes_done"], progress["bytes_total"])
        result = job["result"]
        by_name = {f["name"]: f for f in result["files"]}
        self.assertEqual(list(by_name), ["guide.md", "page.html", "report.pdf", "broken.pdf",
                                         "bomb.pdf", "records.json", "huge.txt", "notes.txt"])
        for good in ("guide.md", "page.html", "report.pdf", "notes.txt"):
            self.assertEqual((by_name[good]["status"], by_name[good]["state"]), (200, "written"),
                             by_name[good])
            self.assertEqual(by_name[good]["documents"], 1)
            self.assertGreaterEqual(by_name[good]["chunks"], 1)
            self.assertNotIn("error", by_name[good])
        for bad in ("broken.pdf", "bomb.pdf", "records.json", "huge.txt"):
            entry = by_name[bad]
            self.assertEqual((entry["status"], entry["state"]), (422, "failed"), entry)
            self.assertEqual((entry["documents"], entry["chunks"]), (0, 0), entry)
            self.assertTrue(entry["error"]["message"], entry)
            self.assertNotIn("quarry-upload-", entry["error"]["message"],
                             "reasons name the upload, never the temporary file")
        self.assertEqual(by_name["huge.txt"]["error"]["code"], "resource_exhausted")
        self.assertIn("over the limit", by_name["huge.txt"]["error"]["message"])
        self.assertEqual(result["files_ok"], 4)
        self.assertEqual(result["files_failed"], 4)
        self.assertEqual(result["documents"], 4)
        self.assertEqual(progress["documents"], 4)
        self.assertEqual(progress["chunks"], result["chunks"])

        # The good files are searchable under their base names...
        self.assertEqual(self.keyword_hits("mixed", "worker bees combs")[0], "guide.md")
        self.assertEqual(self.keyword_hits("mixed", "basalt columnar")[0], "page.html")
        self.assertEqual(self.keyword_hits("mixed", "magma never indexed"), [],
                         "script text is not indexed")
        self.assertEqual(self.keyword_hits("mixed", "photosynthesis chlorophyll")[0], "report.pdf")
        self.assertEqual(self.keyword_hits("mixed", "saffron crocus")[0], "notes.txt")
        pdf = self.server.request("GET", "/api/collections/mixed/documents/report.pdf").json()
        self.assertEqual(pdf["source"], "report.pdf")
        # ...the PDFs went through the server's PDF fork server (started on
        # the first PDF and kept for the next uploads), as with `quarry ingest`.
        if os.environ.get("QUARRY_PDF_FORK_SERVER") != "0":
            children = child_commands(self.server.proc.pid)
            self.assertTrue(any(cmd[1:2] == ["--fork-server"] for cmd in children), children)
        self.assertEqual(pdf["title"], "Annual Plant Report")  # from the PDF's metadata
        self.assertEqual(pdf["pages"][0], 1)
        # ...the bad ones left nothing behind...
        for bad in ("broken.pdf", "bomb.pdf", "records.json", "huge.txt"):
            reply = self.server.request("GET", f"/api/collections/mixed/documents/{bad}")
            self.assertEqual(reply.status, 404, reply)
        # ...no temporary file is left in <data>/tmp...
        self.assertEqual(os.listdir(os.path.join(self.server.data_dir, "tmp")), [])
        # ...and what was stored before is untouched.
        after = self.server.request("GET", "/api/collections/mixed/documents/glacier").json()
        self.assertEqual(after["content_hash"], before["content_hash"])
        self.assertEqual(self.keyword_hits("mixed", "glaciers granite valleys"), ["glacier"])

    def test_wait_true_answers_200_then_unchanged_and_422_when_nothing_went_in(self):
        self.create("sync")
        body = multipart([("a.md", MARKDOWN), ("b.html", HTML)],
                         fields=[("ids", '{"a.md": "docs/beekeeping"}')])
        reply = self.upload("sync", body, "?wait=true")
        self.assertEqual(reply.status, 200, reply)
        result = reply.json()
        self.assertEqual([f["id"] for f in result["files"]], ["docs/beekeeping", "b.html"])
        self.assertEqual([f["state"] for f in result["files"]], ["written", "written"])
        self.assertEqual(self.keyword_hits("sync", "worker bees combs")[0], "docs/beekeeping")

        again = self.upload("sync", body, "?wait=true")
        self.assertEqual(again.status, 200, again)
        self.assertEqual([f["state"] for f in again.json()["files"]], ["unchanged", "unchanged"])

        mixed = self.upload("sync", multipart([("c.txt", b"Tundra moss."),
                                               ("d.pdf", b"%PDF-1.4 not really")]), "?wait=true")
        self.assertEqual(mixed.status, 207, mixed)
        self.assertEqual([f["status"] for f in mixed.json()["files"]], [200, 422])

        bad = self.upload("sync", multipart([("e.pdf", b"%PDF-broken"), ("..", b"x")]),
                          "?wait=true")
        self.assertEqual(bad.status, 422, bad)
        files = bad.json()["files"]
        self.assertEqual([f["status"] for f in files], [422, 422])
        self.assertIn("no usable base name", files[1]["error"]["message"])

    def test_upload_has_its_own_body_limit(self):
        self.create("limits")
        # Over --max-body-bytes (64 KiB) but within the upload limit: accepted.
        text = b"Lichen grows slowly on northern rocks. " * 2500
        reply = self.upload("limits", multipart([("lichen.txt", text)]), "?wait=true")
        self.assertEqual(reply.status, 200, reply)
        # The same size as JSON is refused by the JSON limit.
        big_json = {"documents": [{"id": "l", "text": text.decode()}]}
        reply = self.server.request("POST", "/api/collections/limits/documents", big_json)
        self.assertEqual(reply.status, 413, reply)
        # Over --max-upload-bytes: refused before the body is read.
        reply = self.upload("limits", multipart([("x.txt", b"a" * (MAX_UPLOAD_BYTES + 1))]))
        self.assertEqual(reply.status, 413, reply)
        self.assertIn(str(MAX_UPLOAD_BYTES), reply.json()["error"]["message"])

    def test_malformed_uploads_are_400_with_a_reason(self):
        self.create("bad")
        cases = [
            (multipart([("a.txt", b"x")])[:-8], "closing boundary"),
            (multipart([("a.txt", b"x")], fields=[("title", "t")]), "not a file"),
            (multipart([], fields=[("ids", "{}")]), "no file"),
            (multipart([("a.txt", b"x")], fields=[("ids", '{"zz.md": "z"}')]), "zz.md"),
        ]
        for body, mentions in cases:
            reply = self.upload("bad", body)
            self.assertEqual(reply.status, 400, reply)
            self.assertIn(mentions, reply.json()["error"]["message"])
        reply = self.server.request("POST", "/api/collections/bad/documents",
                                    multipart([("a.txt", b"x")]),
                                    {"Content-Type": "multipart/form-data"})
        self.assertEqual(reply.status, 400, reply)
        self.assertIn("boundary", reply.json()["error"]["message"])
        reply = self.upload("missing", multipart([("a.txt", b"x")]))
        self.assertEqual(reply.status, 404, reply)


if __name__ == "__main__":
    unittest.main(verbosity=2)
