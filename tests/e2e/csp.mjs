// The release build works under its Content-Security-Policy: scripts only from its own
// origin plus the SHA-256 of Trunk's inline loader, 'wasm-unsafe-eval' for WebAssembly, and
// no 'unsafe-inline' or 'unsafe-eval' for scripts. The policy is in dist/index.html (written
// by tools/csp.mjs) and is also sent as a header here, as a server would. A negative control
// checks that the policy is really enforced: an injected inline script must not run.
// Usage: node tests/e2e/csp.mjs [distDir]
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { pressBelowExplainRow, reveal } from './suite.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const policy = (/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html) || [])[1];
check(Boolean(policy), 'index.html carries a Content-Security-Policy meta tag');
const scriptSrc = (policy || '').split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) || '';
check(scriptSrc.includes("'wasm-unsafe-eval'"), `script-src allows WebAssembly (${scriptSrc})`);
check(!/'unsafe-inline'|'unsafe-eval'/.test(scriptSrc), 'script-src has no unsafe-inline and no unsafe-eval');
check(/'sha256-[A-Za-z0-9+/=]+'/.test(scriptSrc), 'the inline loader is allowed by its hash');
check(!/\son[a-z]+\s*=/i.test(html), 'no inline event handlers in index.html');

const server = await startServer(dist, 0, { 'content-security-policy': policy });
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
  check(true, 'the app starts under the policy');
  await page.getByRole('textbox', { name: 'Input sequence' }).fill('0.5, -2, 3.25');
  await page.waitForTimeout(100);
  check(await page.getByRole('slider', { name: 'Timestep' }).getAttribute('max') === '3', 'editing works');
  await pressBelowExplainRow(page, page.getByRole('button', { name: 'Compare LSTM, GRU and RNN' }));
  try {
    await page.getByRole('img', { name: 'RNN (traditional, no long-term memory): Hidden state h', exact: true }).waitFor();
  } catch (e) {
    // Say what the page showed instead, so a failure here can be diagnosed from the log.
    console.log(`FAIL the comparison did not appear; it shows ${JSON.stringify(await page.locator('.compare').innerText())}`);
    console.log(`     page errors and console: ${JSON.stringify(errors)}`);
    throw e;
  }
  await reveal(page, '.training');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForTimeout(800);
  await page.getByRole('button', { name: 'Pause training' }).click();
  // The model-file worker starts, reads and writes under the page's policy.
  await page.locator('#open-model').setInputFiles(path.join(repo, 'examples/models/lstm-small.onnx'));
  await page.locator('.model-info dd', { hasText: 'lstm-small.onnx' }).waitFor({ timeout: 10000 });
  check(true, 'the model-file worker opens a model under the policy');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save-json').click()]);
  check(download.suggestedFilename() === 'lstm-small.json', `and saves it (${download.suggestedFilename()})`);
  const seen = await page.evaluate(() => window.__violations.slice());
  check(seen.length === 0, `no policy violations while using the app${seen.length ? ': ' + seen.join(' | ') : ''}`);
  check(errors.length === 0, `no page errors${errors.length ? ': ' + errors.join(' | ') : ''}`);

  // Negative control: the policy is enforced, so an injected inline script does not run.
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return { ran: window.__inlineRan === true, violations: window.__violations.length };
  });
  check(!ran.ran && ran.violations > 0, 'an injected inline script is blocked and reported');
} finally {
  await browser.close();
  server.close();
}
process.exit(failures ? 1 : 0);
