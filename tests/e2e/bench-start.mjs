// Benchmark: what a first visit costs. Download sizes of the files the page loads (raw, gzip,
// brotli) and, in headless Chromium on a local server, the time from navigation start to the
// first frame that shows the "Hidden state h" heatmap drawn, over cold loads. Not a test: it
// prints numbers to compare (goals: ≤ 300 KB gzip in total, first heatmap ≤ 0.5 s).
// Usage: node tests/e2e/bench-start.mjs [distDir] [runs]   (defaults: dist/, 10 runs)
//
// Each load gets a fresh browser context (empty HTTP cache, no compiled-wasm cache), so every
// load is cold; one extra load first warms up the browser process and is not counted. The
// local server sends files uncompressed and instantly, so these times hold no network time.
//
// "Painted": an init script checks the canvas at the start of every animation frame, before
// the app's own code runs in that frame (the app draws from effects, outside animation
// frames). The first frame whose check finds non-blank pixels (any alpha > 0) is the one that
// paints them; the time taken is right after that frame's rendering update (a message posted
// from the frame callback runs after it). So the time is never earlier than the paint. The
// compositor presents the frame later; when the heatmap is in the first frame with any content
// (the script checks), First Contentful Paint is that presentation time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
const runs = Number(process.argv[3] || 10);
if (!(Number.isInteger(runs) && runs > 0)) {
  console.error(`bench-start: the number of loads must be a positive integer, not ${process.argv[3]}`);
  process.exit(2);
}
const NAME = 'Hidden state h';
const GOAL_BYTES = 300_000; // 300 KB gzip, all files together
const GOAL_MS = 500;
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error(`bench-start: no ${path.join(dist, 'index.html')}; run trunk build --release first`);
  process.exit(2);
}

// Runs in the page before any of its scripts.
function probe(name) {
  const s = (window.__start = { wasm: [] });
  // Time WebAssembly compilation/instantiation (wasm-bindgen's loader calls one of these).
  for (const fn of ['instantiateStreaming', 'compileStreaming', 'instantiate', 'compile']) {
    const orig = WebAssembly[fn];
    if (typeof orig !== 'function') continue;
    WebAssembly[fn] = function (...args) {
      const start = performance.now();
      const p = orig.apply(this, args);
      p.then(() => s.wasm.push({ fn, start, end: performance.now() }), () => {});
      return p;
    };
  }
  addEventListener('TrunkApplicationStarted', () => { s.started = performance.now(); });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') s.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  const drawn = (c) => {
    if (!c.width || !c.height) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
    return false;
  };
  const frame = () => {
    s.frames = (s.frames || 0) + 1;
    // The first frame that paints any of the app (Leptos mounts into <body>).
    if (s.contentFrame === undefined && document.body && document.body.childElementCount > 0) s.contentFrame = s.frames;
    const c = [...document.querySelectorAll('canvas[role="img"]')].find((e) => e.getAttribute('aria-label') === name);
    if (c && drawn(c)) {
      s.frame = s.frames;
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { s.painted = performance.now(); };
      ch.port2.postMessage(0);
    } else {
      requestAnimationFrame(frame);
    }
  };
  requestAnimationFrame(frame);
}

function stats(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, min: s[0], max: s[s.length - 1], n: s.length };
}
const ms = (st) => (st ? `median ${st.median.toFixed(0)}, min ${st.min.toFixed(0)}, max ${st.max.toFixed(0)} (n=${st.n})` : 'n/a');

const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
const chromeVersion = browser.version();
const loaded = new Set();
const load0 = os.loadavg()[0];
const results = [];
const problems = [];

try {
  for (let k = 0; k <= runs; k++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    page.on('request', (r) => { if (r.url().startsWith(url)) loaded.add(new URL(r.url()).pathname); });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.addInitScript(probe, NAME);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__start && window.__start.painted !== undefined, null, { timeout: 30000, polling: 50 });
    // FCP is reported when the compositor presents the frame, a little after it is painted.
    await page.waitForFunction(() => window.__start.fcp !== undefined, null, { timeout: 5000, polling: 20 }).catch(() => {});
    const r = await page.evaluate(() => {
      const wasmRes = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
      const s = window.__start;
      const inst = s.wasm.find((w) => w.fn === 'instantiateStreaming' || w.fn === 'instantiate');
      return {
        painted: s.painted, started: s.started, fcp: s.fcp, sameFrame: s.frame === s.contentFrame,
        wasmStart: wasmRes?.startTime, wasmEnd: wasmRes?.responseEnd,
        instFn: inst?.fn, instStart: inst?.start, instEnd: inst?.end,
        dpr: devicePixelRatio,
      };
    });
    await context.close();
    if (k === 0) continue; // warm-up of the browser process
    results.push(r);
    if (!r.sameFrame) problems.push(`load ${k}: the heatmap appeared after the first frame with content`);
    console.log(`load ${k}: heatmap painted ${r.painted.toFixed(0)} ms, FCP ${r.fcp?.toFixed(0)} ms, ` +
      `wasm fetched ${r.wasmStart?.toFixed(0)}–${r.wasmEnd?.toFixed(0)} ms, ${r.instFn} done ${r.instEnd?.toFixed(0)} ms, app started ${r.started?.toFixed(0)} ms`);
  }
} finally {
  await browser.close();
  server.close();
}

// Sizes of every file the page requested, as served from dist/.
const kb = (n) => (n / 1000).toFixed(1);
const files = [...loaded].map((p) => (p === '/' ? 'index.html' : decodeURIComponent(p.slice(1)))).sort();
const rows = files.map((f) => {
  const buf = fs.readFileSync(path.join(dist, f));
  const gz = zlib.gzipSync(buf, { level: 9 }).length;
  const br = zlib.brotliCompressSync(buf, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  }).length;
  return { f, raw: buf.length, gz, br };
});
const total = rows.reduce((a, r) => ({ raw: a.raw + r.raw, gz: a.gz + r.gz, br: a.br + r.br }), { raw: 0, gz: 0, br: 0 });
const w = Math.max(5, ...rows.map((r) => r.f.length));
console.log(`\nDownload sizes (files the page loaded from ${dist}; KB = 1000 bytes; gzip level 9, brotli quality 11):`);
console.log(`  ${'file'.padEnd(w)} ${'raw'.padStart(16)} ${'gzip'.padStart(16)} ${'brotli'.padStart(16)}`);
const cell = (n) => `${n} (${kb(n)} KB)`.padStart(16);
for (const r of rows) console.log(`  ${r.f.padEnd(w)} ${cell(r.raw)} ${cell(r.gz)} ${cell(r.br)}`);
console.log(`  ${'total'.padEnd(w)} ${cell(total.raw)} ${cell(total.gz)} ${cell(total.br)}`);
console.log(`  goal ≤ ${kb(GOAL_BYTES)} KB gzip: ${total.gz <= GOAL_BYTES ? 'met' : `OVER by ${kb(total.gz - GOAL_BYTES)} KB`}`);
const unused = fs.readdirSync(dist, { recursive: true })
  .filter((f) => fs.statSync(path.join(dist, f)).isFile() && !files.includes(f.split(path.sep).join('/')));
if (unused.length) console.log(`  in dist/ but not loaded: ${unused.join(', ')}`);

const pick = (f) => stats(results.map(f));
const paintSt = pick((r) => r.painted);
console.log(`\nStart-up, ${results.length} cold loads (fresh browser context each, empty cache), 1366×768, ` +
  `devicePixelRatio ${results[0]?.dpr}, ms from navigation start:`);
const fcpSt = pick((r) => r.fcp);
const lines = [
  [`"${NAME}" heatmap drawn, its frame rendered`, paintSt],
  ['First Contentful Paint (presentation)', fcpSt],
  ['wasm request start', pick((r) => r.wasmStart)],
  ['wasm downloaded (response end)', pick((r) => r.wasmEnd)],
  ['wasm fetch (request start → end)', pick((r) => r.wasmEnd - r.wasmStart)],
  [`${results[0]?.instFn} call → resolved`, pick((r) => r.instEnd - r.instStart)],
  ['wasm instantiated', pick((r) => r.instEnd)],
  ['wasm downloaded → instantiated', pick((r) => r.instEnd - r.wasmEnd)],
  ['app started (TrunkApplicationStarted)', pick((r) => r.started)],
  ['instantiated → app started (main: mount)', pick((r) => r.started - r.instEnd)],
  ['app started → heatmap frame rendered', pick((r) => r.painted - r.started)],
];
const lw = Math.max(...lines.map(([l]) => l.length));
for (const [l, st] of lines) console.log(`  ${(l + ':').padEnd(lw + 1)} ${ms(st)}`);
console.log(`  heatmap in the first frame with content (so FCP is its presentation): ${results.filter((r) => r.sameFrame).length}/${results.length} loads`);
console.log(`  machine: ${os.cpus().length} cores, load average ${load0.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after; Chromium ${chromeVersion} headless`);
const verdict = (st) => (st && st.median <= GOAL_MS ? 'met' : 'NOT met');
console.log(`  goal ≤ ${GOAL_MS} ms (median): ${verdict(paintSt)} for the rendered frame, ${verdict(fcpSt)} for its presentation (FCP)`);
if (problems.length) console.log(`\npage errors: ${problems.join(' | ')}`);
