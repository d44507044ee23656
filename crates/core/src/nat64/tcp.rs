//! The NAT64 TCP state machine (RFC 6146 §3.5.2), as a pure function of (state, packet).
//!
//! ```text
//!  CLOSED ─v6 SYN→ V6_INIT ─v4 SYN→ ESTABLISHED ─v4 FIN→ V4_FIN_RCV ─v6 FIN→ V4_FIN_V6_FIN_RCV
//!  CLOSED ─v4 SYN→ V4_INIT ─v6 SYN→ ESTABLISHED ─v6 FIN→ V6_FIN_RCV ─v4 FIN→ V4_FIN_V6_FIN_RCV
//!                          ESTABLISHED ─RST→ TRANS ─non-RST→ ESTABLISHED
//!  est timer expiry: ESTABLISHED → TRANS (+ probe); anything else: removed
//! ```
//! CLOSED is "no session": creating the session (and storing simultaneous-open SYNs) is the
//! table's job ([`super::db`]); this file decides what an existing session does.

use super::tuple::TcpFlags;

/// A TCP session's state. Discriminants are the session-synchronization wire values (spec §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TcpState {
    /// Both sides' SYNs seen.
    Established = 0,
    /// IPv6 SYN seen, waiting for the IPv4 side.
    V6Init = 1,
    /// IPv4 SYN seen, waiting for the IPv6 side.
    V4Init = 2,
    /// FIN from the IPv4 side seen.
    V4FinRcv = 3,
    /// FIN from the IPv6 side seen.
    V6FinRcv = 4,
    /// FINs from both sides seen.
    V4FinV6FinRcv = 5,
    /// RST seen or the established timer expired: closing unless traffic resumes.
    Trans = 6,
}

impl TcpState {
    /// The name `session display` prints.
    pub const fn as_str(self) -> &'static str {
        match self {
            TcpState::Established => "ESTABLISHED",
            TcpState::V6Init => "V6_INIT",
            TcpState::V4Init => "V4_INIT",
            TcpState::V4FinRcv => "V4_FIN_RCV",
            TcpState::V6FinRcv => "V6_FIN_RCV",
            TcpState::V4FinV6FinRcv => "V4_FIN_V6_FIN_RCV",
            TcpState::Trans => "TRANS",
        }
    }

    /// From the session-synchronization wire value.
    pub const fn from_u8(v: u8) -> Option<TcpState> {
        Some(match v {
            0 => TcpState::Established,
            1 => TcpState::V6Init,
            2 => TcpState::V4Init,
            3 => TcpState::V4FinRcv,
            4 => TcpState::V6FinRcv,
            5 => TcpState::V4FinV6FinRcv,
            6 => TcpState::Trans,
            _ => return None,
        })
    }
}

impl std::fmt::Display for TcpState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which side a packet came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Arrived on the IPv6 side (6→4).
    V6,
    /// Arrived on the IPv4 side (4→6).
    V4,
}

/// What a packet does to the session's timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refresh {
    /// Restart the session on the established timer (`tcp-est-timeout`).
    Est,
    /// Restart the session on the transitory timer (`tcp-trans-timeout`).
    Trans,
    /// Leave the timer alone.
    Keep,
}

/// The outcome of one packet on an existing session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The new state.
    pub state: TcpState,
    /// What happens to the timer.
    pub refresh: Refresh,
}

const fn step(state: TcpState, refresh: Refresh) -> Step {
    Step { state, refresh }
}

/// RFC 6146 §3.5.2.2: a packet from `side` with `flags` hits a session in `state`.
/// `handle_rst_during_fin_rcv` is the global of that name. (A V4_INIT session holding a
/// stored SYN refuses IPv4 SYN retries before this is called: `JSTAT_SO_EXISTS`.)
pub fn on_packet(
    state: TcpState,
    side: Side,
    flags: TcpFlags,
    handle_rst_during_fin_rcv: bool,
) -> Step {
    use Refresh::{Est, Keep};
    use TcpState::*;
    match state {
        // "If the packet is a SYN from the IPv4 side, the state moves to ESTABLISHED";
        // a repeated IPv6 SYN refreshes the transitory lifetime.
        V6Init if flags.syn && side == Side::V4 => step(Established, Est),
        V6Init if flags.syn => step(V6Init, Refresh::Trans),
        V6Init => step(V6Init, Keep),
        // "If the packet is a SYN from the IPv6 side, the state moves to ESTABLISHED."
        V4Init if flags.syn && side == Side::V6 => step(Established, Est),
        V4Init => step(V4Init, Keep),
        Established if flags.rst => step(Trans, Refresh::Trans),
        Established if flags.fin && side == Side::V4 => step(V4FinRcv, Est),
        Established if flags.fin => step(V6FinRcv, Est),
        Established => step(Established, Est),
        V4FinRcv if flags.fin && side == Side::V6 => step(V4FinV6FinRcv, Refresh::Trans),
        V6FinRcv if flags.fin && side == Side::V4 => step(V4FinV6FinRcv, Refresh::Trans),
        // Jool's `handle-rst-during-fin-rcv`: a RST during FIN_RCV puts the session on the
        // transitory timer (RFC 6146 leaves it on the established one).
        V4FinRcv | V6FinRcv if flags.rst && handle_rst_during_fin_rcv => {
            step(state, Refresh::Trans)
        }
        V4FinRcv | V6FinRcv => step(state, Est),
        // Only the timer moves V4_FIN_V6_FIN_RCV (to removal).
        V4FinV6FinRcv => step(V4FinV6FinRcv, Keep),
        Trans if flags.rst => step(Trans, Keep),
        Trans => step(Established, Est),
    }
}

/// What happens when a session's timer runs out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// Delete the session.
    Remove,
    /// RFC 6146 §3.5.2.2: "the NAT64 SHOULD send a TCP probe ... and move to TRANS".
    ProbeAndTrans,
}

/// RFC 6146 §3.5.2: the established timer of an ESTABLISHED session sends a probe and moves
/// it to TRANS; any other expiry (transitory, SYN4, FIN_RCV on the established timer) deletes.
pub fn on_expiry(state: TcpState, on_est_timer: bool) -> Expiry {
    if on_est_timer && state == TcpState::Established {
        Expiry::ProbeAndTrans
    } else {
        Expiry::Remove
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Refresh::{Est, Keep};
    use Side::*;
    use TcpState::*;

    const NONE: TcpFlags = TcpFlags::NONE;
    const SYN: TcpFlags = TcpFlags::SYN;
    const FIN: TcpFlags = TcpFlags::FIN;
    const RST: TcpFlags = TcpFlags::RST;

    fn go(s: TcpState, side: Side, f: TcpFlags) -> (TcpState, Refresh) {
        let st = on_packet(s, side, f, false);
        (st.state, st.refresh)
    }

    #[test]
    fn v6_init_moves_to_established_on_v4_syn() {
        assert_eq!(go(V6Init, V4, SYN), (Established, Est));
        assert_eq!(go(V6Init, V6, SYN), (V6Init, Refresh::Trans));
        assert_eq!(go(V6Init, V6, NONE), (V6Init, Keep));
        assert_eq!(go(V6Init, V4, RST), (V6Init, Keep));
    }

    #[test]
    fn v4_init_moves_to_established_on_v6_syn() {
        assert_eq!(go(V4Init, V6, SYN), (Established, Est));
        assert_eq!(go(V4Init, V4, SYN), (V4Init, Keep));
        assert_eq!(go(V4Init, V6, FIN), (V4Init, Keep));
    }

    #[test]
    fn established_reacts_to_fin_rst_and_refreshes_otherwise() {
        assert_eq!(go(Established, V4, FIN), (V4FinRcv, Est));
        assert_eq!(go(Established, V6, FIN), (V6FinRcv, Est));
        assert_eq!(go(Established, V6, RST), (Trans, Refresh::Trans));
        assert_eq!(go(Established, V4, RST), (Trans, Refresh::Trans));
        assert_eq!(go(Established, V4, NONE), (Established, Est));
        assert_eq!(go(Established, V6, SYN), (Established, Est));
    }

    #[test]
    fn fin_rcv_moves_to_both_fins_on_other_side_fin() {
        assert_eq!(go(V4FinRcv, V6, FIN), (V4FinV6FinRcv, Refresh::Trans));
        assert_eq!(go(V6FinRcv, V4, FIN), (V4FinV6FinRcv, Refresh::Trans));
        assert_eq!(go(V4FinRcv, V4, FIN), (V4FinRcv, Est));
        assert_eq!(go(V6FinRcv, V6, FIN), (V6FinRcv, Est));
        assert_eq!(go(V4FinRcv, V6, NONE), (V4FinRcv, Est));
    }

    #[test]
    fn rst_during_fin_rcv_moves_to_trans_timer_only_when_enabled() {
        assert_eq!(go(V4FinRcv, V4, RST), (V4FinRcv, Est));
        assert_eq!(go(V6FinRcv, V6, RST), (V6FinRcv, Est));
        let s = on_packet(V4FinRcv, V6, RST, true);
        assert_eq!((s.state, s.refresh), (V4FinRcv, Refresh::Trans));
        let s = on_packet(V6FinRcv, V4, RST, true);
        assert_eq!((s.state, s.refresh), (V6FinRcv, Refresh::Trans));
    }

    #[test]
    fn both_fins_state_ignores_packets() {
        for f in [NONE, SYN, FIN, RST] {
            assert_eq!(go(V4FinV6FinRcv, V4, f), (V4FinV6FinRcv, Keep));
            assert_eq!(go(V4FinV6FinRcv, V6, f), (V4FinV6FinRcv, Keep));
        }
    }

    #[test]
    fn trans_returns_to_established_on_non_rst() {
        assert_eq!(go(Trans, V6, NONE), (Established, Est));
        assert_eq!(go(Trans, V4, FIN), (Established, Est));
        assert_eq!(go(Trans, V4, RST), (Trans, Keep));
    }

    #[test]
    fn est_expiry_probes_established_and_removes_the_rest() {
        assert_eq!(on_expiry(Established, true), Expiry::ProbeAndTrans);
        assert_eq!(on_expiry(V4FinRcv, true), Expiry::Remove);
        assert_eq!(on_expiry(V6FinRcv, true), Expiry::Remove);
        assert_eq!(on_expiry(Established, false), Expiry::Remove);
        assert_eq!(on_expiry(Trans, false), Expiry::Remove);
        assert_eq!(on_expiry(V4Init, false), Expiry::Remove);
    }

    #[test]
    fn names_states_like_session_display() {
        let all = [
            Established,
            V6Init,
            V4Init,
            V4FinRcv,
            V6FinRcv,
            V4FinV6FinRcv,
            Trans,
        ];
        let names: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names.join(" "),
            "ESTABLISHED V6_INIT V4_INIT V4_FIN_RCV V6_FIN_RCV V4_FIN_V6_FIN_RCV TRANS"
        );
        for s in all {
            assert_eq!(TcpState::from_u8(s as u8), Some(s));
        }
        assert_eq!(TcpState::from_u8(7), None);
    }
}
