//! The iptables framework's worker: reads the instance's NFQUEUE, translates, and answers
//! each packet with a verdict (translated: written into the TUN and NF_DROP; untranslatable:
//! NF_ACCEPT, as if the rule had not matched).

use super::host::seed;
use super::runtime::{Inner, Source, ERROR_PAUSE};
use crate::log_warn;
use jool_core::PacketBuf;
use jool_datapath::nfqueue::RECV_BUF_LEN;
use jool_datapath::{NfQueue, Tun};
use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Reads the NFQUEUE until shutdown; verdicts per the iptables framework.
pub(super) fn queue_worker(inner: Arc<Inner>, mut queue: NfQueue, tun: Arc<Tun>) {
    let stats = inner.inst.stats.slot();
    let mut buf = vec![0u8; RECV_BUF_LEN];
    let mut bufs = (PacketBuf::new(), PacketBuf::new());
    let mut rng = seed();
    loop {
        let qp = match queue.recv(&mut buf) {
            Ok(qp) => qp,
            Err(e) => {
                if e.kind() == io::ErrorKind::ConnectionAborted
                    || inner.stopped.load(Ordering::SeqCst)
                {
                    break;
                }
                log_warn!("instance '{}': NFQUEUE read failed: {e}", inner.inst.name);
                std::thread::sleep(ERROR_PAUSE);
                continue;
            }
        };
        let accept = match buf.get(qp.payload.clone()) {
            Some(bytes) => {
                bufs.0.load(bytes);
                let t = inner.inst.translator();
                inner.translate(
                    &tun,
                    &t,
                    &mut rng,
                    &stats,
                    Source::Queue { mark: qp.mark },
                    &mut bufs,
                )
            }
            None => true,
        };
        if let Err(e) = queue.verdict(qp.id, accept) {
            log_warn!(
                "instance '{}': NFQUEUE verdict failed: {e}",
                inner.inst.name
            );
        }
    }
}
