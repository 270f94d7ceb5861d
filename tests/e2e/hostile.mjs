// Hostile input, end to end: a table of bad texts pasted into every text and number field
// of the page, then stress (hover + shrink, cell switching, resizing during playback).
// After each bad text: no page error, no console error, no panic banner, no injected
// <img>/<script>, a visible message near the field, and the seed example still computes
// PyTorch's numbers (reference.mjs). Usage: node tests/e2e/hostile.mjs [distDir] [shotDir]
import path from 'node:path';
import fs from 'node:fs';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { pressBelowExplainRow, reveal } from './suite.mjs';
import { lstmF64, pytorchSeed, repo, SEED_INPUT, waitForTables } from './reference.mjs';

const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
const shots = path.resolve(process.argv[3] || path.join(repo, 'tests/e2e/screenshots'));
fs.mkdirSync(shots, { recursive: true });
const started = Date.now();

let failures = 0;
let passes = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (ok) passes += 1; else failures += 1;
  return ok;
}

const numbers = (n) => Array.from({ length: n }, (_, k) => String((k % 19) - 9)).join(', ');
/// [label, text]: what a user (or a clipboard) might paste.
const BAD = [
  ['empty', ''],
  ['whitespace', '  \t  '],
  ['abc', 'abc'],
  ['1,,2;;', '1,,2;;'],
  ['NaN', 'NaN'],
  ['nan', 'nan'],
  ['inf', 'inf'],
  ['-Infinity', '-Infinity'],
  ['1e999', '1e999'],
  ['1e39', '1e39'],
  ['-3.5e38', '-3.5e38'],
  ['full-width digits', '１２３'],
  ['Arabic-Indic digit', '٣'],
  ['NUL', '\u0000'],
  ['ANSI escape', '\u001b[31m'],
  ['RTL override', '\u202e'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['script', '<script>alert(1)</script>'],
  ['emoji', '🙂'],
  ['3 MB token', 'x'.repeat(3 << 20)],
  ['3 MB of 9s', '9'.repeat(3 << 20)],
  ['200 000 numbers', numbers(200_000)],
  ['10 001 numbers', numbers(10_001)],
];
// Characters that must never reach a message: C0/C1 controls and bidi overrides/isolates.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  // Records every <img>/<script>/<iframe>/<object>/<embed> put into the document, and
  // every alert(), from the very start.
  await page.addInitScript(() => {
    window.__gs = { added: [], alerts: 0 };
    window.alert = () => { window.__gs.alerts += 1; };
    const watched = /^(IMG|SCRIPT|IFRAME|OBJECT|EMBED)$/;
    new MutationObserver((muts) => {
      for (const m of muts) {
        for (const n of m.addedNodes) {
          if (n.nodeType !== 1) continue;
          for (const el of [n, ...n.querySelectorAll('img,script,iframe,object,embed')]) {
            if (watched.test(el.tagName)) window.__gs.added.push(el.outerHTML.slice(0, 80));
          }
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(url);
  await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
  await page.evaluate(() => { window.__gs.added = []; });
  const baseline = await page.evaluate(() => document.querySelectorAll('img,script,iframe,object,embed').length);
  const seedExample = page.getByRole('button', { name: 'Seed article example' });
  const seqField = page.getByRole('textbox', { name: 'Input sequence' });
  const torch = pytorchSeed();

  /// Everything that must hold after any input: no errors, no banner, nothing injected.
  async function healthy(label) {
    const s = await page.evaluate((base) => ({
      injected: window.__gs.added.slice(),
      alerts: window.__gs.alerts,
      count: document.querySelectorAll('img,script,iframe,object,embed').length - base,
      banner: !!document.getElementById('internal-error'),
    }), baseline);
    const problems = [];
    if (errors.length) problems.push(`errors: ${errors.join(' | ').slice(0, 400)}`);
    if (s.banner) problems.push('the panic banner is shown');
    if (s.injected.length || s.count) problems.push(`injected: ${s.injected.join(' ')} (${s.count})`);
    if (s.alerts) problems.push(`${s.alerts} alert() call(s)`);
    return problems.length ? `${label}: ${problems.join('; ')}` : null;
  }

  /// The seed example computes PyTorch's numbers again.
  async function seedCorrect(how) {
    if (how === 'type') await seqField.fill(SEED_INPUT);
    else await seedExample.click();
    const { cells, bad } = await waitForTables(page, torch);
    return bad.length === 0 && cells === 120 ? null : `seed example after ${how}: ${bad.slice(0, 2).join('; ')}`;
  }

  /// True when `msg` is visible and its box is within `px` of `field`'s box.
  async function near(field, msg, px = 160) {
    if (!(await msg.isVisible())) return false;
    const [a, b] = [await field.boundingBox(), await msg.boundingBox()];
    if (!a || !b) return false;
    const dy = Math.max(0, b.y - (a.y + a.height), a.y - (b.y + b.height));
    return dy <= px;
  }

  /// The quoted token of a message (between the first and last straight quote), if any.
  const quoted = (m) => { const k = m.indexOf('"'); const j = m.lastIndexOf('"'); return k >= 0 && j > k ? m.slice(k + 1, j) : null; };

  /// Common checks on a message text; returns a problem or null.
  function messageProblem(text) {
    if (!text || !text.trim()) return 'no message';
    if (text.length > 240) return `message is ${text.length} characters long`;
    if (UNSAFE_CHARS.test(text)) return `message carries control/bidi characters: ${JSON.stringify(text)}`;
    const q = quoted(text);
    if (q !== null && [...q].length > 25) return `message quotes ${[...q].length} characters`;
    return null;
  }

  /// Puts `text` into a text field as a paste would (one input event with the whole text).
  /// Long texts are set in the page: Playwright's fill needs seconds per megabyte, the app
  /// ~50 ms.
  async function paste(field, text, change = false) {
    if (text.length <= 100_000) {
      await field.fill(text);
      return;
    }
    await field.evaluate((el, [t, c]) => {
      el.focus();
      el.value = t;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      if (c) el.dispatchEvent(new Event('change', { bubbles: true }));
    }, [text, change]);
  }

  const fieldsTested = new Set();
  const examples = [];
  /// Runs every bad text through one field: `apply(text)` puts it in, `verify(label, text)`
  /// returns a problem or null; then the page must be healthy and the seed example (clicked,
  /// or typed when `recover` is 'type') PyTorch-correct again.
  async function hostileField(name, id, apply, verify, recover = 'click') {
    fieldsTested.add(id);
    const t0 = Date.now();
    const bad = [];
    const slow = [];
    for (const [label, text] of BAD) {
      const t1 = Date.now();
      await apply(text);
      const problem = await verify(label, text);
      if (problem) bad.push(`${label}: ${problem}`);
      const sick = await healthy(label);
      if (sick) { bad.push(sick); errors.length = 0; }
      const again = await seedCorrect(recover);
      if (again) bad.push(`${label}: ${again}`);
      if (Date.now() - t1 > 1500) slow.push(`${label} ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    }
    if (slow.length) console.log(`     (slow: ${slow.join(', ')})`);
    bad.slice(0, 8).forEach((b) => console.log(`     ${b}`));
    check(bad.length === 0, `${name}: ${BAD.length} bad texts each get a message and leave the seed example PyTorch-correct (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  // 1. The "Input sequence" text field. "1,,2;;" is valid there (empty values and steps
  // are skipped, as in the CLI): it must compute 1, 2 exactly as PyTorch would.
  await hostileField('Input sequence', 'sequence-text', (text) => paste(seqField, text), async (label, text) => {
    const help = page.locator('#sequence-help');
    const msg = (await help.textContent()) || '';
    if (text === '1,,2;;') {
      const { cells, bad } = await waitForTables(page, lstmF64([1, 2]));
      return bad.length || cells !== 48 ? `"1,,2;;" should compute 1, 2: ${bad.slice(0, 2).join('; ')}` : null;
    }
    if (!(await help.evaluate((el) => el.classList.contains('error')))) return `no error message (shows "${msg.slice(0, 80)}")`;
    if (await seqField.getAttribute('aria-invalid') !== 'true') return 'field not aria-invalid';
    if (!(await near(seqField, help))) return 'message not visible near the field';
    if (await page.locator('.heatmaps.stale').count() !== 1) return 'views not marked stale';
    if (examples.length < 40) examples.push(`sequence ${label}: ${msg.trim()}`);
    // Too many steps: the message must state the app's limit, not some other one.
    if (label.endsWith(' numbers') && !/\b10 ?000\b/.test(msg.replace(/100 ?000/g, ''))) return `the message does not state the app's limit of 10000 steps: ${msg}`;
    if (label === 'img onerror') await page.screenshot({ path: path.join(shots, 'hostile-input-1366x768.png') });
    if (label === 'RTL override') await help.screenshot({ path: path.join(shots, 'hostile-rtl-message.png') });
    return messageProblem(msg);
  }, 'type');

  // 2. The per-step cells of the sequence editor (the seed example has 5; each text goes
  // into a different one).
  let cellIndex = 0;
  const cellError = page.locator('#sequence-editor-error');
  await hostileField('step cells', 'se-cells', async (text) => {
    const cell = page.getByRole('textbox', { name: `x at step ${(cellIndex % 5) + 1}`, exact: true });
    await paste(cell, text);
    await cell.press('Enter');
  }, async (label) => {
    const n = (cellIndex % 5) + 1;
    cellIndex += 1;
    const cell = page.getByRole('textbox', { name: `x at step ${n}`, exact: true });
    const msg = (await cellError.textContent()) || '';
    if (!msg.startsWith(`Step ${n}:`)) return `message "${msg.slice(0, 80)}" does not name step ${n}`;
    if (await cell.getAttribute('aria-invalid') !== 'true') return 'cell not aria-invalid';
    if (!(await near(cell, cellError))) return 'message not visible near the cell';
    if (examples.length < 80 && ['emoji', '3 MB token', 'empty', 'RTL override'].includes(label)) examples.push(`cell ${label}: ${msg.trim()}`);
    return messageProblem(msg);
  });

  // 3. The model panel's number fields, typed like a paste (insertText). Chromium filters
  // what a number field can hold ("１２３" becomes 123, "1,,2;;" becomes 12, "\x1b[31m"
  // becomes 31) and reports unreadable text as badInput with an empty value. What it lets
  // through as a valid value must be applied without a message; anything else needs one.
  // Texts over 100 000 characters are cut there: Chromium's own number field needs time
  // quadratic in a long digit string (400 000 digits take ~7 s in a bare <input
  // type=number>), which no page can change.
  const VALID = {
    'model-hidden': (v) => /^\+?\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 256,
    'model-input': (v) => /^\+?\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 16,
    'model-seed': (v) => /^\+?\d+$/.test(v) && BigInt(v) < 2n ** 64n,
    'model-scale': (v) => v.trim() !== '' && Number(v) >= 0 && Number(v) <= 100,
  };
  for (const [id, name] of [['model-hidden', 'Hidden size'], ['model-input', 'Input size'], ['model-seed', 'Seed'], ['model-scale', 'Init scale']]) {
    const input = page.locator(`#${id}`);
    const typed = [];
    await hostileField(name, id, async (text) => {
      await input.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      if (text) await page.keyboard.insertText(text.slice(0, 100_000));
    }, async (label) => {
      const state = await input.evaluate((el) => ({ value: el.value, bad: el.validity.badInput }));
      typed.push(`${label}→${state.bad ? '(unreadable)' : JSON.stringify(state.value.slice(0, 12))}`);
      const msg = page.locator(`#${id}-msg`);
      if (!state.bad && VALID[id](state.value)) {
        if (await msg.count()) return `the browser made it ${state.value}, a valid value, but there is a message: ${await msg.textContent()}`;
        if (await input.getAttribute('aria-invalid') !== 'false') return `valid ${state.value} is marked invalid`;
        if (id === 'model-hidden' && !(await page.locator('.model-badge .dims').textContent()).includes(`H = ${Number(state.value)}`)) return `H = ${state.value} was not applied`;
        return null;
      }
      if (!(await msg.count())) return `no message (field holds ${JSON.stringify(state.value.slice(0, 20))}, badInput ${state.bad})`;
      const text = (await msg.textContent()) || '';
      if (!text.includes(name)) return `message "${text}" does not name the field`;
      if (await input.getAttribute('aria-invalid') !== 'true') return 'field not aria-invalid';
      if (await input.getAttribute('aria-describedby') !== `${id}-msg`) return 'field not described by its message';
      if (!(await near(input, msg))) return 'message not visible near the field';
      if (examples.length < 120 && ['abc', '1e39', '1e999', '-3.5e38'].includes(label)) examples.push(`${name} ${label}: ${text}`);
      return messageProblem(text);
    });
    console.log(`     (what Chromium let into ${name}: ${typed.join(', ')})`);
  }

  // 4. The training panel's learning rate and batch size (text fields, used on the next
  // Reset or first Train/Step).
  await reveal(page, '.training');
  for (const [name, good] of [['Learning rate', '0.01'], ['Batch size', '16']]) {
    const input = page.getByRole('textbox', { name, exact: true });
    fieldsTested.add(name);
    await hostileField(name, `train-${name}`, async (text) => {
      await paste(input, text, true);
      await input.press('Tab');
    }, async () => {
      const alert = page.locator('.training [role=alert]');
      let text = (await alert.count()) ? (await alert.textContent()) || '' : '';
      if (!text) {
        // Not checked on change: the message must come at the latest when training starts.
        await page.getByRole('button', { name: 'Step', exact: true }).click();
        text = (await alert.count()) ? (await alert.textContent()) || '' : '';
      }
      if (!text) return 'no message';
      if (!text.toLowerCase().includes(name.toLowerCase())) return `message "${text}" does not name the field`;
      if (!(await near(input, alert))) return 'message not visible near the field';
      await input.fill(good);
      await input.press('Tab');
      await page.getByRole('button', { name: 'Reset', exact: true }).click();
      if (await alert.count()) return `message stays after a good value: ${await alert.textContent()}`;
      return messageProblem(text);
    });
  }

  // 4b. The step explainer's "Unit" (a number field) and the interventions form's text
  // fields: every bad text gets a message naming the field, nothing is forced, and the
  // explainer keeps explaining a real unit.
  {
    await reveal(page, '.explain-row');
    const unit = page.locator('#explainer-unit');
    const unitMsg = page.locator('#explainer-unit-msg');
    const intro = page.locator('.step-explainer .explainer-intro');
    await hostileField('Unit (step explainer)', 'explainer-unit', async (text) => {
      await unit.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      if (text) await page.keyboard.insertText(text.slice(0, 100_000));
    }, async () => {
      const state = await unit.evaluate((el) => ({ value: el.value, bad: el.validity.badInput }));
      const shownUnit = Number(((await intro.textContent()) || '').match(/^Unit (\d+)/)?.[1]);
      if (!(shownUnit >= 1 && shownUnit <= 4)) return `the explainer shows unit ${shownUnit}`;
      if (!state.bad && /^\+?\d+$/.test(state.value) && Number(state.value) >= 1 && Number(state.value) <= 4) {
        return Number(state.value) === shownUnit ? null : `valid ${state.value} not applied`;
      }
      const text = (await unitMsg.textContent()) || '';
      if (!text.includes('Unit')) return `message "${text}" does not name the field`;
      if (await unit.getAttribute('aria-invalid') !== 'true') return 'field not aria-invalid';
      if (!(await near(unit, unitMsg))) return 'message not visible near the field';
      return messageProblem(text);
    });
    const panel = page.getByRole('region', { name: 'Interventions' });
    const status = page.locator('#iv-msg');
    for (const [id, name] of [['iv-from', 'From step'], ['iv-to', 'To step'], ['iv-value', 'Set to']]) {
      const input = page.locator(`#${id}`);
      await hostileField(`${name} (interventions)`, id, async (text) => {
        await paste(input, text);
        await panel.getByRole('button', { name: 'Add', exact: true }).click();
      }, async (label, text) => {
        const listed = await panel.getByRole('listitem').count();
        // An empty step field means the first or last step: a valid intervention.
        if (text.trim() === '' && id !== 'iv-value') {
          await panel.getByRole('button', { name: 'Clear all interventions' }).click();
          await input.fill('');
          return listed === 1 ? null : `an empty ${name} should add one intervention, ${listed} listed`;
        }
        const msg = (await status.textContent()) || '';
        await input.fill(id === 'iv-value' ? '1' : '');
        if (listed !== 0) {
          await panel.getByRole('button', { name: 'Clear all interventions' }).click();
          return `"${label}" added an intervention`;
        }
        if (!msg.includes(name)) return `message "${msg}" does not name the field`;
        if (!(await near(input, status))) return 'message not visible near the field';
        return messageProblem(msg);
      });
    }
  }

  // 5. Sliders: a script (or a bookmarklet) writing text into them must change nothing.
  for (const name of ['Timestep', 'Speed']) {
    const slider = page.getByRole('slider', { name, exact: true });
    fieldsTested.add(name);
    const bad = [];
    for (const [label, text] of BAD.slice(0, 19)) {
      await slider.evaluate((el, v) => { el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); }, text);
      const v = Number(await slider.inputValue());
      const [lo, hi] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))];
      if (!(v >= lo && v <= hi)) bad.push(`${label}: value ${v}`);
      const sick = await healthy(label);
      if (sick) { bad.push(sick); errors.length = 0; }
    }
    bad.slice(0, 5).forEach((b) => console.log(`     ${b}`));
    check(bad.length === 0, `${name} slider: 19 bad values written by script leave it in range, no errors`);
  }

  // The model file picker: hostile files get a message next to it, and the app stays well
  // (tests/e2e/models.mjs opens the good ones; tests/cli_models.rs has the full table).
  {
    const example = fs.readFileSync(path.join(repo, 'examples/models/lstm-2layer-bidir.safetensors'));
    const declared = Buffer.from('{"weight_ih_l0":{"dtype":"F32","shape":[100000000,100000000],"data_offsets":[0,4]}}');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(declared.length));
    const files = {
      'empty.onnx': Buffer.alloc(0),
      'noise.onnx': Buffer.from(Array.from({ length: 4096 }, (_, k) => (k * 7919 + 13) % 256)),
      'cut.safetensors': example.subarray(0, example.length >> 1),
      'huge-shape.safetensors': Buffer.concat([len, declared, Buffer.alloc(4)]),
      'nan.json': Buffer.from('{"weight_ih_l0": [[1e39]], "weight_hh_l0": [[0]], "bias_ih_l0": [0], "bias_hh_l0": [0]}'),
      'deep.json': Buffer.from('['.repeat(100000)),
      '<img src=x onerror=alert(1)>.json': Buffer.from('{"weight_ih_l0": "<script>alert(1)</script>"}'),
      'model.exe': Buffer.from('MZ'),
    };
    const bad = [];
    for (const [name, bytes] of Object.entries(files)) {
      await page.locator('#open-model').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
      const alert = page.getByRole('alert').filter({ hasText: name });
      try {
        await alert.waitFor({ timeout: 5000 });
        if (examples.length < 12) examples.push({ field: 'open-model', file: name, message: await alert.textContent() });
      } catch {
        bad.push(`${name}: no message naming the file`);
      }
      const sick = await healthy(`open-model ${name}`);
      if (sick) { bad.push(sick); errors.length = 0; }
    }
    const still = await seedCorrect('type');
    if (still) bad.push(still);
    bad.slice(0, 5).forEach((b) => console.log(`     ${b}`));
    check(bad.length === 0, `open-model: ${Object.keys(files).length} hostile files each get a message naming the file, no errors, the model still PyTorch-correct`);
    fieldsTested.add('open-model');
  }

  // Every text-like field in the page was covered.
  const all = await page.evaluate(() => [...document.querySelectorAll('input, textarea, [contenteditable]')]
    .filter((el) => !['checkbox', 'radio', 'button', 'submit', 'hidden'].includes(el.type))
    .map((el) => el.id || el.getAttribute('aria-label') || el.closest('label')?.textContent.trim() || el.outerHTML.slice(0, 60)));
  const missed = all.filter((n) => !fieldsTested.has(n) && !/^x at step \d+$/.test(n));
  check(missed.length === 0, `every text, number and range field was tested (${all.length} fields${missed.length ? `; missed: ${missed.join(', ')}` : ''})`);
  console.log('     sample messages:');
  examples.forEach((e) => console.log(`       ${JSON.stringify(e).slice(0, 150)}`));

  // 6. Hover the last column of every heatmap (the six, then compare mode's three), then
  // shrink the input to 2 steps.
  {
    const t0 = Date.now();
    const names = ['Input gate i', 'Forget gate f', 'Candidate g', 'Output gate o', 'Cell state c', 'Hidden state h'];
    const compared = ['LSTM (long-term memory)', 'GRU (long-term memory)', 'RNN (traditional, no long-term memory)']
      .map((m) => `${m}: Hidden state h`);
    const bad = [];
    let shown = 0;
    let rounds = 0;
    const compareButton = page.getByRole('button', { name: 'Compare LSTM, GRU and RNN' });
    for (let round = 0; round < 6; round += 1) {
      if (round === 4) await pressBelowExplainRow(page, compareButton);
      for (const name of round < 4 ? names : compared) {
        rounds += 1;
        await seqField.fill('1, 2, 3, 4, 5, 6, 7, 8');
        const canvas = page.getByRole('img', { name, exact: true });
        await canvas.scrollIntoViewIfNeeded();
        const box = await canvas.boundingBox();
        await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
        const tip = page.locator('.heatmap .tooltip > div:nth-child(2)');
        if (await tip.count()) {
          shown += 1;
          const tt = await tip.first().textContent();
          if (!tt.startsWith('t = 8 ')) bad.push(`${name}: tooltip ${tt}`);
        }
        await seqField.fill(round % 2 ? '1 2' : '0.5, -0.5');
        await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
        await page.waitForTimeout(30);
        await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2 + 1);
        const after = (await tip.count()) ? await tip.first().textContent() : '';
        if (after && !/^t = [12] /.test(after)) bad.push(`${name}: after shrinking the tooltip says ${after}`);
      }
    }
    await page.getByRole('button', { name: 'Hide comparison' }).click();
    const sick = await healthy('hover + shrink');
    if (sick) { bad.push(sick); errors.length = 0; }
    const again = await seedCorrect('click');
    if (again) bad.push(again);
    bad.slice(0, 5).forEach((b) => console.log(`     ${b}`));
    check(bad.length === 0 && shown === rounds, `hover the last column of each heatmap (compare mode's too), shrink to 2 steps, ${rounds} times (${shown} tooltips; ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  // 7. Switch the cell kind fast: 50 changes through the select, then 50 in one task.
  {
    const kinds = ['gru', 'rnn', 'lstm'];
    for (let k = 0; k < 50; k += 1) await page.selectOption('#model-cell', kinds[k % 3]);
    await page.evaluate(() => {
      const sel = document.getElementById('model-cell');
      for (let k = 0; k < 50; k += 1) {
        sel.value = ['rnn', 'lstm', 'gru'][k % 3];
        sel.dispatchEvent(new Event('change', { bubbles: true }));
      }
    });
    await page.waitForTimeout(300);
    const badge = await page.locator('.model-badge .dims').textContent();
    const sel = await page.locator('#model-cell').inputValue();
    const panels = await page.locator('.heatmaps .heatmap').count();
    const bad = [];
    if (!badge.startsWith(sel.toUpperCase())) bad.push(`badge "${badge}" but the select says ${sel}`);
    const want = { lstm: 6, gru: 4, rnn: 1 }[sel];
    if (panels !== want) bad.push(`${panels} heatmaps for ${sel} (want ${want})`);
    const sick = await healthy('cell switching');
    if (sick) { bad.push(sick); errors.length = 0; }
    const again = await seedCorrect('click');
    if (again) bad.push(again);
    bad.forEach((b) => console.log(`     ${b}`));
    check(bad.length === 0, `100 fast cell-kind switches end on ${sel.toUpperCase()} with matching panels, then the seed example is PyTorch-correct`);
  }

  // 8. Resize the viewport over and over while playing at 20 steps/s (looping), and shrink
  // the input while it plays.
  {
    await seqField.fill(numbers(40));
    await page.getByRole('slider', { name: 'Speed' }).fill('20');
    await page.getByRole('checkbox', { name: 'Loop' }).check();
    await page.getByRole('button', { name: 'Play' }).click();
    const sizes = [[390, 844], [1920, 1080], [900, 600], [320, 480], [1366, 768], [1100, 700], [560, 900]];
    for (let k = 0; k < 35; k += 1) {
      const [w, h] = sizes[k % sizes.length];
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(k % 5 === 0 ? 120 : 25);
      if (k === 20) await seqField.fill('1, 2');
      if (k === 25) await seqField.fill(numbers(30));
    }
    await page.setViewportSize({ width: 1366, height: 768 });
    const stillPlaying = await page.getByRole('button', { name: 'Pause' }).isVisible();
    if (stillPlaying) await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('checkbox', { name: 'Loop' }).uncheck();
    const bad = [];
    if (!stillPlaying) bad.push('playback stopped while looping');
    const sick = await healthy('resize during playback');
    if (sick) { bad.push(sick); errors.length = 0; }
    const again = await seedCorrect('click');
    if (again) bad.push(again);
    const typed = await seedCorrect('type');
    if (typed) bad.push(typed);
    bad.forEach((b) => console.log(`     ${b}`));
    check(bad.length === 0, '35 viewport resizes while playing at 20 steps/s (and shrinking the input): no errors, seed example PyTorch-correct');
  }

  const banner = await page.locator('#internal-error').count();
  check(banner === 0, 'the panic banner ("gatescope hit an internal error") never appeared');
  const sick = await healthy('end');
  check(!sick, `no page errors, console errors, injected elements or alerts${sick ? `: ${sick}` : ''}`);
} finally {
  await browser.close();
  server.close();
}
const secs = ((Date.now() - started) / 1000).toFixed(0);
console.log(failures ? `\n${failures} hostile-input check(s) failed, ${passes} passed (${secs} s)` : `\nall ${passes} hostile-input checks passed (${secs} s)`);
process.exit(failures ? 1 : 0);
