// Accessibility, end to end: axe-core (WCAG 2.0/2.1/2.2 A and AA, plus best practices) on
// every view (opening, invalid input, compare mode, training, phone), and a keyboard-only
// walk: every control is reachable with Tab, shows a visible focus indicator, and the
// transport works from the keyboard. Usage: node tests/e2e/a11y.mjs [distDir]
//
// axe is injected by @axe-core/playwright through the DevTools protocol (page.evaluate), not
// by a <script> element, so a Content-Security-Policy on the page does not stop it.
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { pressBelowExplainRow, reveal } from './suite.mjs';
import { pytorchSeed, repo, waitForTables } from './reference.mjs';

const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];
const started = Date.now();

let failures = 0;
let passes = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (ok) passes += 1; else failures += 1;
  return ok;
}

const rulesRun = new Set();
async function audit(page, label) {
  const r = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  for (const k of ['passes', 'violations', 'incomplete', 'inapplicable']) r[k].forEach((x) => rulesRun.add(x.id));
  for (const v of r.violations) {
    console.log(`     ${v.id} (${v.impact}): ${v.help}`);
    v.nodes.slice(0, 4).forEach((n) => console.log(`       ${n.target.join(' ')} :: ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 220)}`));
  }
  const incomplete = r.incomplete.map((x) => `${x.id}×${x.nodes.length}`);
  check(r.violations.length === 0,
    `axe, ${label}: ${r.violations.length} violations, ${r.passes.length} rules passed${incomplete.length ? ` (needs review: ${incomplete.join(', ')})` : ''}`);
}

/// Installs `window.__look(el)`: a description of what could show focus on `el`, namely
/// outline, box-shadow, border and background of it and of its two nearest ancestors (a
/// step cell's ring is drawn by its wrapper).
async function installLook(page) {
  await page.evaluate(() => {
    const one = (e) => {
      if (!e || e === document.body) return '';
      const s = getComputedStyle(e);
      return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor, s.backgroundColor].join(' ');
    };
    window.__look = (el) => [one(el), one(el?.parentElement), one(el?.parentElement?.parentElement)].join(' | ');
  });
}

const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
const errors = [];
try {
  // axe's AxeBuilder opens a helper page in the page's context, so pages need their own.
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
  await page.waitForTimeout(200);

  // ---- axe on every view ----
  await audit(page, 'opening view');

  const field = page.getByRole('textbox', { name: 'Input sequence' });
  await field.fill('1, 2, oops');
  await page.locator('#model-hidden').fill('300');
  await page.getByRole('textbox', { name: 'x at step 2', exact: true }).fill('abc');
  await page.getByRole('textbox', { name: 'x at step 2', exact: true }).press('Enter');
  await audit(page, 'invalid input (sequence, model field and step cell messages)');
  await page.getByRole('button', { name: 'Seed article example' }).click();

  await pressBelowExplainRow(page, page.getByRole('button', { name: 'Compare LSTM, GRU and RNN' }));
  await page.locator('.flow-chart').waitFor();
  // With a heatmap tooltip showing and a cell selected.
  const hm = page.getByRole('img', { name: 'Hidden state h', exact: true });
  await hm.scrollIntoViewIfNeeded();
  const box = await hm.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('.heatmap .tooltip').first().waitFor();
  await audit(page, 'compare mode open (with a tooltip and a selected cell)');
  await page.mouse.move(0, 0);
  await page.getByRole('button', { name: 'Hide comparison' }).click();

  for (const part of ['.explain-row', '.step-charts', '.training']) await reveal(page, part);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForTimeout(1200);
  await page.getByRole('button', { name: 'Pause training' }).click();
  await page.getByRole('button', { name: 'Show the LSTM' }).click();
  await audit(page, 'training view (after Train, Pause, Show the LSTM)');
  await page.getByRole('button', { name: 'Seed article example' }).click();

  await page.getByRole('button', { name: 'Open text mode' }).click();
  await page.getByRole('button', { name: 'Preset: find a unit that tracks quotes' }).click();
  await page.locator('.text-finding').waitFor({ timeout: 60000 });
  await page.getByLabel('Text to read').evaluate((el) => { el.focus(); el.setSelectionRange(5, 20); el.dispatchEvent(new Event('select')); });
  await page.locator('.finder-list button').first().waitFor();
  await audit(page, 'text mode (after the quote preset, with the unit finder)');
  await page.getByRole('button', { name: 'Back to numbers' }).click();

  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const phone = await phoneContext.newPage();
  phone.on('pageerror', (e) => errors.push(String(e)));
  phone.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await phone.goto(url);
  await phone.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
  await audit(phone, 'phone layout 390×844');
  await pressBelowExplainRow(phone, phone.getByRole('button', { name: 'Compare LSTM, GRU and RNN' }));
  await phone.locator('.flow-chart').waitFor();
  await audit(phone, 'phone layout, compare mode');
  await phoneContext.close();

  const dialogs = await page.locator('dialog, [role=dialog], [role=alertdialog]').count();
  console.log(`     (the app has ${dialogs} dialogs)`);

  const ids = [...rulesRun].sort();
  console.log(`     axe ${(await page.evaluate(() => window.axe?.version)) || ''} ran ${ids.length} rules (tags ${TAGS.join(', ')}):`);
  for (let k = 0; k < ids.length; k += 8) console.log(`       ${ids.slice(k, k + 8).join(', ')}`);

  // ---- keyboard only ----
  // The code of the panels below the fold downloads when they come into view, or when a
  // placeholder's "Load it now" gets focus: then focus moves on to the panel's first control
  // (not back to the top of the page). The Tab walk below then covers the panels' controls.
  // (Each on a fresh page: focusing one scrolls it into view, which may load its neighbours.)
  for (const [part, first, what] of [
    ['.explain-row', 'explainer-unit', 'the explainer\'s Unit field'],
    ['.training', 'Train', 'its Train button'],
  ]) {
    // A new navigation, not a reload: a reload restores the scroll position, which could
    // bring the panel into view (and load it) before its button is focused.
    await page.goto(url);
    await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
    await page.locator(`${part} .chunk-slot button`).focus();
    const landed = await page.waitForFunction(([p, f]) => {
      const el = document.activeElement;
      return el?.closest(p) && (el.id === f || el.textContent.includes(f));
    }, [part, first], { timeout: 10000 }).then(() => true, () => false);
    check(landed, `from the keyboard, "Load it now" loads ${part} and focus moves to ${what}`);
  }
  for (const part of ['.explain-row', '.step-charts']) await reveal(page, part);
  await installLook(page);
  const controls = await page.evaluate(() => {
    const list = [...document.querySelectorAll('button, input, select, textarea, summary, a[href], [tabindex]')]
      .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0
        && getComputedStyle(el).visibility !== 'hidden'
        // A closed disclosure's contents (the Teach menu's boxes) are reached by opening it
        // with its summary, which is in the list.
        && !(el.tagName !== 'SUMMARY' && el.closest('details:not([open])')));
    list.forEach((el, k) => el.setAttribute('data-kbd', String(k)));
    return list.map((el) => `${el.tagName.toLowerCase()}${el.type ? `[${el.type}]` : ''} "${(el.getAttribute('aria-label') || el.id || el.textContent).trim().slice(0, 30)}"`);
  });
  // Tab from the top of the page until focus wraps around. (Blurring alone would leave
  // Chromium's sequential-focus starting point at the Train button focused above.)
  await page.evaluate(() => {
    const top = document.createElement('span');
    top.tabIndex = -1;
    document.body.prepend(top);
    top.focus();
    top.blur();
    top.remove();
    window.scrollTo(0, 0);
  });
  const seen = new Map(); // data-kbd -> focused look
  const order = [];
  for (let k = 0; k < 400; k += 1) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      return { id: el?.getAttribute('data-kbd'), look: window.__look(el) };
    });
    if (info.id == null) { if (order.length) break; continue; }
    if (seen.has(info.id)) break;
    seen.set(info.id, info.look);
    order.push(info.id);
  }
  const unreached = controls.filter((_, k) => !seen.has(String(k)));
  unreached.slice(0, 10).forEach((c) => console.log(`     not reachable by Tab: ${c}`));
  check(unreached.length === 0 && controls.length > 20,
    `Tab reaches all ${controls.length} enabled controls (${seen.size} reached, in ${order.length} presses)`);
  // Unfocused look of each control, measured with focus elsewhere.
  const noRing = [];
  for (const id of order) {
    const plain = await page.evaluate((k) => {
      const el = document.querySelector(`[data-kbd="${k}"]`);
      document.activeElement?.blur();
      return window.__look(el);
    }, id);
    if (plain === seen.get(id)) noRing.push(controls[Number(id)]);
  }
  noRing.slice(0, 10).forEach((c) => console.log(`     no visible focus indicator: ${c}`));
  check(noRing.length === 0, `every control reached by Tab shows a visible focus indicator (${order.length - noRing.length}/${order.length})`);

  // The transport from the keyboard: Tab to Play, Enter; Space on the button pauses; the
  // slider takes arrows and Home/End; outside fields ←/→/Home/End step and jump.
  const slider = page.getByRole('slider', { name: 'Timestep' });
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  let found = false;
  for (let k = 0; k < 120 && !found; k += 1) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Go to start');
  }
  const kb = [];
  if (!found) kb.push('Tab never reached "Go to start"');
  await page.keyboard.press('Enter');
  if (await slider.inputValue() !== '1') kb.push(`Enter on "Go to start" left t = ${await slider.inputValue()}`);
  await page.keyboard.press('Tab'); // Step back
  await page.keyboard.press('Tab'); // Play
  await page.keyboard.press('Enter');
  const playing = await page.getByRole('button', { name: 'Pause' }).isVisible();
  if (!playing) kb.push('Enter on Play did not start playback');
  await page.keyboard.press('Space');
  await page.waitForTimeout(50);
  if (!(await page.getByRole('button', { name: 'Play' }).isVisible())) kb.push('Space on Pause did not pause');
  await page.keyboard.press('Tab'); // Step forward
  await page.keyboard.press('Tab'); // Go to end
  await page.keyboard.press('Tab'); // slider
  if (await page.evaluate(() => document.activeElement?.getAttribute('aria-label')) !== 'Timestep') kb.push('the Timestep slider is not the next stop after Go to end');
  await page.keyboard.press('Home');
  const atStart = await slider.inputValue();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const moved = await slider.inputValue();
  await page.keyboard.press('End');
  const atEnd = await slider.inputValue();
  if (atStart !== '1' || moved !== '3' || atEnd !== '5') kb.push(`slider keys: Home ${atStart}, →→ ${moved}, End ${atEnd}`);
  await page.keyboard.press('Tab'); // speed slider
  const speed0 = await page.getByRole('slider', { name: 'Speed' }).inputValue();
  await page.keyboard.press('ArrowRight');
  const speed1 = await page.getByRole('slider', { name: 'Speed' }).inputValue();
  if (!(Number(speed1) > Number(speed0))) kb.push(`→ on Speed: ${speed0} → ${speed1}`);
  await page.keyboard.press('Tab'); // loop
  await page.keyboard.press('Space');
  if (!(await page.getByRole('checkbox', { name: 'Loop' }).isChecked())) kb.push('Space on Loop did not check it');
  await page.keyboard.press('Space');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  if (await slider.inputValue() !== '2') kb.push(`global Home, → gave t = ${await slider.inputValue()}`);
  await page.keyboard.press('Space');
  if (!(await page.getByRole('button', { name: 'Pause' }).isVisible())) kb.push('global Space did not play');
  await page.getByRole('button', { name: 'Play' }).waitFor({ timeout: 8000 });
  kb.forEach((m) => console.log(`     ${m}`));
  check(kb.length === 0, 'the transport works from the keyboard (Tab + Enter/Space on buttons, arrows/Home/End on the slider, global keys)');

  // The value tables from the keyboard: each heatmap has a "Values" disclosure, closed by
  // default; Enter opens it and builds its table, Space closes it (and does not play).
  const summary = page.locator('[data-series=h] details.value-table > summary');
  const vt = [];
  await summary.focus();
  const name = await page.evaluate(() => document.activeElement?.textContent);
  if (name !== 'Values of Hidden state h') vt.push(`summary reads "${name}"`);
  await page.keyboard.press('Enter');
  const table = page.getByRole('table', { name: 'Hidden state h' });
  await table.waitFor({ timeout: 3000 }).catch(() => vt.push('Enter did not show the table'));
  await audit(page, 'a value table open');
  await page.keyboard.press('Space');
  await page.waitForTimeout(100);
  if (await table.count() !== 0) vt.push('Space did not close the table');
  if (await page.getByRole('button', { name: 'Pause' }).isVisible()) vt.push('Space on the summary started playback');
  vt.forEach((m) => console.log(`     ${m}`));
  check(vt.length === 0, 'a value table opens with Enter and closes with Space on its "Values" summary');

  const { bad } = await waitForTables(page, pytorchSeed());
  check(bad.length === 0, 'the seed example is still PyTorch-correct after the keyboard walk');
  check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join(' | ').slice(0, 500)}` : ''}`);
} finally {
  await browser.close();
  server.close();
}
const secs = ((Date.now() - started) / 1000).toFixed(0);
console.log(failures ? `\n${failures} accessibility check(s) failed, ${passes} passed (${secs} s)` : `\nall ${passes} accessibility checks passed (${secs} s)`);
process.exit(failures ? 1 : 0);
