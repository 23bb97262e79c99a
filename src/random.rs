//! Random numbers for ids and seeds, straight from the kernel. `rand`'s thread generator would
//! first probe the CPU's features for its cipher, and in a virtual machine each CPUID
//! instruction is a trap: ~10 µs apiece, a visible share of a one-shot `pub`.

/// 64 random bits; if the kernel cannot give them (no getrandom, no /dev/urandom), the time and
/// process id, which still tell two clients apart.
pub fn u64() -> u64 {
    getrandom::u64().unwrap_or_else(|_| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        t.as_nanos() as u64 ^ (u64::from(std::process::id()) << 40)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_draws_differ() {
        assert_ne!(super::u64(), super::u64());
    }
}
