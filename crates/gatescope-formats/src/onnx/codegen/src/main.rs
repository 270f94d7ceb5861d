//! Writes `../proto.rs`: prost's structs for `onnx_subset.proto`, after checking that every
//! message, field and enum value of the subset is the same in ONNX's own `onnx.proto`
//! (name, number, label, type), so the subset decodes real ONNX files exactly.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorSet};

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let full = compile(&dir, "onnx.proto");
    let subset = compile(&dir, "onnx_subset.proto");
    let mut errors = Vec::new();
    check(&index(&full), &index(&subset), &mut errors);
    if !errors.is_empty() {
        panic!(
            "onnx_subset.proto differs from onnx.proto:\n{}",
            errors.join("\n")
        );
    }
    let tmp = std::env::temp_dir().join("gatescope-onnx-codegen");
    std::fs::create_dir_all(&tmp).expect("temp dir");
    prost_build::Config::new()
        .out_dir(&tmp)
        .compile_fds(subset)
        .expect("prost-build");
    let code = std::fs::read_to_string(tmp.join("onnx.rs")).expect("generated onnx.rs");
    let header = "// Generated from onnx_subset.proto (a subset of ONNX 1.23.2's onnx.proto, \
                  Apache-2.0) by\n// codegen/ with prost-build 0.14 and protox 0.9. Do not edit; \
                  see README.md.\n";
    let out = dir.join("proto.rs");
    std::fs::write(&out, format!("{header}{code}")).expect("write proto.rs");
    // The workspace's `cargo fmt --check` covers the generated file too.
    let fmt = std::process::Command::new("rustfmt")
        .args(["--edition", "2021"])
        .arg(&out)
        .status()
        .expect("run rustfmt");
    assert!(fmt.success(), "rustfmt failed");
    println!("wrote {}", out.display());
}

fn compile(dir: &Path, file: &str) -> FileDescriptorSet {
    protox::compile([dir.join(file)], [dir]).unwrap_or_else(|e| panic!("{file}: {e}"))
}

enum Item<'a> {
    Message(&'a DescriptorProto),
    Enum(&'a EnumDescriptorProto),
}

/// Every message and enum by its full name (`onnx.TensorProto.DataType`).
fn index(fds: &FileDescriptorSet) -> HashMap<String, Item<'_>> {
    fn add<'a>(prefix: &str, m: &'a DescriptorProto, out: &mut HashMap<String, Item<'a>>) {
        let name = format!("{prefix}.{}", m.name());
        for e in &m.enum_type {
            out.insert(format!("{name}.{}", e.name()), Item::Enum(e));
        }
        for n in &m.nested_type {
            add(&name, n, out);
        }
        out.insert(name, Item::Message(m));
    }
    let mut out = HashMap::new();
    for f in &fds.file {
        let prefix = f.package();
        for m in &f.message_type {
            add(prefix, m, &mut out);
        }
        for e in &f.enum_type {
            out.insert(format!("{prefix}.{}", e.name()), Item::Enum(e));
        }
    }
    out
}

fn check(
    full: &HashMap<String, Item<'_>>,
    subset: &HashMap<String, Item<'_>>,
    errors: &mut Vec<String>,
) {
    for (name, item) in subset {
        match (item, full.get(name)) {
            (Item::Message(s), Some(Item::Message(f))) => {
                for sf in &s.field {
                    match f.field.iter().find(|ff| ff.name() == sf.name()) {
                        Some(ff)
                            if (ff.number(), ff.label(), ff.r#type(), ff.type_name())
                                == (sf.number(), sf.label(), sf.r#type(), sf.type_name()) => {}
                        Some(ff) => errors.push(format!("{name}.{}: {sf:?} vs {ff:?}", sf.name())),
                        None => errors.push(format!("{name}.{}: not in onnx.proto", sf.name())),
                    }
                }
            }
            (Item::Enum(s), Some(Item::Enum(f))) => {
                for v in &s.value {
                    if !f
                        .value
                        .iter()
                        .any(|fv| fv.name() == v.name() && fv.number() == v.number())
                    {
                        errors.push(format!(
                            "{name}.{} = {}: not in onnx.proto",
                            v.name(),
                            v.number()
                        ));
                    }
                }
            }
            _ => errors.push(format!("{name}: not in onnx.proto, or not the same kind")),
        }
    }
}
