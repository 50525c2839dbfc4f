// @uses helpers
// In-page gatherer: one pass over a rendered document (or iframe document), returning plain data.
// Rects are in this document's CSS pixels (the caller offsets iframe rects). Self-contained (with
// the helpers) so it runs in any frame; caps keep huge pages bounded, and every cap that cuts
// something records in `truncated` how many there were.
() => {
  const FOOT_KW = /(ICP备|ICP证|公网安备|公安备|公备|标识码|主办|版权所有|Copyright|©|网站地图|站点地图|联系我们)/i;
  const FOOT_STRONG = /(ICP备|公网安备|公安备|标识码|版权所有|Copyright|©)/i;
  const FOOT_SEL = /(^|[\s_-])(foot|footer|bottom|copyright|banquan|bq|fot|dibu|wb)([\s_-]|$)|footer|foot|copyright|banquan/i;
  const HEAD_SEL = /header|(^|[\s_-])(head|top|logo|banner|masthead)([\s_-]|$)|logo/i;
  const INFO_KW = /(发布时间|发布日期|发文日期|时间[：:]|日期[：:]|来源[：:]|信息来源)/;
  const docW = Math.max(de.scrollWidth, body.scrollWidth, de.clientWidth);
  const docH = Math.max(de.scrollHeight, body.scrollHeight, de.clientHeight);
  // Where the content ends (short pages do not fill the viewport): footers sit near this line.
  let contentBottom = 0;
  for (const c of Array.from(body.children)) {
    const r = c.getBoundingClientRect();
    if (r.height > 0) contentBottom = Math.max(contentBottom, r.bottom + sy);
  }
  const FOOT_LINE = (contentBottom || docH) * 0.35;

  // Lists and scans cut to their caps, with how many there were, so a check can say it saw only
  // part. Where counting all would cost what the cap saves, the count is of cheap candidates.
  const truncated = {};
  const cut = (name, total, cap) => { if (total > cap) truncated[name] = total; };
  // A text-node scan stopped at its cap: its walker is past `seen` nodes; count the rest.
  const countRest = (walker, seen) => { let n = seen; while (walker.nextNode()) n++; return n; };

  const block = (el, text) => ({
    text: clean(text === undefined ? el.innerText : text, 600),
    selector: selectorOf(el),
    rect: rectOf(el),
    snippet: snippetOf(el),
  });
  const topLevel = (els) => els.filter((e) => !els.some((o) => o !== e && o.contains(e)));

  // -- footer (底部功能区) -------------------------------------------------------------------
  const all = Array.from(body.querySelectorAll("*"));
  let footEls = all.filter((el) =>
    (el.tagName === "FOOTER" || FOOT_SEL.test(classId(el))) && visible(el) && FOOT_KW.test(el.innerText || "")
  );
  footEls = topLevel(footEls).filter((el) => {
    const r = rectOf(el);
    return r && r.y + r.height > FOOT_LINE;
  });
  if (!footEls.length) {
    // No footer-named container: climb from the strongest footer words to a compact block.
    const found = [];
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    let n, count = 0;
    while ((n = walker.nextNode()) && count < 20000) {
      count++;
      if (!FOOT_STRONG.test(n.nodeValue)) continue;
      let el = n.parentElement;
      if (!el || !visible(el)) continue;
      while (el.parentElement && el.parentElement !== body && el.parentElement !== de) {
        const pr = el.parentElement.getBoundingClientRect();
        if (pr.height > 420) break;
        el = el.parentElement;
      }
      const r = rectOf(el);
      if (r && r.y + r.height > FOOT_LINE) found.push(el);
    }
    if (n) cut("footer_text_nodes", countRest(walker, count + 1), 20000);
    footEls = topLevel(Array.from(new Set(found)));
  }
  const footer = { found: footEls.length > 0, text: "", rect: null, selector: "", blocks: [] };
  if (footEls.length) {
    footer.text = footEls.map((e) => e.innerText).join("\n").trim();
    footer.selector = footEls.map(selectorOf).join(", ");
    for (const e of footEls) {
      const r = rectOf(e);
      if (!r) continue;
      footer.rect = footer.rect ? union(footer.rect, r) : r;
    }
    const inner = footEls.flatMap((f) => [f, ...f.querySelectorAll("*")]);
    let footBlocks = 0;
    for (const el of inner.slice(0, 3000)) {
      const t = el.innerText;
      if (!t || !t.trim() || t.length > 400 || !visible(el)) continue;
      if (++footBlocks <= 500) footer.blocks.push(block(el));
    }
    cut("footer_elements", inner.length, 3000);
    cut("footer_blocks", footBlocks, 500);
  } else {
    footer.rect = { x: 0, y: Math.max(0, docH - 300), width: docW, height: Math.min(300, docH) };
  }
  function union(a, b) {
    const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
    return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
  }

  // -- header (头部标识区) -------------------------------------------------------------------
  // Dates as list rows show them; a header clock (今天是2026年11月27日 星期五) is no entry.
  const DATE_RE = /(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)|[\[【(（]?(\d{1,2}-\d{1,2})[\]】)）]?(?!\d)/;
  const DATES = /\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|(^|[^\d-])\d{1,2}-\d{1,2}(?![\d-])/g;
  const CLOCK = /(今天是|今日|当前时间|现在是)\s*[:：]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{4}年\d{1,2}月\d{1,2}日\s*(星期|周|礼拜)[一二三四五六日天]/g;
  const unclocked = (text) => (text || "").replace(CLOCK, " ");
  const datesIn = (text) => (unclocked(text).match(DATES) || []).length;

  let headEls = all.filter((el) => {
    if (el.tagName === "THEAD" || !(el.tagName === "HEADER" || HEAD_SEL.test(classId(el)))) return false;
    if (!visible(el)) return false;
    const r = rectOf(el);
    return r && r.y < 400 && r.height < 600;
  });
  headEls = topLevel(headEls);
  const named = headEls.length > 0;
  // Navigation (menus, side bars of column links) is no column list.
  const NAV_SEL = /nav|menu|daohang|(^|[\s_-])dh([\s_-]|$)/i;
  const navOf = (el) => {
    for (let e = el, up = 0; e && e !== body && up < 12; e = e.parentElement, up++) {
      if (/^(NAV|ASIDE)$/.test(e.tagName) || e.getAttribute("role") === "navigation" || NAV_SEL.test(classId(e))) return true;
    }
    return false;
  };
  const LIST_SEL = /list|liebiao|(^|[\s_-])(lb|xxlb|news|items?)([\s_-]|$)/i;
  const CRUMB = /(当前|您的|所在)位置/;
  // Main content, where a banner stops: dated entries, a column's title or crumb, article-like
  // links (menu labels are short), a list container, a long text, a form to write in.
  const isContent = (el, r, text) => {
    if (datesIn(text) > 0 || clean(text, 2000).length > 400 || r.height > 360 || CRUMB.test(text)) return true;
    if (el.matches("main, article") || el.querySelector("main, article, textarea, h2, h3, h4")) return true;
    const long = Array.from(el.querySelectorAll("a[href]")).filter((a) => clean(a.innerText || a.title).length >= 10);
    if (long.length >= 2) return true;
    const lists = [el, ...el.querySelectorAll("[class], [id]")].filter((e) => LIST_SEL.test(classId(e)) && !NAV_SEL.test(classId(e)));
    return lists.length > 0;
  };
  // No header-named element: the banner is the first full-width block(s) from the top holding
  // the site name, logo or navigation, up to the first block with dated entries or main content
  // (a fixed band would swallow the list of a short banner, and the home page would read as
  // never updated).
  const bannerBlocks = () => {
    let box = body;
    for (let depth = 0; depth < 8; depth++) {  // through single full-page wrappers
      const kids = Array.from(box.children).filter((c) => { const r = c.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
      if (kids.length !== 1) break;
      box = kids[0];
    }
    const taken = [];
    for (const el of Array.from(box.children)) {
      const r = rectOf(el);
      if (!r || r.height < 1 || !visible(el)) continue;
      const pos = getComputedStyle(el).position;
      if (pos === "fixed" || pos === "absolute") continue;  // floating bars and pop-ups
      const text = el.innerText || "";
      if (isContent(el, r, text) || r.y > 500 || r.width < docW * 0.5) break;
      if (!el.querySelector("img, a[href], h1, svg") && !clean(text)) continue;  // a spacer
      taken.push(el);
      if (r.y + r.height > 400) break;
    }
    return taken;
  };
  if (!named) headEls = bannerBlocks();
  const header = { found: headEls.length > 0, text: "", rect: null, selector: "", blocks: [] };
  const HEAD_LIMIT = 320;
  if (headEls.length) {
    header.text = headEls.map((e) => e.innerText).join("\n").trim();
    header.selector = headEls.map(selectorOf).join(", ");
    for (const e of headEls) header.rect = header.rect ? union(header.rect, rectOf(e)) : rectOf(e);
  } else {
    header.rect = { x: 0, y: 0, width: docW, height: Math.min(HEAD_LIMIT, docH) };
  }
  // Text blocks drawn in the top band count as header text even outside a header container
  // (where the site name is looked for), except the rows of a dated list (read further down);
  // the header region itself is only the header's elements.
  const headBlockEls = [];
  for (const el of all.slice(0, 4000)) {
    const own = Array.from(el.childNodes).filter((c) => c.nodeType === 3).map((c) => c.nodeValue).join("");
    if (!own.trim() || !visible(el)) continue;
    const r = rectOf(el);
    if (!r || r.y > HEAD_LIMIT) continue;
    headBlockEls.push(el);
  }
  cut("elements", all.length, 4000);

  const regionOf = (el) => {
    if (footEls.some((f) => f.contains(el))) return "footer";
    if (headEls.some((h) => h.contains(el))) return "header";
    return "";
  };
  // Why a link the browser draws is still not seen by a visitor (暗链 are hidden so): under a
  // transparent ancestor, text in its background's colour, or clipped to nothing. "" otherwise.
  const clear = new Map(); // element -> no opacity:0 from it upwards
  const seeThrough = (el) => {
    const chain = [];
    let zero = false;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      if (clear.has(e)) { zero = !clear.get(e); break; }
      chain.push(e);
      if (Number(getComputedStyle(e).opacity) === 0) { zero = true; break; }
    }
    for (const e of chain) clear.set(e, !zero);
    return zero;
  };
  const backdrop = (el) => { // the colour behind el's text; "" behind a picture (cannot tell)
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const st = getComputedStyle(e);
      if (st.backgroundImage && st.backgroundImage !== "none") return "";
      const c = st.backgroundColor;
      if (c && c !== "transparent" && !/^rgba\(.*,\s*0\)$/.test(c)) return c;
    }
    return "rgb(255, 255, 255)";
  };
  const NOTHING = /^rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)$|^inset\((50|100)%\)$/;
  // A link to another host (not this site, not a .gov.cn site): only those can be dark links,
  // so only those are hit-tested for an element drawn over them.
  const foreign = (a) => {
    try {
      const u = new URL(a.href);
      return /^https?:$/.test(u.protocol) && u.hostname !== location.hostname &&
        !/(^|\.)gov\.cn$/.test(u.hostname);
    } catch (e) { return false; }
  };
  // Something opaque drawn over the link's middle (a picture, a filled box), not a fixed or
  // sticky bar of the page: the link is there but cannot be seen. The page is scrolled to the
  // link for the hit test and back at once (instantly, whatever the page's scroll-behavior).
  const solid = (e) => {
    const st = getComputedStyle(e);
    return /^(IMG|VIDEO|CANVAS|IFRAME|OBJECT|EMBED|svg)$/.test(e.tagName) ||
      (st.backgroundImage && st.backgroundImage !== "none") ||
      !/^(transparent|rgba\(.*,\s*0\))$/.test(st.backgroundColor);
  };
  const pinned = (e) => {
    for (; e && e.nodeType === 1; e = e.parentElement) {
      if (/^(fixed|sticky)$/.test(getComputedStyle(e).position)) return true;
    }
    return false;
  };
  const covered = (a) => {
    const r = a.getBoundingClientRect();
    const cx = r.left + r.width / 2 + sx, cy = r.top + r.height / 2 + sy;
    if (!r.width || !r.height || cx < 0 || cx >= de.clientWidth || cy < 0) return false;
    const top = Math.max(0, cy - innerHeight / 2);
    window.scrollTo({ left: sx, top, behavior: "instant" });
    const over = document.elementFromPoint(cx - window.scrollX, cy - window.scrollY);
    window.scrollTo({ left: sx, top: sy, behavior: "instant" });
    return !!over && over !== a && !a.contains(over) && !over.contains(a) && solid(over) &&
      !pinned(over);
  };
  // Inside a <marquee> too small to show anything (a 1-px ticker carries links no one reads).
  const inTinyMarquee = (a) => {
    const m = a.closest("marquee");
    if (!m) return false;
    const r = m.getBoundingClientRect();
    return r.width < 5 || r.height < 5;
  };
  const concealed = (a) => {
    if (seeThrough(a)) return "transparent";
    const st = getComputedStyle(a);
    if ((a.innerText || "").trim() && st.color === backdrop(a)) return "same-color";
    for (let e = a, up = 0; e && e.nodeType === 1 && up < 4; e = e.parentElement, up++) {
      const es = getComputedStyle(e);
      if (NOTHING.test(es.clip) || NOTHING.test(es.clipPath)) return "clipped";
    }
    if (inTinyMarquee(a)) return "marquee";
    if (foreign(a) && covered(a)) return "covered";
    return "";
  };

  // -- links, images, forms, scripts -------------------------------------------------------
  // The alt/title of the pictures an anchor holds: a linked 网站地图 image is labelled by them.
  const pictured = (a) => {
    const imgs = a.getElementsByTagName("img");
    if (!imgs.length) return "";
    const words = [];
    for (const img of Array.from(imgs).slice(0, 3)) {
      for (const t of [img.getAttribute("alt"), img.getAttribute("title")]) {
        const w = clean(t || "", 100);
        if (w && !words.includes(w)) words.push(w);
      }
    }
    return clean(words.join(" "), 200);
  };
  const anchors = document.querySelectorAll("a");
  cut("links", anchors.length, 3000);
  const links = Array.from(anchors).slice(0, 3000).map((a) => ({
    href: a.hasAttribute("href") ? a.href : "",
    text: clean(a.innerText || a.textContent, 200),
    title: a.getAttribute("title") || "",
    selector: selectorOf(a),
    rect: rectOf(a),
    visible: visible(a),
    hidden: visible(a) ? concealed(a) : "",
    region: regionOf(a),
    snippet: snippetOf(a),
    alt: pictured(a),
  }));
  // The words printed next to an image (QR codes are captioned 微信公众号, 政务微博, APP下载…).
  const captionOf = (img) => {
    const near = [img.getAttribute("alt"), img.getAttribute("title")];
    let el = img;
    for (let up = 0; up < 3 && el.parentElement; up++) {
      el = el.parentElement;
      const t = clean(el.innerText, 80);
      if (t) { near.push(t); break; }
    }
    const next = img.nextElementSibling || (img.parentElement && img.parentElement.nextElementSibling);
    if (next) near.push(clean(next.innerText, 40));
    const parts = [];
    for (const t of near.map((x) => clean(x || "", 80))) {
      if (t && !parts.some((p) => p.includes(t))) parts.push(t);
    }
    return clean(parts.join(" "), 120);
  };
  cut("images", document.images.length, 1500);
  const images = Array.from(document.images).slice(0, 1500).map((img) => {
    const a = img.closest("a");
    return {
      src: img.currentSrc || img.src || "",
      alt: img.getAttribute("alt"),
      title: img.getAttribute("title"),
      selector: selectorOf(img),
      rect: rectOf(img),
      visible: visible(img),
      region: regionOf(img),
      natural_width: img.naturalWidth || 0,
      natural_height: img.naturalHeight || 0,
      link_href: a && a.href ? a.href : "",
      snippet: snippetOf(img),
      caption: captionOf(img),
    };
  });
  const labelFor = (f) => {
    if (f.id) {
      const l = document.querySelector('label[for="' + CSS.escape(f.id) + '"]');
      if (l) return clean(l.innerText, 60);
    }
    const l = f.closest("label");
    return l ? clean(l.innerText, 60) : clean(f.getAttribute("placeholder") || "", 60);
  };
  cut("forms", document.forms.length, 100);
  let mostFields = 0;  // the longest field list of a gathered form
  const forms = Array.from(document.forms).slice(0, 100).map((f) => {
    const fields = Array.from(f.elements);
    mostFields = Math.max(mostFields, fields.length);
    return {
      action: f.action || "",
      method: (f.getAttribute("method") || "get").toLowerCase(),
      selector: selectorOf(f),
      rect: rectOf(f),
      text: clean(f.innerText, 300),
      fields: fields.slice(0, 60).map((e) => ({
        name: e.name || e.id || "",
        type: (e.type || e.tagName).toLowerCase(),
        required: !!e.required,
        label: labelFor(e),
      })),
    };
  });
  cut("form_fields", mostFields, 60);
  cut("scripts", document.scripts.length, 400);
  const scripts = Array.from(document.scripts).slice(0, 400).map((s) => {
    const attrs = {};
    for (const at of Array.from(s.attributes)) attrs[at.name] = at.value.slice(0, 300);
    return { src: s.src || "", id: s.id || "", attrs };
  });

  // -- title-like headings and 发布时间/来源 lines ---------------------------------------------
  // All candidates, nested ones too: a "title" wrapper often holds the h1 plus the date line.
  const titled = Array.from(document.querySelectorAll("h1, h2, h3, [class*=title], [id*=title], [class*=Title]"))
    .filter((el) => visible(el) && !regionOf(el) && (el.innerText || "").trim().length >= 4 && el.innerText.length < 400);
  cut("headings", titled.length, 60);
  const headings = titled.slice(0, 60).map((el) => block(el));
  // Start from the text nodes that carry the words, not from every element (innerText is costly).
  const info = [];
  const infoWalker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let tn, seenText = 0, infoMore = 0;
  while ((tn = infoWalker.nextNode()) && seenText < 50000) {
    seenText++;
    if (!INFO_KW.test(tn.nodeValue) && !/^\s*(来源|时间|日期)\s*$/.test(tn.nodeValue)) continue;
    // Once 40 lines are kept, further text nodes carrying the words are only counted.
    if (info.length >= 40) { infoMore++; continue; }
    let el = tn.parentElement;
    if (!el || !visible(el) || regionOf(el) === "footer") continue;
    // "来源：" alone in a <span>, its value in the next one: take the enclosing line.
    while (el.parentElement && clean(el.innerText).length < 8 && clean(el.parentElement.innerText).length <= 200) {
      el = el.parentElement;
    }
    if (!info.includes(el)) info.push(el);
  }
  if (tn) cut("info_text_nodes", countRest(infoWalker, seenText + 1), 50000);
  cut("info_blocks", info.length + infoMore, 40);
  const infoBlocks = info.map((el) => block(el));

  // -- list entries (栏目列表): a link and perhaps a date in the same short row --------------
  // Rows count wherever they are drawn (a list high on a short page is still the page's list);
  // only the footer's are left out. Each row says its region, its container and whether it
  // sits in navigation, so the checks can tell a column's list from menus.
  const listItems = [];
  const seenRows = new Set();
  const hrefs = document.querySelectorAll("a[href]");
  for (const a of Array.from(hrefs).slice(0, 3000)) {
    const where = regionOf(a);
    if (where === "footer" || !visible(a)) continue;
    let row = a.parentElement;
    for (let up = 0; row && up < 3; up++) {
      if (row.childElementCount > 60) { row = null; break; }  // a container, not a row
      if (/^(LI|TR|DD|DT|P)$/.test(row.tagName) || DATE_RE.test(unclocked(clean(row.innerText, 200)))) break;
      row = row.parentElement;
    }
    // A list row holds its title link (and perhaps one more); a wrapper holding many is no row.
    if (!row || seenRows.has(row) || row.querySelectorAll("a[href]").length > 2) continue;
    const text = clean(row.innerText, 300);
    if (!text || text.length > 260) continue;
    seenRows.add(row);
    if (seenRows.size > 400) continue;  // counted, not kept
    const m = unclocked(text).match(DATE_RE);
    listItems.push({
      title: clean(a.innerText || a.title || pictured(a), 200),
      href: a.href,
      date_text: m ? m[0] : "",
      text,
      selector: selectorOf(row),
      rect: rectOf(row),
      region: where,
      list: row.parentElement ? selectorOf(row.parentElement) : "",
      nav: navOf(row),
      row,  // dropped before returning
    });
  }

  // The header's text blocks, now that the dated rows are known.
  const datedRows = listItems.filter((it) => it.date_text).map((it) => it.row);
  const headBlocks = headBlockEls.filter((el) => !datedRows.some((row) => row.contains(el)));
  header.blocks = headBlocks.slice(0, 200).map((el) => block(el));
  cut("header_blocks", headBlocks.length, 200);
  if (!named) header.text = header.blocks.map((b) => b.text).join("\n");
  for (const it of listItems) delete it.row;

  // -- list containers with no entry (空白栏目) ---------------------------------------------
  // Only containers named as lists, drawn (an empty <ul> has no height, but is not hidden),
  // outside header, footer and menus, and holding nothing: no link, row, picture or text.
  const emptyLists = [];
  for (const el of all.slice(0, 4000)) {
    const names = classId(el);
    if (!/^(UL|OL|DL|TBODY|TABLE|DIV|SECTION)$/.test(el.tagName) || !LIST_SEL.test(names) || /share|(^|[\s_-])fx([\s_-]|$)/i.test(names)) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    if (el.querySelector("a[href], li, tr, dd, img") || clean(el.innerText)) continue;
    if (regionOf(el) || navOf(el)) continue;
    const r = el.getBoundingClientRect();
    emptyLists.push({
      selector: selectorOf(el),
      rect: { x: r.left + sx, y: r.top + sy, width: r.width, height: Math.max(r.height, 24) },  // where it stands
      snippet: snippetOf(el),
    });
    if (emptyLists.length >= 20) break;
  }

  cut("list_links", hrefs.length, 3000);
  cut("list_items", seenRows.size, 400);
  const bodyText = body.innerText || "";
  cut("body_text", bodyText.length, 200000);

  return {
    opened: window.__auditorOpened || 0,
    truncated,
    list_items: listItems,
    empty_lists: emptyLists,
    title: document.title || "",
    metas: Array.from(document.querySelectorAll("meta[name]")).map((m) => ({
      name: m.getAttribute("name"),
      content: m.getAttribute("content") === null ? "" : m.getAttribute("content"),
    })),
    header,
    footer,
    headings,
    info_blocks: infoBlocks,
    body_text: bodyText.slice(0, 200000),
    links,
    images,
    forms,
    scripts,
    document_size: [docW, docH],
  };
}
