//! Message -> bytes for printing: plain payload, `-v`, `-F` format strings, NDJSON.
