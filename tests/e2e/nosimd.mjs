// A browser without WebAssembly SIMD gets a clear message instead of a blank page (the core is
// built for SIMD). Simulated by making WebAssembly.validate answer false before the page runs;
// a normal load must not show the message. Usage: node tests/e2e/nosimd.mjs [distDir]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}
const MESSAGE = /needs WebAssembly SIMD/;
try {
  const normal = await browser.newPage();
  await normal.goto(url);
  await normal.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor();
  check((await normal.getByRole('alert').filter({ hasText: MESSAGE }).count()) === 0,
    'with SIMD: the app runs and no message is shown');

  const old = await browser.newPage();
  await old.addInitScript(() => { WebAssembly.validate = () => false; });
  await old.goto(url);
  const alert = old.getByRole('alert').filter({ hasText: MESSAGE });
  await alert.waitFor({ timeout: 10000 });
  check(await alert.isVisible(), `without SIMD: "${(await alert.textContent()).slice(0, 60)}…" is shown`);
} catch (e) {
  check(false, String(e));
} finally {
  await browser.close();
  server.close();
}
if (failures) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('no-SIMD message: all checks passed');
