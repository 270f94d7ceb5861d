// Opening your own model in the release build (issue 9), in Debian's Chromium: every
// example model of examples/models by the file picker (and one by drag-and-drop), its facts,
// every layer-direction in the switcher and the overview, and the hidden state of the last
// layer in both directions against examples/models/expected.json (float64, from an
// independent numpy reference). A bad file gets its message and the last model stays.
// "Save safetensors" writes a file that opens again to the same numbers and, when Python's
// safetensors package is installed, loads there with PyTorch's names.
// Usage: node tests/e2e/models.mjs [distDir] [screenshotDir]
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { agrees, openTables, repo } from './reference.mjs';

const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
const shots = path.resolve(process.argv[3] || path.join(repo, 'tests/e2e/screenshots'));
fs.mkdirSync(shots, { recursive: true });
const examples = path.join(repo, 'examples/models');
const expected = JSON.parse(fs.readFileSync(path.join(examples, 'expected.json'), 'utf8')).models;

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

/** The model-info list as {term: text}. */
async function facts(page) {
  return page.locator('.model-info dl').evaluate((dl) => {
    const out = {};
    dl.querySelectorAll('dt').forEach((dt) => { out[dt.textContent] = dt.nextElementSibling.textContent; });
    return out;
  });
}

/** The "Hidden state h" table as [unit][t] texts. */
async function hTable(page) {
  await openTables(page);
  return page.getByRole('table', { name: 'Hidden state h', exact: true }).evaluate((t) =>
    [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((d) => d.textContent)));
}

/** Waits until the h table shows column block `half` (0 forward, 1 reverse) of `output`. */
async function checkH(page, m, half, label) {
  const [steps, width] = m.output.shape;
  const h = m.hidden_size;
  const want = (t, j) => m.output.data[t * width + half * h + j];
  let bad = [];
  for (let tries = 0; tries < 40; tries += 1) {
    const shown = await hTable(page);
    bad = [];
    if (shown.length !== h || shown.some((row) => row.length !== steps)) {
      bad.push(`table is ${shown.length}×${shown[0]?.length ?? 0}, want ${h}×${steps}`);
    } else {
      for (let j = 0; j < h; j += 1) {
        for (let t = 0; t < steps; t += 1) {
          if (!agrees(shown[j][t], want(t, j))) bad.push(`unit ${j + 1} t ${t + 1}: shown ${shown[j][t]}, reference ${want(t, j)}`);
        }
      }
    }
    if (bad.length === 0) break;
    await page.waitForTimeout(50);
  }
  bad.slice(0, 3).forEach((b) => console.log(`     ${b}`));
  check(bad.length === 0, `${label}: h (${h} units × ${steps} steps) is the float64 reference to 4 significant digits`);
}

async function openFile(page, file) {
  await page.locator('#open-model').setInputFiles(file);
}

async function checkModel(page, m, how) {
  const name = path.basename(m.file);
  await page.locator('.model-info dd', { hasText: name }).first().waitFor({ timeout: 10000 });
  const f = await facts(page);
  const dirs = m.bidirectional ? 2 : 1;
  check(f.Cell === m.cell.toUpperCase() && f.Layers === String(m.num_layers)
    && f.Directions.startsWith(String(dirs)) && f['H · D'] === `${m.hidden_size} · ${m.input_size}`,
  `${name} (${how}): facts ${JSON.stringify(f)}`);
  const n = m.num_layers * dirs;
  const switcher = page.getByRole('group', { name: 'Layer shown in the heatmaps' });
  if (n === 1) {
    check(await switcher.count() === 0, `${name}: one layer, no layer switcher`);
    await checkH(page, m, 0, name);
    return;
  }
  // The layer views' code downloads when the first such model opens (src/app/layer_views.rs).
  await switcher.waitFor({ timeout: 10000 }).catch(() => {});
  const buttons = switcher.getByRole('button');
  check(await buttons.count() === n, `${name}: the switcher offers all ${n} layer-directions`);
  const thumbs = page.locator('.layers-overview canvas');
  check(await thumbs.count() === n, `${name}: the overview shows h of all ${n} layer-directions`);
  // Painted in the frames after they mount.
  const painted = await page.waitForFunction(() => {
    const cs = [...document.querySelectorAll('.layers-overview canvas')];
    return cs.length > 0 && cs.every((c) => c.width > 0 && c.height > 0
      && c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data[3] === 255);
  }, null, { timeout: 5000 }).then(() => true, () => false);
  check(painted, `${name}: every overview heatmap is painted`);
  await page.screenshot({ path: path.join(shots, `model-${name}-1366x768.png`), fullPage: true });
  const last = m.num_layers;
  await switcher.getByRole('button', { name: `Layer ${last} →` }).click();
  await checkH(page, m, 0, `${name}, layer ${last} forward`);
  if (m.bidirectional) {
    await switcher.getByRole('button', { name: `Layer ${last} ←` }).click();
    check(await switcher.getByRole('button', { name: `Layer ${last} ←` }).getAttribute('aria-pressed') === 'true',
      `${name}: the reverse direction is marked as shown`);
    await checkH(page, m, 1, `${name}, layer ${last} reverse`);
  }
}

const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-models-'));
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });

  // The app opens on x = 1..5 (D = 1), the input every expected output was computed for;
  // the GRU reads D = 2 and gets each step padded with a zero, as expected.json's x is.
  const byFile = Object.fromEntries(expected.map((m) => [m.file, m]));
  const bidi = byFile['lstm-2layer-bidir.safetensors'];
  await openFile(page, path.join(examples, bidi.file));
  await checkModel(page, bidi, 'file picker');
  const other = (await page.locator('.mi-ignored summary').textContent().catch(() => '')) || '';
  check(other.includes('2 other keys'), `the head's keys are listed as not shown ("${other.trim()}")`);

  const gru = byFile['gru-small.safetensors'];
  await openFile(page, path.join(examples, gru.file));
  await checkModel(page, gru, 'file picker');
  const notice = (await page.locator('.om-status').textContent()).trim();
  check(notice.includes('padded with zeros'), `the input was adapted to D = 2, and the page says so ("${notice}")`);

  // D = 1 again: each step is trimmed back to its first value, x = 1..5.
  const onnx = byFile['lstm-small.onnx'];
  await openFile(page, path.join(examples, onnx.file));
  await checkModel(page, onnx, 'file picker');

  // Drag-and-drop anywhere: a drop on the page body opens the stacked model again.
  const bytes = [...fs.readFileSync(path.join(examples, bidi.file))];
  await page.evaluate(({ bytes, name }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], name));
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { bytes, name: bidi.file });
  await checkModel(page, bidi, 'dropped on the page');
  await openFile(page, path.join(examples, onnx.file));
  await checkModel(page, onnx, 'file picker, again');

  // Bad files: a message where the user is looking, and the last model stays.
  const bad = path.join(tmp, 'broken.safetensors');
  fs.writeFileSync(bad, Buffer.from('this is not a safetensors file at all, just text'));
  await openFile(page, bad);
  const alert = page.getByRole('alert').filter({ hasText: 'broken.safetensors' });
  await alert.waitFor({ timeout: 5000 });
  check(true, `a broken file gets a message: "${(await alert.textContent()).trim()}"`);
  check((await facts(page)).File === onnx.file, 'after the broken file the ONNX model is still shown');
  await checkH(page, onnx, 0, 'after the broken file');
  const txt = path.join(tmp, 'notes.txt');
  fs.writeFileSync(txt, 'hello');
  await openFile(page, txt);
  const kind = page.getByRole('alert').filter({ hasText: 'notes.txt' });
  await kind.waitFor({ timeout: 5000 });
  check((await kind.textContent()).includes('.safetensors'), 'a file of another kind is told which kinds open');
  await page.screenshot({ path: path.join(shots, 'model-bad-file-1366x768.png') });

  // Save safetensors, open the saved file: the same model and numbers.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save-safetensors').click()]);
  const saved = path.join(tmp, download.suggestedFilename());
  await download.saveAs(saved);
  check(saved.endsWith('.safetensors') && fs.statSync(saved).size > 0, `Save safetensors wrote ${path.basename(saved)}`);
  let python = null;
  try {
    python = execFileSync('python3', ['-c', `
import json, sys
from safetensors.numpy import load_file
t = load_file(sys.argv[1])
print(json.dumps({k: list(v.shape) for k, v in t.items()}))`, saved], { encoding: 'utf8' });
  } catch (e) {
    console.log(`     (Python's safetensors package is not available: ${String(e.message).split('\n')[0]})`);
  }
  if (python) {
    const shapes = JSON.parse(python);
    check(JSON.stringify(shapes.weight_ih_l0) === '[16,1]' && JSON.stringify(shapes.weight_hh_l0) === '[16,4]'
      && JSON.stringify(shapes.bias_hh_l0) === '[16]', `Python's safetensors reads PyTorch's names and shapes: ${python.trim()}`);
  }
  await openFile(page, saved);
  await checkModel(page, { ...onnx, file: path.basename(saved) }, 'saved and opened again');

  check(errors.length === 0, `no page errors (${errors.slice(0, 3).join(' | ')})`);
} finally {
  await browser.close();
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
if (failures) {
  console.log(`\n${failures} check(s) failed`);
  process.exit(1);
}
console.log('\nall model checks passed');
