// Bundles src/main.js into ../static/rte.js: one minified IIFE, nothing loaded at run time.
// The banner names every package that ended up in the bundle, with its version, licence and
// copyright line (all MIT), followed by the MIT permission notice.
import { build } from "esbuild";
import { readFileSync, readdirSync, writeFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static", "rte.js");

const result = await build({
  entryPoints: [join(here, "src", "main.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome90", "firefox90", "safari15", "edge90"],
  legalComments: "none",
  charset: "utf8",
  metafile: true,
  write: false,
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});

const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!m || packages.has(m[1])) { continue; }
  const dir = join(here, "node_modules", m[1]);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const licence = readdirSync(dir).find((f) => /^licen[sc]e/i.test(f));
  const copyright = licence
    ? (readFileSync(join(dir, licence), "utf8").split("\n").find((l) => /copyright/i.test(l)) || "").trim()
    : "";
  packages.set(m[1], `${m[1]}@${pkg.version} (${pkg.license}) ${copyright}`);
}
const names = [...packages.keys()].sort();
const banner = "/*! rte.js: the Zhanqun console's article editor, built from crates/zq-render/editor.\n" +
  " * Bundled, all under the MIT licence:\n" +
  names.map((n) => " * - " + packages.get(n).replace(/\*\//g, "") + "\n").join("") +
  " * Permission is hereby granted, free of charge, to any person obtaining a copy of this software and\n" +
  " * associated documentation files (the \"Software\"), to deal in the Software without restriction,\n" +
  " * including without limitation the rights to use, copy, modify, merge, publish, distribute,\n" +
  " * sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is\n" +
  " * furnished to do so, subject to the following conditions: The above copyright notice and this\n" +
  " * permission notice shall be included in all copies or substantial portions of the Software.\n" +
  " * THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT\n" +
  " * NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND\n" +
  " * NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES\n" +
  " * OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN\n" +
  " * CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n */\n";
const code = result.outputFiles[0].text;
writeFileSync(out, banner + code);
const size = statSync(out).size;
console.log(`wrote ${out}: ${size} bytes (${names.length} packages)`);
