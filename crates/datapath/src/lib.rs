//! jool-rs datapath (TUN, NFQUEUE, namespaces, netlink). Built by the daemon issue.
