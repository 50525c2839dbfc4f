// Init script (context.add_init_script), run before any page script: remembers when the DOM last
// changed and counts pending work that is about to change it (short timers, XHR, fetch), so
// settling (settle.js) stops as soon as the page is quiet instead of always waiting for network
// idle. Vendor footers arrive by all three routes. Also counts the pop-ups the page tries to open.
(() => {
  const w = window;
  if (w.__auditorSetTimeout) return;
  w.__auditorLastMutation = performance.now();
  w.__auditorPending = 0;
  // Pop-ups the page tries to open (the browser blocks those not opened by a click).
  w.__auditorOpened = 0;
  const wopen = w.open;
  w.open = function (...a) { w.__auditorOpened++; return wopen.apply(this, a); };
  const st = w.setTimeout, ct = w.clearTimeout;
  w.__auditorSetTimeout = st.bind(w);
  const open = new Map();
  const settle = (id) => { if (open.delete(id)) w.__auditorPending--; };
  // Watched from DOMContentLoaded on: mutations while the parser builds a huge page (100 000
  // links) cost seconds and say nothing about JS-written footers, which come later.
  const watch = () => {
    w.__auditorLastMutation = performance.now();
    new MutationObserver(() => { w.__auditorLastMutation = performance.now(); })
      .observe(document, {subtree: true, childList: true, characterData: true});
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch, {once: true});
  else watch();
  w.setTimeout = function (fn, ms, ...rest) {
    if ((Number(ms) || 0) > 1000) return st.call(w, fn, ms, ...rest);
    const run = typeof fn === "function" ? fn : () => (0, eval)(String(fn));
    let id;
    id = st.call(w, function () { settle(id); return run.apply(this, rest); }, ms);
    open.set(id, true);
    w.__auditorPending++;
    return id;
  };
  w.clearTimeout = function (id) { settle(id); return ct.call(w, id); };
  if (w.fetch) {
    const f = w.fetch;
    w.fetch = function (...a) {
      w.__auditorPending++;
      return f.apply(this, a).finally(() => { w.__auditorPending--; });
    };
  }
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...a) {
    w.__auditorPending++;
    this.addEventListener("loadend", () => { w.__auditorPending--; }, {once: true});
    return send.apply(this, a);
  };
})()
