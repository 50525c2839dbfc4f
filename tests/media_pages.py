"""Shared pieces of the platform fixture pages: a page that draws what its own JSON requests
return (as the platforms' pages do), and the post times the fixtures use."""

from __future__ import annotations

AS_OF = "2026-11-27"
PASSED = ("pass", "not_applicable")
RECENT, OLD = 1795572000, 1431738000  # 2026-11-25 10:00 and 2015-05-16 09:00, Beijing time

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><div id="app">加载中…</div><script>
Promise.all([{fetches}].map(u => fetch(u).then(r => r.json()))).then((answers) => {{
  const app = document.getElementById('app');
  app.textContent = '';
  for (const line of ({render})(answers)) {{
    const div = document.createElement('div');
    div.style.cssText = 'margin:16px;padding:8px;border:1px solid #ccc';
    div.textContent = line;
    app.appendChild(div);
  }}
}});
</script></body></html>"""
