//! Any text as an atomic-configuration file: an error message or a configuration, never a panic.
#![no_main]

use jool_core::config::XlatorType;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for xlator in [XlatorType::Siit, XlatorType::Nat64] {
            if let Ok(cfg) = jool_ctl::json::parse_atomic_config(text, xlator, false) {
                if xlator == XlatorType::Siit {
                    let _ = cfg.siit_config(false);
                }
            }
        }
    }
});
