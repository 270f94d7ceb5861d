// Saves screenshots of the opening view at projector and phone sizes.
// Usage: node screenshots.mjs [distDir] [outDir]
import path from 'node:path';
import fs from 'node:fs';
import { startServer } from './static-server.mjs';
import { launch } from './browser.mjs';

const dist = path.resolve(process.argv[2] || '../../dist');
const out = path.resolve(process.argv[3] || 'screenshots');
fs.mkdirSync(out, { recursive: true });
const server = await startServer(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
try {
  for (const [name, width, height] of [['projector-1366x768', 1366, 768], ['phone-390x844', 390, 844]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('console', (m) => { if (m.type() === 'error') console.error(`[${name}] console: ${m.text()}`); });
    page.on('pageerror', (e) => console.error(`[${name}] page error: ${e}`));
    await page.goto(url);
    await page.getByRole('img', { name: 'Hidden state h', exact: true }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, `${name}.png`) });
    await page.screenshot({ path: path.join(out, `${name}-full.png`), fullPage: true });
    console.log(`saved ${name}`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
