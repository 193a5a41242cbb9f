#!/usr/bin/env python3
"""End-to-end tests of the HTTP API against a real `quarry serve` process.

Each test class starts the real binary on a loopback ephemeral port over a
fresh temporary data directory and talks to it over real sockets: the JSON API,
the protocol guarantees (request ids, limits, keep-alive, pipelining, malformed
input), the access log, and a clean shutdown and restart on SIGTERM / SIGINT.

Run:  QUARRY_BIN=build/quarry /usr/bin/python3 tests/e2e/http_e2e_test.py
Python 3 standard library only.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from quarry_server import (  # noqa: E402
    SOCKET_TIMEOUT_S, START_TIMEOUT_S, OneServerTestCase, Server, quarry_bin)

HEX32 = re.compile(r"^[0-9a-f]{32}$")
RESPONSE_TIME = re.compile(r"^\d+(\.\d+)?ms$")

DOCUMENTS = [
    {
        "id": "bees",
        "title": "Honey bees",
        "text": "Honey bees live in large colonies. Worker bees gather nectar and pollen "
                "from flowers, and the hive turns the nectar into honey stored in wax combs. "
                "The queen bee lays the eggs of the colony.",
        "metadata": {"topic": "insects", "year": 2021},
    },
    {
        "id": "volcano",
        "title": "Volcanoes",
        "text": "A volcano erupts when molten magma rises through the crust. Lava flows, "
                "ash clouds and volcanic gases pour out of the crater during an eruption.",
    },
    {
        "id": "sourdough",
        "title": "Sourdough bread",
        "text": "Sourdough bread is leavened by a starter of wild yeast and lactic acid "
                "bacteria. The dough ferments slowly before it is baked in a hot oven.",
        "media_type": "text/markdown",
    },
    {
        "id": "chess",
        "title": "Chess openings",
        "text": "In chess, the opening moves develop the knights and bishops toward the "
                "centre. Castling early protects the king behind a wall of pawns.",
    },
]


def quote(segment):
    return urllib.parse.quote(segment, safe="")


class ServerTestCase(OneServerTestCase):
    """One server for the class, and helpers."""

    # Helpers -----------------------------------------------------------------

    def call(self, method, path, body=None, headers=None):
        return self.server.request(method, path, body, headers)

    def assert_error(self, reply, status, code=None, mentions=None):
        self.assertEqual(reply.status, status, reply)
        self.assertEqual(reply.header("content-type"), "application/json")
        error = reply.json()["error"]
        self.assertIsInstance(error["message"], str)
        self.assertTrue(error["message"])
        if code is not None:
            self.assertEqual(error["code"], code, reply)
        if mentions is not None:
            self.assertIn(mentions, error["message"], reply)
        self.assertTrue(reply.header("x-request-id"), "errors carry X-Request-ID too")
        self.assertRegex(reply.header("x-response-time") or "", RESPONSE_TIME)
        return error

    def create_collection(self, name, config=None):
        reply = self.call("PUT", f"/api/collections/{name}", config)
        self.assertEqual(reply.status, 201, reply)
        return reply.json()

    def ingest(self, collection, documents):
        reply = self.call("POST", f"/api/collections/{collection}/documents?wait=true",
                          {"documents": documents})
        self.assertEqual(reply.status, 200, reply)
        return reply.json()

    def search(self, body, expect=200):
        reply = self.call("POST", "/api/search", body)
        self.assertEqual(reply.status, expect, reply)
        return reply.json()


class ApiTest(ServerTestCase):
    server_args = ("--default-collection", "e2e_default", "--max-body-bytes", "65536")

    def test_health(self):
        reply = self.call("GET", "/api/health")
        self.assertEqual(reply.status, 200, reply)
        body = reply.json()
        self.assertEqual(body["status"], "ok")
        self.assertIsInstance(body["version"], str)
        self.assertTrue(body["version"])
        self.assertIsInstance(body["collections"], int)
        self.assertEqual(reply.header("content-type"), "application/json")
        self.assertTrue(reply.header("server").startswith("quarry/"), reply.headers)

    def test_request_id_generated_or_echoed(self):
        generated = self.call("GET", "/api/health")
        self.assertRegex(generated.header("x-request-id"), HEX32)
        again = self.call("GET", "/api/health")
        self.assertNotEqual(generated.header("x-request-id"), again.header("x-request-id"))
        echoed = self.call("GET", "/api/health", headers={"X-Request-ID": "e2e-trace-0042"})
        self.assertEqual(echoed.header("x-request-id"), "e2e-trace-0042")
        too_long = self.call("GET", "/api/health", headers={"X-Request-ID": "x" * 200})
        self.assertRegex(too_long.header("x-request-id"), HEX32)
        for reply in (generated, echoed):
            self.assertRegex(reply.header("x-response-time"), RESPONSE_TIME)

    def test_index_page(self):
        reply = self.call("GET", "/")
        self.assertEqual(reply.status, 200, reply)
        self.assertTrue(reply.header("content-type").startswith("text/html"))
        page = reply.body.decode("utf-8")
        self.assertIn("<form", page)
        self.assertIn("/api/search", page)
        self.assertIn("textContent", page)
        self.assertNotIn("innerHTML", page)
        self.assertNotRegex(page, r"(src|href)=\"https?://", "no external resources")
        self.assertRegex(reply.header("x-request-id"), HEX32)

    def test_collection_lifecycle(self):
        info = self.create_collection("e2e_life", {"embedder": {"type": "lexical",
                                                                "dimensions": 256}})
        self.assertEqual(info["name"], "e2e_life")
        self.assertEqual(info["documents"], 0)
        self.assertEqual(info["embedder"]["type"], "lexical")
        self.assertEqual(info["embedder"]["dimensions"], 256)
        self.assertIsInstance(info["embedder"]["fingerprint"], str)
        self.assertIsInstance(info["config"], dict)

        self.assert_error(self.call("PUT", "/api/collections/e2e_life"), 409, "already_exists")
        self.assert_error(self.call("PUT", "/api/collections/e2e_bad",
                                    {"embedder": {"dimensions": 3}}), 400, "invalid_argument")
        self.assert_error(self.call("PUT", "/api/collections/e2e_bad", {"embeder": {}}), 400)
        self.assert_error(self.call("PUT", "/api/collections/e2e_bad", "{not json"), 400)
        self.assert_error(self.call("PUT", "/api/collections/" + quote("../x")), 400,
                          "invalid_argument")
        self.assertEqual(self.call("GET", "/api/collections/e2e_bad").status, 404)

        got = self.call("GET", "/api/collections/e2e_life")
        self.assertEqual(got.status, 200, got)
        self.assertEqual(got.json()["name"], "e2e_life")
        listed = self.call("GET", "/api/collections")
        self.assertEqual(listed.status, 200, listed)
        names = [c["name"] for c in listed.json()["collections"]]
        self.assertIn("e2e_life", names)

        deleted = self.call("DELETE", "/api/collections/e2e_life")
        self.assertEqual(deleted.status, 200, deleted)
        self.assertEqual(deleted.json(), {"deleted": "e2e_life"})
        self.assert_error(self.call("GET", "/api/collections/e2e_life"), 404, "not_found")

    def test_empty_body_creates_with_defaults(self):
        info = self.create_collection("e2e_defaults")
        self.assertEqual(info["embedder"]["type"], "lexical")
        self.assertGreater(info["embedder"]["dimensions"], 0)

    def test_ingest_and_search(self):
        self.create_collection("e2e_docs")
        summary = self.ingest("e2e_docs", DOCUMENTS)
        self.assertEqual(summary["documents"], len(DOCUMENTS))
        self.assertEqual(summary["unchanged"], 0)
        self.assertGreaterEqual(summary["chunks"], len(DOCUMENTS))
        self.assertGreaterEqual(summary["generation"], 1)

        again = self.ingest("e2e_docs", DOCUMENTS)
        self.assertEqual(again["unchanged"], len(DOCUMENTS), "same content is skipped")
        self.assertEqual(again["documents"], 0)

        reply = self.call("POST", "/api/search",
                          {"query": "bees gather nectar to make honey in the hive",
                           "collection": "e2e_docs"},
                          headers={"X-Request-ID": "search-1"})
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual(reply.header("x-request-id"), "search-1")
        self.assertRegex(reply.header("x-response-time"), RESPONSE_TIME)
        result = reply.json()
        self.assertEqual(result["collection"], "e2e_docs")
        self.assertGreaterEqual(result["generation"], summary["generation"])
        self.assertIsInstance(result["took_ms"], (int, float))
        self.assertIn("embed_ms", result["timing"])
        self.assertIn("search_ms", result["timing"])
        hits = result["hits"]
        self.assertGreaterEqual(len(hits), 1)
        self.assertEqual(hits[0]["document_id"], "bees", hits)
        self.assertEqual(hits[0]["title"], "Honey bees")
        for hit in hits:
            self.assertIsInstance(hit["text"], str)
            self.assertTrue(hit["text"])
            self.assertIsInstance(hit["score"], (int, float))
            self.assertIsInstance(hit["chunk"], int)
            self.assertIsInstance(hit["heading"], str)
            self.assertIsInstance(hit["start"], int)
            self.assertIsInstance(hit["end"], int)
            self.assertGreater(hit["end"], hit["start"])
        scores = [hit["score"] for hit in hits]
        self.assertEqual(scores, sorted(scores, reverse=True))

        volcano = self.search({"query": "lava and magma eruption", "collection": "e2e_docs"})
        self.assertEqual(volcano["hits"][0]["document_id"], "volcano", volcano)
        chess = self.search({"query": "castling the king", "collection": "e2e_docs", "k": 1})
        self.assertEqual(len(chess["hits"]), 1)
        self.assertEqual(chess["hits"][0]["document_id"], "chess")

        info = self.call("GET", "/api/collections/e2e_docs").json()
        self.assertEqual(info["documents"], len(DOCUMENTS))
        self.assertGreaterEqual(info["chunks"], len(DOCUMENTS))

    def test_keyword_vector_hybrid_filters_grouping_highlight(self):
        self.create_collection("e2e_hybrid")
        docs = [dict(d) for d in DOCUMENTS]
        docs.append({"id": "bees-2", "title": "Bumble bees",
                     "text": "Bumble bees nest in the ground. Bees pollinate tomatoes.",
                     "metadata": {"topic": "insects", "year": 2019}})
        self.ingest("e2e_hybrid", docs)
        base = {"query": "bees and honey", "collection": "e2e_hybrid", "k": 5}
        modes = {}
        for mode in ("keyword", "vector", "hybrid"):
            result = self.search(dict(base, mode=mode, explain=True))
            self.assertEqual(result["mode"], mode)
            for key in ("keyword_ms", "vector_ms", "filter_ms", "fusion_ms", "fetch_ms"):
                self.assertIn(key, result["timing"])
            modes[mode] = [h["document_id"] for h in result["hits"]]
            self.assertTrue(result["hits"], mode)
            for hit in result["hits"]:
                # Chunk scores (docs/design/chunk-scores.md) in every mode.
                for score in ("importance", "semantic_density"):
                    # A number (Boost.JSON writes 0.0 as 0); never a bool or absent.
                    self.assertIsInstance(hit[score], (int, float), (mode, hit))
                    self.assertNotIsInstance(hit[score], bool, (mode, hit))
                    self.assertTrue(0 <= hit[score] <= 1, (mode, score, hit))
                explain = hit["explain"]
                present = [r for r in ("keyword", "vector") if explain[r] is not None]
                self.assertTrue(present, hit)
                if mode != "hybrid":
                    self.assertEqual(present, [mode], hit)
                shares = sum(explain[r]["share"] for r in present)
                if hit["score"] > 0 or mode != "hybrid":
                    self.assertAlmostEqual(shares, 1.0, places=6)
                else:  # a blend's last hit can score 0: nothing to share
                    self.assertEqual(shares, 0)
        self.assertEqual(set(modes["keyword"]), {"bees", "bees-2"}, "BM25 returns only matches")
        self.assertEqual(self.search(dict(base))["mode"], "hybrid", "the default mode")

        # A filter applies to both retrievers before fusion.
        filtered = self.search(dict(base, filter={"must": [
            {"key": "year", "range": {"lt": 2020}}]}))
        self.assertEqual([h["document_id"] for h in filtered["hits"]], ["bees-2"])
        none = self.search(dict(base, filter={"must": [
            {"key": "topic", "match": {"value": "geology"}}]}))
        self.assertEqual(none["hits"], [])

        grouped = self.search(dict(base, group_by="document", k=10))
        ids = [h["document_id"] for h in grouped["hits"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertTrue(all(h["matching_chunks"] >= 1 for h in grouped["hits"]))

        page1 = self.search(dict(base, k=2, offset=0, candidates=100))
        page2 = self.search(dict(base, k=2, offset=2, candidates=100))
        whole = self.search(dict(base, k=4, candidates=100))
        self.assertEqual([h["document_id"] for h in page1["hits"] + page2["hits"]],
                         [h["document_id"] for h in whole["hits"]])

        marked = self.search(dict(base, mode="keyword", k=1,
                                  highlight={"window": 80, "pre_tag": "<b>", "post_tag": "</b>"}))
        self.assertIn("<b>", marked["hits"][0]["snippet"])
        self.assertNotIn("snippet", self.search(dict(base, k=1))["hits"][0])

        for bad, mentions in (({"mode": "fuzzy"}, "mode"), ({"offset": 999}, "offset"),
                              ({"alpha": 3}, "alpha"), ({"candidates": 99999}, "candidates"),
                              ({"filter": {"must": [{"key": "x"}]}}, "filter"),
                              ({"filter": {"must_nt": []}}, "must_nt"),
                              ({"highlight": {"pre_tag": "x" * 200}}, "pre_tag")):
            self.assert_error(self.call("POST", "/api/search", dict(base, **bad)), 400,
                              "invalid_argument", mentions)
        stopwords = self.search(dict(base, query="the of and", mode="keyword"))
        self.assertEqual(stopwords["hits"], [])
        many = " ".join(f"t{i}" for i in range(3000))
        reply = self.call("POST", "/api/search", dict(base, query=many, mode="keyword"))
        self.assertIn(reply.status, (200, 400), reply)

    def test_chunk_scores(self):
        self.create_collection("e2e_scores")
        self.ingest("e2e_scores", [
            {"id": "repeat", "text": "Honey bees make honey. Bees make honey, honey."},
            {"id": "mixed", "text": "Honey bees make honey. Volcanoes erupt molten lava."},
            {"id": "common", "text": "Honey bees and honey. The bees and the honey."},
            {"id": "filler", "text": "Bees. It is in the, and it was to be."},
            {"id": "rare", "text": "Bees: telomerase shortens senescent fibroblast chromosomes."},
        ])
        hits = self.search({"query": "bees", "collection": "e2e_scores", "mode": "keyword",
                            "k": 10})["hits"]
        scores = {h["document_id"]: h for h in hits}
        self.assertEqual(set(scores), {"repeat", "mixed", "common", "filler", "rare"})
        for hit in hits:
            self.assertTrue(0 <= hit["importance"] <= 1, hit)
            self.assertTrue(0 <= hit["semantic_density"] <= 1, hit)
        # Sentences repeating the same terms agree; unrelated ones do not.
        self.assertAlmostEqual(scores["repeat"]["semantic_density"], 1.0, places=9)
        self.assertEqual(scores["mixed"]["semantic_density"], 0.0)
        # One sentence with terms (the other is all stopwords): 1 by definition.
        self.assertEqual(scores["filler"]["semantic_density"], 1.0)
        # Rare vocabulary outweighs words in every chunk.
        self.assertGreater(scores["rare"]["importance"], scores["common"]["importance"])

    def test_search_uses_default_collection(self):
        self.create_collection("e2e_default")
        self.ingest("e2e_default", [{"id": "only", "text": "Glaciers carve valleys slowly."}])
        result = self.search({"query": "glaciers carve valleys"})
        self.assertEqual(result["collection"], "e2e_default")
        self.assertEqual(result["hits"][0]["document_id"], "only")

    def test_search_validation(self):
        self.create_collection("e2e_valid")
        self.assert_error(self.call("POST", "/api/search", "{\"query\": "), 400,
                          "invalid_argument", "JSON")
        self.assert_error(self.call("POST", "/api/search", "[1, 2]"), 400, "invalid_argument")
        self.assert_error(self.call("POST", "/api/search", {"collection": "e2e_valid"}), 400,
                          "invalid_argument", "query")
        self.assert_error(self.call("POST", "/api/search", {"query": 12}), 400, mentions="query")
        self.assert_error(self.call("POST", "/api/search", {"query": ""}), 400, mentions="query")
        for k in (0, 100000, -3, 2.5, "10"):
            self.assert_error(self.call("POST", "/api/search",
                                        {"query": "x", "collection": "e2e_valid", "k": k}),
                              400, "invalid_argument", "k")
        self.assert_error(self.call("POST", "/api/search",
                                    {"query": "x", "collection": "e2e_valid", "top_k": 3}),
                          400, "invalid_argument", "top_k")
        self.assert_error(self.call("POST", "/api/search", {"query": "x" * 20000}), 400,
                          mentions="query")
        deep = "[" * 200 + "]" * 200
        self.assert_error(self.call("POST", "/api/search", '{"query": "x", "k": ' + deep + "}"),
                          400)
        self.assert_error(self.call("POST", "/api/search",
                                    {"query": "x", "collection": "no_such_collection"}),
                          404, "not_found")

    def test_documents_validation(self):
        self.create_collection("e2e_docval")
        path = "/api/collections/e2e_docval/documents?wait=true"
        self.assert_error(self.call("POST", path, {"documents": []}), 400, mentions="documents")
        self.assert_error(self.call("POST", path, {"documents": [{"text": "t"}]}), 400,
                          mentions="documents[0].id")
        self.assert_error(self.call("POST", path, {"documents": [{"id": "a", "text": 5}]}),
                          400, mentions="documents[0].text")
        self.assert_error(self.call("POST", path, {"documents": [
            {"id": "a", "text": "t", "metadata": [1]}]}), 400, mentions="metadata")
        self.assert_error(self.call("POST", path, {"documents": [
            {"id": "a", "text": "t", "media_type": "application/pdf"}]}), 400,
            mentions="media_type")
        self.assert_error(self.call("POST", path, {"documents": [
            {"id": "x" * 600, "text": "t"}]}), 400, mentions="id")
        self.assert_error(self.call("POST", "/api/collections/nope_missing/documents?wait=true",
                                    {"documents": [{"id": "a", "text": "t"}]}), 404)
        # Nothing of a rejected request was stored.
        self.assertEqual(self.call("GET", "/api/collections/e2e_docval").json()["documents"], 0)

    def test_snapshots_create_list_download_restore_delete(self):
        self.create_collection("e2e_snap")
        self.ingest("e2e_snap", [
            {"id": "kelp", "text": "Kelp forests shelter sea otters and urchins."},
            {"id": "reef", "text": "Coral reefs are built by colonies of tiny polyps."}])
        made = self.call("POST", "/api/collections/e2e_snap/snapshots")
        self.assertEqual(made.status, 201, made)
        snap = made.json()
        self.assertTrue(snap["name"].endswith(".qsnap"))
        listed = self.call("GET", "/api/collections/e2e_snap/snapshots").json()["snapshots"]
        self.assertEqual([s["name"] for s in listed], [snap["name"]])
        download = self.call("GET", f"/api/collections/e2e_snap/snapshots/{snap['name']}")
        self.assertEqual(download.status, 200, download)
        self.assertEqual(len(download.body), snap["bytes"])
        self.assertEqual(download.header("content-type"), "application/octet-stream")
        # A write after the snapshot is not in what it restores.
        self.ingest("e2e_snap", [{"id": "late", "text": "Written after the snapshot."}])
        restored = self.call("POST",
                             f"/api/collections/e2e_snap/snapshots/{snap['name']}/restore",
                             {"target": "e2e_snap_copy"})
        self.assertEqual(restored.status, 200, restored)
        self.assertEqual(restored.json()["documents"], 2)
        hits = self.search({"collection": "e2e_snap_copy", "query": "sea otters"})["hits"]
        self.assertEqual(hits[0]["document_id"], "kelp")
        self.assert_error(self.call(
            "POST", f"/api/collections/e2e_snap/snapshots/{snap['name']}/restore"), 409)
        self.assert_error(self.call(
            "POST", f"/api/collections/e2e_snap/snapshots/{snap['name']}/restore",
            {"target": "../evil"}), 400)
        self.assert_error(self.call(
            "POST", f"/api/collections/e2e_snap/snapshots/{snap['name']}/restore",
            {"replace": "yes"}), 400)
        self.assert_error(self.call("GET", "/api/collections/e2e_snap/snapshots/..%2F..%2FLOCK"),
                          400)
        self.assert_error(self.call("GET", "/api/collections/e2e_snap/snapshots/nope.qsnap"), 404)
        deleted = self.call("DELETE", f"/api/collections/e2e_snap/snapshots/{snap['name']}")
        self.assertEqual(deleted.status, 200, deleted)
        self.assertEqual(self.call("GET", "/api/collections/e2e_snap/snapshots").json(),
                         {"snapshots": []})

    def test_document_get_and_delete(self):
        self.create_collection("e2e_getdel")
        doc_id = "notes/a b"
        self.ingest("e2e_getdel", [
            {"id": doc_id, "title": "Tides", "source": "notes.txt",
             "text": "The moon pulls the oceans and raises the tides twice a day.",
             "metadata": {"lang": "en", "rank": 3}},
            {"id": "other", "text": "Trains run on steel rails between stations."},
        ])
        path = "/api/collections/e2e_getdel/documents/" + quote(doc_id)
        self.assertIn("%2F", path)
        got = self.call("GET", path)
        self.assertEqual(got.status, 200, got)
        info = got.json()
        self.assertEqual(info["id"], doc_id)
        self.assertEqual(info["title"], "Tides")
        self.assertEqual(info["metadata"], {"lang": "en", "rank": 3})
        self.assertGreaterEqual(info["chunk_count"], 1)

        found = self.search({"query": "moon tides oceans", "collection": "e2e_getdel"})
        self.assertEqual(found["hits"][0]["document_id"], doc_id)

        deleted = self.call("DELETE", path)
        self.assertEqual(deleted.status, 200, deleted)
        self.assert_error(self.call("GET", path), 404, "not_found")
        after = self.search({"query": "moon tides oceans", "collection": "e2e_getdel"})
        self.assertNotIn(doc_id, [hit["document_id"] for hit in after["hits"]])
        self.assert_error(self.call("GET", "/api/collections/e2e_getdel/documents/%zz"), 400)

    def test_unknown_route_and_wrong_method(self):
        self.assert_error(self.call("GET", "/api/nothing-here"), 404, "not_found")
        self.assert_error(self.call("GET", "/api/collections/a/b/c/d"), 404)
        reply = self.call("DELETE", "/api/search")
        self.assert_error(reply, 405)
        self.assertEqual(reply.header("allow"), "POST")
        reply = self.call("POST", "/api/collections/e2e_any")
        self.assert_error(reply, 405)
        self.assertEqual(set(reply.header("allow").split(", ")), {"GET", "PUT", "DELETE"})

    def test_body_over_limit_is_refused_before_it_is_sent(self):
        # Declare a megabyte against a 64 KiB limit, send only the header and a
        # few bytes, then wait: the answer must come without the rest.
        head = (b"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nX-Request-ID: too-big-1\r\n"
                b"Content-Length: 1048576\r\n\r\n")
        answer = self.server.raw(head + b'{"query": "')
        self.assertTrue(answer.startswith(b"HTTP/1.1 413"), answer[:200])
        self.assertIn(b"X-Request-ID: too-big-1", answer)
        self.assertIn(b"resource_exhausted", answer)
        self.assertIn(b"Connection: close", answer)

    def test_chunked_body_over_limit(self):
        chunk = b"x" * 40000
        payload = (b"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n")
        for _ in range(2):
            payload += b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        answer = self.server.raw(payload)
        self.assertTrue(answer.startswith(b"HTTP/1.1 413"), answer[:200])

    def test_body_under_limit_is_read(self):
        self.create_collection("e2e_near_limit")
        text = "word " * 11000  # ~55 KB of body, under the 64 KiB limit
        summary = self.ingest("e2e_near_limit", [{"id": "big", "text": text}])
        self.assertEqual(summary["documents"], 1)

    def test_garbage_gets_400_or_close_never_a_hang(self):
        for garbage in (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n",
                        b"THIS IS NOT HTTP\r\n\r\n",
                        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: zebra\r\n\r\n",
                        b"\x00" * 64 + b"\r\n\r\n"):
            try:
                answer = self.server.raw(garbage)
            except socket.timeout:
                self.fail(f"server hung on {garbage[:20]!r}")
            self.assertTrue(answer == b"" or answer.startswith(b"HTTP/1.1 400"),
                            f"{garbage[:20]!r} -> {answer[:200]!r}")
        self.assertEqual(self.call("GET", "/api/health").status, 200)

    def test_huge_header_is_431(self):
        payload = (b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 20000 +
                   b"\r\n\r\n")
        answer = self.server.raw(payload)
        self.assertTrue(answer.startswith(b"HTTP/1.1 431"), answer[:200])

    def test_keep_alive_and_pipelining(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=SOCKET_TIMEOUT_S)
        try:
            for _ in range(3):
                conn.request("GET", "/api/health")
                response = conn.getresponse()
                response.read()
                self.assertEqual(response.status, 200)
                self.assertFalse(response.will_close)
        finally:
            conn.close()

        pipelined = (b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Request-ID: p-1\r\n\r\n"
                     b"GET /api/missing HTTP/1.1\r\nHost: x\r\nX-Request-ID: p-2\r\n\r\n"
                     b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Request-ID: p-3\r\n"
                     b"Connection: close\r\n\r\n")
        answer = self.server.raw(pipelined).decode("utf-8", "replace")
        statuses = re.findall(r"HTTP/1\.1 (\d{3}) ", answer)
        ids = re.findall(r"^X-Request-ID: (\S+)", answer, re.M)
        self.assertEqual(statuses, ["200", "404", "200"], answer)
        self.assertEqual(ids, ["p-1", "p-2", "p-3"], answer)

    def test_access_log_line_per_request(self):
        request_id = "e2e-log-%d" % os.getpid()
        self.call("GET", "/api/nothing?token=secret", headers={"X-Request-ID": request_id})
        deadline = time.monotonic() + 10
        record = None
        while record is None and time.monotonic() < deadline:
            for line in self.server.log_text().splitlines():
                if request_id not in line:
                    continue
                try:
                    parsed = json.loads(line)
                except ValueError:
                    self.fail(f"access log line is not JSON: {line!r}")
                if parsed.get("msg") == "access" and parsed.get("request_id") == request_id:
                    record = parsed
            if record is None:
                time.sleep(0.05)
        self.assertIsNotNone(record, "no access log line for the request")
        self.assertEqual(record["method"], "GET")
        self.assertEqual(record["path"], "/api/nothing")  # no query string in logs
        self.assertEqual(record["status"], 404)
        for field in ("duration_ms", "bytes_in", "bytes_out"):
            self.assertIsInstance(record[field], (int, float), field)
        self.assertGreater(record["bytes_out"], 0)

    def test_log_injection_is_escaped(self):
        request_id = "e2e-inject-%d" % os.getpid()
        # A path carrying a would-be log line (the URL encoding is decoded by
        # nothing on the way to the log; the raw bytes must stay inside one line).
        with socket.create_connection(("127.0.0.1", self.server.port),
                                      timeout=SOCKET_TIMEOUT_S) as s:
            s.sendall(b'GET /x"}{"msg":"forged HTTP/1.1\r\nHost: x\r\nX-Request-ID: ' +
                      request_id.encode() + b"\r\nConnection: close\r\n\r\n")
            while s.recv(65536):
                pass
        deadline = time.monotonic() + 10
        lines = []
        while not lines and time.monotonic() < deadline:
            lines = [l for l in self.server.log_text().splitlines() if request_id in l]
            if not lines:
                time.sleep(0.05)
        self.assertTrue(lines, "no log line for the request")
        for line in lines:
            record = json.loads(line)
            self.assertNotEqual(record.get("msg"), "forged")


class LifecycleTest(unittest.TestCase):
    """Shutdown on signals and restart over the same data directory."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="quarry-http-e2e-life-")
        self.data_dir = os.path.join(self._tmp.name, "data")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.kill()
        self._tmp.cleanup()

    def start(self, *extra_args):
        server = Server(self.data_dir, os.path.join(self._tmp.name, "server.log"), *extra_args)
        self.servers.append(server)
        return server.start()

    def test_sigterm_then_restart_keeps_documents(self):
        server = self.start()
        self.assertEqual(server.request("PUT", "/api/collections/persist").status, 201)
        reply = server.request("POST", "/api/collections/persist/documents?wait=true",
                               {"documents": DOCUMENTS})
        self.assertEqual(reply.status, 200, reply)
        before = server.request("POST", "/api/search",
                                {"query": "sourdough starter yeast", "collection": "persist"})
        self.assertEqual(before.json()["hits"][0]["document_id"], "sourdough", before)

        code = server.stop(signal.SIGTERM)
        self.assertEqual(code, 0, f"exit code on SIGTERM; stderr:\n{server.log_text()[-4000:]}")

        restarted = self.start()
        after = restarted.request("POST", "/api/search",
                                  {"query": "sourdough starter yeast", "collection": "persist"})
        self.assertEqual(after.status, 200, after)
        self.assertEqual(after.json()["hits"][0]["document_id"], "sourdough", after)
        doc = restarted.request("GET", "/api/collections/persist/documents/bees")
        self.assertEqual(doc.status, 200, doc)
        self.assertEqual(doc.json()["metadata"], {"topic": "insects", "year": 2021})
        info = restarted.request("GET", "/api/collections/persist").json()
        self.assertEqual(info["documents"], len(DOCUMENTS))
        self.assertEqual(restarted.stop(signal.SIGTERM), 0)

    def test_sigint_exits_cleanly_with_an_idle_connection_open(self):
        server = self.start()
        # An idle keep-alive connection must not hold up shutdown.
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=SOCKET_TIMEOUT_S)
        try:
            conn.request("GET", "/api/health")
            response = conn.getresponse()
            response.read()
            self.assertEqual(response.status, 200)
            code = server.stop(signal.SIGINT)
            self.assertEqual(code, 0, f"exit code on SIGINT; stderr:\n{server.log_text()[-4000:]}")
        finally:
            conn.close()
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=SOCKET_TIMEOUT_S).close()

    def test_port_in_use_fails_clearly(self):
        first = self.start()
        other_data = os.path.join(self._tmp.name, "other")
        proc = subprocess.run([quarry_bin(), "serve", "--data", other_data, "--host", "127.0.0.1",
                               "--port", str(first.port)],
                              capture_output=True, timeout=START_TIMEOUT_S)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(b"in use", proc.stderr + proc.stdout)
        self.assertEqual(first.stop(signal.SIGTERM), 0)


if __name__ == "__main__":
    quarry_bin()  # fail early and clearly when unset
    unittest.main(verbosity=2)
