//! One LSTM forward pass (`gatescope::model::forward`, full trace included) at five sizes.
//!
//! Seeded weights and a seeded input are built once per size; every timed pass builds its
//! own initial state, runs the whole sequence and drops the returned trace.
//!
//! - Native: `cargo bench --bench forward` — a plain `harness = false` binary timed with
//!   `std::time::Instant`; prints one table.
//! - Browser: `cargo bench --bench forward --target wasm32-unknown-unknown` — the same file
//!   compiled to wasm32 and run by `wasm-bindgen-test-runner` in headless Chromium (the
//!   runner in `.cargo/config.toml`). A `#[wasm_bindgen_bench]` function times each size
//!   with the same loop as natively (clock: `performance.now()`), then with
//!   wasm-bindgen-test's Criterion, and prints the same table.
//!
//! Without `--bench` (e.g. `cargo test --benches`) the native binary only runs each size once.

use std::hint::black_box;
use std::time::Duration;

use gatescope::model::rng::SplitMix64;
use gatescope::model::{forward, CellKind, InitConfig, InitialState, Params};
use ndarray::Array2;

#[cfg(not(target_arch = "wasm32"))]
use std::time::Instant;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::Instant;

/// (T, H, D): sequence length, hidden size, input size.
const SIZES: [(usize, usize, usize); 5] = [
    (5, 4, 1),
    (100, 32, 4),
    (512, 64, 8),
    (1000, 128, 8),
    (10000, 64, 8),
];
/// Untimed warm-up per size.
const WARM_UP: Duration = Duration::from_millis(200);
/// Timed budget per size.
const MEASURE: Duration = Duration::from_secs(1);
/// Passes are timed in batches of at least this long (the browser clock is coarse),
/// so "per pass" below is a batch's mean; a pass longer than this is its own batch.
const BATCH: Duration = Duration::from_millis(10);
/// At least this many batches per size, even if that exceeds [`MEASURE`].
const MIN_SAMPLES: usize = 10;

struct Case {
    t: usize,
    h: usize,
    d: usize,
    params: Params,
    x: Array2<f32>,
}

impl Case {
    fn new((t, h, d): (usize, usize, usize)) -> Self {
        let params = Params::init(
            CellKind::Lstm,
            h,
            d,
            InitConfig {
                seed: 42,
                ..Default::default()
            },
        )
        .expect("valid size");
        let mut rng = SplitMix64::new(7);
        let x = Array2::from_shape_fn((t, d), |_| rng.uniform(-1.0, 1.0));
        Self { t, h, d, params, x }
    }

    fn label(&self) -> String {
        format!("T={},H={},D={}", self.t, self.h, self.d)
    }

    /// One full forward pass; the trace is dropped inside the timed region.
    #[inline(never)]
    fn pass(&self) {
        let trace = forward(
            black_box(&self.params),
            black_box(self.x.view()),
            &InitialState::default(),
        )
        .expect("forward");
        black_box(trace);
    }

    /// Multiply–adds of the two gate products, counted as 2 flops: T · 2 · 4H · (H + D).
    fn flops(&self) -> f64 {
        (self.t * 2 * 4 * self.h * (self.h + self.d)) as f64
    }
}

struct Stats {
    median_ns: f64,
    min_ns: f64,
    samples: usize,
    batch: usize,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Warm up, then time batches of passes for about [`MEASURE`]; per-pass median and min.
fn measure(case: &Case) -> Stats {
    let start = Instant::now();
    let mut warm = 0u32;
    while warm < 3 || start.elapsed() < WARM_UP {
        case.pass();
        warm += 1;
    }
    let est = secs(start.elapsed()) / f64::from(warm);
    let batch = ((secs(BATCH) / est).ceil() as usize).max(1);

    let mut per_pass = Vec::new();
    let begin = Instant::now();
    while per_pass.len() < MIN_SAMPLES || begin.elapsed() < MEASURE {
        let t0 = Instant::now();
        for _ in 0..batch {
            case.pass();
        }
        per_pass.push(secs(t0.elapsed()) * 1e9 / batch as f64);
    }
    per_pass.sort_by(f64::total_cmp);
    let n = per_pass.len();
    let median_ns = if n % 2 == 1 {
        per_pass[n / 2]
    } else {
        0.5 * (per_pass[n / 2 - 1] + per_pass[n / 2])
    };
    Stats {
        median_ns,
        min_ns: per_pass[0],
        samples: n,
        batch,
    }
}

fn fmt_time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn table(title: &str, rows: &[(Case, Stats)]) -> String {
    let mut out = format!(
        "\n{title}\n{:>6} {:>4} {:>3} | {:>12} {:>12} | {:>9} | {:>7} | {:>7} x {:>5}\n",
        "T", "H", "D", "median/pass", "min/pass", "ns/step", "GFLOP/s", "samples", "batch"
    );
    out.push_str(&format!("{}\n", "-".repeat(86)));
    for (c, s) in rows {
        out.push_str(&format!(
            "{:>6} {:>4} {:>3} | {:>12} {:>12} | {:>9.1} | {:>7.2} | {:>7} x {:>5}\n",
            c.t,
            c.h,
            c.d,
            fmt_time(s.median_ns),
            fmt_time(s.min_ns),
            s.median_ns / c.t as f64,
            c.flops() / s.median_ns,
            s.samples,
            s.batch,
        ));
    }
    out.push_str(
        "median/min: per pass, over batches of passes; ns/step and GFLOP/s from the median; \
         flops = T·2·4H·(H+D)\n",
    );
    out
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let cases = SIZES.map(Case::new);
    if !std::env::args().any(|a| a == "--bench") {
        // `cargo test --benches`: check every size runs, time nothing.
        for c in &cases {
            c.pass();
            println!("lstm_forward {}: ok", c.label());
        }
        return;
    }
    let rows: Vec<(Case, Stats)> = cases
        .into_iter()
        .map(|c| {
            let s = measure(&c);
            eprintln!(
                "lstm_forward {}: median {}",
                c.label(),
                fmt_time(s.median_ns)
            );
            (c, s)
        })
        .collect();
    println!(
        "{}",
        table(
            &format!("LSTM forward, native ({})", std::env::consts::ARCH),
            &rows
        )
    );
}

/// `harness = false` needs a `main`; on wasm32 the runner calls the exported bench instead.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::*;
    use wasm_bindgen_test::{
        console_log, wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion,
    };

    wasm_bindgen_test_configure!(run_in_browser);

    /// Criterion's sample count `n` for `r` passes per measurement time, so it neither
    /// warns nor overruns. Its linear schedule (d, 2d, …, nd passes; d ≥ 2 wanted) needs
    /// `n(n+1) ≤ r`; when that leaves `n` below its minimum of 10, pick an `n` for which it
    /// switches to flat sampling (`n(n+1) > 4r`) with ≥ 2 passes per sample (`n < r`).
    fn criterion_samples(r: f64) -> usize {
        let linear = (r.sqrt() as usize).saturating_sub(1);
        if linear >= 10 {
            linear.min(100)
        } else {
            ((2.0 * r.sqrt()).ceil() as usize).clamp(10, 100)
        }
    }

    #[wasm_bindgen_bench]
    fn lstm_forward(_: &mut Criterion) {
        let mut rows = Vec::new();
        for case in SIZES.map(Case::new) {
            let stats = measure(&case);
            // Criterion's own sampling over ~2 s, with a sample count that fits the budget.
            let target = Duration::from_secs(2);
            let samples = criterion_samples(secs(target) * 1e9 / stats.median_ns);
            let mut c = Criterion::default()
                .with_location(file!(), module_path!())
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(target)
                .sample_size(samples);
            c.bench_function(&format!("lstm_forward/{}", case.label()), |b| {
                b.iter(|| case.pass())
            });
            rows.push((case, stats));
        }
        console_log!(
            "{}",
            table("LSTM forward, wasm32 in headless Chromium", &rows)
        );
    }
}
