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
