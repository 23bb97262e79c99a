//! Thin entry point: parse the command line, run the command, turn the outcome into an exit code.
//!
//! On Unix this is a C `main`, not Rust's. The standard start-up it skips reads the whole of
//! /proc/self/maps to find the main thread's stack (only to name a stack overflow in its
//! message) and sets up an alternate signal stack: about a tenth of a one-shot `pub`'s CPU. What
//! mqtk needs of that start-up is done here: SIGPIPE ignored (a closed pipe is an error mqtk
//! handles, not a signal that kills it), a panic ending with exit code 101, and the exit taken
//! through `std::process::exit`, which flushes stdout as returning from Rust's `main` would.

// Under `cargo test` the test harness brings its own `main`.
#![cfg_attr(all(unix, not(test)), no_main)]

// The unwinder linked in (as `gcc -static-libgcc` does) rather than from libgcc_s.so, whose
// constructor probes the CPU with a dozen CPUID instructions at every start: each a trap to the
// hypervisor in a VM, ~0.2 ms of a one-shot `pub`. Listed by this crate, the archive comes
// before the standard library's `-lgcc_s` on the link line; with the whole program in one
// object (release builds: fat LTO) every unwinding symbol is taken from it, and `--as-needed`
// then leaves libgcc_s.so out.
#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
))]
#[link(name = "gcc_eh", kind = "static", modifiers = "-bundle")]
unsafe extern "C" {}

#[cfg(all(unix, not(test)))]
#[unsafe(no_mangle)]
extern "C" fn main(argc: std::ffi::c_int, argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    use std::os::unix::ffi::OsStringExt;
    // SAFETY: setting a signal's disposition to SIG_IGN has no preconditions.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let args = (0..usize::try_from(argc).unwrap_or(0))
        .map(|i| {
            // SAFETY: the C runtime passes argc valid NUL-terminated strings in argv.
            let arg = unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) };
            std::ffi::OsString::from_vec(arg.to_bytes().to_vec())
        })
        .collect();
    let code = std::panic::catch_unwind(|| mqtk::cmd::main(args)).unwrap_or(101);
    std::process::exit(code.into())
}

#[cfg(any(not(unix), test))]
fn main() -> std::process::ExitCode {
    mqtk::cmd::main(std::env::args_os().collect()).into()
}
