// Post-build step (tools/post-build.mjs, last): pins the page's Content-Security-Policy to this very build.
//
// Trunk's loader is an inline <script type="module">, so instead of allowing inline scripts
// ('unsafe-inline') the policy lists the SHA-256 of each inline script in the built page.
// Scripts may only come from the page's own origin; 'wasm-unsafe-eval' lets it compile its
// WebAssembly. Styles allow inline attributes (Leptos sets `style` on elements); no script
// text can run from them. Runs on every build (Trunk sets TRUNK_STAGING_DIR); prints the
// policy it wrote.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('csp.mjs: TRUNK_STAGING_DIR is not set (run by Trunk as a post_build hook)');
  process.exit(1);
}
const file = path.join(staging, 'index.html');
let html = fs.readFileSync(file, 'utf8');
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/i, '');

const hashes = [];
for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (/\bsrc\s*=/.test(m[1])) continue;
  hashes.push(`'sha256-${crypto.createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
}
export const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
// Trunk's release minifier drops the quotes.
const charset = /<meta charset="?utf-8"?>/i;
if (!charset.test(html)) {
  console.error('csp.mjs: index.html has no <meta charset="utf-8"> to put the policy after');
  process.exit(1);
}
html = html.replace(charset, (m) => `${m}\n  ${meta}`);
fs.writeFileSync(file, html);
console.log(`csp.mjs: ${hashes.length} inline script(s) pinned; policy: ${policy}`);
