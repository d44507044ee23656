//! jool-rs datapath: the only crate that touches the operating system for the translator's
//! packets, and the only one with `unsafe` (each block carries a `// SAFETY:` comment).
//!
//! ```text
//!                     namespace of an instance (NetNs::enter runs code inside it)
//!   ┌──────────────────────────────────────────────────────────────────────────────┐
//!   │ veth/eth ──ingress── steering (nft netdev table: `fwd` local pool4 traffic) ─┐ │
//!   │                                                                             ▼ │
//!   │ kernel routing ── routes to the TUN (netlink: pool6, EAMT, pool4 prefixes) ─▶ Tun ──recv──▶ daemon
//!   │   (the instance's own table; rule `not iif <tun>`: what the TUN gives back skips it)
//!   │        ▲                                                                      │     (core)
//!   │        └──────────────────────────── kernel routes/forwards ◀── Tun ◀──send── │ ◀──┘
//!   │ iptables `-j NFQUEUE --queue-num N` ──▶ NfQueue ──recv/verdict──▶ daemon      │
//!   └──────────────────────────────────────────────────────────────────────────────┘
//! ```
//!
//! - [`netns`]: network namespace handles; [`netns::NetNs::enter`] runs a closure on a thread
//!   that joined the namespace, so every socket, device and child process created there belongs
//!   to it.
//! - [`tun`]: the instance's TUN device (packets in and out of the kernel): one queue per
//!   worker, offloads negotiated with `TUNSETOFFLOAD`.
//! - [`vnet`]: the virtio-net header in front of every TUN packet (partial checksum, GSO).
//! - [`netlink`]: rtnetlink plumbing (links, addresses, routes in any table, policy rules) and
//!   per-namespace sysctls.
//! - [`nft`]: nftables transactions through the `nft` binary run inside the namespace.
//! - [`steering`]: the nftables ruleset text of the netfilter framework (pure).
//! - [`nfqueue`]: NFQUEUE (iptables framework) over `NETLINK_NETFILTER`: batched receive
//!   (recvmmsg) and batched verdicts, one socket per queue of a range.
#![warn(missing_docs)]

mod error;
pub mod netlink;
pub mod netns;
pub mod nfqueue;
pub mod nft;
pub mod steering;
pub mod tun;
pub mod vnet;
mod wake;

pub use netlink::IpPrefix;
pub use netns::NetNs;
pub use nfqueue::{NfQueue, QueuedPacket};
pub use tun::{Tun, TunConfig, TunQueue};
pub use vnet::VnetHdr;
pub use wake::ShutdownHandle;
