// The release build from a sub-path of a static host, and offline (issue 11):
// - served under /gatescope/ (not the server's root), the app starts, edits, and its
//   model-file worker saves a model (all URLs are relative);
// - after that first visit, with the network cut (the browser context set offline), a reload
//   still opens the app from the service worker's store, link state included, and text mode
//   (an on-demand chunk the first visit never ran) opens too;
// - a chunk that cannot be downloaded gets a message, the page carries on, and trying again
//   loads it.
// Usage: node tests/e2e/offline.mjs [distDir]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';
import { args, check, finish, pressBelowExplainRow } from './suite.mjs';

const { dist } = args();
// A host root with the build one level down.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-host-'));
fs.symlinkSync(dist, path.join(root, 'gatescope'), 'dir');
const server = await startServer(root);
const url = `http://127.0.0.1:${server.address().port}/gatescope/`;
const browser = await launch();
const context = await browser.newContext({ acceptDownloads: true });
const page = await context.newPage({ viewport: { width: 1366, height: 768 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));

await page.goto(`${url}#x=0.5,1,1.5&t=2`);
const heatmap = page.getByRole('img', { name: 'Hidden state h', exact: true });
await heatmap.waitFor({ timeout: 20000 });
check(await page.getByRole('slider', { name: 'Timestep', exact: true }).inputValue() === '2',
  'served from /gatescope/, the app starts and reads its link');
await page.getByLabel('Input sequence', { exact: true }).fill('1, 2, 3, 4');
check(await page.getByRole('slider', { name: 'Timestep', exact: true }).getAttribute('max') === '4', 'it edits');
const download = page.waitForEvent('download', { timeout: 10000 }).catch(() => null);
await page.getByRole('button', { name: 'Save JSON' }).click();
const saved = await download;
check(saved !== null && saved.suggestedFilename().endsWith('.json'), `its worker saves a model from the sub-path (${saved?.suggestedFilename()})`);

const stored = await page.evaluate(async () => {
  await navigator.serviceWorker.ready;
  const cache = await caches.open('gatescope-v1');
  return (await cache.keys()).map((r) => new URL(r.url).pathname);
});
check(stored.some((p) => p.endsWith('_bg.wasm')) && stored.some((p) => p.endsWith('.js')) && stored.includes('/gatescope/'),
  `the service worker stored the app after one visit (${stored.length} files)`);

await context.setOffline(true);
// A new page: a full navigation (the same page would only change its fragment).
const again = await context.newPage({ viewport: { width: 1366, height: 768 } });
again.on('pageerror', (e) => errors.push(String(e)));
await again.goto(`${url}#x=3,2,1&t=1`).catch(() => {});
let offline = false;
try {
  await again.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 10000 });
  offline = await again.getByRole('slider', { name: 'Timestep', exact: true }).inputValue() === '1';
} catch { /* reported below */ }
check(offline, 'offline, the app opens again from the store, link state included');
// Text mode's code is an on-demand chunk the first visit never ran: the store has it too.
await again.getByRole('button', { name: 'Open text mode' }).click().catch(() => {});
const textOffline = await again.getByLabel('Text to read').waitFor({ timeout: 10000 }).then(() => true, () => false);
check(textOffline, 'offline, text mode (an on-demand chunk, never opened online) opens from the store');
await context.setOffline(false);

// A chunk that cannot be downloaded (a first visit that goes offline, a server error): a
// message where the learner looks, the page carries on, and trying again loads it. No service
// worker here (Playwright's advice for routed requests): once it controls the page, requests
// go through it, out of the route's reach or back to its stored copy, so whether the blocked
// chunk failed depended on how far it had got (CI on 8a5fc4e found no message). The store is
// tested above.
const fresh = await browser.newContext({ serviceWorkers: 'block' });
await fresh.route('**/split_*.wasm', (route) => route.abort());
const cut = await fresh.newPage({ viewport: { width: 1366, height: 768 } });
cut.on('pageerror', (e) => errors.push(String(e)));
await cut.goto(url);
await cut.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor({ timeout: 20000 });
await cut.getByRole('button', { name: 'Open text mode' }).click();
const alert = cut.locator('.text-mode [role=alert]');
const said = await alert.waitFor({ timeout: 10000 }).then(() => alert.textContent(), () => '');
const slider = cut.getByRole('slider', { name: 'Timestep', exact: true });
await slider.focus();
await cut.keyboard.press('Home');
const stillWorks = await slider.inputValue() === await slider.getAttribute('min');
check(/could not be downloaded/.test(said) && stillWorks,
  `a chunk that fails to download gets a message and the page still works ("${said.trim().slice(0, 90)}…")`);
await fresh.unroute('**/split_*.wasm');
await cut.getByRole('button', { name: 'Open text mode' }).click();
const retried = await cut.getByLabel('Text to read').waitFor({ timeout: 10000 }).then(() => true, () => false);
check(retried && !(await alert.allTextContents()).some((t) => /could not be downloaded/.test(t)),
  '"Open text mode" again then downloads it, text mode opens, and the message goes');
// A view's chunk (the comparison's): the message has a "Try again" button in its place.
await fresh.route('**/split_compare*.wasm', (route) => route.abort());
await pressBelowExplainRow(cut, cut.getByRole('button', { name: 'Compare LSTM, GRU and RNN' }));
const compareAlert = cut.locator('.compare [role=alert]');
const compareSaid = await compareAlert.waitFor({ timeout: 10000 }).then(() => compareAlert.textContent(), () => '');
await fresh.unroute('**/split_compare*.wasm');
await cut.locator('.compare').getByRole('button', { name: 'Try again' }).click();
const compared = await cut.locator('.flow-chart').waitFor({ timeout: 10000 }).then(() => true, () => false);
check(/could not be downloaded/.test(compareSaid) && compared,
  `a view whose chunk failed says so ("${compareSaid.trim().slice(0, 60)}…"), and "Try again" then shows it`);
await fresh.close();
check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);

await browser.close();
server.close();
fs.rmSync(root, { recursive: true, force: true });
finish('offline');
