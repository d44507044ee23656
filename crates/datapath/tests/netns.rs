//! End-to-end tests of the datapath, as root, in network namespaces that each test creates
//! (`jrs-dp-<random>`) and deletes; documentation addresses only; nothing is added to the root
//! namespace. Needs `ip` (iproute2), `nft` (nftables) and `iptables`.

mod support;

#[path = "e2e/namespaces.rs"]
mod namespaces;
#[path = "e2e/nfqueue.rs"]
mod nfqueue;
#[path = "e2e/nfqueue_batch.rs"]
mod nfqueue_batch;
#[path = "e2e/plumbing.rs"]
mod plumbing;
#[path = "e2e/steering.rs"]
mod steering;
#[path = "e2e/tun.rs"]
mod tun;
