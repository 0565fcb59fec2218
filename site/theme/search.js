// Search the course: the search page reads ?q= and lists the sections that contain every
// word of the query (the index is MyST's search records, written to search.json).
(function () {
  "use strict";
  const results = document.getElementById("search-results");
  if (!results) return;
  const root = "../";
  const query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  const input = document.querySelector(".search-form input");
  if (input) input.value = query;

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  }

  function snippet(text, words) {
    const lower = text.toLowerCase();
    const at = Math.max(0, lower.indexOf(words[0]) - 60);
    let piece = escapeHtml(text.slice(at, at + 220).replace(/\s+/g, " "));
    for (const word of words) {
      const pattern = new RegExp("(" + escapeRegExp(word) + ")", "gi");
      piece = piece.replace(pattern, "<mark>$1</mark>");
    }
    return (at > 0 ? "… " : "") + piece + " …";
  }

  // Every word must occur; the whole phrase in a title counts most, and a glossary entry
  // (a definition, written as "**term**:") comes before the sections that use the term.
  function score(record, phrase, words) {
    const title = record.title.toLowerCase();
    const text = record.text.toLowerCase();
    if (!words.every((w) => title.includes(w) || text.includes(w))) return 0;
    const defines = record.url.startsWith("glossary/") && new RegExp("(^|\\n)" + escapeRegExp(phrase) + "\\b[^\\n]*:").test(text);
    return (defines ? 20 : 0) + (title.includes(phrase) ? 10 : 0) + (text.includes(phrase) ? 5 : 0) +
      words.filter((w) => title.includes(w)).length;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function show(records) {
    if (!query) {
      results.innerHTML = "<p>Type a word or a phrase in the search box.</p>";
      return;
    }
    const phrase = query.toLowerCase();
    const words = phrase.split(/\s+/).filter(Boolean);
    const hits = records
      .map((r) => ({record: r, score: score(r, phrase, words)}))
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score)
      .filter((h, i, all) => all.findIndex((o) => o.record.url === h.record.url) === i)
      .slice(0, 30);
    const heading = `<p class="search-summary">${hits.length} result${hits.length === 1 ? "" : "s"} for “${escapeHtml(query)}”</p>`;
    results.innerHTML = heading + "<ol>" + hits.map((h) =>
      `<li><a href="${root}${h.record.url}">${escapeHtml(h.record.title)}</a>` +
      (h.record.text ? `<br><span class="search-snippet">${snippet(h.record.text, words)}</span>` : "") +
      "</li>").join("") + "</ol>";
  }

  fetch(root + "search.json")
    .then((response) => response.json())
    .then(show)
    .catch(() => { results.textContent = "The search index could not be loaded."; });
})();
