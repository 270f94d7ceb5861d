// Shared by bench-edit.mjs and profile-edit.mjs: a page showing a T-step, H-unit trace.
import { reveal } from './suite.mjs';

export async function setField(page, label, value) {
  const f = page.getByLabel(label, { exact: true });
  await f.fill(String(value));
  await f.dispatchEvent('change');
}

/// Opens the app at 1366×768, sets the hidden size to H and types a T-step sine input;
/// returns the page and that input's text once the trace is computed.
export async function pageWithTrace(browser, url, T, H) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(url);
  await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor();
  // The panels whose code loads when they are scrolled to (issue 8) are loaded, then scrolled
  // away again: an edit updates them off screen, as for someone who has looked at them.
  for (const part of ['.explain-row', '.step-charts']) await reveal(page, part);
  await page.evaluate(() => window.scrollTo(0, 0));
  await setField(page, 'Hidden size', H);
  const text = Array.from({ length: T }, (_, t) => (Math.sin(t / 7) * 2).toFixed(3)).join(', ');
  await page.getByRole('textbox', { name: 'Input sequence' }).fill(text);
  await page.waitForFunction(() => document.querySelector('.heatmaps').getAttribute('aria-busy') === 'false', null, { timeout: 60000 });
  return { page, text };
}

/// Runs in the page (pass it to page.evaluate with a number of frames): drags the last step's
/// grip, one pointer move 3 px up per animation frame, and returns the frame intervals.
/// The step editor must show the last step's page (press End first).
export async function dragLastValue(frames) {
  const grips = document.querySelectorAll('.se-grip');
  const g = grips[grips.length - 1];
  const fire = (type, y) => g.dispatchEvent(new PointerEvent(type, {
    bubbles: true, cancelable: true, pointerId: 7, clientY: y, button: 0, isPrimary: true,
  }));
  let y = 400;
  fire('pointerdown', y);
  const dts = [];
  let last = performance.now();
  for (let k = 0; k < frames; k++) {
    await new Promise((res) => requestAnimationFrame(res));
    const now = performance.now();
    dts.push(now - last);
    last = now;
    y -= 3;
    fire('pointermove', y);
  }
  fire('pointerup', y);
  return dts;
}
