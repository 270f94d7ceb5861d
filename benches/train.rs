//! Training steps per second on the remember task (N = 20 distractors, so T = 22), H = 32,
//! batch 16, Adam, for LSTM, GRU and RNN: each step draws a batch, runs forward, readout,
//! loss and BPTT for 16 sequences, clips and updates.
//!
//! Native: `cargo bench --bench train` (a plain `harness = false` binary timed with
//! `std::time::Instant`). Without `--bench` (e.g. `cargo test --benches`) it runs one step per
//! cell and times nothing. In the browser: `cargo bench --bench train --target
//! wasm32-unknown-unknown` (a `#[wasm_bindgen_bench]`, timed with `performance.now()`).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    use gatescope::model::{CellKind, InitConfig, Model, Task, TrainConfig, Trainer};

    const HIDDEN: usize = 32;
    const WARM_UP: Duration = Duration::from_millis(300);
    const MEASURE: Duration = Duration::from_secs(2);

    let task = Task::remember(20);
    let cfg = TrainConfig::default();
    let trainer = |kind: CellKind| {
        let init = InitConfig {
            seed: 1,
            ..Default::default()
        };
        let model = Model::for_task(kind, HIDDEN, &task, init).expect("valid model");
        Trainer::new(model, task, cfg).expect("valid trainer")
    };
    let kinds = [CellKind::Lstm, CellKind::Gru, CellKind::Rnn];
    if !std::env::args().any(|a| a == "--bench") {
        for kind in kinds {
            trainer(kind).step().expect("step");
            println!("train_step {}: ok", kind.name());
        }
        return;
    }
    let mut out = format!(
        "\nTraining steps, native ({}): remember N = 20 (T = 22), H = {HIDDEN}, batch {}, Adam\n\
         {:>5} | {:>7} | {:>10} | {:>10} | {:>13} | {:>6}\n{}\n",
        std::env::consts::ARCH,
        cfg.batch_size,
        "cell",
        "params",
        "steps/s",
        "ms/step",
        "steps/16 ms",
        "steps",
        "-".repeat(66)
    );
    for kind in kinds {
        let mut t = trainer(kind);
        let start = Instant::now();
        while start.elapsed() < WARM_UP {
            black_box(t.step().expect("step"));
        }
        // Per-step times, so the median is robust to a busy machine.
        let mut times = Vec::new();
        let begin = Instant::now();
        while times.len() < 20 || begin.elapsed() < MEASURE {
            let t0 = Instant::now();
            black_box(t.step().expect("step"));
            times.push(t0.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        eprintln!(
            "train_step {}: median {:.3} ms, mean {:.3} ms",
            kind.name(),
            median * 1e3,
            mean * 1e3
        );
        out.push_str(&format!(
            "{:>5} | {:>7} | {:>10.1} | {:>10.3} | {:>13.1} | {:>6}\n",
            kind.name(),
            t.model().num_params(),
            1.0 / median,
            median * 1e3,
            0.016 / median,
            times.len()
        ));
    }
    out.push_str(
        "steps/s and ms/step from the median step; steps/16 ms = steps per 60 fps frame\n",
    );
    println!("{out}");
}

/// `harness = false` needs a `main`; nothing runs on wasm32 yet.
#[cfg(target_arch = "wasm32")]
fn main() {}

/// The same measurement in headless Chromium:
/// `cargo bench --bench train --target wasm32-unknown-unknown`.
#[cfg(target_arch = "wasm32")]
mod browser {
    use gatescope::model::{CellKind, InitConfig, Model, Task, TrainConfig, Trainer};
    use wasm_bindgen_test::{
        console_log, wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion, Instant,
    };

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_bench]
    fn train_steps(_: &mut Criterion) {
        let task = Task::remember(20);
        let cfg = TrainConfig::default();
        let mut out = String::from(
            "Training steps, wasm32 in headless Chromium: remember N = 20, H = 32, batch 16, Adam\n",
        );
        for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
            let init = InitConfig {
                seed: 1,
                ..Default::default()
            };
            let model = Model::for_task(kind, 32, &task, init).expect("valid model");
            let mut t = Trainer::new(model, task, cfg).expect("valid trainer");
            for _ in 0..20 {
                t.step().expect("step");
            }
            let mut times = Vec::new();
            let begin = Instant::now();
            while times.len() < 20 || begin.elapsed().as_secs_f64() < 2.0 {
                let s = Instant::now();
                t.step().expect("step");
                times.push(s.elapsed().as_secs_f64());
            }
            times.sort_by(|a, b| a.total_cmp(b));
            let median = times[times.len() / 2];
            out.push_str(&format!(
                "{:>5} | {:>8.0} steps/s | {:>6.2} ms/step | {} steps timed\n",
                kind.name(),
                1.0 / median,
                1e3 * median,
                times.len()
            ));
        }
        console_log!("{out}");
    }
}
