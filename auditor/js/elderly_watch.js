// Init script for the elderly-mode probe, run before any page script: records window.open calls
// and which elements were added or shown after the load event, so pop-ups that appear later can
// be told from the page's own layout (read by elderly_inspect.js).
(() => {
  if (window.__elderlyWatch) return;
  const w = window.__elderlyWatch = { opened: [], late: new WeakSet(), loaded: false };
  const open = window.open;
  window.open = function (url, ...rest) {
    w.opened.push(String(url || "").slice(0, 300));
    return open.call(this, url, ...rest);
  };
  addEventListener("load", () => { w.loaded = true; });
  new MutationObserver((records) => {
    if (!w.loaded) return;
    for (const r of records) {
      if (r.type === "childList") r.addedNodes.forEach((n) => { if (n.nodeType === 1) w.late.add(n); });
      else if (r.target.nodeType === 1) w.late.add(r.target);  // style/class change: shown later
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["style", "class", "hidden"] });
})()
