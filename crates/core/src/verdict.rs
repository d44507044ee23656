//! What the translator decided about a packet.

use crate::stats::Jstat;

/// The outcome of `handle`. Every non-success outcome names the counter that explains it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The buffer now holds the translated packet; send it.
    Translated,
    /// Corrupted or refused: discard it. The translator may have written an ICMP error
    /// into the reply buffer (see `Output`).
    Drop(Jstat),
    /// Not for this translator: hand it back to the kernel unchanged (Jool's NF_ACCEPT).
    Untranslatable(Jstat),
    /// Kept by the translator (Jool's VERDICT_STOLEN): a NAT64 simultaneous-open SYN stored
    /// for 6 s (`JSTAT_TYPE1PKT` / `JSTAT_TYPE2PKT`), or a fragment held until its datagram is
    /// complete (`JSTAT_RECEIVED4` / `JSTAT_RECEIVED6`: only its reception is counted). Nothing
    /// to send or hand back now.
    Stolen(Jstat),
}

impl Verdict {
    /// The counter this verdict increments.
    pub fn stat(self) -> Jstat {
        match self {
            Verdict::Translated => Jstat::Success,
            Verdict::Drop(s) | Verdict::Untranslatable(s) | Verdict::Stolen(s) => s,
        }
    }

    /// The word `jool-translate` prints: `translated`, `dropped`, `untranslatable` or `stolen`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Translated => "translated",
            Verdict::Drop(_) => "dropped",
            Verdict::Untranslatable(_) => "untranslatable",
            Verdict::Stolen(_) => "stolen",
        }
    }
}
