//! The committed shell completions (`completions/`) and man pages (`man/`) must be exactly what
//! the current CLI definition generates, with no stale extra files.
// The committed files describe the default build, which includes `mqtk broker`.
#![cfg(feature = "broker")]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use mqtk::cmd::generate::{COMPLETIONS_DIR, MAN_DIR, render_all};

const FIX: &str = "run `cargo run -- generate --out-dir .` and commit the result";

/// The first line where two texts differ, to show in the failure message.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    let mut e = expected.lines();
    let mut a = actual.lines();
    for line in 1.. {
        match (e.next(), a.next()) {
            (None, None) => return "identical lines, different line endings".into(),
            (want, got) if want != got => {
                return format!(
                    "line {line}: generated {:?}, committed {:?}",
                    want.unwrap_or("<end>"),
                    got.unwrap_or("<end>")
                );
            }
            _ => {}
        }
    }
    unreachable!("the loop returns")
}

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = render_all().expect("render completions and man pages");
    let mut problems = Vec::new();

    for (relative, contents) in &generated {
        match fs::read(root.join(relative)) {
            Ok(committed) if committed == *contents => {}
            Ok(committed) => problems.push(format!(
                "{} is out of date ({})",
                relative.display(),
                first_difference(contents, &committed)
            )),
            Err(err) => problems.push(format!("{} is missing ({err})", relative.display())),
        }
    }

    let expected: BTreeSet<&PathBuf> = generated.iter().map(|(path, _)| path).collect();
    for dir in [COMPLETIONS_DIR, MAN_DIR] {
        let Ok(entries) = fs::read_dir(root.join(dir)) else {
            continue; // reported above as missing files
        };
        for entry in entries.flatten() {
            let relative = Path::new(dir).join(entry.file_name());
            if !expected.contains(&relative) {
                problems.push(format!(
                    "{} is not generated any more: delete it",
                    relative.display()
                ));
            }
        }
    }

    assert!(
        problems.is_empty(),
        "generated files differ from the CLI definition; {FIX}:\n  {}",
        problems.join("\n  ")
    );
}
