// PyTorch is the authority: the seed example's expected numbers come from refdata's float64
// PyTorch trace of `lstm_classic_h4_d1_t5`, and any other input is checked against an
// independent float64 LSTM written here (the article's equations on refdata's PyTorch
// tensors, gate order i, f, g, o), which is itself first validated against that trace.
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/// The classic case: H = 4, D = 1, x = 1..5, zero initial state.
export const classic = (() => {
  const file = path.join(repo, 'tests/data/refdata/lstm_forward.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  return data.cases.find((k) => k.id === 'lstm_classic_h4_d1_t5');
})();

export const SEED_INPUT = '1, 2, 3, 4, 5';

export const GATES = [['i', 'Input gate i'], ['f', 'Forget gate f'], ['g', 'Candidate g'],
  ['o', 'Output gate o'], ['c', 'Cell state c'], ['h', 'Hidden state h']];

/// refdata's `expected[key]` ([T, B, H], batch 0) as `[t][unit]`.
function expectedSteps(c, key) {
  const t = c.expected[key];
  const [T, B, H] = t.shape;
  if (B !== 1) throw new Error(`${key}: batch ${B}, expected 1`);
  return Array.from({ length: T }, (_, s) => t.data.slice(s * H, (s + 1) * H));
}

/// PyTorch's float64 trace of the seed example: `{i, f, g, o, c, h}`, each `[t][unit]`.
export function pytorchSeed() {
  return Object.fromEntries(GATES.map(([k]) => [k, expectedSteps(classic, k)]));
}

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/// An independent float64 LSTM (D = 1) with refdata's PyTorch tensors:
///   z = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh, blocks i, f, g, o;
///   c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t).
/// Inputs are rounded to float32 first, as the app (and refdata) does.
export function lstmF64(xs, c = classic) {
  const H = c.dims.hidden_size;
  const D = c.dims.input_size;
  if (D !== 1) throw new Error('only D = 1');
  const wih = c.params.weight_ih.data; // [4H, 1]
  const whh = c.params.weight_hh.data; // [4H, H]
  const bih = c.params.bias_ih.data;
  const bhh = c.params.bias_hh.data;
  let h = new Array(H).fill(0);
  let cs = new Array(H).fill(0);
  const out = { i: [], f: [], g: [], o: [], c: [], h: [] };
  for (const x0 of xs) {
    const x = Math.fround(x0);
    const z = Array.from({ length: 4 * H }, (_, r) => {
      let s = wih[r] * x + bih[r] + bhh[r];
      for (let k = 0; k < H; k++) s += whh[r * H + k] * h[k];
      return s;
    });
    const i = z.slice(0, H).map(sigmoid);
    const f = z.slice(H, 2 * H).map(sigmoid);
    const g = z.slice(2 * H, 3 * H).map(Math.tanh);
    const o = z.slice(3 * H, 4 * H).map(sigmoid);
    cs = cs.map((cp, u) => f[u] * cp + i[u] * g[u]);
    h = cs.map((cu, u) => o[u] * Math.tanh(cu));
    out.i.push(i); out.f.push(f); out.g.push(g); out.o.push(o); out.c.push([...cs]); out.h.push([...h]);
  }
  return out;
}

/// Max |JS LSTM − PyTorch| over every gate and state of the classic case.
export function validateReference() {
  const xs = classic.x.data; // [T, 1, 1]
  const mine = lstmF64(xs);
  const torch = pytorchSeed();
  let worst = 0;
  for (const [k] of GATES) {
    torch[k].forEach((row, t) => row.forEach((v, u) => { worst = Math.max(worst, Math.abs(mine[k][t][u] - v)); }));
  }
  return worst;
}

/// The text a value table shows is `ref` correctly rounded to 4 significant digits, with a
/// little slack for the app's float32 arithmetic.
export function agrees(shownText, ref) {
  const shown = Number(shownText);
  if (shownText == null || shownText.trim() === '' || !Number.isFinite(shown)) return false;
  const tol = ref === 0 ? 0 : 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(ref))) - 3) * 1.01;
  return Math.abs(shown - ref) <= tol + 1e-7;
}

/// Opens every closed "Values" disclosure, as a user clicking each summary would, and waits
/// until each open one holds its table (tables are built only while open, at once on opening,
/// and stay open across edits and panel rebuilds).
export async function openTables(page) {
  await page.evaluate(() => document.querySelectorAll('details.value-table:not([open]) > summary').forEach((s) => s.click()));
  await page.waitForFunction(() => [...document.querySelectorAll('details.value-table')].every((d) => d.open && d.querySelector('table')));
}

/// Every cell of the six value tables, `{key: [unit][t] text}`.
export async function readTables(page, prefix = '') {
  await openTables(page);
  const out = {};
  for (const [key, name] of GATES) {
    out[key] = await page.getByRole('table', { name: prefix + name }).evaluate((t) =>
      [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((d) => d.textContent)));
  }
  return out;
}

/// Compares the six tables with `want` (`{key: [t][unit]}`). Returns the number of cells
/// compared and a list of mismatches (table shape errors included).
export async function compareTables(page, want) {
  const shown = await readTables(page);
  let cells = 0;
  const bad = [];
  for (const [key, name] of GATES) {
    const w = want[key];
    const s = shown[key];
    if (s.length !== w[0].length || s.some((row) => row.length !== w.length)) {
      bad.push(`${name}: table is ${s.length}×${s[0]?.length ?? 0}, want ${w[0].length} units × ${w.length} steps`);
      continue;
    }
    w.forEach((row, t) => row.forEach((v, u) => {
      cells += 1;
      if (!agrees(s[u][t], v)) bad.push(`${name} unit ${u + 1} t ${t + 1}: shown ${s[u][t]}, PyTorch ${v}`);
    }));
  }
  return { cells, bad };
}

/// Waits until the tables hold `T` steps and agree with `want`, or `timeout` ms pass
/// (tables are written just after the frame that shows an edit).
export async function waitForTables(page, want, timeout = 3000) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    last = await compareTables(page, want);
    if (last.bad.length === 0 || Date.now() > until) return last;
    await page.waitForTimeout(50);
  }
}

/// The numbers in `text` as the app reads them (commas, spaces; D = 1).
export function numbersOf(text) {
  return text.split(/[\s,;]+/).filter(Boolean).map(Number);
}
