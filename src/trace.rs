//! `-d` debug output on stderr.

/// Prints `mqtk: debug: ...` on stderr when the first argument is true.
#[macro_export]
macro_rules! trace {
    ($on:expr, $($arg:tt)*) => {
        if $on {
            $crate::output::debug(format_args!($($arg)*));
        }
    };
}
