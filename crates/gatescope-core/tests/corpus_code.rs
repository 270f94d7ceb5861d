//! The code-like corpus (`corpora/code.txt`) is this generator's output for seed 12: nested
//! lists, dicts, calls and tuples whose strings hold words, spaces and sometimes brackets or
//! commas. Names outside strings are drawn from the same words, so what may follow a word
//! (a space or `"` inside a string; `(`, `)`, `,`, ` = ` outside) depends on whether a
//! string is open: telling inside from outside needs memory, not just the last word. The text is committed
//! so it never changes; this test keeps the file and the generator in step. To write the
//! file again after changing the generator:
//!
//! ```sh
//! GATESCOPE_WRITE_CORPUS=1 cargo test -p gatescope-core --test corpus_code
//! ```

use gatescope_core::rng::SplitMix64;
use gatescope_core::text::Corpus;

const SEED: u64 = 12;
/// Characters generated (the last statement is finished past it).
const TARGET_CHARS: usize = 6000;

const WORDS: [&str; 20] = [
    "the", "gate", "keeps", "memory", "open", "close", "cell", "state", "forget", "input",
    "output", "long", "short", "term", "a", "of", "and", "to", "in", "it",
];
/// What may appear inside a string besides words: brackets and separators that mean
/// something else outside one.
const INSIDE: [&str; 6] = ["(", ")", "[", "]", ", ", ": "];

struct Gen {
    rng: SplitMix64,
    out: String,
}

impl Gen {
    fn below(&mut self, n: u64) -> u64 {
        self.rng.next_u64() % n
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }

    fn string(&mut self) {
        self.out.push('"');
        let words = 1 + self.below(5);
        for k in 0..words {
            if k > 0 {
                self.out.push(' ');
            }
            if self.below(5) == 0 {
                let s = self.pick(&INSIDE);
                self.out.push_str(s.trim_end());
            }
            let w = self.pick(&WORDS);
            self.out.push_str(w);
        }
        self.out.push('"');
    }

    fn items(&mut self, depth: u32, open: char, close: char) {
        self.out.push(open);
        let n = 1 + self.below(3);
        for k in 0..n {
            if k > 0 {
                self.out.push_str(", ");
            }
            self.expr(depth + 1);
        }
        self.out.push(close);
    }

    fn expr(&mut self, depth: u32) {
        let leaf = depth >= 3 || self.below(3) == 0;
        if leaf {
            match self.below(4) {
                0 | 1 => self.string(),
                2 => {
                    let n = self.below(1000);
                    self.out.push_str(&n.to_string());
                }
                _ => {
                    let name = self.pick(&WORDS);
                    self.out.push_str(name);
                }
            }
            return;
        }
        match self.below(4) {
            0 => self.items(depth, '[', ']'),
            1 => self.items(depth, '(', ')'),
            2 => {
                self.out.push('{');
                let n = 1 + self.below(3);
                for k in 0..n {
                    if k > 0 {
                        self.out.push_str(", ");
                    }
                    self.string();
                    self.out.push_str(": ");
                    self.expr(depth + 1);
                }
                self.out.push('}');
            }
            _ => {
                let name = self.pick(&WORDS);
                self.out.push_str(name);
                self.items(depth, '(', ')');
            }
        }
    }

    fn statement(&mut self) {
        let name = self.pick(&WORDS);
        self.out.push_str(name);
        if self.below(2) == 0 {
            self.out.push_str(" = ");
            self.expr(0);
        } else {
            self.items(0, '(', ')');
        }
        self.out.push('\n');
    }
}

fn generate() -> String {
    let mut g = Gen {
        rng: SplitMix64::new(SEED),
        out: String::new(),
    };
    while g.out.len() < TARGET_CHARS {
        g.statement();
    }
    g.out
}

#[test]
fn the_committed_code_corpus_is_the_generators_output() {
    let text = generate();
    if std::env::var_os("GATESCOPE_WRITE_CORPUS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/code.txt");
        std::fs::write(path, &text).unwrap();
    }
    assert_eq!(
        Corpus::Code.text(),
        text,
        "run with GATESCOPE_WRITE_CORPUS=1"
    );
}

#[test]
fn every_built_in_corpus_is_a_valid_corpus_of_a_few_kilobytes() {
    for c in Corpus::ALL {
        let t = c.text();
        gatescope_core::text::check_corpus(t).unwrap();
        assert!(
            (900..8000).contains(&t.chars().count()),
            "{}: {}",
            c.id(),
            t.len()
        );
        assert_eq!(Corpus::from_id(c.id()), Some(c));
        assert!(!c.source().is_empty() && !c.title().is_empty());
    }
}
