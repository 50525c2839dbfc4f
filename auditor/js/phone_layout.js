// @uses helpers
// Phone layout: the viewport meta, layout and document sizes, and the outermost elements that
// stick out past the layout viewport (only when the document really scrolls sideways), widest
// first, at most `cap`.
([cap]) => {
  // Lists and scans cut to their caps, with how many there were (as gather.js records them).
  const truncated = {};
  const cut = (name, total, cap) => { if (total > cap) truncated[name] = total; };
  const meta = document.querySelector('meta[name="viewport" i]');
  const vw = de.clientWidth;
  const docW = Math.max(de.scrollWidth, body.scrollWidth);
  // Content height, not the (zoomed-out) viewport's: a page wider than the phone makes the
  // layout viewport taller, which would otherwise pad the screenshot with blank space.
  let contentBottom = 0;
  for (const c of [body, ...Array.from(body.children)]) {
    const r = c.getBoundingClientRect();
    if (r.height > 0) contentBottom = Math.max(contentBottom, r.bottom + sy);
  }
  const docH = Math.ceil(Math.max(body.scrollHeight, contentBottom));
  const out = [];
  let total = 0;
  if (docW > vw + 1) {
    const sticksOut = (el) => el.getBoundingClientRect().right + sx > vw + 1;
    const all = body.querySelectorAll("*");
    cut("elements", all.length, 30000);
    const els = [body, ...Array.from(all).slice(0, 30000)];
    for (const el of els) {
      if (!sticksOut(el) || !visible(el)) continue;
      const st = getComputedStyle(el);
      if (st.position === "fixed") continue;  // fixed boxes do not widen the document
      const p = el.parentElement;
      // Report the outermost offender only: skip an element whose parent sticks out too.
      if (p && p !== de && sticksOut(p) && visible(p)) continue;
      // An ancestor that clips horizontally inside the viewport hides the overflow.
      let clipped = false;
      for (let a = p; a && a !== body && a !== de; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible" && !sticksOut(a)) { clipped = true; break; }
      }
      if (clipped) continue;
      total++;
      const r = rectOf(el);
      out.push({ selector: selectorOf(el), rect: r, width: r.width, right: r.x + r.width,
                 snippet: (el.outerHTML || "").slice(0, 200) });
    }
    out.sort((a, b) => b.right - a.right || b.rect.width * b.rect.height - a.rect.width * a.rect.height);
  }
  cut("overflow", out.length, cap);
  return {
    viewport_meta: meta ? meta.getAttribute("content") || "" : null,
    layout_width: vw,
    document_width: docW,
    document_height: docH,
    overflow_total: total,
    overflow: out.slice(0, cap),
    truncated,
  };
}
