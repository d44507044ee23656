//! IPv4 options (RFC 791 §3.1) as far as the translator looks at them.

/// IPv4 option type: End of Option List (RFC 791).
pub const OPT_EOL: u8 = 0;
/// IPv4 option type: No Operation (RFC 791).
pub const OPT_NOP: u8 = 1;
/// IPv4 option type: Loose Source and Record Route (RFC 791).
pub const OPT_LSRR: u8 = 131;
/// IPv4 option type: Strict Source and Record Route (RFC 791).
pub const OPT_SSRR: u8 = 137;

/// RFC 7915 §4.1 ("If a Source Route option is present [...] unexpired"): the offset, within
/// `options`, of a Loose or Strict Source Route option whose pointer has not run past its
/// length (the route is not exhausted). Walks EOL/NOP/TLV options; a malformed option ends the
/// walk with `None`.
pub fn unexpired_source_route(options: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(&kind) = options.get(i) {
        match kind {
            OPT_EOL => return None,
            OPT_NOP => i += 1,
            _ => {
                let len = usize::from(*options.get(i + 1)?);
                if len < 2 || i + len > options.len() {
                    return None;
                }
                if kind == OPT_LSRR || kind == OPT_SSRR {
                    let pointer = usize::from(*options.get(i + 2).filter(|_| len >= 3)?);
                    if pointer <= len {
                        return Some(i);
                    }
                }
                i += len;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_route_option_walk() {
        // Exhausted LSRR (pointer 8 > length 7).
        assert_eq!(unexpired_source_route(&[0x83, 7, 8, 1, 2, 3, 4, 0]), None);
        // NOPs then an unexpired SSRR.
        assert_eq!(
            unexpired_source_route(&[1, 1, 0x89, 7, 4, 1, 2, 3, 4, 0]),
            Some(2)
        );
        // Record Route (7) is skipped, then LSRR.
        assert_eq!(unexpired_source_route(&[7, 3, 4, 0x83, 3, 3]), Some(3));
        // EOL ends the list before the LSRR.
        assert_eq!(unexpired_source_route(&[0, 0x83, 7, 4, 1, 2, 3, 4]), None);
        // Malformed: length 1, length past the end, missing length, LSRR without pointer.
        assert_eq!(unexpired_source_route(&[7, 1, 0x83, 3, 3]), None);
        assert_eq!(unexpired_source_route(&[0x83, 9, 4, 1, 2, 3, 4, 0]), None);
        assert_eq!(unexpired_source_route(&[1, 0x83]), None);
        assert_eq!(unexpired_source_route(&[0x83, 2]), None);
        assert_eq!(unexpired_source_route(&[]), None);
    }
}
