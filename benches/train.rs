//! Training steps per second on the remember task (N = 20 distractors, so T = 22), H = 32,
//! batch 16, Adam, for LSTM, GRU and RNN: each step draws a batch, runs forward, readout,
//! loss and BPTT for 16 sequences, clips and updates.
//!
//! Native: `cargo bench --bench train` (a plain `harness = false` binary timed with
//! `std::time::Instant`). Without `--bench` (e.g. `cargo test --benches`) it runs one step per
//! cell and times nothing. Not built for the browser yet (wasm32 `main` is empty).

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
