//! `--raw` (sorted `topic value` lines) and `--tree` (an indented tree) of whatever arrived
//! under `$SYS`, known to a dialect or not.

use std::fmt::Write;

use super::tree::Tree;

/// `topic value` per line, sorted by topic.
pub fn raw(tree: &Tree) -> String {
    let mut out = String::new();
    for (topic, entry) in tree.iter() {
        let _ = writeln!(out, "{topic} {}", entry.display());
    }
    out
}

/// An indented tree: each level once, values on the leaves.
pub fn indented(tree: &Tree) -> String {
    let mut out = String::new();
    let mut prev: Vec<&str> = Vec::new();
    for (topic, entry) in tree.iter() {
        let levels: Vec<&str> = topic.split('/').collect();
        let common = prev
            .iter()
            .zip(&levels)
            .take_while(|(a, b)| a == b)
            .count()
            // A topic that is also a parent of others (EMQX `$SYS/brokers`) prints its value on
            // its own line, and its children below it.
            .min(levels.len() - 1);
        for (depth, level) in levels.iter().enumerate().skip(common) {
            let indent = "  ".repeat(depth);
            if depth == levels.len() - 1 {
                let _ = writeln!(out, "{indent}{level} = {}", entry.display());
            } else {
                let _ = writeln!(out, "{indent}{level}");
            }
        }
        prev = levels;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn raw_and_tree() {
        let mut t = Tree::new();
        let now = Instant::now();
        t.insert("$SYS/broker/uptime", b"5 seconds", true, now);
        t.insert("$SYS/broker/clients/total", b"1", true, now);
        t.insert("$SYS/broker/clients/connected", b"1", true, now);
        t.insert("$SYS/x", b"y", false, now);
        assert_eq!(
            raw(&t),
            "$SYS/broker/clients/connected 1\n$SYS/broker/clients/total 1\n\
             $SYS/broker/uptime 5 seconds\n$SYS/x y\n"
        );
        assert_eq!(
            indented(&t),
            "$SYS\n  broker\n    clients\n      connected = 1\n      total = 1\n    \
             uptime = 5 seconds\n  x = y\n"
        );
    }
}
