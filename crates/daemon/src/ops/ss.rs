//! `session advertise` / `joold advertise` and sessions injected by a proxy (spec §8).
//! The subscription itself (`session follow` / `proxy`) is a long-lived connection:
//! [`crate::ss::serve`].

use super::Outcome;
use crate::error::OpError;
use crate::instance::Instance;
use jool_ctl::proto::Response;

/// `session advertise`: the whole session database goes out in the next batches.
pub fn advertise(inst: &Instance, now_ms: u64) -> Result<Outcome, OpError> {
    let nat = inst.nat64()?;
    nat.ss_advertise(now_ms)
        .map_err(|e| OpError::inval(e.to_string()))?;
    // With the ACK in, the first batch goes now rather than at the next tick.
    inst.ss_pump(now_ms, false);
    Outcome::show(Response::Ok)
}

/// Sessions a proxy received from a peer.
pub fn inject(inst: &Instance, data: &[u8]) -> Result<Outcome, OpError> {
    let nat = inst.nat64()?;
    crate::ss::inject(inst, nat, data)?;
    Outcome::show(Response::Ok)
}
