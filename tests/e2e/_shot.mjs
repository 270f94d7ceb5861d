import { startServer } from '/work/main/tests/e2e/static-server.mjs';
import { launch } from '/work/main/tests/e2e/browser.mjs';
const server = await startServer('/work/main/dist');
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
for (const [w, h, name] of [[1366, 768, 'wide'], [390, 844, 'phone']]) {
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  page.on('console', (m) => { if (m.type() === 'error') console.log('console:', m.text()); });
  await page.goto(url);
  await page.waitForSelector('.step-explainer .equations');
  await page.locator('.step-explainer').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `/tmp/shots/${name}-explainer.png` });
  await page.screenshot({ path: `/tmp/shots/${name}-full.png`, fullPage: true });
  const preset = process.argv[2];
  if (preset) {
    await page.getByRole('button', { name: preset }).click();
    await page.waitForTimeout(400);
    await page.locator('.heatmaps').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `/tmp/shots/${name}-preset.png`, fullPage: true });
  }
  await page.close();
}
await browser.close(); server.close();
