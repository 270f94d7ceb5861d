// The state in the link (issue 11, first part), in the release build in Chromium:
// - after edits (model settings, input, timestep, selection, explained unit, an
//   intervention), the address holds the state (replaceState: no history entries), and
//   opening it in a fresh browser context shows the same six value tables, step, unit and
//   interventions; "Copy link" copies that address;
// - a table of bad links: each gets a message naming what was wrong, the rest of the link
//   still loads, and nothing breaks (no page errors, the app still edits).
// - the Teach menu hides parts of the page and turns on presenter mode, and the link keeps both.
// - the view options (the line chart's quantity, open value tables, compare mode and its
//   models, the lesson step) come back from the link.
// Usage: node tests/e2e/links.mjs [distDir] [screenshotDir]
import path from 'node:path';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { args, check, finish, pressBelowExplainRow, reveal } from './suite.mjs';
import { openTables, readTables } from './reference.mjs';

const { dist, shots } = args();

const server = await startServer(dist);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();

async function open(context, url) {
  const page = await context.newPage({ viewport: { width: 1366, height: 768 } });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  await page.goto(url);
  await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
  await reveal(page, '.explain-row'); // state() reads the explainer, which loads on demand
  return page;
}

const state = async (page) => ({
  tables: await readTables(page),
  step: await page.getByRole('slider', { name: 'Timestep', exact: true }).inputValue(),
  intro: await page.locator('.step-explainer .explainer-intro').textContent(),
  interventions: await page.locator('.iv-list .iv-text').allTextContents(),
  badge: await page.locator('.model-badge').textContent(),
});

// ---- a state round-trips through the address ----
const first = await browser.newContext();
await first.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
const page = await open(first, base);
const historyBefore = await page.evaluate(() => history.length);
await page.locator('#model-hidden').fill('6');
await page.locator('#model-hidden').press('Tab');
await page.locator('#model-seed').fill('3');
await page.locator('#model-seed').press('Tab');
await page.getByLabel('Input sequence', { exact: true }).fill('0.5, -1, 2, 3, 1.25, -0.75, 0.1');
await page.getByRole('img', { name: 'Forget gate f', exact: true }).scrollIntoViewIfNeeded();
const box = await page.getByRole('img', { name: 'Forget gate f', exact: true }).boundingBox();
await page.mouse.click(box.x + (1.5 * box.width) / 7, box.y + (4.5 * box.height) / 6);
await page.getByRole('button', { name: 'Step forward' }).click();
await page.getByRole('button', { name: 'Step forward' }).click();
const panel = page.getByRole('region', { name: 'Interventions' });
await panel.getByLabel('Force').selectOption('i');
await panel.getByLabel('From step').fill('2');
await panel.getByLabel('To step').fill('4');
await panel.getByLabel('Set to').fill('0.5');
await panel.getByRole('button', { name: 'Add', exact: true }).click();
const before = await state(page);
await page.waitForTimeout(900);
const url = page.url();
check(url.includes('h=6') && url.includes('seed=3') && url.includes('iv=') && url.includes('sel=2%2C5'),
  `the address holds the state (${url.slice(base.length, base.length + 120)}…)`);
check(await page.evaluate(() => history.length) === historyBefore, 'no history entries were added');
await page.getByRole('button', { name: 'Copy link' }).click();
await page.getByText('Link copied').waitFor({ timeout: 3000 }).catch(() => {});
const copied = await page.evaluate(() => navigator.clipboard.readText()).catch((e) => String(e));
check(copied === url, `"Copy link" copies the address (${copied.slice(0, 60)}…)`);

const second = await browser.newContext();
const again = await open(second, url);
const after = await state(again);
check(JSON.stringify(after.tables) === JSON.stringify(before.tables),
  `a fresh browser context opening the link shows the same six value tables (${before.tables.h.length} units × ${before.tables.h[0].length} steps)`);
check(after.step === before.step && after.intro === before.intro,
  `and the same timestep (${after.step}) and explained unit (${after.intro.slice(0, 22)})`);
check(JSON.stringify(after.interventions) === JSON.stringify(before.interventions) && after.interventions.length === 1,
  `and the same interventions (${after.interventions.join('; ')})`);
check(after.badge === before.badge, `and the same model (${after.badge})`);
check(await again.locator('.link-notes').count() === 0 && again.errors.length === 0, 'a good link gets no message and no errors');
await second.close();

// ---- a trained LSTM's weights travel in the link ----
{
  const ctx = await browser.newContext();
  const p = await open(ctx, base);
  await reveal(p, '.training');
  await p.getByRole('button', { name: 'Train', exact: true }).click();
  await p.waitForTimeout(2500);
  await p.getByRole('button', { name: 'Pause training' }).click();
  await p.getByRole('button', { name: 'Show the LSTM' }).click();
  await p.getByText(/LSTM trained \d+ steps/).first().waitFor({ timeout: 5000 });
  let link = '';
  for (let k = 0; k < 40 && !link.includes('&w='); k += 1) {
    await p.waitForTimeout(100);
    link = p.url();
  }
  const trained = await state(p);
  check(link.includes('&w=') && link.includes('wname='), `the link carries the trained LSTM's weights (${link.length} characters)`);
  const q = await open(await browser.newContext(), link);
  await q.getByText(/LSTM trained \d+ steps/).first().waitFor({ timeout: 5000 }).catch(() => {});
  let same = false;
  let got;
  for (let k = 0; k < 40 && !same; k += 1) {
    got = await state(q);
    same = JSON.stringify(got.tables) === JSON.stringify(trained.tables);
    if (!same) await q.waitForTimeout(100);
  }
  check(same && got.step === trained.step && q.errors.length === 0,
    `a fresh context opening it shows the trained LSTM's value tables (${trained.tables.h.length} units × ${trained.tables.h[0].length} steps), step ${got.step}`);
  // Damaged weights: a message, and the rest of the link still loads.
  const broken = link.replace(/&w=[^&]*/, '&w=AAAA-not-weights');
  const r = await open(await browser.newContext(), broken);
  await r.locator('.link-notes').waitFor({ timeout: 5000 }).catch(() => {});
  const text = (await r.locator('.link-notes').count()) ? await r.locator('.link-notes').textContent() : '';
  check(text.includes("weights cannot be used") && r.errors.length === 0, `damaged weights in a link: "${text.replace(/\s+/g, ' ').slice(0, 100)}"`);
  await ctx.close();
}

// ---- the Teach menu: hidden parts and presenter mode, kept in the link ----
{
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const p = await open(ctx, base);
  await p.getByText('Teach', { exact: true }).click();
  await p.getByLabel('Hide training').check();
  await p.getByLabel('Hide the step editor').check();
  await p.getByLabel('Presenter mode').check();
  const training = p.getByRole('region', { name: 'Training' });
  check(!(await training.isVisible()) && !(await p.getByRole('region', { name: 'Edit steps' }).isVisible()),
    'the Teach menu hides training and the step editor');
  check(await p.evaluate(() => document.documentElement.classList.contains('presenter')), 'presenter mode is on');
  await p.getByText('Teach', { exact: true }).click();
  await p.waitForTimeout(900);
  const link = p.url();
  check(link.includes('hide=editor%2Ctraining') && link.includes('present=1'), `the link keeps them (${link.slice(link.indexOf('hide='))})`);
  await p.screenshot({ path: path.join(shots, 'presenter-1280x720.png') });
  const q = await open(await browser.newContext({ viewport: { width: 1280, height: 720 } }), link);
  check(!(await q.getByRole('region', { name: 'Training' }).isVisible())
    && await q.evaluate(() => document.documentElement.classList.contains('presenter')) && q.errors.length === 0,
    'opening the link hides the same parts, in presenter mode');
  await p.getByText('Teach', { exact: true }).click();
  await p.getByLabel('Hide training').uncheck();
  check(await training.isVisible(), 'unticking shows training again');
  await ctx.close();
}

// ---- view options: chart, open tables, compare mode, lesson step ----
{
  const ctx = await browser.newContext();
  const p = await open(ctx, base);
  await p.getByRole('region', { name: 'Lessons' }).getByLabel('Lesson').selectOption('1');
  await p.getByRole('button', { name: 'Next step' }).click();
  await p.getByRole('heading', { name: 'Hold the memory' }).waitFor({ timeout: 5000 });
  await p.getByRole('button', { name: 'Plot Cell state c' }).click();
  const valuesOf = (name) => p.locator('details.value-table > summary', { hasText: new RegExp(`^Values of ${name}$`) });
  await valuesOf('Cell state c').click();
  await valuesOf('Forget gate f').click();
  const cmp = p.getByRole('region', { name: 'With vs without long-term memory' });
  await cmp.getByLabel('GRU (long-term memory)').uncheck();
  await pressBelowExplainRow(p, cmp.getByRole('button', { name: 'Compare LSTM, GRU and RNN' }));
  await p.waitForTimeout(900);
  const link = p.url();
  const tail = decodeURIComponent(link.slice(link.indexOf('unit=')));
  check(link.includes('chart=c') && link.includes('tables=') && link.includes('cmp=lstm%2Crnn') && link.includes('lesson=2.2'),
    `the link holds the view options (${tail.slice(0, 110)})`);
  const before = await p.locator('details.value-table[open] summary .sr-only').allTextContents();
  const q = await open(await browser.newContext(), link);
  await q.waitForTimeout(300);
  const pressed = await q.getByRole('button', { name: 'Plot Cell state c' }).getAttribute('aria-pressed');
  const after = await q.locator('details.value-table[open] summary .sr-only').allTextContents();
  const compared = await q.locator('.compare-grid [role=img]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  const lessonTitle = await q.locator('.lesson-step h3').textContent().catch(() => '');
  const ivs = await q.locator('.iv-list .iv-text').count();
  check(pressed === 'true', 'a fresh context plots c in the line chart');
  check(JSON.stringify(after) === JSON.stringify(before) && after.length === 2, `the same value tables are open (${after.join(';')})`);
  check(compared.length === 2 && compared.every((n) => /LSTM|RNN/.test(n)), `compare mode is open with the LSTM and the RNN (${compared.join('; ')})`);
  check(lessonTitle === 'Hold the memory' && ivs === 2 && q.errors.length === 0,
    `the lesson is at "Hold the memory" with its 2 interventions, not re-applied over the link (${lessonTitle}, ${ivs})`);
  await ctx.close();
}

// ---- bad links: a message, the rest loads ----
const cases = [
  ['h=0&x=1,2,3', 'Hidden size'],
  ['h=99999&x=1,2,3', 'Hidden size'],
  ['cell=transformer&x=1,2,3', 'Cell must be'],
  ['seed=-1&x=1,2,3', 'Seed must be'],
  ['scale=NaN&x=1,2,3', 'Init scale'],
  ['x=1,two,3&t=2', 'input cannot be used'],
  [`x=${encodeURIComponent('<img src=x onerror=alert(1)>')}&t=2`, 'input cannot be used'],
  ['x=1,2,3&t=0', 'Timestep must be'],
  ['x=1,2,3&t=99', 'Timestep 99 is past'],
  ['x=1,2,3&sel=9,9', 'Selection (9, 9)'],
  ['x=1,2,3&unit=%E2%80%AE5', 'Unit must be'],
  ['x=1,2,3&iv=q%3D1', 'Intervention'],
  ['x=1,2,3&iv=z%3D1', 'interventions cannot be used'],
  ['x=1,2,3&iv=f%3DInfinity', 'finite'],
  ['x=1,2,3&weights=none&cell=gru&h=3&d=1', 'does not carry'],
  ['x=1,2,3&bogus=1', 'not a field'],
  ['x=1,2,3&t=1&t=2', 'appears twice'],
  [`x=1,2,3&seed=${'9'.repeat(500000)}`, 'longer than'],
  ['x=1,2,3&chart=q', 'Chart must be'],
  ['x=1,2,3&tables=h%2C%3Cb%3E', 'Tables must'],
  ['x=1,2,3&cmp=cnn', 'Compare must'],
  ['x=1,2,3&layer=3', 'Layer 3 does not exist'],
  ['x=1,2,3&lesson=9.1', 'Lesson must be'],
];
/** Steps shown by the "Hidden state h" table (every cell has one). */
async function hSteps(p) {
  await openTables(p);
  return p.getByRole('table', { name: 'Hidden state h', exact: true }).evaluate((t) => t.querySelectorAll('tbody tr:first-child td').length);
}
const probe = await browser.newContext();
for (const [query, want] of cases) {
  const p = await open(probe, `${base}#${query}`);
  const notes = p.locator('.link-notes');
  const text = (await notes.count()) ? await notes.textContent() : '';
  const steps = await hSteps(p);
  const wantSteps = query.includes('x=1,2,3') ? 3 : 5;
  await p.getByLabel('Input sequence', { exact: true }).fill('1, 2');
  let edits = false;
  for (let k = 0; k < 20 && !edits; k += 1) {
    edits = (await hSteps(p)) === 2;
    if (!edits) await p.waitForTimeout(50);
  }
  check(text.includes(want) && steps === wantSteps && edits && p.errors.length === 0,
    `#${query.slice(0, 48)}: "${text.replace(/\s+/g, ' ').slice(0, 110)}", the rest loads (${steps} steps), still edits${p.errors.length ? `, errors: ${p.errors.join(' | ')}` : ''}`);
  await p.close();
}

await browser.close();
server.close();
finish('link');
