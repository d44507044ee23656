//! TUN offloads (GitHub issue 6): the core translates partial-checksum packets and TCP GSO
//! super-packets once, leaving the payload untouched, and the result is proved by simulating
//! the device that segments and checksums it (RFC 7915 §4.1/§4.5, §5.1/§5.5, the MTU rules of
//! spec §7.4). One test binary; the behaviours live in modules.

#[path = "nat64/build.rs"]
#[allow(dead_code)]
mod build;
#[path = "offload/device.rs"]
#[allow(dead_code)]
mod device;
#[path = "offload/nat64.rs"]
mod nat64;
#[path = "offload/siit.rs"]
mod siit;
#[path = "offload/split.rs"]
mod split;
