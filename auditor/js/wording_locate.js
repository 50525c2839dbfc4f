// @uses helpers
// Where each given phrase is drawn: the box of the text itself (a Range over the text node), the
// selector and markup of the element holding it. Up to 5 places per phrase, visible ones only. A
// phrase split across elements (扫黑<b>险恶</b>) is found in the smallest element whose text has it.
(phrases) => {
  const marks = [];
  const count = {};
  const room = (p) => (count[p] || 0) < 5;
  const add = (phrase, el, rect) => {
    count[phrase] = (count[phrase] || 0) + 1;
    marks.push({ phrase, selector: selectorOf(el), rect, snippet: snippetOf(el) });
  };
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue;
    if (!text || text.length < 2) continue;
    for (const phrase of phrases) {
      if (!room(phrase)) continue;
      let at = text.indexOf(phrase);
      while (at >= 0 && room(phrase)) {
        const el = node.parentElement;
        if (el && visible(el)) {
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + phrase.length);
          const r = range.getBoundingClientRect();
          if (r.width > 0 && r.height > 0) {
            add(phrase, el, { x: r.left + sx, y: r.top + sy, width: r.width, height: r.height });
          }
        }
        at = text.indexOf(phrase, at + phrase.length);
      }
    }
  }
  for (const phrase of phrases) {
    if (count[phrase]) continue;
    let best = null;
    for (const el of body.querySelectorAll("*")) {
      if ((el.textContent || "").includes(phrase) && visible(el)) best = el; // document order: deepest last
    }
    if (best) add(phrase, best, rectOf(best));
  }
  return marks;
}
