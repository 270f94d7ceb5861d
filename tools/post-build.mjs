// Trunk's one post-build hook: runs the steps that rewrite the built page, one after another.
// Trunk starts all hooks of a stage at once (trunk 0.21 `spawn_hooks`), and these steps each
// read, change and write index.html, so as separate hooks they would race: a step could write
// the page over another's change (the Content-Security-Policy, or an integrity hash).
//   1. split.mjs: the on-demand views' chunks, the glue's and the module's integrity hashes;
//   2. css.mjs: the stylesheets joined into one file;
//   3. csp.mjs: the policy, with the hashes of the final page's inline scripts (so last).
await import('./split.mjs');
await import('./css.mjs');
await import('./csp.mjs');
