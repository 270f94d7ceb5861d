// Soak: playback and edits for a while on the release build; the heap must stay flat and no
// frame may take longer than 50 ms after warm-up. The suite runs 60 s; the 10-minute run of
// issue 7 is `node tests/e2e/soak.mjs dist 600`.
// Usage: node tests/e2e/soak.mjs [distDir] [seconds]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
const seconds = Number(process.argv[3] || 60);
const WARMUP_S = Math.min(10, seconds / 6);

const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // Trunk's loader hands the wasm exports (with the linear memory) to this event.
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail?.wasm; }));
  await page.goto(url);
  await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  // JS heap after a full collection, plus the wasm linear memory (which only grows).
  async function heap() {
    await cdp.send('HeapProfiler.collectGarbage');
    const m = await cdp.send('Performance.getMetrics');
    const js = m.metrics.find((x) => x.name === 'JSHeapUsedSize').value;
    const wasm = await page.evaluate(() => window.__wasm?.memory?.buffer.byteLength ?? 0);
    return { js, wasm };
  }

  // A 200-step input at H = 32 that keeps changing, while playback loops at 20 steps/s.
  const hidden = page.getByLabel('Hidden size', { exact: true });
  await hidden.fill('32');
  await hidden.dispatchEvent('change');
  const field = page.getByRole('textbox', { name: 'Input sequence' });
  const text = (k) => Array.from({ length: 200 }, (_, t) => (Math.sin((t + k) / 7) * 2).toFixed(3)).join(', ');
  await field.fill(text(0));
  await page.getByLabel('Speed').fill('20');
  const loop = page.getByLabel('Loop');
  if (await loop.count()) await loop.check();
  await page.getByRole('button', { name: 'Play' }).click();

  // Frame intervals are recorded in the page by requestAnimationFrame for the whole run.
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const f = (now) => { window.__frames.push([now, now - last]); last = now; requestAnimationFrame(f); };
    requestAnimationFrame(f);
  });
  const t0 = Date.now();
  let base = null;
  const samples = [];
  let k = 0;
  while (Date.now() - t0 < seconds * 1000) {
    k += 1;
    await field.fill(text(k));
    await page.waitForTimeout(250);
    const elapsed = (Date.now() - t0) / 1000;
    if (base === null && elapsed >= WARMUP_S) {
      base = await heap();
      await page.evaluate(() => { window.__frames = []; });
    }
    if (base !== null && k % 40 === 0) samples.push(await heap());
  }
  const end = await heap();
  samples.push(end);
  const frames = await page.evaluate(() => window.__frames.map(([, dt]) => dt));
  const worst = Math.max(...frames);
  const long = frames.filter((d) => d > 50).length;
  const growth = (end.js - base.js) / base.js;
  const jsMax = Math.max(...samples.map((s) => s.js));
  console.log(`soak ${seconds} s: ${k} edits, ${frames.length} frames after warm-up, longest ${worst.toFixed(1)} ms, ${long} over 50 ms`);
  console.log(`JS heap after GC: ${(base.js / 1e6).toFixed(2)} MB after warm-up -> ${(end.js / 1e6).toFixed(2)} MB at the end (max ${(jsMax / 1e6).toFixed(2)} MB, ${(growth * 100).toFixed(1)} %); wasm memory ${(base.wasm / 1e6).toFixed(1)} -> ${(end.wasm / 1e6).toFixed(1)} MB`);
  check(Math.abs(growth) <= 0.10, `JS heap stays within ±10 % (${(growth * 100).toFixed(1)} %)`);
  check(end.wasm <= base.wasm * 1.1 || base.wasm === 0, `wasm memory stays within +10 %`);
  check(long === 0, `no frame longer than 50 ms after warm-up (longest ${worst.toFixed(1)} ms)`);
  check(await page.locator('#internal-error').count() === 0, 'no internal-error banner');
  check(errors.length === 0, `no page errors${errors.length ? ': ' + errors.slice(0, 3).join(' | ') : ''}`);
} finally {
  await browser.close();
  server.close();
}
process.exit(failures ? 1 : 0);
