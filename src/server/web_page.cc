#include "server/web_page.h"

namespace quarry::server {
namespace {

constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'">
<title>Quarry</title>
<style>
  body { font: 16px/1.45 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  form { display: flex; gap: .5rem; }
  input[type=search] { flex: 1; padding: .5rem .7rem; font-size: 1rem; border: 1px solid #aaa; border-radius: 4px; }
  button { padding: .5rem 1rem; font-size: 1rem; }
  #status { color: #666; margin: .8rem 0; min-height: 1.2em; }
  #status.error { color: #b00020; }
  .hit { border-top: 1px solid #ddd; padding: .8rem 0; }
  .hit h2 { font-size: 1.05rem; margin: 0 0 .2rem; }
  .meta { color: #666; font-size: .85rem; margin-bottom: .3rem; }
  .text { white-space: pre-wrap; margin: 0; }
</style>
</head>
<body>
<h1>Quarry</h1>
<form id="search-form">
  <input id="query" type="search" name="query" placeholder="Search the default collection" autofocus required>
  <select id="mode" aria-label="Search mode">
    <option value="hybrid">hybrid</option>
    <option value="keyword">keyword</option>
    <option value="vector">vector</option>
  </select>
  <button type="submit">Search</button>
</form>
<div id="status" role="status"></div>
<div id="hits"></div>
<script>
"use strict";
(function () {
  const form = document.getElementById("search-form");
  const input = document.getElementById("query");
  const status = document.getElementById("status");
  const hits = document.getElementById("hits");
  const mode = document.getElementById("mode");

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function showStatus(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  // The snippet is HTML the server made (the chunk's text escaped, matched
  // words in <mark>). It is parsed in an inert document and only its text
  // and <mark> elements are copied, as text: no markup of a document can
  // reach the page even if the server were wrong.
  function snippet(html) {
    const p = element("p", "text");
    const parsed = new DOMParser().parseFromString(html, "text/html");
    for (const node of parsed.body.childNodes) {
      if (node.nodeName === "MARK") {
        p.appendChild(element("mark", "", node.textContent));
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    }
    return p;
  }

  function render(answer) {
    hits.replaceChildren();
    const list = Array.isArray(answer.hits) ? answer.hits : [];
    showStatus(list.length + (list.length === 1 ? " hit" : " hits") + " in " +
               answer.took_ms + " ms from collection " + answer.collection, false);
    for (const hit of list) {
      const item = element("div", "hit");
      item.appendChild(element("h2", "", hit.title || hit.document_id));
      let meta = "document " + hit.document_id + " \u00b7 chunk " + hit.chunk +
                 " \u00b7 score " + Number(hit.score).toFixed(4);
      if (hit.page) meta += " \u00b7 page " + hit.page;
      if (hit.heading) meta += " \u00b7 " + hit.heading;
      item.appendChild(element("div", "meta", meta));
      item.appendChild(typeof hit.snippet === "string" ? snippet(hit.snippet)
                                                       : element("p", "text", hit.text));
      hits.appendChild(item);
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const query = input.value.trim();
    if (!query) return;
    showStatus("Searching\u2026", false);
    try {
      const reply = await fetch("/api/search", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({query: query, k: 10, mode: mode.value, highlight: {window: 300}}),
      });
      const answer = await reply.json();
      if (!reply.ok) {
        hits.replaceChildren();
        const message = answer && answer.error ? answer.error.message : reply.statusText;
        showStatus("Error " + reply.status + ": " + message, true);
        return;
      }
      render(answer);
    } catch (error) {
      hits.replaceChildren();
      showStatus("Request failed: " + error, true);
    }
  });

  // A link like /?q=chunk+size runs that search on load (shareable searches).
  const params = new URLSearchParams(window.location.search);
  if (["hybrid", "keyword", "vector"].includes(params.get("mode"))) mode.value = params.get("mode");
  const initial = params.get("q");
  if (initial) {
    input.value = initial;
    form.requestSubmit();
  }
})();
</script>
</body>
</html>
)html";

}  // namespace

std::string_view WebPageHtml() { return kPage; }

}  // namespace quarry::server
