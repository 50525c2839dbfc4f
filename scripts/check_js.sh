#!/usr/bin/env bash
# Syntax-check the page scripts with node (no browser): every auditor/js/*.js file, or the files
# given. A page script is ONE expression (auditor/js/__init__.py), so each file is parsed as
# "(" + source + ")": a second statement or a stray ";" fails as well as a typo. helpers.js, a
# list of declarations, is parsed as a function body. Names every file that fails; exit status 1.
set -euo pipefail
[ "$#" -gt 0 ] || set -- "$(dirname "$0")"/../auditor/js/*.js
node -e '
const fs = require("fs"), path = require("path"), vm = require("vm");
let bad = 0;
for (const file of process.argv.slice(1)) {
  const src = fs.readFileSync(file, "utf8");
  // Same line numbers as the file: the wrapper adds nothing before its first line.
  const code = path.basename(file) === "helpers.js" ? "(() => {" + src + "\n})" : "(" + src + "\n)";
  try {
    new vm.Script(code, { filename: file });
  } catch (e) {
    bad++;
    console.error("JS syntax error in " + file + ":\n" + String(e.stack).split("\n").slice(0, 5).join("\n"));
  }
}
if (bad) {
  console.error(bad + " page script(s) in auditor/js do not parse");
  process.exit(1);
}
' "$@"
