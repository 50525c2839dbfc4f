// Resolves once the DOM has been quiet for quietMs with no pending timer/XHR/fetch (counted by
// settle_probe.js), or after maxMs at most; resolves to the milliseconds waited.
([quietMs, maxMs]) => new Promise((resolve) => {
  const start = performance.now();
  const later = window.__auditorSetTimeout || setTimeout;
  const tick = () => {
    const now = performance.now();
    const quiet = now - (window.__auditorLastMutation || 0) >= quietMs;
    if ((quiet && !(window.__auditorPending > 0)) || now - start >= maxMs) resolve(now - start);
    else later(tick, Math.min(50, quietMs));
  };
  tick();
})
