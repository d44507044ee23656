//! One subscriber's connection (`Op::SsSubscribe`): batches out, ACKs and peers' sessions
//! in, until the client leaves, the instance goes or the daemon stops.

use super::{SsHub, StreamSlot};
use crate::creds::EPERM_MESSAGE;
use crate::error::{OpError, EPERM};
use crate::instance::Instance;
use crate::plumbing::{Namespace, Plumbing};
use crate::registry::Registry;
use crate::{clock, log_info, log_warn};
use jool_core::config::validate_instance_name;
use jool_core::Nat64;
use jool_ctl::proto::{Request, Response, SsUp};
use jool_ctl::stream::{write_frame, FrameReader, StreamError};
use jool_ctl::transport;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the connection looks at the queue and its client.
pub const POLL: Duration = Duration::from_millis(20);
/// How often it checks that its instance still exists.
const ALIVE_CHECK: Duration = Duration::from_millis(500);

impl Instance {
    /// The timer's part (every second; Jool's cleaner also flushes): the batch rule, its
    /// counters, and the batch (if any) to the subscribers.
    pub fn ss_tick(&self, now_ms: u64) {
        self.ss_pump(now_ms, true);
    }

    /// Sends a batch to the subscribers if the rule says so. `count_idle`: count the
    /// decision when nothing goes, too.
    pub fn ss_pump(&self, now_ms: u64, count_idle: bool) {
        if let Ok(nat) = self.nat64() {
            if let Some(batch) = nat.ss_poll(now_ms, count_idle) {
                self.ss.publish(batch);
            }
        }
    }
}

/// Adds sessions received from a peer; logs what Jool's kernel would log.
pub fn inject(inst: &Instance, nat: &Nat64, data: &[u8]) -> Result<(), OpError> {
    let report = nat
        .ss_import(clock::now_ms(), data)
        .map_err(|e| OpError::inval(e.to_string()))?;
    for w in &report.warnings {
        log_warn!("instance '{}': {w}", inst.name);
    }
    if let Some(e) = report.malformed {
        log_info!(
            "instance '{}': dropped part of a session-sync message: {e}",
            inst.name
        );
    }
    Ok(())
}

struct Subscription<'a> {
    hub: &'a SsHub,
    id: u64,
}

impl Drop for Subscription<'_> {
    fn drop(&mut self) {
        self.hub.unsubscribe(self.id);
    }
}

/// Serves a subscription on `stream` until it ends. Refusals (privileges, missing or SIIT
/// instance, too many subscribers) are answered like any request's.
pub fn serve<P: Plumbing>(
    registry: &Registry<P>,
    stream: &UnixStream,
    ns: P::Ns,
    privileged: bool,
    req: &Request,
    closing: &AtomicBool,
) {
    let refuse = |e: OpError| {
        if let Err(err) = transport::write_response(stream, &e.into()) {
            log_info!("could not answer a client: {err}");
        }
    };
    if !privileged {
        return refuse(OpError::new(EPERM, EPERM_MESSAGE));
    }
    if let Err(e) = validate_instance_name(&req.instance) {
        return refuse(OpError::inval(e));
    }
    let inode = ns.inode();
    let Some(entry) = registry.find(inode, req.xlator, &req.instance) else {
        return refuse(OpError::srch(format!(
            "This namespace lacks an instance named '{}'.",
            req.instance
        )));
    };
    let inst = Arc::clone(&entry.instance);
    drop(entry);
    let nat = match inst.nat64() {
        Ok(n) => Arc::clone(n),
        Err(e) => return refuse(e),
    };
    let _slot = match StreamSlot::acquire() {
        Ok(s) => s,
        Err(e) => return refuse(e),
    };
    let sub = match inst.ss.subscribe() {
        Ok(id) => Subscription { hub: &inst.ss, id },
        Err(e) => return refuse(e),
    };
    if transport::write_response(stream, &Response::Ok).is_err() {
        return;
    }
    let _ = stream.set_read_timeout(Some(POLL));
    let alive = || {
        registry
            .find(inode, req.xlator, &req.instance)
            .is_some_and(|e| Arc::ptr_eq(&e.instance, &inst))
    };
    let mut reader = FrameReader::new();
    let mut checked = Instant::now();
    loop {
        if closing.load(Ordering::SeqCst) {
            break;
        }
        if checked.elapsed() >= ALIVE_CHECK {
            if !alive() {
                break;
            }
            checked = Instant::now();
        }
        match reader.fill(&mut &*stream) {
            Ok(_) => {}
            Err(StreamError::Io(_)) => break, // the client left
            Err(e) => {
                log_info!("session-sync subscriber dropped: {e}");
                break;
            }
        }
        let mut acked = false;
        let mut bad = false;
        while let Some(frame) = reader.next_frame::<SsUp>() {
            match frame {
                Ok(SsUp::Ack) => {
                    nat.ss_ack();
                    acked = true;
                }
                Ok(SsUp::Inject(data)) => {
                    if let Err(e) = inject(&inst, &nat, &data) {
                        log_info!("instance '{}': {}", inst.name, e.message);
                    }
                }
                Err(e) => {
                    log_info!("session-sync subscriber dropped: {e}");
                    bad = true;
                    break;
                }
            }
        }
        if bad {
            break;
        }
        inst.ss_pump(clock::now_ms(), acked);
        let (batches, lost) = inst.ss.take(sub.id);
        if lost > 0 {
            log_warn!(
                "instance '{}': a session-sync subscriber fell behind; {lost} batch(es) lost.",
                inst.name
            );
        }
        let sent = batches
            .iter()
            .try_for_each(|b| write_frame(stream, &Response::SsBatch(b.to_vec())));
        if sent.is_err() {
            break;
        }
    }
}
