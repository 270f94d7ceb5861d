// The step explainer, the cell diagram and interventions (issue 10) in the release build, in
// Debian's Chromium, on the seed article's example:
// - clicking a heatmap cell selects (t, unit); the "Step explainer" then shows that unit at
//   that step, and every LSTM quantity it prints (i, f, g, o, c, h, c_{t-1}) is the text of
//   the same cell of the value tables; its other numbers hold together (σ(pre) = gate,
//   Σ weight·input + bias = pre, kept = f·c_{t-1}, written = i·g, c = kept + written,
//   h = o·tanh(c), to the printed precision), for three (t, unit) pairs;
// - the "Unit" control and the transport move it; it shows a GRU's r, z, n, h as well;
// - the teaching preset "Impulse held for 50 steps" holds c exactly for 50 steps, marks the
//   forced gates in the explainer, and "Clear all interventions" undoes it;
// - the form refuses bad values with a message and adds a good one, which can be removed;
// - the "Cell diagram" is there, named, and its walk-through highlights the explainer's lines.
// Screenshots at 1366×768 and 390×844.
// Usage: node tests/e2e/explainer.mjs [distDir] [screenshotDir]
import path from 'node:path';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { args, check, finish, reveal } from './suite.mjs';
import { openTables, readTables } from './reference.mjs';


const { dist, shots } = args();
/** a ≈ b to the printed precision (4 significant digits on each side, and a little more). */
function near(a, b, scale = 1) {
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 2e-3 * Math.max(Math.abs(b), scale);
}
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
await page.goto(url);
await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
// The explainer's and the diagram's code downloads when they come into view (issue 8), then
// they stay, also scrolled away.
check(await page.locator('.explain-row .chunk-slot').count() === 1
  && await page.getByRole('region', { name: 'Step explainer' }).count() === 0,
  'below the fold at the start, the explainer is a placeholder until it is scrolled to');
await reveal(page, '.explain-row');
await page.evaluate(() => window.scrollTo(0, 0));

const explainer = page.getByRole('region', { name: 'Step explainer' });
const unitField = explainer.getByLabel('Unit', { exact: true });

/** Every named number of the explainer, its step and unit, and its equations' terms. */
async function shown() {
  return explainer.evaluate((el) => {
    const q = {};
    el.querySelectorAll('[data-q]').forEach((n) => { q[n.dataset.q] = n.textContent; });
    const terms = {};
    el.querySelectorAll('li.eq').forEach((li) => {
      // The first line of terms: each term's numbers (weight, input) or one (others, bias).
      const line = li.querySelector('.eq-line');
      terms[li.dataset.eq] = [...line.querySelectorAll('.term')].map((t) => [...t.querySelectorAll('mn')].map((m) => Number(m.textContent)));
    });
    const step = Number(el.querySelector('.explainer-step').textContent.replace(/\D+/g, ''));
    const forced = [...el.querySelectorAll('li.eq.forced')].map((li) => li.dataset.eq);
    const unit = Number(el.querySelector('.explainer-intro').textContent.match(/Unit (\d+)/)[1]);
    return { q, terms, step, forced, unit };
  });
}

/** Clicks the centre of cell (t, unit), 1-based, of a heatmap. */
async function clickCell(name, t, unit, steps, units) {
  const img = page.getByRole('img', { name, exact: true });
  await img.scrollIntoViewIfNeeded();
  const box = await img.boundingBox();
  await page.mouse.click(box.x + ((t - 0.5) * box.width) / steps, box.y + ((unit - 0.5) * box.height) / units);
}

async function waitFor(t, unit) {
  for (let k = 0; k < 40; k += 1) {
    const s = await shown();
    if (s.step === t && s.unit === unit) return s;
    await page.waitForTimeout(50);
  }
  return shown();
}

/** Checks every LSTM quantity of the explainer at (t, unit) against the tables. */
function checkLstm(s, tables, t, unit, how, inputs = 4 + 1) {
  const cell = (k) => tables[k][unit - 1][t - 1];
  const bad = [];
  for (const k of ['i', 'f', 'g', 'o', 'c', 'h']) {
    if (s.q[k] !== cell(k)) bad.push(`${k}: explainer ${s.q[k]}, table ${cell(k)}`);
  }
  const cPrev = t > 1 ? tables.c[unit - 1][t - 2] : '0';
  if (s.q['c-prev'] !== cPrev) bad.push(`c(t-1): explainer ${s.q['c-prev']}, table ${cPrev}`);
  const n = (k) => Number(s.q[k]);
  for (const k of ['i', 'f', 'o']) if (!near(sigmoid(n(`pre-${k}`)), n(k))) bad.push(`σ(pre-${k}) ≠ ${k}`);
  if (!near(Math.tanh(n('pre-g')), n('g'))) bad.push('tanh(pre-g) ≠ g');
  for (const k of ['i', 'f', 'g', 'o']) {
    const parts = s.terms[k];
    const sum = parts.reduce((acc, p) => acc + (p.length === 2 ? p[0] * p[1] : p[0]), 0);
    const scale = parts.reduce((acc, p) => acc + Math.abs(p.length === 2 ? p[0] * p[1] : p[0]), 0);
    // H + D terms and the bias; past 12 terms, the 12 largest, "others" and the bias.
    const want = inputs <= 12 ? inputs + 1 : 12 + 1 + 1;
    if (parts.length !== want) bad.push(`${k}: ${parts.length} parts shown, want ${want}`);
    if (!near(sum, n(`pre-${k}`), scale)) bad.push(`${k}: terms add up to ${sum}, pre shows ${n(`pre-${k}`)}`);
  }
  if (!near(n('kept'), n('f') * n('c-prev'))) bad.push('kept ≠ f·c(t-1)');
  if (!near(n('written'), n('i') * n('g'))) bad.push('written ≠ i·g');
  if (!near(n('c'), n('kept') + n('written'), 0.01)) bad.push('c ≠ kept + written');
  if (!near(n('h'), n('o') * Math.tanh(n('c')), 0.01)) bad.push('h ≠ o·tanh(c)');
  check(bad.length === 0 && s.step === t && s.unit === unit,
    `${how}: explainer at t = ${t}, unit ${unit} equals the value tables (i f g o c h, c(t-1)) and adds up${bad.length ? `: ${bad.join('; ')}` : ''}`);
}

// ---- off screen: an edit reaches the explainer a frame later ----
// At 1366×768 the explainer starts below the fold, so it is updated right after the edit's
// frame is painted rather than in it; its text must still follow the edit (screen readers
// read it without scrolling).
check(await explainer.evaluate((el) => el.getBoundingClientRect().top > window.innerHeight),
  'the explainer is off screen at the top of the page');
const input = page.getByRole('textbox', { name: 'Input sequence' });
const before = await shown();
await input.fill('1.5, 2, 3, 4, 5');
await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(res, 0)))));
const after = await shown();
checkLstm(after, await readTables(page), after.step, after.unit, `off screen, two frames after an edit (t = ${after.step})`);
check(after.q.h !== before.q.h, `off screen, the explainer's h followed the edit (${before.q.h} -> ${after.q.h})`);
await input.fill('1, 2, 3, 4, 5');

// ---- the explainer against the value tables ----
const tables = await readTables(page);
for (const [t, unit] of [[3, 2], [5, 4], [1, 1]]) {
  await clickCell('Forget gate f', t, unit, 5, 4);
  checkLstm(await waitFor(t, unit), tables, t, unit, `click on f(${t}, ${unit})`);
}
await unitField.fill('3');
await unitField.press('Enter');
checkLstm(await waitFor(1, 3), tables, 1, 3, '"Unit" set to 3');
await page.getByRole('button', { name: 'Go to end' }).click();
checkLstm(await waitFor(5, 3), tables, 5, 3, 'transport to the end');
await page.getByRole('button', { name: 'Step back' }).click();
checkLstm(await waitFor(4, 3), tables, 4, 3, 'transport one step back');
await unitField.fill('9');
await unitField.press('Enter');
check((await shown()).unit === 3, 'a unit past H is ignored; the explainer keeps unit 3');

// ---- the cell diagram and its walk-through ----
const diagram = page.getByRole('group', { name: 'Cell diagram' });
check(await diagram.count() === 1, 'one "Cell diagram", named');
const walk = page.getByRole('button', { name: 'Walk through this step' });
if (await walk.count()) {
  await walk.click();
  const lit = await explainer.evaluate((el) => [...el.querySelectorAll('li.eq.walk')].map((li) => li.dataset.eq));
  check(lit.join() === 'f', `walk-through part 1 highlights the forget gate's line (${lit.join()})`);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  const lit2 = await explainer.evaluate((el) => [...el.querySelectorAll('li.eq.walk')].map((li) => li.dataset.eq));
  check(lit2.sort().join() === 'g,i', `walk-through part 2 highlights i and g (${lit2.join()})`);
} else {
  check(false, 'a "Walk through this step" button');
}
await explainer.scrollIntoViewIfNeeded();
await page.screenshot({ path: path.join(shots, 'explainer-1366x768.png') });

// ---- interventions: a teaching preset ----
await page.getByRole('button', { name: 'Memory held for 50 steps' }).click();
await page.getByRole('img', { name: 'Cell state c', exact: true }).waitFor();
let held;
for (let k = 0; k < 40; k += 1) {
  held = await readTables(page);
  if (held.c[0].length === 51) break;
  await page.waitForTimeout(50);
}
const flat = held.c.every((row) => row.slice(1).every((v) => v === row[0]));
const gatesForced = held.f.every((row) => row.slice(1).every((v) => v === '1.000'))
  && held.i.every((row) => row.slice(1).every((v) => v === '0'));
check(held.c[0].length === 51 && flat && gatesForced,
  `"Impulse held for 50 steps": f = 1, i = 0 from step 2, and c holds step 1's value exactly for 50 steps (unit 1: ${held.c[0][0]} … ${held.c[0][50]})`);
const atEnd = await waitFor(51, 3);
check(atEnd.forced.sort().join() === 'f,i' && atEnd.q['natural-f'] !== undefined,
  `the explainer marks the forced f and i at t = 51 and shows the weights' own f (${atEnd.forced.join()})`);
check(await page.getByText('the c heatmap stays the same colour').count() === 1, 'the preset says what to look at');
await page.screenshot({ path: path.join(shots, 'intervention-1366x768.png'), fullPage: true });
await page.getByRole('button', { name: 'Clear all interventions' }).click();
let cleared;
for (let k = 0; k < 40; k += 1) {
  cleared = await readTables(page);
  if (!cleared.f[0].slice(1).every((v) => v === '1.000')) break;
  await page.waitForTimeout(50);
}
check(!cleared.f[0].slice(1).every((v) => v === '1.000') && (await shown()).forced.length === 0,
  'one click clears every intervention; the gates are the model\'s again');

// ---- interventions: the form ----
const panel = page.getByRole('region', { name: 'Interventions' });
const value = panel.getByLabel('Set to');
const add = panel.getByRole('button', { name: 'Add' });
for (const [field, text, want] of [['Set to', 'abc', 'is not a number'], ['Set to', '2', 'between 0 and 1'],
  ['Set to', 'NaN', 'finite'], ['From step', '0', 'From step must be'], ['To step', '99', 'To step must be']]) {
  await panel.getByLabel(field).fill(text);
  await add.click();
  const msg = await panel.getByRole('status').textContent();
  check(msg.includes(want) && (await panel.getByRole('listitem').count()) === 0, `"${text}" in ${field}: "${msg}", nothing added`);
  await panel.getByLabel(field).fill(field === 'Set to' ? '1' : '');
}
await unitField.fill('2');
await panel.getByLabel('Apply to').selectOption('one');
await panel.getByLabel('From step').fill('2');
await panel.getByLabel('To step').fill('3');
await value.fill('0');
await add.click();
const item = panel.getByText('f = 0 · unit 2 · steps 2–3', { exact: true });
check(await item.count() === 1, 'a good intervention is listed');
const one = await readTables(page);
check(one.f[1][1] === '0' && one.f[1][2] === '0' && one.f[1][3] !== '0' && one.f[0][1] !== '0',
  `f of unit 2 is 0 at steps 2–3 only (${one.f[1].slice(0, 5).join(', ')})`);
await panel.getByRole('button', { name: 'Remove f = 0 · unit 2 · steps 2–3' }).click();
check(await item.count() === 0, 'its remove button removes it');

// ---- a GRU ----
await page.getByLabel('Input sequence', { exact: true }).fill('1, 2, 3, 4, 5');
await page.getByLabel('Cell', { exact: true }).selectOption('gru');
await page.getByRole('img', { name: 'Update gate z', exact: true }).waitFor();
await openTables(page);
const gru = {};
for (const [k, name] of [['r', 'Reset gate r'], ['z', 'Update gate z'], ['n', 'New state n'], ['h', 'Hidden state h']]) {
  gru[k] = await page.getByRole('table', { name, exact: true }).evaluate((t) =>
    [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((d) => d.textContent)));
}
const steps = gru.h[0].length;
const units = gru.h.length;
await clickCell('Update gate z', 2, 1, steps, units);
const g = await waitFor(2, 1);
const gBad = ['r', 'z', 'n', 'h'].filter((k) => g.q[k] !== gru[k][0][1]);
check(gBad.length === 0 && g.q['h-prev'] === gru.h[0][0],
  `GRU: explainer at t = 2, unit 1 equals the tables (r z n h, h(t-1))${gBad.length ? `: ${gBad.map((k) => `${k} ${g.q[k]} vs ${gru[k][0][1]}`).join('; ')}` : ''}`);
check(near(sigmoid(Number(g.q['pre-z'])), Number(g.q.z)), 'GRU: σ(pre-z) = z');

// ---- a model trained in the page: the explainer follows its weights ----
await page.getByLabel('Cell', { exact: true }).selectOption('lstm');
await reveal(page, '.training');
await page.getByRole('button', { name: 'Train', exact: true }).click();
await page.waitForTimeout(1500);
await page.getByRole('button', { name: 'Show the LSTM' }).click();
await page.waitForTimeout(1500);
await page.getByRole('button', { name: 'Pause training' }).click();
await page.getByRole('button', { name: 'Show the LSTM' }).click();
await page.getByText(/LSTM trained \d+ steps/).first().waitFor({ timeout: 5000 });
// The model shown while training ran may be replaced once more: wait until the tables stand.
let trained = await readTables(page);
for (let k = 0; k < 20; k += 1) {
  await page.waitForTimeout(250);
  const again = await readTables(page);
  if (JSON.stringify(again) === JSON.stringify(trained)) break;
  trained = again;
}
const [tUnits, tSteps] = [trained.h.length, trained.h[0].length];
const inputs = tUnits + Number((await page.locator('.model-badge .dims').textContent()).match(/D = (\d+)/)[1]);
await clickCell('Forget gate f', tSteps - 1, 3, tSteps, tUnits);
checkLstm(await waitFor(tSteps - 1, 3), trained, tSteps - 1, 3, `trained LSTM (H = ${tUnits}, ${inputs} inputs per gate)`, inputs);

check(errors.length === 0, `no errors in the console${errors.length ? `: ${errors.join(' | ')}` : ''}`);

// ---- the phone ----
const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
await phone.goto(url);
await phone.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
await reveal(phone, '.explain-row');
const region = phone.getByRole('region', { name: 'Step explainer' });
await region.scrollIntoViewIfNeeded();
const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
check(overflow <= 0, `phone: nothing wider than the screen (${overflow} px over)`);
await phone.screenshot({ path: path.join(shots, 'explainer-390x844.png') });
await phone.getByRole('group', { name: 'Cell diagram' }).scrollIntoViewIfNeeded();
await phone.screenshot({ path: path.join(shots, 'diagram-390x844.png') });

await browser.close();
server.close();
finish('explainer');
