//! `global display` / `global update` (spec §2.3, §3).

use super::{xlator_type, Outcome};
use crate::error::OpError;
use crate::instance::Instance;
use jool_core::globals::{self, format_plain, GlobalError};
use jool_ctl::proto::Response;

/// Every key of the instance's type with its value in the client syntax, in table order.
pub fn display(inst: &Instance) -> Response {
    let g = inst.globals();
    Response::Globals(
        globals::keys_for(xlator_type(inst.xlator))
            .map(|d| (d.name.to_owned(), format_plain(&d.get(&g))))
            .collect(),
    )
}

/// Parses and validates `value` for `key`, then swaps in a configuration with it. Session
/// timeouts are read per call by the NAT64 state, so existing sessions are re-timed at once.
pub fn update(inst: &Instance, key: &str, value: &str, force: bool) -> Result<Outcome, OpError> {
    let t = xlator_type(inst.xlator);
    let def = globals::find(key, t)
        .ok_or_else(|| OpError::inval(GlobalError::UnknownKey(key.to_owned()).to_string()))?;
    let v = def
        .parse(value)
        .map_err(|e| OpError::inval(e.to_string()))?;
    inst.update_globals(|g| {
        def.update(g, t, v, force)
            .map_err(|e| OpError::inval(e.to_string()))
    })?;
    Outcome::changed()
}
