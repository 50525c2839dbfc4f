// @uses helpers
// Elderly-mode probe, first look: remembers where each visible fixed/absolute box is, so the
// second look (elderly_inspect.js) can tell which ones move by themselves. Scans the first 30 000
// elements (elderly_inspect.js records the cut: the same scan of the same page).
() => {
  const boxes = [];
  for (const el of Array.from(body.querySelectorAll("*")).slice(0, 30000)) {
    const st = getComputedStyle(el);
    if (st.position !== "fixed" && st.position !== "absolute") continue;
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 60 || r.height < 40) continue;
    el.__elderlyPos = [r.left + sx, r.top + sy];
    boxes.push(el);
  }
  window.__elderlyBoxes = boxes;
  return boxes.length;
}
