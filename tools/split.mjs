// Post-build step (tools/post-build.mjs, first): splits the app's WebAssembly module so that the views declared with
// `chunk_view!` (src/app/chunk.rs) download only when they are first shown.
//
// Trunk builds the app with the `split` feature (index.html), runs wasm-bindgen on the whole
// module and names the files. This step then redoes the module from cargo's output the way
// the split needs it, and writes the result under Trunk's names:
//   1. `wasm-split-cli` (crate wasm_split_cli_support, the tool behind Leptos's `#[lazy]`)
//      cuts cargo's module into the first-visit module and one chunk per on-demand view,
//      plus `__wasm_split.js`, which fetches a chunk and links it to the first module;
//   2. wasm-bindgen makes the first module's JS glue, as Trunk does, keeping the exports the
//      chunks link against (--keep-lld-exports);
//   3. in release builds, npm binaryen's wasm-opt optimises every module with the level and
//      flags of the app's <link data-trunk rel="rust"> (data-split-opt,
//      data-wasm-opt-params; Trunk's own pass is off there, data-wasm-opt="0");
//   4. the chunks and the loader get content-hashed names, and the page's integrity hashes
//      are updated for the two files Trunk named.
// Prints what it wrote. Any failure stops the build (a half-split app would not start).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { minify } from 'terser';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('split.mjs: TRUNK_STAGING_DIR is not set (run by Trunk as a post_build hook)');
  process.exit(1);
}
const profile = process.env.TRUNK_PROFILE === 'release' ? 'release' : 'debug';
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] }).toString();

// The app's link in the source page: its optimisation level and flags.
const source = fs.readFileSync(process.env.TRUNK_HTML_FILE || 'index.html', 'utf8');
const link = [...source.matchAll(/<link\b[^>]*>/g)].map((m) => m[0]).find((l) => /data-bin="gatescope"/.test(l));
if (!link) throw new Error('split.mjs: index.html has no <link data-trunk rel="rust" data-bin="gatescope">');
const attr = (name) => (link.match(new RegExp(`${name}="([^"]*)"`)) || [])[1];
const level = attr('data-split-opt') || '0';
const optParams = (attr('data-wasm-opt-params') || '').split(/\s+/).filter(Boolean);

// Trunk's name for the app's files: gatescope-<hash>.js and gatescope-<hash>_bg.wasm.
const name = fs.readdirSync(staging).map((f) => f.match(/^(gatescope-[0-9a-f]+)\.js$/)).find(Boolean)?.[1];
if (!name) throw new Error(`split.mjs: no gatescope-<hash>.js in ${staging}`);

const targetDir = JSON.parse(run('cargo', ['metadata', '--format-version', '1', '--no-deps'])).target_directory;
const input = path.join(targetDir, 'wasm32-unknown-unknown', profile, 'gatescope.wasm');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-split-'));
try {
  run('wasm-split-cli', [input, work, '--out-name', name]);
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--no-demangle',
    '--out-dir', staging, '--out-name', name, path.join(work, `${name}.wasm`)]);
  const made = fs.readdirSync(work).filter((f) => f.endsWith('.wasm') && f !== `${name}.wasm`);
  if (profile === 'release' && level !== '0') {
    for (const f of [path.join(staging, `${name}_bg.wasm`), ...made.map((c) => path.join(work, c))]) {
      run('wasm-opt', [`-O${level}`, ...optParams, '-o', f, f]);
    }
  }
  // Content-hashed names, as Trunk gives its files, so no cache can pair a new module with an
  // old chunk: the chunks are named in the loader, and the loader in the app's JS glue.
  const hash = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
  // The loader starts a chunk's fetch before it waits for the chunks that one needs; if the
  // fetch fails meanwhile, its promise would be rejected with no handler yet (an unhandled
  // rejection on the page). The failure still reaches the app through instantiateStreaming.
  const fetchLine = /const src = fetch\(([^;]*)\);/g;
  let loader = fs.readFileSync(path.join(work, '__wasm_split.js'), 'utf8');
  if (!fetchLine.test(loader)) throw new Error('split.mjs: the chunk loader no longer fetches as `const src = fetch(…);`');
  loader = loader.replace(fetchLine, 'const src = fetch($1);\n    src.catch(() => {});');
  const chunks = made.map((f) => {
    const hashed = `${f.slice(0, -'.wasm'.length)}-${hash(path.join(work, f))}.wasm`;
    fs.copyFileSync(path.join(work, f), path.join(staging, hashed));
    loader = loader.replaceAll(`"./${f}"`, `"./${hashed}"`);
    return hashed;
  });
  // Release builds minify the loader and the app's JS glue (Trunk's own minifier cannot parse
  // wasm-bindgen's glue): 3 KB gzip less on the first visit. Only names local to a module are
  // shortened; exports and the wasm's import names stay as they are.
  const minified = async (code) => (profile === 'release'
    ? (await minify(code, { module: true, compress: true, mangle: true })).code
    : code);
  loader = await minified(loader);
  const loaderName = `__wasm_split-${crypto.createHash('sha256').update(loader).digest('hex').slice(0, 16)}.js`;
  fs.writeFileSync(path.join(staging, loaderName), loader);
  const glue = path.join(staging, `${name}.js`);
  const js = fs.readFileSync(glue, 'utf8');
  // Only the ES imports (one per chunk): the wasm's own imports keep their module name.
  const from = 'from "./__wasm_split.js"';
  if (!js.includes(from)) throw new Error(`split.mjs: ${name}.js does not import ./__wasm_split.js`);
  fs.writeFileSync(glue, await minified(js.replaceAll(from, `from "./${loaderName}"`)));

  // Trunk's <link rel=modulepreload|preload integrity=…> name the files this step rewrote.
  const page = path.join(staging, 'index.html');
  let html = fs.readFileSync(page, 'utf8');
  for (const f of [`${name}.js`, `${name}_bg.wasm`]) {
    const digest = crypto.createHash('sha384').update(fs.readFileSync(path.join(staging, f))).digest('base64');
    html = html.replace(/<link\b[^>]*>/g, (tag) => (tag.includes(`./${f}`)
      ? tag.replace(/integrity=("?)sha384-[A-Za-z0-9+/=]+\1/, `integrity=$1sha384-${digest}$1`)
      : tag));
  }
  fs.writeFileSync(page, html);
  const kb = (f) => (fs.statSync(path.join(staging, f)).size / 1024).toFixed(1);
  console.log(`split.mjs: ${name}_bg.wasm ${kb(`${name}_bg.wasm`)} KB; on demand: ${chunks.map((f) => `${f} ${kb(f)} KB`).join(', ')}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
