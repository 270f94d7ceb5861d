// Trunk post-build hook: the page's stylesheets become one file.
//
// The styles stay in one source file per part of the app (style/*.css, linked one by one in
// index.html, which Trunk hashes and, in release builds, minifies). Served as seven files, each
// is compressed on its own; as one, gzip finds the repeats across them: 12.1 → 8.7 KB gzip on
// the first visit, and one request instead of seven. The files are joined in the page's order,
// so the cascade is unchanged. Run by tools/post-build.mjs on every build, after split.mjs
// and before csp.mjs; prints what it wrote.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('css.mjs: TRUNK_STAGING_DIR is not set (run by Trunk as a post_build hook)');
  process.exit(1);
}
const page = path.join(staging, 'index.html');
let html = fs.readFileSync(page, 'utf8');

// Trunk's <link rel=stylesheet href=./name-hash.css integrity=…> (quoted or not: the release
// minifier drops the quotes).
const tag = /<link\b[^>]*\brel="?stylesheet"?[^>]*>\s*/g;
const hrefOf = (t) => (t.match(/\bhref="?\.\/([^"\s>]+\.css)"?/) || [])[1];
const tags = [...html.matchAll(tag)].map((m) => m[0]);
const files = tags.map(hrefOf);
if (files.length === 0 || files.some((f) => !f)) {
  console.error(`css.mjs: expected Trunk's stylesheet links in index.html, found ${JSON.stringify(tags)}`);
  process.exit(1);
}
// A newline between files: a file that ends inside a comment or without its last semicolon
// must not run into the next one.
const css = files.map((f) => fs.readFileSync(path.join(staging, f), 'utf8').trim()).join('\n');
const name = `app-${crypto.createHash('sha256').update(css).digest('hex').slice(0, 16)}.css`;
fs.writeFileSync(path.join(staging, name), css);
for (const f of files) fs.rmSync(path.join(staging, f));
const integrity = `sha384-${crypto.createHash('sha384').update(css).digest('base64')}`;
let first = true;
html = html.replace(tag, () => {
  if (!first) return '';
  first = false;
  return `<link rel="stylesheet" href="./${name}" integrity="${integrity}">`;
});
fs.writeFileSync(page, html);
console.log(`css.mjs: ${files.length} stylesheets → ${name} (${(css.length / 1024).toFixed(1)} KB)`);
