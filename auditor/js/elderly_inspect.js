// @uses helpers
// Elderly-mode probe, second look (after elderly_positioned.js and a wait): ad iframes and
// ad-network images (X2), pop-ups — window.open calls, floating boxes, late or large overlays —
// (X2), and a CAPTCHA with or without a non-visual alternative (X4). Lists at most 20 each.
([adHosts]) => {
  // Lists and scans cut to their caps, with how many there were (as gather.js records them).
  const truncated = {};
  const cut = (name, total, cap) => { if (total > cap) truncated[name] = total; };
  const w = window.__elderlyWatch || { opened: [], late: new WeakSet() };
  const vw = de.clientWidth, vh = de.clientHeight;
  const AD_NAME = /(^|[\s_-])(ad|ads|advert|adverts|advertisement|guanggao|piaofu)([\s_-]|$)/i;
  const hostOf = (src) => { try { return new URL(src, location.href).hostname; } catch (e) { return ""; } };
  const isAdHost = (src) => { const h = hostOf(src); return !!h && adHosts.some((a) => h === a || h.endsWith("." + a) || h.includes(a)); };
  const nameOf = (el) => classId(el) + " " + (el.getAttribute("name") || "");
  const under = (el, test) => { for (let e = el; e && e !== body; e = e.parentElement) if (test(e)) return e; return null; };
  const item = (el, extra) => Object.assign({ selector: selectorOf(el), rect: rectOf(el),
    snippet: (el.outerHTML || "").slice(0, 200) }, extra);

  // X2: ad iframes and ad-network images.
  const ads = [];
  for (const el of Array.from(document.querySelectorAll("iframe, frame, img, embed, object"))) {
    const src = el.getAttribute("src") || el.getAttribute("data") || "";
    const byHost = src && isAdHost(src);
    const byName = el.tagName !== "IMG" && under(el, (e) => AD_NAME.test(nameOf(e)));
    if (!byHost && !byName) continue;
    if (el.tagName === "IMG" && !visible(el)) continue;
    ads.push(item(el, { tag: el.tagName.toLowerCase(), src: src.slice(0, 300),
      reason: byHost ? "广告网络域名 " + hostOf(src) : "广告容器（id/class 含 ad）" }));
  }

  // X2: pop-ups — window.open calls, boxes that move by themselves (漂浮广告), overlays that
  // appeared after load, and large fixed overlays (not full-width bars).
  const popups = w.opened.map((u) => ({ kind: "window.open", url: u, selector: "", rect: null }));
  const seen = new Set();
  for (const el of window.__elderlyBoxes || []) {
    if (!el.isConnected || !visible(el) || !el.__elderlyPos) continue;
    const r = el.getBoundingClientRect();
    const dx = Math.abs(r.left + sx - el.__elderlyPos[0]), dy = Math.abs(r.top + sy - el.__elderlyPos[1]);
    if (dx + dy >= 20) { seen.add(el); popups.push(item(el, { kind: "floating", text: clean(el.innerText, 60), moved_px: Math.round(dx + dy) })); }
  }
  const all = body.querySelectorAll("*");
  cut("elements", all.length, 30000);
  for (const el of Array.from(all).slice(0, 30000)) {
    if (seen.has(el)) continue;
    const st = getComputedStyle(el);
    if (st.position !== "fixed" && st.position !== "absolute") continue;
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    const area = r.width * r.height;
    const bar = r.width >= vw * 0.9 && r.height <= 140;  // sticky header/toolbar, not a pop-up
    if (bar || r.width < 120 || r.height < 80) continue;
    const late = w.late.has(el) || !!under(el.parentElement, (e) => w.late.has(e) && getComputedStyle(e).position !== "static");
    const overlay = st.position === "fixed" && area >= vw * vh * 0.15;
    if (!late && !overlay) continue;
    if (under(el.parentElement, (e) => seen.has(e))) continue;
    seen.add(el);
    popups.push(item(el, { kind: late ? "late-overlay" : "overlay", text: clean(el.innerText, 60) }));
  }

  // X4: CAPTCHA and a non-visual alternative.
  const CAPTCHA = /captcha|verifycode|verify_code|validatecode|validcode|checkcode|yzm|kaptcha|authcode|vcode|验证码/i;
  const SLIDER = /geetest|tcaptcha|nc_wrapper|nc-container|slide-?verify|slider-?captcha|滑块/i;
  const ALT = /语音验证|语音播放|播放验证码|听验证码|语音|audio/i;
  let captcha = null;
  for (const el of Array.from(document.querySelectorAll("img, canvas"))) {
    const hay = [el.getAttribute("src"), el.id, typeof el.className === "string" ? el.className : "", el.getAttribute("alt"), el.getAttribute("title")].join(" ");
    if (CAPTCHA.test(hay) && visible(el)) { captcha = item(el, { kind: "image" }); break; }
  }
  if (!captcha) {
    const boxes = body.querySelectorAll("div, span, iframe");
    for (const el of Array.from(boxes).slice(0, 30000)) {
      if (SLIDER.test(nameOf(el) + " " + (el.getAttribute("src") || "")) && visible(el)) { captcha = item(el, { kind: "slider" }); break; }
    }
    if (!captcha) cut("captcha_elements", boxes.length, 30000);
  }
  let alternative = false;
  if (captcha) {
    const scope = document.querySelector(captcha.selector);
    const form = (scope && (scope.closest("form") || scope.parentElement && scope.parentElement.parentElement)) || body;
    alternative = !!form.querySelector("audio") ||
      Array.from(form.querySelectorAll("a, button, input[type=button], span, img")).some((el) =>
        ALT.test([el.innerText, el.getAttribute("title"), el.getAttribute("alt"), el.getAttribute("aria-label"), el.getAttribute("value")].join(" ")));
  }
  cut("ad_iframes", ads.length, 20);
  cut("popups", popups.length, 20);
  return {
    ad_iframes: ads.slice(0, 20),
    popups: popups.slice(0, 20),
    captcha: { present: !!captcha, has_alternative: alternative, kind: captcha ? captcha.kind : "",
               selector: captcha ? captcha.selector : "", rect: captcha ? captcha.rect : null },
    document_width: Math.max(de.scrollWidth, body.scrollWidth),
    document_height: Math.max(de.scrollHeight, body.scrollHeight),
    truncated,
  };
}
