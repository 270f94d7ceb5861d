// Walks every guided lesson (src/state/lessons.rs) to the end in the release build: each
// step's state is applied (input, timestep, interventions, cell), its part of the page is
// outlined, an action step keeps "Next step" off until the learner acts, and acting turns
// it on. Screenshot of a lesson step at 1366×768.
// Usage: node tests/e2e/lessons.mjs [distDir] [screenshotDir]
import path from 'node:path';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { args, check, finish, pressBelowExplainRow, reveal } from './suite.mjs';

const { dist, shots } = args();

const impulse = (n) => ['1', ...Array(n).fill('0')].join(', ');
// What each step must show: input text, timestep, interventions listed, cell, outlined part,
// and the action that lights "Next step" (null: none).
const LESSONS = [
  ['What each gate does', [
    { x: '1, 2, 3, 4, 5', t: '5', iv: 0, cell: 'LSTM', target: '.heatmaps' },
    { x: '1, 2, 3, 4, 5', t: '2', iv: 0, cell: 'LSTM', target: '.step-explainer' },
    { x: '1, 2, 3, 4, 5', t: '3', iv: 0, cell: 'LSTM', target: '.step-explainer' },
    { target: '.cell-diagram', act: (p) => p.getByRole('button', { name: 'Walk through this step' }).click() },
    { x: '1, 2, 3, 4, 5', t: '1', iv: 0, target: '.transport', act: (p) => p.getByRole('button', { name: 'Play', exact: true }).click() },
  ]],
  ['Long-term memory', [
    { x: impulse(50), t: '51', iv: 0, cell: 'LSTM', target: '.heatmaps' },
    { x: impulse(50), t: '51', iv: 2, cell: 'LSTM', target: '.heatmaps', shot: true },
    { x: impulse(50), t: '51', iv: 1, cell: 'LSTM', target: '.heatmaps' },
    { x: impulse(50), t: '51', iv: 0, target: '.interventions', act: (p) => p.getByRole('button', { name: 'Forget gate shut: memory erased' }).click() },
  ]],
  ['Why a plain RNN forgets', [
    { x: impulse(29), t: '30', iv: 0, cell: 'RNN', target: '.heatmaps' },
    { target: '.compare', act: (p) => pressBelowExplainRow(p, p.getByRole('button', { name: 'Compare LSTM, GRU and RNN' })) },
    { target: '.compare' },
  ]],
  ['Watch it learn', [
    { x: '1, 2, 3, 4, 5', t: '5', iv: 0, cell: 'LSTM', target: '.training' },
    { target: '.training', act: async (p) => { await reveal(p, '.training'); await p.getByRole('button', { name: 'Train', exact: true }).click(); } },
    { target: '.training', act: (p) => p.getByRole('button', { name: 'Show the LSTM' }).click() },
  ]],
];

const server = await startServer(dist);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
const panel = page.getByRole('region', { name: 'Lessons' });
const next = panel.getByRole('button', { name: 'Next step' });

async function until(f, ms = 4000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v || Date.now() > end) return v;
    await page.waitForTimeout(60);
  }
}

for (const [k, [title, steps]] of LESSONS.entries()) {
  await panel.getByLabel('Lesson').selectOption(String(k));
  for (const [n, want] of steps.entries()) {
    const label = `"${title}" step ${n + 1}`;
    const count = await panel.locator('.lesson-count').textContent();
    const bad = [];
    if (count !== `Step ${n + 1} of ${steps.length}`) bad.push(`shows "${count}"`);
    if (want.x !== undefined) {
      const ok = await until(async () => (await page.getByLabel('Input sequence', { exact: true }).inputValue()) === want.x
        && (await page.getByRole('slider', { name: 'Timestep', exact: true }).inputValue()) === want.t);
      if (!ok) bad.push(`input/timestep not applied (t = ${await page.getByRole('slider', { name: 'Timestep', exact: true }).inputValue()})`);
      const listed = await page.locator('.iv-list li').count();
      if (listed !== want.iv) bad.push(`${listed} interventions listed, want ${want.iv}`);
      if (want.cell && !(await page.locator('.model-badge .dims').textContent()).startsWith(want.cell)) bad.push(`cell is not ${want.cell}`);
    }
    // The explain row's code loads when it is scrolled to (issue 8): the outline must reach
    // it once it appears.
    if (['.step-explainer', '.cell-diagram'].includes(want.target)) await reveal(page, '.explain-row');
    const outlined = await until(() => page.evaluate((sel) => document.querySelector(sel)?.classList.contains('lesson-target'), want.target));
    if (!outlined) bad.push(`${want.target} not outlined`);
    if (want.act) {
      if (await next.count() && !(await next.isDisabled())) bad.push('"Next step" is on before the action');
      await want.act(page);
      const on = await until(async () => (n + 1 === steps.length) || !(await next.isDisabled()), 8000);
      if (!on) bad.push('"Next step" stays off after the action');
    }
    if (want.shot) await page.screenshot({ path: path.join(shots, 'lesson-1366x768.png') });
    check(bad.length === 0, `${label}: state applied, part outlined${want.act ? ', Next after the action' : ''}${bad.length ? `: ${bad.join('; ')}` : ''}`);
    if (n + 1 < steps.length) await next.click();
    else await panel.getByRole('button', { name: 'Finish' }).click();
  }
  check(await panel.locator('.lesson-step').count() === 0, `"${title}" finishes`);
}
const training = page.getByRole('button', { name: 'Pause training' });
if (await training.count()) await training.click();
check(errors.length === 0, `no errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
await browser.close();
server.close();
finish('lesson');
