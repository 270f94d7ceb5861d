// End-to-end checks of the release build in Debian's Chromium, driven like a screen-reader
// user would: by accessible names. PyTorch is the authority for the numbers: the opening
// view is checked against refdata's float64 PyTorch trace of `lstm_classic_h4_d1_t5`, and a
// typed input against an independent float64 LSTM in JS (reference.mjs) that is first
// validated against that trace. The native CLI (target/debug/gatescope-trace, built by
// `cargo test`) is checked too, digit for digit, as a second run of the same core.
// Usage: node tests/e2e/run.mjs [distDir] [screenshotDir]
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { pressBelowExplainRow, reveal } from './suite.mjs';
import { GATES, lstmF64, numbersOf, openTables, pytorchSeed, SEED_INPUT, validateReference, waitForTables } from './reference.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
const shots = path.resolve(process.argv[3] || path.join(repo, 'tests/e2e/screenshots'));
fs.mkdirSync(shots, { recursive: true });

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

// The seed article's model as a CLI model file, from refdata's lstm_classic_h4_d1_t5.
function seedModelFile() {
  const data = JSON.parse(fs.readFileSync(path.join(repo, 'tests/data/refdata/lstm_forward.json'), 'utf8'));
  const c = data.cases.find((k) => k.id === 'lstm_classic_h4_d1_t5');
  const rows = (t) => Array.from({ length: t.shape[0] }, (_, r) => t.data.slice(r * t.shape[1], (r + 1) * t.shape[1]));
  const model = {
    cell: 'lstm', weight_ih_l0: rows(c.params.weight_ih), weight_hh_l0: rows(c.params.weight_hh),
    bias_ih_l0: c.params.bias_ih.data, bias_hh_l0: c.params.bias_hh.data,
  };
  const file = path.join(os.tmpdir(), `gatescope-e2e-seed-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(model));
  return file;
}
const cli = path.join(repo, 'target/debug/gatescope-trace');
const modelFile = seedModelFile();
const expected = (input) => JSON.parse(execFileSync(cli, ['--model', modelFile, '--input', input], { encoding: 'utf8' }));

// Same rule as the app's 4-significant-digit tables (viz::format_sig).
function sig4(v) {
  if (v === 0) return '0';
  const mag = Math.floor(Math.log10(Math.abs(v)));
  if (mag < -4 || mag >= 6) return v.toExponential(3).replace('e+', 'e');
  return v.toFixed(Math.max(0, 3 - mag));
}

async function tableValues(page, name) {
  await openTables(page);
  return page.getByRole('table', { name }).evaluate((t) =>
    [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((d) => d.textContent)));
}

async function checkAgainstCli(page, input, label) {
  const want = expected(input);
  // Tables are written just after the frame that shows an edit.
  await page.waitForTimeout(50);
  let mismatches = 0;
  for (const [key, name] of GATES) {
    const shown = await tableValues(page, name);
    want[key].forEach((row, t) => row.forEach((v, u) => {
      if (shown[u]?.[t] !== sig4(v)) {
        mismatches += 1;
        if (mismatches < 4) console.log(`     ${name} unit ${u + 1} t ${t + 1}: shown ${shown[u]?.[t]}, CLI ${sig4(v)}`);
      }
    }));
  }
  check(mismatches === 0, `${label}: all six tables equal the CLI trace of "${input}"`);
}

// The authority: PyTorch's float64 trace for the seed input, the validated float64 JS LSTM
// for any other. Shown text must be the reference correctly rounded to 4 significant digits.
async function checkAgainstPyTorch(page, input, label) {
  const want = input === SEED_INPUT ? pytorchSeed() : lstmF64(numbersOf(input));
  const { cells, bad } = await waitForTables(page, want);
  bad.slice(0, 3).forEach((b) => console.log(`     ${b}`));
  const what = input === SEED_INPUT ? 'PyTorch float64 (refdata)' : 'the float64 reference LSTM';
  check(bad.length === 0 && cells === 6 * want.h.length * want.h[0].length,
    `${label}: ${cells} values in six tables are ${what} to 4 significant digits ("${input}")`);
}

const refError = validateReference();
check(refError < 1e-9, `the JS float64 LSTM reproduces PyTorch's lstm_classic_h4_d1_t5 (max |diff| ${refError.toExponential(2)})`);

const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });

  for (const [, name] of GATES) {
    check(await page.getByRole('img', { name, exact: true }).isVisible(), `heatmap "${name}" is visible`);
  }
  // As it opens, value tables closed behind their "Values" disclosures.
  await page.screenshot({ path: path.join(shots, 'projector-1366x768.png') });
  await checkAgainstPyTorch(page, SEED_INPUT, 'opening view');
  await checkAgainstCli(page, SEED_INPUT, 'opening view');
  await page.screenshot({ path: path.join(shots, 'values-open-1366x768.png') });

  // A heatmap canvas really has pixels (not a blank page): sample its middle.
  const painted = await page.getByRole('img', { name: 'Forget gate f', exact: true }).evaluate((c) => {
    const d = c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data;
    return d[3] === 255 && !(d[0] === 255 && d[1] === 255 && d[2] === 255);
  });
  check(painted, 'the forget-gate canvas is painted');

  const field = page.getByRole('textbox', { name: 'Input sequence' });
  await field.fill('0.5, -2, 3.25, 0, 1e-3, 7');
  await checkAgainstPyTorch(page, '0.5, -2, 3.25, 0, 1e-3, 7', 'after typing');
  await checkAgainstCli(page, '0.5, -2, 3.25, 0, 1e-3, 7', 'after typing');

  await field.fill('0.5, -2, abc');
  const help = await page.locator('#sequence-help').textContent();
  check(help.includes('"abc"'), `invalid text names the bad token (${help.trim()})`);
  check(await page.locator('.heatmaps.stale').count() === 1, 'views are marked stale');
  await checkAgainstPyTorch(page, '0.5, -2, 3.25, 0, 1e-3, 7', 'while invalid, the last good trace stays');
  await page.screenshot({ path: path.join(shots, 'invalid-input-1366x768.png') });

  // Over 64 steps the step editor shows the page with the current step (the last, after
  // typing), scrolled so its cell is in view, with step labels in full.
  await field.fill(Array.from({ length: 100 }, (_, t) => String(t)).join(', '));
  const note = (await page.locator('.se-note').textContent()).trim();
  check(note.startsWith('Steps 37–100 of 100'), `a 100-step input shows the last page of steps (${note.slice(0, 30)}…)`);
  const inView = await page.evaluate(() => {
    const row = document.querySelector('ol.se-steps').getBoundingClientRect();
    const cell = document.querySelector('input[aria-label="x at step 100"]').getBoundingClientRect();
    const labels = [...document.querySelectorAll('.se-t')];
    const clipped = labels.filter((l) => l.scrollWidth > l.clientWidth + 1).length;
    return { shown: cell.left >= row.left - 1 && cell.right <= row.right + 1, clipped };
  });
  check(inView.shown, 'the current step\'s cell is scrolled into view');
  check(inView.clipped === 0, `no step label is clipped (${inView.clipped} were)`);

  await field.fill(SEED_INPUT);
  await checkAgainstPyTorch(page, SEED_INPUT, 'typing the seed input again');

  // Transport: step, jump, keyboard, play.
  const slider = page.getByRole('slider', { name: 'Timestep' });
  await page.getByRole('button', { name: 'Step back' }).click();
  check(await slider.inputValue() === '4', 'Step back moves to t = 4');
  await openTables(page);
  const marked = await page.getByRole('table', { name: 'Hidden state h' }).evaluate((t) => t.querySelector('th[aria-current]')?.textContent);
  check(marked === 't = 4', `the value tables mark the current step (${marked})`);
  await page.getByRole('button', { name: 'Go to start' }).click();
  check(await slider.inputValue() === '1', 'Go to start moves to t = 1');
  await page.locator('body').press('ArrowRight');
  check(await slider.inputValue() === '2', 'the → key steps forward');
  await page.locator('body').press('End');
  check(await slider.inputValue() === '5', 'End jumps to the last step');
  await page.getByRole('slider', { name: 'Speed' }).fill('20');
  await page.getByRole('button', { name: 'Play' }).click();
  check(await page.getByRole('button', { name: 'Pause' }).isVisible(), 'Play turns into Pause');
  await page.getByRole('button', { name: 'Play' }).waitFor({ timeout: 5000 });
  check(await slider.inputValue() === '5', 'playback runs to the end and stops');
  await page.getByRole('button', { name: 'Step back' }).click();
  await page.getByRole('button', { name: 'Step back' }).click();
  await page.screenshot({ path: path.join(shots, 'stepped-to-t3-1366x768.png') });

  // Compare mode: with vs without long-term memory, and the gradient-flow view.
  await page.getByRole('button', { name: 'Impulse' }).click();
  {
    // The explain row's placeholder keeps about the height of the view that replaces it, so
    // what lies below (the comparison's button) stays where a click or a focus aimed at it.
    const top = () => page.locator('.compare > .compare-head').evaluate((e) => e.getBoundingClientRect().top + scrollY);
    const placeholder = await page.locator('.explain-row > .chunk-slot').count();
    const before = await top();
    await reveal(page, '.explain-row');
    const moved = Math.round((await top()) - before);
    check(placeholder === 1 && Math.abs(moved) <= 60,
      `loading the explain row moves what is below it by ${moved} px (at most 60; placeholder there: ${placeholder === 1})`);
  }
  await pressBelowExplainRow(page, page.getByRole('button', { name: 'Compare LSTM, GRU and RNN' }));
  // The comparison's views are an on-demand chunk: the first opening downloads it.
  await page.getByRole('img', { name: 'LSTM (long-term memory): Hidden state h', exact: true }).waitFor({ timeout: 10000 }).catch(() => {});
  for (const m of ['LSTM (long-term memory)', 'GRU (long-term memory)', 'RNN (traditional, no long-term memory)']) {
    check(await page.getByRole('img', { name: `${m}: Hidden state h`, exact: true }).isVisible(), `compare mode shows ${m}`);
  }
  const summary = await page.locator('.flow-summary').textContent();
  check(/RNN [0-9.]+ decades/.test(summary), `gradient-flow summary (${summary.trim()})`);
  await page.locator('.flow-chart').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'compare-1366x768.png') });
  await page.getByRole('button', { name: 'Hide comparison' }).click();

  // Training live: three models learn the memory task a chunk of steps per frame.
  await reveal(page, '.training');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForTimeout(2000);
  await page.getByRole('button', { name: 'Pause training' }).click();
  const trainStatus = await page.locator('.train-status').textContent();
  const trained = Number((/Step (\d+)/.exec(trainStatus) || [])[1] || 0);
  check(trained >= 10, `training runs in the page (${trainStatus.trim()})`);
  await page.locator('.training').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'training-1366x768.png') });
  await page.getByRole('button', { name: 'Show the LSTM' }).click();
  check((await page.locator('.model-badge').textContent()).includes('LSTM trained'), 'a trained model can be shown in the visualiser');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, 'trained-lstm-1366x768.png') });
  await page.getByRole('button', { name: 'Seed article example' }).click();

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(url);
  await phone.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `phone layout has no horizontal scroll (overflow ${overflow}px)`);
  await phone.screenshot({ path: path.join(shots, 'phone-390x844.png') });

  check(errors.length === 0, `no page errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
} finally {
  await browser.close();
  server.close();
  fs.rmSync(modelFile, { force: true });
}
console.log(failures ? `\n${failures} end-to-end check(s) failed` : '\nall end-to-end checks passed');
console.log(`screenshots in ${shots}`);
process.exit(failures ? 1 : 0);
