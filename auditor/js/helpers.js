// Shared DOM helpers of the page scripts: declarations, not a function. A script whose first line
// is the "@uses helpers" marker comment runs with these in scope (auditor/js/__init__.py composes
// them), declared afresh at every call: scroll offsets read then, caches empty. Rects are CSS pixels of this
// document, in document coordinates (viewport rect + scroll offsets).
const de = document.documentElement, body = document.body || de;
const sx = window.scrollX, sy = window.scrollY;

// Whitespace (incl. NBSP and the ideographic space) folded, trimmed, cut to n characters (400).
const clean = (s, n) => (s || "").replace(/[\u00a0\u3000\s]+/g, " ").trim().slice(0, n || 400);

const rectOf = (el) => {
  const r = el.getBoundingClientRect();
  if (!r || (r.width === 0 && r.height === 0)) return null;
  return { x: r.left + sx, y: r.top + sy, width: r.width, height: r.height };
};

const visible = (el) => {
  if (!el.getClientRects().length) return false;
  const st = getComputedStyle(el);
  if (st.visibility === "hidden" || st.display === "none" || Number(st.opacity) === 0) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
};

const uniqueId = (el) =>
  el.id && /^[A-Za-z_][\w-]*$/.test(el.id) && document.querySelectorAll("#" + el.id).length === 1;

// Position among same-tag siblings (0: the only one of its tag), counted once per parent: a list
// of 100 000 links would otherwise cost 100 000 steps per selector. The cache assumes the DOM does
// not change during the call.
const nthCache = new Map();
function nthOfType(parent, el) {
  let index = nthCache.get(parent);
  if (!index) {
    index = new Map();
    const counts = {};
    for (const c of parent.children) counts[c.tagName] = (counts[c.tagName] || 0) + 1;
    const seen = {};
    for (const c of parent.children) {
      seen[c.tagName] = (seen[c.tagName] || 0) + 1;
      if (counts[c.tagName] > 1) index.set(c, seen[c.tagName]);
    }
    nthCache.set(parent, index);
  }
  return index.get(el) || 0;
}

// A CSS selector for el: from the nearest uniquely-id'd ancestor (or the root), at most 14 steps.
const selectorOf = (el) => {
  const parts = [];
  let e = el;
  while (e && e.nodeType === 1 && e !== de && parts.length < 14) {
    if (uniqueId(e)) { parts.unshift("#" + e.id); return parts.join(" > "); }
    let s = e.tagName.toLowerCase();
    const p = e.parentElement;
    if (p) {
      const nth = nthOfType(p, e);
      if (nth) s += ":nth-of-type(" + nth + ")";
    }
    parts.unshift(s);
    e = p;
  }
  return parts.join(" > ");
};

const snippetOf = (el) => {
  const html = el.outerHTML || "";
  return html.length > 300 ? html.slice(0, 297) + "..." : html;
};

// The id and class names of an element, for matching names like "footer" or "ad".
const classId = (el) => ((el.id || "") + " " + (typeof el.className === "string" ? el.className : ""));
