// Fills the marked form (data-auditor-form) with the test message and harmless sample values.
(message) => {
  const f = document.querySelector("form[data-auditor-form]");
  for (const e of Array.from(f.elements)) {
    const t = (e.type || "").toLowerCase();
    if (e.tagName === "TEXTAREA") e.value = message;
    else if (t === "tel" || /phone|tel|mobile|手机|电话/i.test(e.name + e.id)) e.value = "13800000000";
    else if (t === "email" || /mail/i.test(e.name + e.id)) e.value = "test@example.com";
    else if (t === "text" || t === "") e.value = e.value || "自动化检查测试";
    else if (t === "checkbox" && e.required) e.checked = true;
    else if (e.tagName === "SELECT" && e.options.length > 1) e.selectedIndex = 1;
  }
}
