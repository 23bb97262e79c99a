//! Where output goes: colour decisions (terminal, `--color`, `NO_COLOR`).
