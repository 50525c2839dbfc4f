// Runs in the page after axe-core is injected: configures the Chinese locale, runs axe, then
// reduces the result to what the checks need: capped nodes (nodes_total/nodes_cut say how many
// there were), short snippets and document-coordinate rects.
async ([options, locale, cap, snippetMax]) => {
  const started = performance.now();
  if (!window.axe || typeof window.axe.run !== "function") throw new Error("axe 未能注入页面");
  if (locale) { try { window.axe.configure({ locale }); } catch (e) { /* keep English */ } }
  const sx0 = window.scrollX, sy0 = window.scrollY;
  const res = await window.axe.run(document, options);
  if (window.scrollX !== sx0 || window.scrollY !== sy0) window.scrollTo(sx0, sy0);

  // Walk a target path (frames, then the element) and add up offsets into document coordinates.
  const targetRect = (path) => {
    let doc = document, dx = window.scrollX, dy = window.scrollY, el = null;
    for (let i = 0; i < path.length; i++) {
      const part = path[i];
      try {
        if (Array.isArray(part)) {  // shadow DOM: host selector, then selectors inside its root
          let root = doc;
          for (const s of part) { el = root.querySelector(s); root = el && el.shadowRoot ? el.shadowRoot : el; if (!el) break; }
        } else {
          el = doc.querySelector(part);
        }
      } catch (e) { el = null; }
      if (!el) return null;
      if (i < path.length - 1) {  // a frame: continue inside it, if it is same-origin
        const r = el.getBoundingClientRect();
        let inner = null;
        try { inner = el.contentDocument; } catch (e) { inner = null; }
        if (!inner) return { x: r.left + dx, y: r.top + dy, width: r.width, height: r.height, frame_only: true };
        dx += r.left + el.clientLeft; dy += r.top + el.clientTop;
        doc = inner;
      }
    }
    const r = el.getBoundingClientRect();
    if (r.width <= 0 && r.height <= 0) return null;
    return { x: r.left + dx, y: r.top + dy, width: r.width, height: r.height };
  };
  const label = (path) => path.map((p) => Array.isArray(p) ? p.join(" >>> ") : p).join(" >>> ");
  const simplify = (item) => ({
    id: item.id,
    impact: item.impact || null,
    help: item.help,
    description: item.description,
    helpUrl: item.helpUrl,
    tags: item.tags,
    nodes_total: item.nodes.length,
    nodes_cut: Math.max(0, item.nodes.length - cap),
    nodes: item.nodes.slice(0, cap).map((n) => ({
      target: label(n.target),
      target_path: n.target,
      html: (n.html || "").slice(0, snippetMax),
      impact: n.impact || null,
      rect: targetRect(n.target),
      failureSummary: n.failureSummary || "",
    })),
  });
  return {
    version: window.axe.version,
    locale: locale ? locale.lang : "en",
    url: res.url,
    violations: res.violations.map(simplify),
    incomplete: res.incomplete.map(simplify),
    passes: res.passes.length,
    inapplicable: res.inapplicable.length,
    run_ms: Math.round(performance.now() - started),
  };
}
