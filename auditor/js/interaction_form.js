// The 互动交流 form of a page (the first with a textarea, else the first with two visible inputs):
// its fields, submit button, CAPTCHA and validity when empty; marks it data-auditor-form for the
// later steps. Also the dated rows (留言 lists) of the page, at most 200.
() => {
  const forms = Array.from(document.forms).filter((f) =>
    f.querySelector("textarea") || f.querySelectorAll("input:not([type=hidden])").length >= 2);
  const f = forms.find((x) => x.querySelector("textarea")) || forms[0];
  const dated = Array.from(document.querySelectorAll("tr, li")).map((r) => r.innerText.replace(/\s+/g, " ").trim())
    .filter((t) => t.length <= 300 && /\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}/.test(t));
  const rows = dated.slice(0, 200);
  // Cut lists and how many there were, as gather.js records them.
  const truncated = dated.length > 200 ? {message_rows: dated.length} : {};
  if (!f) return {found: false, rows, truncated};
  const fields = Array.from(f.elements).filter((e) => e.type !== "hidden" && e.type !== "submit" && e.tagName !== "BUTTON")
    .map((e) => ({name: e.name || e.id || "", type: (e.type || e.tagName).toLowerCase(), required: !!e.required}));
  const submit = f.querySelector("button:not([type=button]):not([type=reset]), input[type=submit], input[type=image]");
  const imgs = Array.from(f.querySelectorAll("img"));
  const captcha = imgs.find((i) => /captcha|验证码|yzm|verify|checkcode|validatecode|randcode/i.test(i.src + " " + i.alt + " " + i.id + " " + i.className));
  const r = f.getBoundingClientRect();
  f.setAttribute("data-auditor-form", "1");
  return {
    found: true, action: f.action || location.href, method: (f.getAttribute("method") || "get").toLowerCase(),
    fields, has_submit: !!submit, valid_when_empty: f.checkValidity(),
    captcha: captcha ? {present: true, loaded: captcha.complete && captcha.naturalWidth > 0, src: captcha.src} : {present: false},
    rect: {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}, rows, truncated,
  };
}
