// What every end-to-end script starts with: its arguments (the build and where screenshots
// go) and a check counter that prints "ok"/"FAIL" lines and ends the process accordingly.
import fs from 'node:fs';
import path from 'node:path';
import { repo } from './reference.mjs';

/** `[distDir, screenshotDir]` from the command line, defaults under the repository. */
export function args() {
  const dist = path.resolve(process.argv[2] || path.join(repo, 'dist'));
  const shots = path.resolve(process.argv[3] || path.join(repo, 'tests/e2e/screenshots'));
  fs.mkdirSync(shots, { recursive: true });
  return { dist, shots };
}

let failures = 0;

/** Prints one check's line and counts a failure. */
export function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

/** Prints the summary and exits 1 if any check failed. */
export function finish(name) {
  console.log(failures ? `\n${failures} check(s) failed` : `\nall ${name} checks passed`);
  process.exit(failures ? 1 : 0);
}

/** Scrolls to an on-demand view's place (src/app/chunk.rs `when_seen`: its code downloads
 *  when it comes into view) and waits until the view has replaced its placeholder. */
export async function reveal(page, selector) {
  const place = page.locator(selector).first();
  await place.scrollIntoViewIfNeeded();
  await place.locator('.chunk-loading').first().waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
}

/** Clicks `button`, which lies below the explain row, once that row's on-demand view has
 *  loaded. Scrolling to the button brings the row's placeholder into view and starts its
 *  download; the placeholder keeps about the view's height, but a view that arrives between
 *  Playwright's hit test and its click can still move the button by a few pixels (csp.mjs
 *  lost the comparison's click so, 1 run in 20 under load, before the placeholders kept
 *  the height). */
export async function pressBelowExplainRow(page, button) {
  await reveal(page, '.explain-row');
  await button.click();
}

/** The CLI (`target/debug/gatescope-trace`), built if missing, and a fresh temp directory
 *  for downloads; `saver(page)` clicks a button and returns the downloaded file. */
export async function cliAndDownloads(prefix) {
  const { execFileSync } = await import('node:child_process');
  const os = await import('node:os');
  const cli = path.join(repo, 'target/debug/gatescope-trace');
  if (!fs.existsSync(cli)) execFileSync('cargo', ['build', '--quiet', '--bin', 'gatescope-trace'], { cwd: repo, stdio: 'inherit' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const saver = (page) => async (name) => {
    const download = page.waitForEvent('download', { timeout: 15000 });
    await page.getByRole('button', { name, exact: true }).click();
    const d = await download;
    const file = path.join(dir, d.suggestedFilename());
    await d.saveAs(file);
    return { name: d.suggestedFilename(), bytes: fs.readFileSync(file), file };
  };
  return { cli, dir, saver };
}
