//! Topic name and topic filter rules (MQTT 3.1.1 section 4.7 / MQTT 5 section 4.7), checked before
//! connecting, and filter matching for `-T`.

/// Checks a topic name for publishing: non-empty, no wildcards, no NUL, at most 65,535 bytes.
pub fn validate_topic(topic: &str) -> Result<(), String> {
    check_common(topic, "topic")?;
    if topic.contains(['+', '#']) {
        return Err(format!(
            "topic '{topic}' contains a wildcard (+ or #), which is only allowed in subscriptions"
        ));
    }
    Ok(())
}

/// Checks a subscription filter: `+` must fill a whole level, `#` must be the whole last level.
/// `$share/GROUP/filter` is checked as a shared subscription.
pub fn validate_filter(filter: &str) -> Result<(), String> {
    check_common(filter, "topic filter")?;
    let inner = match filter.strip_prefix("$share/") {
        Some(rest) => {
            let (group, f) = rest.split_once('/').ok_or_else(|| {
                format!("shared subscription '{filter}' needs $share/GROUP/FILTER")
            })?;
            if group.is_empty() || group.contains(['+', '#']) {
                return Err(format!(
                    "shared subscription '{filter}' has an invalid group name"
                ));
            }
            if f.is_empty() {
                return Err(format!(
                    "shared subscription '{filter}' has an empty filter"
                ));
            }
            f
        }
        None => filter,
    };
    let levels: Vec<&str> = inner.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        if level.contains('#') && (*level != "#" || i != levels.len() - 1) {
            return Err(format!(
                "topic filter '{filter}' is invalid: # must be a whole level and the last one"
            ));
        }
        if level.contains('+') && *level != "+" {
            return Err(format!(
                "topic filter '{filter}' is invalid: + must be a whole level"
            ));
        }
    }
    Ok(())
}

fn check_common(s: &str, what: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if s.len() > 65_535 {
        return Err(format!(
            "{what} is {} bytes long; MQTT allows at most 65,535",
            s.len()
        ));
    }
    if s.contains('\0') {
        return Err(format!("{what} must not contain a NUL character"));
    }
    Ok(())
}

/// Whether `topic` matches `filter` (which must be valid). Topics starting with `$` are not
/// matched by a leading wildcard, as the specification requires.
pub fn matches(filter: &str, topic: &str) -> bool {
    let filter = match filter.strip_prefix("$share/") {
        Some(rest) => rest.split_once('/').map_or(rest, |(_, f)| f),
        None => filter,
    };
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics() {
        assert!(validate_topic("a/b").is_ok());
        assert!(validate_topic("/").is_ok());
        assert!(validate_topic("").is_err());
        assert!(validate_topic("a/+").is_err());
        assert!(validate_topic("a/#").is_err());
        assert!(validate_topic("a\0b").is_err());
        assert!(validate_topic(&"x".repeat(65_536)).is_err());
    }

    #[test]
    fn filters() {
        for ok in [
            "#",
            "+",
            "a/+/c",
            "a/#",
            "+/+",
            "$SYS/#",
            "$share/g/a/#",
            "/",
        ] {
            assert!(validate_filter(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a/#/b",
            "a+",
            "a/b#",
            "#/a",
            "$share/g",
            "$share//a",
            "$share/g/",
        ] {
            assert!(validate_filter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matching() {
        assert!(matches("a/+/c", "a/b/c"));
        assert!(matches("a/#", "a"));
        assert!(matches("a/#", "a/b/c"));
        assert!(matches("#", "a/b"));
        assert!(!matches("#", "$SYS/x"));
        assert!(matches("$SYS/#", "$SYS/x"));
        assert!(!matches("a/+", "a/b/c"));
        assert!(matches("+/+", "/x"));
        assert!(matches("$share/g/a/+", "a/b"));
    }
}
