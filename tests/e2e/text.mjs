// Text mode (issue 12) in the release build in Chromium:
// - the article's flowchart heads it; the heatmaps put the characters on the time axis;
// - the quote preset trains in the page and finds a unit with |r| ≥ 0.8 (point-biserial,
//   inside vs outside double quotes) and colours a quoted line by it;
// - the model trained in the page, saved as JSON and as safetensors, read by
//   `gatescope-trace --text`, gives exactly the page's numbers: the trace the page saves
//   (embedding rows as x, every gate, c, h) and the top-5 next characters under each one;
// - the saved file opens again (by "Open model…") in text mode with the same predictions;
// - the unit finder ranks units for a selected span; the embedding view draws; sampling
//   works; bad text, temperature and unit values get messages and keep the last good state.
// Usage: node tests/e2e/text.mjs [distDir] [screenshotDir]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { args, check, cliAndDownloads, finish } from './suite.mjs';
import { openTables, repo } from './reference.mjs';

const { dist, shots } = args();
const { cli, saver } = await cliAndDownloads('gatescope-text-');

const server = await startServer(dist);
const browser = await launch();
const context = await browser.newContext({ acceptDownloads: true });
const page = await context.newPage({ viewport: { width: 1366, height: 768 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });

const save = saver(page);

/** The Karpathy view: each column's character and its top-5 as [[char, percent], …]. */
const columns = () => page.locator('.kcol').evaluateAll((cols) => cols.map((c) => ({
  ch: c.querySelector('.kchar').textContent,
  next: [...c.querySelectorAll('.knext li')].map((li) => [li.querySelector('b').textContent, Number(li.textContent.slice(li.querySelector('b').textContent.length))]),
})));

// ---- open text mode: flowchart, characters on the time axis ----
await page.getByRole('button', { name: 'Open text mode' }).click();
const flow = page.getByRole('navigation', { name: "The article's pipeline" });
await flow.waitFor({ timeout: 5000 });
const stages = await flow.locator('.flow-zh').allTextContents();
check(JSON.stringify(stages) === JSON.stringify(['输入序列', '嵌入层', '长程记忆模块', '传统神经网络', '输出层']),
  `the article's flowchart heads text mode (${stages.join(' → ')})`);
const text0 = await page.getByLabel('Text to read').inputValue();
const axis = await page.locator('.heatmap').first().locator('.hm-times i').allTextContents();
check(axis.length > 10 && axis.every((a) => [...a].length === 1), `the heatmaps' time axis shows characters (${axis.slice(0, 12).join('')}…)`);
check(!(await page.getByLabel('Input sequence', { exact: true }).isVisible()), 'the number input gives way to the text box');
await page.locator('details.value-table > summary', { hasText: /^Values of Hidden state h$/ }).click();
// The table is built on the details' toggle event, a task after the click: wait for it.
const headCells = page.getByRole('table', { name: 'Hidden state h', exact: true }).locator('thead th[data-t] q');
await headCells.first().waitFor({ timeout: 5000 }).catch(() => {});
const heads = await headCells.allTextContents();
check(heads.length > 10 && heads.join('').startsWith([...text0].slice(0, 5).map((c) => (c === ' ' ? '␣' : c)).join('')),
  `the value tables name each step's character (${heads.slice(0, 8).join(' ')} …)`);

// ---- the quote preset ----
const t0 = Date.now();
await page.getByRole('button', { name: 'Preset: find a unit that tracks quotes' }).click();
await page.locator('.text-finding').waitFor({ timeout: 90000 });
const secs = (Date.now() - t0) / 1000;
const finding = await page.locator('.text-finding').textContent();
const r = Number((finding.match(/r = (-?[0-9.]+)/) || [])[1]);
const unit = Number((finding.match(/unit (\d+)/) || [])[1]);
check(Math.abs(r) >= 0.8 && secs < 60, `the quote preset trains in ${secs.toFixed(1)} s and finds unit ${unit} with r = ${r}`);
check(await page.getByLabel('Unit', { exact: true }).first().inputValue() === String(unit), 'the reader colours the text by that unit');
const read = await page.getByLabel('Text to read').inputValue();
const cols = await columns();
check(read.includes('"') && cols.length === [...read].length, `a quoted line is read, one column per character (${cols.length})`);
const ordered = cols.every((c) => c.next.length === 5 && c.next.every((n, k) => k === 0 || n[1] <= c.next[k - 1][1]));
check(ordered, 'every character has 5 next characters, most likely first');
await page.locator('.karpathy').scrollIntoViewIfNeeded();
await page.screenshot({ path: path.join(shots, 'text-karpathy-1366x768.png') });

// ---- the link holds text mode as a recipe: a fresh browser trains the same model again ----
{
  await page.waitForTimeout(900);
  const link = page.url();
  const frag = decodeURIComponent(link.slice(link.indexOf('#') + 1));
  check(frag.startsWith('text=code,lstm,32,300,quote&read=') && !frag.includes('&x=') && !frag.includes('&w='),
    `the link holds the recipe and the text, not the numbers (${link.length} characters: ${frag.slice(0, 60)}…)`);
  const other = await browser.newContext();
  const q = await other.newPage({ viewport: { width: 1366, height: 768 } });
  const qErrors = [];
  q.on('pageerror', (e) => qErrors.push(String(e)));
  await q.goto(link);
  await q.locator('.text-finding').waitFor({ timeout: 90000 });
  const qCols = await q.locator('.kcol').evaluateAll((cs) => cs.map((c) => ({
    ch: c.querySelector('.kchar').textContent,
    next: [...c.querySelectorAll('.knext li')].map((li) => [li.querySelector('b').textContent, Number(li.textContent.slice(li.querySelector('b').textContent.length))]),
  })));
  const qFinding = await q.locator('.text-finding').textContent();
  check(JSON.stringify(qCols) === JSON.stringify(cols) && qFinding === finding && qErrors.length === 0,
    `a fresh browser opening it retrains to step 300 and shows the same text, predictions and finding (${qCols.length} columns)`);
  const bad = await other.newPage();
  await bad.goto(`${link.slice(0, link.indexOf('#'))}#text=code,lstm,32,9999999,quote&read=x`);
  await bad.locator('.link-notes').waitFor({ timeout: 20000 });
  check((await bad.locator('.link-notes').textContent()).includes('more than a link may ask for'), 'a link asking for too many steps gets a message');
  await other.close();
}

// ---- saved, read by the CLI: the same numbers ----
const model = await save('Save text model JSON');
const st = await save('Save text model safetensors');
const trace = await save('Save trace JSON');
check(model.name.includes('lstm') && model.name.includes('300-steps'), `file names carry the cell and the steps (${model.name}, ${st.name})`);
const cliJson = JSON.parse(execFileSync(cli, ['--model', model.file, '--text', read]).toString());
const cliSt = execFileSync(cli, ['--model', st.file, '--text', read]).toString();
check(JSON.stringify(JSON.parse(cliSt)) === JSON.stringify(cliJson), 'the JSON and the safetensors file print the same');
const pageTrace = JSON.parse(fs.readFileSync(trace.file, 'utf8'));
const same = ['x', 'i', 'f', 'g', 'o', 'c', 'h'].every((k) => JSON.stringify(pageTrace[k]) === JSON.stringify(cliJson[k]));
check(same, `the CLI's trace of the saved model equals the page's, every value (${cliJson.steps} steps × ${cliJson.hidden_size} units, x = the embedding rows)`);
const visible = (ch) => ({ ' ': '␣', '\n': '↵', '\t': '⇥' }[ch] || ch);
const nextOk = cliJson.next.length === cols.length && cliJson.next.every((row, t) => row.every((n, k) => visible(n.char) === cols[t].next[k][0]
  && Math.round(100 * n.p) === cols[t].next[k][1]));
check(nextOk, `and its top-5 next characters are the page's, in order, with the page's percentages (${cliJson.next[0].map((n) => `${n.char} ${n.p.toFixed(3)}`).join(', ')})`);
check(JSON.stringify(cliJson.tokens) === JSON.stringify([...read]), 'the CLI lists the characters as tokens');

// ---- bad input keeps the last good state ----
const box = page.getByLabel('Text to read');
await box.fill(`${read}☃`);
const msg = await page.locator('#text-read-error').textContent();
check(msg.includes('☃') && (await columns()).length === cols.length, `a character the corpus never had: "${msg.slice(0, 90)}…", the last text stays shown`);
await box.fill('');
check((await page.locator('#text-read-error').textContent()).includes('at least one'), 'empty text gets a message');
await box.fill(read);
await page.getByLabel('Temperature').fill('hot');
await page.getByRole('button', { name: 'Generate text' }).click();
check((await page.locator('.text-sample .text-error').textContent()).includes('Temperature must be'), 'a bad temperature gets a message');
await page.getByLabel('Temperature').fill('0.8');
await page.getByRole('button', { name: 'Generate text' }).click();
const sampled = await page.getByLabel('Generated text').textContent();
check([...sampled].length > 200, `sampling at 0.8 writes text (${JSON.stringify(sampled.slice(0, 60))}…)`);
const unitBox = page.getByRole('region', { name: 'Text coloured by a unit' }).getByLabel('Unit');
await unitBox.fill('999');
await unitBox.press('Tab');
check((await page.locator('.karpathy .text-error').textContent()).includes('Unit must be'), 'a unit that does not exist gets a message');
await unitBox.fill(String(unit));
await unitBox.press('Tab');

// ---- unit finder ----
const q1 = read.indexOf('"');
const q2 = read.indexOf('"', q1 + 1);
await box.evaluate((el, [a, b]) => { el.focus(); el.setSelectionRange(a, b); el.dispatchEvent(new Event('select')); }, [q1 + 1, q2]);
const finder = page.getByRole('region', { name: 'Unit finder' });
await finder.locator('.finder-list button').first().waitFor({ timeout: 5000 });
const ranked = await finder.locator('.finder-list button').allTextContents();
check(ranked.length === 8, `selecting a quoted string ranks the units (${ranked.slice(0, 3).join('; ')})`);
await finder.locator('.finder-list button').nth(1).click();
const second = Number(ranked[1].match(/Unit (\d+)/)[1]);
check(await unitBox.inputValue() === String(second), `clicking a ranked unit colours the text by it (unit ${second})`);
await finder.scrollIntoViewIfNeeded();
await page.screenshot({ path: path.join(shots, 'text-unit-finder-1366x768.png') });

// ---- embedding view ----
const emb = page.locator('.embedding-view canvas');
await emb.scrollIntoViewIfNeeded();
const inked = await emb.evaluate((c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let k = 0; k < d.length; k += 4) if (d[k] < 200 || d[k + 1] < 200) n += 1;
  return n;
});
check(inked > 500, `the embedding view draws the characters (${inked} inked pixels)`);
await page.screenshot({ path: path.join(shots, 'text-embedding-1366x768.png') });

// ---- the same treatment for an LSTM, a GRU and an RNN ----
await page.getByRole('button', { name: 'Train an LSTM, a GRU and an RNN the same way' }).click();
await page.getByText('Done: 300 steps each.').waitFor({ timeout: 120000 });
const table = await page.locator('.text-compare-table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
check(table.length === 3 && table.map((r) => r[0]).join() === 'LSTM,GRU,RNN', `the comparison measures three cells (${table.map((r) => r.join(' ')).join('; ')})`);
check(table[0][2] === String(unit) && Number(table[0][3]) === Number(r.toFixed(2)),
  "the LSTM trained the same way is the preset's: same unit, same r");
const hs = await page.locator('.text-compare [role=img]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
check(hs.length === 3, `each one's h on the text read is drawn (${hs.join('; ')})`);
await page.locator('.text-compare').scrollIntoViewIfNeeded();
await page.screenshot({ path: path.join(shots, 'text-compare-1366x768.png') });

// ---- the saved model opens again, in text mode, with the same predictions ----
const before = await columns();
await page.getByRole('button', { name: 'Back to numbers' }).click();
await page.locator('#open-model').setInputFiles(model.file);
await page.getByText('it opened in text mode').waitFor({ timeout: 10000 });
await page.getByLabel('Text to read').fill(read);
await page.waitForTimeout(300);
const after = await columns();
check(JSON.stringify(after) === JSON.stringify(before), `the saved file opens in text mode and predicts the same (${after.length} columns)`);

// ---- a model in PyTorch's layout (nn.Embedding + nn.LSTM + nn.Linear) opens and reads as
// float64 says (crates/gatescope-formats/tests/data/char, made by make.py beside it) ----
{
  const fixtures = path.join(repo, 'crates/gatescope-formats/tests/data/char');
  const want = JSON.parse(fs.readFileSync(path.join(fixtures, 'char_expected.json'), 'utf8')).char_lstm;
  await page.getByRole('button', { name: 'Back to numbers' }).click();
  await page.locator('#open-model').setInputFiles(path.join(fixtures, 'char_lstm.safetensors'));
  await page.getByText('it opened in text mode').waitFor({ timeout: 10000 });
  await page.getByLabel('Text to read').fill(want.text);
  await page.waitForTimeout(300);
  const got = await columns();
  let worst = 0;
  const topOk = got.length === want.probs.length && got.every((c, t) => {
    const order = want.probs[t].map((p, id) => [p, id]).sort((a, b) => b[0] - a[0]).slice(0, 5);
    return order.every(([p, id], k) => visible(want.vocab[id]) === c.next[k][0] && Math.round(100 * p) === c.next[k][1]);
  });
  await openTables(page);
  const cells = await page.getByRole('table', { name: 'Hidden state h', exact: true }).locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((d) => Number(d.textContent))));
  cells.forEach((row, u) => row.forEach((v, t) => { worst = Math.max(worst, Math.abs(v - want.h[t][u])); }));
  check(cells.length === 4 && cells[0].length === want.text.length && topOk && worst < 5e-4, `a PyTorch-layout LSTM file opens in text mode: top-5 next characters as float64 says, h within ${worst.toExponential(1)} of float64 at 4 digits (${cells.length} units × ${cells[0]?.length} steps)`);
}

// ---- a pasted corpus: too long is refused, odd characters are fine ----
const stats0 = await page.locator('.text-stats').textContent();
await page.getByLabel('Corpus').selectOption('paste');
await page.getByLabel(/Your corpus/).fill('x'.repeat(70000));
await page.getByRole('button', { name: 'Use this corpus' }).click();
const tooLong = await page.locator('.text-mode > .text-error').textContent();
check(tooLong.includes('65536') && (await page.locator('.text-stats').textContent()) === stats0,
  `a 70 000-character paste: "${tooLong.slice(0, 80)}", the model stays`);
await page.getByLabel(/Your corpus/).fill('a\u0000b ("c") [d]\n\t"e"');
await page.getByRole('button', { name: 'Use this corpus' }).click();
await page.getByRole('button', { name: 'Step text training' }).click();
const pasted = await page.locator('.text-stats').textContent();
check(pasted.startsWith('Step 1 ') && (await page.locator('.text-mode > .text-error').count()) === 0,
  `a corpus with control characters trains (${pasted.slice(0, 40)}…)`);

check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
await browser.close();
server.close();
finish('text mode');
