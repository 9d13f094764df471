/* The book's search (replaces Sphinx's searchtools.js; installed by dtbook/sphinx_search.py).
 *
 * On search.html?q=... it loads the index (_static/dt-search-index.js, written at build time by
 * dtbook/search.py) with a <script> tag, so it works from a server and from file:// alike, and lists every
 * page whose text holds every term of the query as a contiguous substring: a query is split on spaces only,
 * so a Chinese phrase typed without spaces is one term. Latin letters match in either case.
 * Ranking: title equal to the query, then terms found in the title, then in a section heading, then
 * occurrences; ties keep the book's order. Page text is data: every result is built with textContent and
 * createElement, never as markup.
 *
 * The theme loads this file on every page; elsewhere than the search page it does nothing. Sphinx's own
 * index (searchindex.js) still loads there and calls Search.setIndex, which is accepted and ignored.
 */
"use strict";

window.Search = { setIndex: () => {} };

(() => {
  const INDEX_URL = new URL("dt-search-index.js", document.currentScript.src).href;
  const CONTEXT = 60; // characters of snippet either side of the first occurrence
  const TEXT = {
    searching: "正在搜索……",
    results: "搜索结果",
    found: (n) => `搜索完成，匹配到 ${n} 页。`,
    none: "没有找到包含全部搜索词的页面。请检查用字，或减少搜索词。",
    failed: "搜索索引未能加载。",
  };

  // Lower case that keeps every string's length, so offsets in the lowered text are offsets in the text.
  const lower = (text) =>
    text.replace(/\p{Lu}/gu, (c) => {
      const l = c.toLowerCase();
      return l.length === c.length ? l : c;
    });

  const terms = (query) => [...new Set(lower(query).split(/\s+/).filter((t) => t))];

  const count = (text, term) => {
    let n = 0;
    for (let i = text.indexOf(term); i !== -1; i = text.indexOf(term, i + term.length)) n++;
    return n;
  };

  const bare = (title) => title.replace(/^[\d.]+\s+/, "");

  /** Matching pages, best first: [{page, anchor, position, length}]. */
  const search = (pages, query) => {
    const wanted = terms(query);
    if (!wanted.length) return [];
    const whole = wanted.join(" ");
    const hits = [];
    pages.forEach((page, order) => {
      page.lowerText ??= lower(page.text);
      page.lowerTitle ??= lower(page.title);
      page.lowerHeadings ??= page.headings.map(([text]) => lower(text));
      const counts = wanted.map((term) => count(page.lowerText, term));
      if (counts.some((n) => n === 0)) return;
      const inHeadings = page.lowerHeadings.map((h) => wanted.filter((t) => h.includes(t)).length);
      const best = inHeadings.indexOf(wanted.length);
      const some = page.lowerHeadings.findIndex((h) => h.includes(wanted[0]));
      const heading = best !== -1 ? best : some;
      const first = wanted
        .map((term) => [page.lowerText.indexOf(term), term.length])
        .reduce((a, b) => (b[0] < a[0] ? b : a));
      hits.push({
        page,
        order,
        anchor: heading === -1 ? "" : page.headings[heading][1],
        position: first[0],
        length: first[1],
        score: [
          bare(page.lowerTitle).split(/\s+/).join(" ") === whole ? 1 : 0,
          wanted.filter((t) => page.lowerTitle.includes(t)).length,
          Math.max(0, ...inHeadings),
          counts.reduce((a, b) => a + b, 0),
        ],
      });
    });
    const rank = (a, b) => {
      for (let i = 0; i < a.score.length; i++) if (a.score[i] !== b.score[i]) return b.score[i] - a.score[i];
      return a.order - b.order;
    };
    return hits.sort(rank);
  };

  /** ±CONTEXT characters around the first occurrence, every term marked; built from text nodes only. */
  const snippet = (hit, wanted) => {
    const text = hit.page.text;
    const start = Math.max(0, hit.position - CONTEXT);
    const end = Math.min(text.length, hit.position + hit.length + CONTEXT);
    const shown = text.slice(start, end).replace(/\s+/g, " ");
    const shownLower = lower(shown);
    const context = document.createElement("p");
    context.className = "context";
    if (start > 0) context.append("…");
    let at = 0;
    while (at < shown.length) {
      let next = -1;
      let term = "";
      for (const t of wanted) {
        const i = shownLower.indexOf(t, at);
        if (i !== -1 && (next === -1 || i < next || (i === next && t.length > term.length))) [next, term] = [i, t];
      }
      if (next === -1) break;
      if (next > at) context.append(shown.slice(at, next));
      const mark = document.createElement("mark");
      mark.textContent = shown.slice(next, next + term.length);
      context.append(mark);
      at = next + term.length;
    }
    context.append(shown.slice(at));
    if (end < text.length) context.append("…");
    return context;
  };

  const show = (out, query) => {
    const wanted = terms(query);
    const hits = search(window.DT_SEARCH.pages, query);
    const root = document.documentElement.dataset.content_root || "";
    const list = document.createElement("ul");
    list.className = "search";
    for (const hit of hits) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = root + hit.page.url + (hit.anchor ? `#${encodeURIComponent(hit.anchor)}` : "");
      link.textContent = hit.page.title;
      item.append(link, snippet(hit, wanted));
      list.append(item);
    }
    out.title.textContent = TEXT.results;
    out.summary.textContent = hits.length ? TEXT.found(hits.length) : TEXT.none;
    out.list.replaceWith(list);
  };

  const start = () => {
    const results = document.getElementById("search-results");
    if (!results || typeof DOCUMENTATION_OPTIONS === "undefined" || DOCUMENTATION_OPTIONS.pagename !== "search") return;
    const query = new URLSearchParams(window.location.search).get("q") || "";
    document.querySelectorAll('input[name="q"]').forEach((input) => (input.value = query));
    if (!query.trim()) return;
    const out = {
      title: document.createElement("h2"),
      summary: document.createElement("p"),
      list: document.createElement("ul"),
    };
    out.title.textContent = TEXT.searching;
    out.summary.className = "search-summary";
    out.summary.setAttribute("role", "status");
    results.replaceChildren(out.title, out.summary, out.list);
    if (window.DT_SEARCH) return show(out, query);
    const script = document.createElement("script");
    script.src = INDEX_URL;
    script.addEventListener("load", () => show(out, query));
    script.addEventListener("error", () => (out.summary.textContent = TEXT.failed));
    document.head.append(script);
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
