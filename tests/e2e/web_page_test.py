"""The web page in a real browser: Debian's Chromium, headless, against the
real `quarry serve` on loopback. Run with /usr/bin/python3; QUARRY_BIN names
the binary; Chromium comes from scripts/install-deps.sh.
"""

import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
import urllib.request

QUARRY_BIN = os.environ.get("QUARRY_BIN")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Dom(html.parser.HTMLParser):
    """Collects tags and the text of elements with a given class."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.classes = []
        self.text = []
        self._stack = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        cls = dict(attrs).get("class", "")
        self._stack.append(cls)
        if cls:
            self.classes.append(cls)

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._stack:
            self.text.append((self._stack[-1], data))

    def texts(self, cls):
        return [t for c, t in self.text if c == cls]


class PageCase(unittest.TestCase):
    """Starts a server for the class; subclasses say what it holds."""
    default_collection = "web"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="quarry-web-")
        cls.server = subprocess.Popen(
            [QUARRY_BIN, "serve", "--data", os.path.join(cls.tmp.name, "data"), "--port", "0",
             "--default-collection", cls.default_collection],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = cls.server.stdout.readline()
        if "listening on " not in line:
            raise RuntimeError(f"server did not start: {line!r}")
        cls.base = line.split("listening on ", 1)[1].strip()
        cls.populate()

    @classmethod
    def populate(cls):
        cls.call("PUT", "/api/collections/web", {})
        cls.call("POST", "/api/collections/web/documents?wait=true", {"documents": [
            {"id": "granite", "title": "Granite quarries",
             "text": "Granite is cut from quarries in large blocks with wire saws."},
            {"id": "hostile", "title": "<img src=x onerror=\"document.title='pwned'\">",
             "text": "Marble <script>document.title='pwned'</script> "
                     "<img src=x onerror=\"document.title='pwned'\"> polished marble slabs."},
        ]})

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=30)
        cls.server.stdout.close()
        cls.tmp.cleanup()

    @classmethod
    def call(cls, method, path, body):
        req = urllib.request.Request(cls.base + path, data=json.dumps(body).encode(), method=method)
        with urllib.request.urlopen(req, timeout=30) as reply:
            return json.loads(reply.read())

    def render(self, query):
        """The page's DOM after it ran `query` (the ?q= parameter) and rendered the answer."""
        return self.render_url("/?q=" + urllib.parse.quote(query))

    def render_url(self, path):
        """The page's DOM after it loaded `path` and rendered the answer."""
        url = self.base + path
        with tempfile.TemporaryDirectory(prefix="quarry-chromium-") as profile:
            result = subprocess.run(
                [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=10000",
                 "--dump-dom", url],
                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        dom = Dom()
        dom.feed(result.stdout)
        return dom, result.stdout


class WebPageTest(PageCase):
    def test_search_renders_hits(self):
        dom, _ = self.render("granite quarries")
        headings = [t for c, t in dom.text if c == "" and t.strip()]
        self.assertIn("Granite quarries", dom.texts("") + headings)
        status = " ".join(dom.texts(""))
        self.assertRegex(status, r"\d+ hits? in [\d.]+ ms from collection web")
        metas = dom.texts("meta")
        self.assertTrue(metas and metas[0].startswith("document granite"), metas)

    def test_matched_words_are_highlighted(self):
        dom, raw = self.render("granite blocks")
        self.assertIn("mark", dom.tags)
        self.assertIn("<mark>Granite</mark>", raw)
        self.assertIn("<mark>blocks</mark>", raw)
        keyword, _ = self.render_url("/?mode=keyword&q=" + urllib.parse.quote("wire saws"))
        self.assertIn("mark", keyword.tags)

    def test_hostile_text_is_shown_not_run(self):
        dom, raw = self.render("polished marble slabs")
        texts = " ".join(dom.texts("text"))
        self.assertIn("<script>document.title='pwned'</script>", texts)
        self.assertIn("<img src=x", texts)
        # Only the page's own script exists; no <img> came from the document.
        self.assertEqual(dom.tags.count("script"), 1)
        self.assertNotIn("img", dom.tags)
        self.assertNotIn("<title>pwned</title>", raw)
        self.assertIn("<title>Quarry</title>", raw)




class WebPageErrorTest(PageCase):
    default_collection = "missing"

    @classmethod
    def populate(cls):
        pass  # the default collection does not exist: every search is a 404

    def test_error_answer_is_shown(self):
        dom, _ = self.render("anything")
        errors = dom.texts("error")
        self.assertTrue(errors and errors[0].startswith("Error 404"), errors)
        self.assertIn("missing", errors[0])


if __name__ == "__main__":
    if not QUARRY_BIN:
        sys.exit("QUARRY_BIN must name the quarry binary (ctest sets it)")
    if not CHROMIUM:
        sys.exit("chromium is not installed: run scripts/install-deps.sh")
    unittest.main(verbosity=2)
