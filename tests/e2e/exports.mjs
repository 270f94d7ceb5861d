// Exports round-trip through the CLI (issue 11): the page's "Save trace JSON" and "Save trace
// CSV" are byte for byte what `gatescope-trace` prints for the model the page saves ("Save
// JSON") and the same input and interventions; file names carry the cell and the step count.
// Usage: node tests/e2e/exports.mjs [distDir]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { args, check, cliAndDownloads, finish, reveal } from './suite.mjs';

const { dist } = args();
const { cli, dir, saver } = await cliAndDownloads('gatescope-exports-');

const server = await startServer(dist);
const browser = await launch();
const context = await browser.newContext({ acceptDownloads: true });
const page = await context.newPage({ viewport: { width: 1366, height: 768 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });

const save = saver(page);

async function roundTrip(label, input, cliArgs, wantName) {
  const model = await save('Save JSON');
  const json = await save('Save trace JSON');
  const csv = await save('Save trace CSV');
  const run = (extra) => execFileSync(cli, ['--model', model.file, '--input', input, ...cliArgs, ...extra]);
  const cliJson = run([]);
  const cliCsv = run(['--format', 'csv']);
  check(json.name.includes(wantName) && csv.name.endsWith('.csv'), `${label}: file names ${json.name}, ${csv.name}`);
  check(Buffer.compare(json.bytes, cliJson) === 0, `${label}: "Save trace JSON" is byte for byte the CLI's output (${json.bytes.length} bytes)`);
  check(Buffer.compare(csv.bytes, cliCsv) === 0, `${label}: "Save trace CSV" is byte for byte the CLI's --format csv (${csv.bytes.length} bytes)`);
}

// The seed LSTM on a typed input, with a forget gate forced over steps 2–3.
const input = '0.5, -1, 2, 0.25';
await page.getByLabel('Input sequence', { exact: true }).fill(input);
const panel = page.getByRole('region', { name: 'Interventions' });
await panel.getByLabel('Force').selectOption('f');
await panel.getByLabel('From step').fill('2');
await panel.getByLabel('To step').fill('3');
await panel.getByLabel('Set to').fill('1');
await panel.getByRole('button', { name: 'Add', exact: true }).click();
await roundTrip('seed LSTM with f = 1 at steps 2–3', input, ['--clamp', 'f@2..3=1'], 'lstm-4-steps-trace');

// A random GRU with two inputs per step.
await panel.getByRole('button', { name: 'Clear all interventions' }).click();
await page.getByLabel('Cell', { exact: true }).selectOption('gru');
await page.locator('#model-input').fill('2');
await page.locator('#model-input').press('Tab');
const gruInput = '0.1 -0.2; 1.5 0.75; -3 0.125';
await page.getByLabel('Input sequence', { exact: true }).fill(gruInput);
await page.getByRole('img', { name: 'Update gate z', exact: true }).waitFor();
await roundTrip('random GRU, D = 2', gruInput, ['--cell', 'gru'], 'gru-3-steps-trace');

// Views as images: a heatmap as PNG, the cell diagram as SVG with its styles inside.
await page.getByLabel('Cell', { exact: true }).selectOption('lstm');
await page.getByRole('img', { name: 'Forget gate f', exact: true }).waitFor();
const png = await save('PNG of Forget gate f');
check(png.name.endsWith('-forget-gate-f.png') && png.name.includes('lstm') && png.bytes.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])),
  `a heatmap saves as a PNG image (${png.name}, ${png.bytes.length} bytes)`);
const PNG = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
// The bars, the line chart and the cell diagram load when scrolled to (issue 8).
await reveal(page, '.step-charts');
await reveal(page, '.explain-row');
for (const [button, ending] of [
  ['PNG of Line chart', '-line-chart.png'],
  ['PNG of the values at the current step', '-bars-at-step-'],
]) {
  const f = await save(button);
  check(f.name.includes(ending) && f.bytes.subarray(0, 8).equals(PNG) && f.bytes.length > 2000,
    `"${button}" saves a PNG image (${f.name}, ${f.bytes.length} bytes)`);
}
const svg = await save('SVG of the cell diagram');
const text = svg.bytes.toString('utf8');
check(svg.name.endsWith('-cell-diagram.svg') && text.startsWith('<svg') && text.includes('xmlns="http://www.w3.org/2000/svg"') && text.includes('<style>') && text.includes('cd-box'),
  `the cell diagram saves as a standalone SVG (${svg.name}, ${svg.bytes.length} bytes)`);

check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
await browser.close();
server.close();
fs.rmSync(dir, { recursive: true, force: true });
finish('export');
