//! No user-provided text reaches `innerHTML` (issue 7, security). The app writes HTML in one
//! place only, the value tables, whose text is numbers and an escaped caption
//! (`viz::table::value_table_html`, tested there with a hostile caption). This test fails
//! when any other source file starts writing HTML, so that new path gets a review.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_value_tables_write_html_and_they_write_escaped_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 20, "found the sources");
    let mut writers = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if [
                "inner_html",
                "outer_html",
                "insert_adjacent_html",
                "inner_html=",
            ]
            .iter()
            .any(|w| code.contains(w))
            {
                writers.push(format!(
                    "{}:{}",
                    f.strip_prefix(root).unwrap().display(),
                    n + 1
                ));
            }
        }
    }
    assert_eq!(writers.len(), 1, "HTML is written in: {writers:?}");
    assert!(
        writers[0].starts_with("src/app/value_table.rs:"),
        "{writers:?}"
    );
    let table = std::fs::read_to_string(root.join("src/app/value_table.rs")).unwrap();
    assert!(
        table.contains("value_table_html("),
        "the HTML comes from the escaping builder"
    );
}
