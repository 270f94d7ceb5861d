// Benchmark: time from an edit of the input to the next frame, and playback frame times,
// in headless Chromium on the release build. Not a test: it prints numbers to compare.
// Usage: node tests/e2e/bench-edit.mjs [distDir]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { dragLastValue, pageWithTrace, setField } from './edit-page.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1] };
}
const fmt = (o) => Object.entries(o).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');


try {
  for (const [T, H, reps] of [[512, 64, 60], [10000, 256, 3]]) {
    const { page, text } = await pageWithTrace(browser, url, T, H);
    const shown = await page.getByRole('slider', { name: 'Timestep' }).getAttribute('max');
    if (shown !== String(T)) throw new Error(`expected ${T} steps, the app shows ${shown}`);

    // Each edit changes the first value. `work` is until the app's queued effects have run
    // (a macrotask after the input event); `frame` until the next animation frame after it;
    // `painted` until that frame, or the one where a long trace's last chunk is computed,
    // has been rendered (a message posted from its animation-frame callback is delivered
    // after the frame's style, layout, paint and commit); `next` one animation frame after
    // that (what this script reported as "painted" before 2026-12-07: it adds a whole idle
    // frame); `longest` is the longest frame interval meanwhile (how responsive the page
    // stays).
    const r = await page.evaluate(async ({ text, reps }) => {
      const el = document.getElementById('sequence-text');
      const maps = document.querySelector('.heatmaps');
      const frameThenPaint = () => new Promise((res) => requestAnimationFrame(() => {
        const frame = performance.now();
        const c = new MessageChannel();
        c.port1.onmessage = () => res({ frame, painted: performance.now() });
        c.port2.postMessage(0);
      }));
      const work = [], frame = [], painted = [], next = [], longest = [];
      for (let k = 0; k < reps; k++) {
        const edited = text.replace(/^[^,]+/, (0.1 * (k + 1)).toFixed(2));
        const t0 = performance.now();
        // Asked for before the edit, so its message is queued ahead of any work the app
        // defers to after the frame's paint (off-screen views), and does not wait for it.
        const first = frameThenPaint();
        el.value = edited;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((res) => { const c = new MessageChannel(); c.port1.onmessage = res; c.port2.postMessage(0); });
        work.push(performance.now() - t0);
        let f = await first;
        frame.push(f.frame - t0);
        let last = f.frame, worst = f.frame - t0;
        while (maps.getAttribute('aria-busy') === 'true') {
          f = await frameThenPaint();
          worst = Math.max(worst, f.frame - last);
          last = f.frame;
        }
        painted.push(f.painted - t0);
        await new Promise((res) => requestAnimationFrame(res));
        next.push(performance.now() - t0);
        longest.push(worst);
        // A pause of 30 ms plus up to a whole frame, so edits land at every point of a
        // frame alike (a fixed pause puts them all at about the same point).
        await new Promise((res) => setTimeout(res, 30 + (1000 / 60) * Math.random()));
      }
      return { work, frame, painted, next, longest };
    }, { text, reps });

    // Dragging the last step's value: End makes the last step current, so the step editor
    // shows its page; each frame moves the pointer 3 px up. The app recomputes at most once
    // per frame, from the dragged step on. Frame intervals meanwhile (the first 5 skipped).
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.keyboard.press('End');
    const cellName = `x at step ${T}`;
    const before = await page.getByLabel(cellName, { exact: true }).inputValue();
    const drag = (await page.evaluate(dragLastValue, 95)).slice(5);
    await page.waitForTimeout(100);
    const after = await page.getByLabel(cellName, { exact: true }).inputValue();
    if (after === before) throw new Error(`the drag did not change ${cellName} (${before})`);

    // Playback: frame intervals while playing at 20 steps/s for 2 s.
    await page.getByRole('button', { name: 'Go to start' }).click();
    await setField(page, 'Speed', 20);
    await page.getByLabel('Speed').fill('20');
    await page.getByRole('button', { name: 'Play' }).click();
    const frames = await page.evaluate(async () => {
      const dts = [];
      let last = performance.now();
      const end = last + 2000;
      await new Promise((res) => {
        const f = (now) => { dts.push(now - last); last = now; if (now < end) requestAnimationFrame(f); else res(); };
        requestAnimationFrame(f);
      });
      return dts;
    });
    const fps = 1000 / stats(frames).median;
    console.log(`T=${T} H=${H}:`);
    console.log(`  edit -> effects done (ms): ${fmt(stats(r.work))}`);
    console.log(`  edit -> next frame  (ms): ${fmt(stats(r.frame))}`);
    console.log(`  edit -> new trace painted (ms): ${fmt(stats(r.painted))}`);
    console.log(`  edit -> one frame after it (ms): ${fmt(stats(r.next))}`);
    console.log(`  longest frame while computing (ms): ${fmt(stats(r.longest))}`);
    const dragFps = 1000 / stats(drag).median;
    console.log(`  dragging step ${T}'s value (${before} -> ${after}): frame interval (ms) ${fmt(stats(drag))}; median ${dragFps.toFixed(0)} fps; frames > 33.3 ms: ${drag.filter((d) => d > 33.3).length}/${drag.length}`);
    console.log(`  playback frame interval (ms): ${fmt(stats(frames))}; median ${fps.toFixed(0)} fps; frames > 20 ms: ${frames.filter((d) => d > 20).length}/${frames.length}`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
