//! The real [`Plumbing`], over `jool-datapath`: namespaces from client descriptors, and per
//! instance a TUN, worker threads, an NFQUEUE (iptables framework), routes in a table of its
//! own with their policy rules, and nftables steering (netfilter framework).

pub mod host;
mod offload;
pub mod plan;
pub mod policy;
mod queue;
mod runtime;

pub use runtime::{set_workers, SysRuntime, MAX_WORKERS};

use crate::instance::Instance;
use crate::plumbing::{Namespace, Plumbing};
use host::{Addr, HostSnapshot};
use jool_datapath::{netlink, NetNs};
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::OwnedFd;
use std::sync::Arc;

impl Namespace for NetNs {
    fn inode(&self) -> u64 {
        NetNs::inode(self)
    }
    fn display_name(&self) -> String {
        NetNs::display_name(self)
    }
    fn is_reachable(&self) -> bool {
        NetNs::is_reachable(self)
    }
}

/// The operating system.
#[derive(Debug, Default)]
pub struct SysPlumbing;

/// The namespace's addresses and interfaces: the [`HostSnapshot`] and the devices whose
/// ingress the steering watches (neither TUNs nor loopback, up or not).
pub fn snapshot(ns: &NetNs) -> io::Result<(HostSnapshot, Vec<String>)> {
    let links = netlink::links(ns)?;
    let addrs = netlink::addresses(ns)?;
    let is_tun = |l: &netlink::Link| l.kind.as_deref() == Some("tun");
    let devices: Vec<String> = links
        .iter()
        .filter(|l| !l.is_loopback() && !is_tun(l))
        .map(|l| l.name.clone())
        .collect();
    let mtus = links
        .iter()
        .filter(|l| !l.is_loopback() && !is_tun(l) && l.is_up())
        .map(|l| l.mtu);
    let addrs = addrs
        .into_iter()
        .map(|a| Addr {
            addr: a.addr,
            prefix_len: a.prefix_len,
            scope: a.scope,
        })
        .collect();
    Ok((HostSnapshot::new(addrs, mtus), devices))
}

impl Plumbing for SysPlumbing {
    type Ns = NetNs;
    type Runtime = SysRuntime;

    fn namespace(&self, fd: OwnedFd) -> io::Result<NetNs> {
        NetNs::from_fd(fd)
    }

    fn ephemeral_range(&self, ns: &NetNs) -> io::Result<(u16, u16)> {
        netlink::ephemeral_range(ns)
    }

    fn own_addresses4(&self, ns: &NetNs) -> io::Result<Vec<Ipv4Addr>> {
        Ok(snapshot(ns)?.0.own4())
    }

    fn start(&self, ns: &Arc<NetNs>, instance: &Arc<Instance>) -> io::Result<SysRuntime> {
        SysRuntime::start(Arc::clone(ns), Arc::clone(instance))
    }
}
