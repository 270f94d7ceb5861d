// Profiling aid: the same edits as bench-edit.mjs at T=512, H=64, under Chromium's CPU
// profiler and a timeline trace, printed as self time per function and per trace event.
// Not a test. Usage: node tests/e2e/profile-edit.mjs [distDir] [edits]
// Environment: T, H (default 512, 64); DRAG=1 drags the last value instead of typing;
// NOEVENT=1 only changes the field's text (what the field alone costs to render);
// HIDE=<selector> hides elements, CSS=<rules> adds rules (what a part costs);
// TREE=<regex> prints the callees of the functions it matches.
// Function names need a build that keeps them, e.g. (index-prof.html: index.html with -g
// added to data-wasm-opt-params):
//   CARGO_PROFILE_RELEASE_STRIP=false trunk build --release --dist /tmp/dist-prof index-prof.html
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { dragLastValue, pageWithTrace } from './edit-page.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
const reps = Number(process.argv[3] || 40);
const [T, H] = [Number(process.env.T || 512), Number(process.env.H || 64)];
const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();

try {
  const { page, text } = await pageWithTrace(browser, url, T, H);
  if (process.env.HIDE) await page.addStyleTag({ content: `${process.env.HIDE} { display: none !important; }` });
  if (process.env.CSS) await page.addStyleTag({ content: process.env.CSS });
  if (process.env.DRAG) { await page.evaluate(() => document.activeElement && document.activeElement.blur()); await page.keyboard.press('End'); }
  await page.waitForTimeout(300);
  const cdp = await page.context().newCDPSession(page);
  // Optional: code temporarily instrumented to add its times to window.__t[name].
  await page.evaluate((ne) => { window.__t = {}; window.__noevent = ne; }, !!process.env.NOEVENT);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const traced = new Promise((res) => cdp.once('Tracing.tracingComplete', res));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await cdp.send('Profiler.start');
  // DRAG=1: a drag of the last step's value (as bench-edit.mjs), one pointer move a frame.
  const wall = process.env.DRAG ? (await page.evaluate(dragLastValue, reps)).reduce((a, b) => a + b, 0) : await page.evaluate(async ({ text, reps }) => {
    const el = document.getElementById('sequence-text');
    const maps = document.querySelector('.heatmaps');
    const t0 = performance.now();
    for (let k = 0; k < reps; k++) {
      el.value = text.replace(/^[^,]+/, (0.1 * (k + 1)).toFixed(2));
      if (!window.__noevent) el.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((res) => requestAnimationFrame(res));
      while (maps.getAttribute('aria-busy') === 'true') await new Promise((res) => requestAnimationFrame(res));
      await new Promise((res) => requestAnimationFrame(res));
      await new Promise((res) => setTimeout(res, 30));
    }
    return performance.now() - t0;
  }, { text, reps });
  const { profile } = await cdp.send('Profiler.stop');
  const timers = await page.evaluate(() => window.__t || {});
  if (Object.keys(timers).length) {
    console.log('instrumented (window.__t), ms per edit:');
    Object.entries(timers).sort((a, b) => b[1] - a[1]).forEach(([k, v]) => console.log(`  ${(v / reps).toFixed(2).padStart(7)}  ${k}`));
  }
  await cdp.send('Tracing.end');
  await traced;

  // Self time per function from the samples.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dts = profile.timeDeltas;
  profile.samples.forEach((id, k) => {
    const n = byId.get(id);
    const f = n.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url ? path.basename(f.url).slice(0, 20) : ''}`;
    self.set(key, (self.get(key) || 0) + (dts[k] || 0) / 1000);
  });
  console.log(`${reps} edits, ${wall.toFixed(0)} ms wall (incl. 30 ms pauses); self ms per edit:`);
  [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)
    .forEach(([k, v]) => console.log(`  ${(v / reps).toFixed(2).padStart(7)}  ${k}`));

  // Inclusive time per function (counted once per sample even when recursive), and which
  // DOM/JS callees each heavy wasm function reaches.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const incl = new Map();
  const name = (n) => `${n.callFrame.functionName || '(anon)'}`;
  profile.samples.forEach((id, k) => {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const key = name(byId.get(cur));
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) || 0) + (dts[k] || 0) / 1000);
    }
  });
  console.log('inclusive ms per edit:');
  [...incl.entries()].filter(([k]) => !k.startsWith('(')).sort((a, b) => b[1] - a[1]).slice(0, 45)
    .forEach(([k, v]) => console.log(`  ${(v / reps).toFixed(2).padStart(7)}  ${k}`));

  if (process.env.TREE) {
    // Children (inclusive ms per edit) of every node whose function name matches TREE.
    const re = new RegExp(process.env.TREE);
    const inclNode = new Map();
    profile.samples.forEach((id, k) => {
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) inclNode.set(cur, (inclNode.get(cur) || 0) + (dts[k] || 0) / 1000);
    });
    const agg = new Map();
    for (const n of profile.nodes) {
      if (!re.test(name(n))) continue;
      const kids = new Map();
      for (const c of n.children || []) { const cn = name(byId.get(c)); kids.set(cn, (kids.get(cn) || 0) + (inclNode.get(c) || 0)); }
      const key = name(n);
      const a = agg.get(key) || { total: 0, kids: new Map() };
      a.total += inclNode.get(n.id) || 0;
      for (const [kn, v] of kids) a.kids.set(kn, (a.kids.get(kn) || 0) + v);
      agg.set(key, a);
    }
    for (const [k, a] of [...agg.entries()].sort((x, y) => y[1].total - x[1].total).slice(0, 12)) {
      console.log(`${(a.total / reps).toFixed(2)} ${k.slice(0, 150)}`);
      [...a.kids.entries()].sort((x, y) => y[1] - x[1]).slice(0, 8).forEach(([kn, v]) => console.log(`      ${(v / reps).toFixed(2)} ${kn.slice(0, 140)}`));
    }
  }

  // Timeline: total duration per top-level-ish event name on the renderer main thread.
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const per = new Map();
  for (const e of events) {
    if (!main || e.tid !== main.tid || e.ph !== 'X' || !e.dur) continue;
    per.set(e.name, (per.get(e.name) || 0) + e.dur / 1000);
  }
  console.log('timeline (inclusive ms per edit, main thread):');
  [...per.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)
    .forEach(([k, v]) => console.log(`  ${(v / reps).toFixed(2).padStart(7)}  ${k}`));
  await page.close();
} finally {
  await browser.close();
  server.close();
}
