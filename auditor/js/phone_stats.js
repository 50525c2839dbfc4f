// @uses helpers
// Main-text font statistics at the current viewport: every visible text node outside header,
// footer and navigation, grouped by its element. main_font_px is the median size weighted by
// characters; small_text lists (at most `cap`) the elements drawn under minPx.
([minPx, cap]) => {
  // Lists and scans cut to their caps, with how many there were (as gather.js records them).
  const truncated = {};
  const cut = (name, total, cap) => { if (total > cap) truncated[name] = total; };
  const SKIP_TAG = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|HEADER|FOOTER|NAV|SELECT|OPTION|TEXTAREA)$/;
  const SKIP_ROLE = /^(banner|contentinfo|navigation)$/;
  const SKIP_NAME = /(^|[\s_-])(foot|footer|copyright|banquan|bottom|nav|navbar|menu|header|head|top)([\s_-]|$)/i;
  const excluded = new Map();
  const isExcluded = (el) => {
    const chain = [];
    let e = el, verdict = false;
    while (e && e !== body && e !== de) {
      if (excluded.has(e)) { verdict = excluded.get(e); break; }
      chain.push(e);
      if (SKIP_TAG.test(e.tagName) || SKIP_ROLE.test(e.getAttribute("role") || "") || SKIP_NAME.test(classId(e))) {
        verdict = true; break;
      }
      e = e.parentElement;
    }
    for (const c of chain) excluded.set(c, verdict);
    return verdict;
  };
  const perEl = new Map();
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let n, count = 0;
  while ((n = walker.nextNode()) && count < 30000) {
    count++;
    const text = (n.nodeValue || "").replace(/\s+/g, "");
    if (!text) continue;
    const el = n.parentElement;
    if (!el || isExcluded(el)) continue;
    const entry = perEl.get(el);
    if (entry) { entry.chars += text.length; continue; }
    if (!visible(el)) { perEl.set(el, { chars: 0 }); continue; }
    perEl.set(el, { chars: text.length, px: parseFloat(getComputedStyle(el).fontSize) || 0 });
  }
  if (n) {  // stopped at the cap: count the text nodes left unread
    let more = count + 1;
    while (walker.nextNode()) more++;
    cut("text_nodes", more, 30000);
  }
  const rows = [];
  for (const [el, e] of perEl) if (e.chars > 0 && e.px > 0) rows.push([el, e]);
  const sizes = rows.map(([, e]) => [e.px, e.chars]).sort((a, b) => a[0] - b[0]);
  const total = sizes.reduce((s, x) => s + x[1], 0);
  let median = 0, acc = 0;
  for (const [px, chars] of sizes) { acc += chars; if (acc * 2 >= total) { median = px; break; } }
  // The longest text drawn at the median size: where evidence about the body text should point.
  let sample = null;
  for (const [el, e] of rows) if (e.px === median && (!sample || e.chars > sample[1])) sample = [el, e.chars];
  const small = rows.filter(([, e]) => e.px < minPx - 0.01)
    .sort((a, b) => a[1].px - b[1].px || b[1].chars - a[1].chars);
  cut("small_text", small.length, cap);
  return {
    main_font_px: median,
    main_sample: sample ? { selector: selectorOf(sample[0]), rect: rectOf(sample[0]) } : null,
    main_text_chars: total,
    small_text_chars: small.reduce((s, [, e]) => s + e.chars, 0),
    small_text_total: small.length,
    small_text: small.slice(0, cap).map(([el, e]) => ({
      selector: selectorOf(el), text: clean(el.textContent, 40), font_px: e.px, rect: rectOf(el),
    })),
    truncated,
  };
}
