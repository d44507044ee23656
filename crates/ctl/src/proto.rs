//! The control protocol between the clients (`jool`, `jool_siit`) and `jool-daemon`.
//!
//! ```text
//!   client ──connect(/run/jool/jool.sock)──► daemon
//!          ── Request (+ SCM_RIGHTS: the client's /proc/self/ns/net) ──►
//!          ◄────────────────────────── Response ──
//! ```
//!
//! One request per connection. Every message is a frame: a 4-byte big-endian length, then that
//! many bytes of JSON (serde). The daemon refuses frames over [`MAX_REQUEST`] bytes, requests
//! whose `version` is not [`PROTOCOL_VERSION`], and anything that does not deserialize, with a
//! `Response::Error` — never by crashing. The daemon returns structured data; the clients
//! format it (tables, CSV), as Jool's kernel module and userspace split the work.

use serde::{Deserialize, Serialize};

/// Protocol version; bumped on any incompatible change.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest request frame the daemon accepts (a `file handle` JSON fits comfortably).
pub const MAX_REQUEST: usize = 16 << 20;

/// Largest response frame a client accepts (a million sessions fit).
pub const MAX_RESPONSE: usize = 1 << 30;

/// Default socket path; overridden by `--socket`, then `JOOL_SOCKET`.
pub const DEFAULT_SOCKET: &str = "/run/jool/jool.sock";

/// Environment variable naming the socket.
pub const SOCKET_ENV: &str = "JOOL_SOCKET";

/// Translator type of the instance a request is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Xlator {
    /// `jool_siit`
    Siit,
    /// `jool`
    Nat64,
}

/// Framework of an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FrameworkDto {
    /// Netfilter (default): the daemon plumbs the namespace.
    Netfilter,
    /// iptables: fed by the user's `-j NFQUEUE --queue-num N` rules.
    Iptables,
}

/// The NFQUEUE queue(s) of an iptables instance: `N`, or `N:M` for the range `N..=M` (one
/// socket and one worker thread per queue; `-j NFQUEUE --queue-balance N:M` spreads the
/// traffic over them). On the wire a single queue is a plain number, a range `{"first": N,
/// "last": M}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "QueueRangeWire", into = "QueueRangeWire")]
pub struct QueueRange {
    first: u16,
    last: u16,
}

impl QueueRange {
    /// `first..=last`; `None` when `first > last`.
    pub fn new(first: u16, last: u16) -> Option<QueueRange> {
        (first <= last).then_some(QueueRange { first, last })
    }

    /// The first queue number.
    pub fn first(&self) -> u16 {
        self.first
    }

    /// The last queue number (= `first` for a single queue).
    pub fn last(&self) -> u16 {
        self.last
    }

    /// Every queue number, in order.
    pub fn iter(&self) -> std::ops::RangeInclusive<u16> {
        self.first..=self.last
    }

    /// Do the two ranges share a queue number?
    pub fn overlaps(&self, other: &QueueRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }
}

impl From<u16> for QueueRange {
    /// The single queue `n`.
    fn from(n: u16) -> Self {
        QueueRange { first: n, last: n }
    }
}

impl std::fmt::Display for QueueRange {
    /// `N`, or `N:M` (the syntax of `--queue` and of iptables' `--queue-balance`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}:{}", self.first, self.last)
        }
    }
}

/// How [`QueueRange`] travels: a number, or both ends.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum QueueRangeWire {
    One(u16),
    Range { first: u16, last: u16 },
}

impl From<QueueRange> for QueueRangeWire {
    fn from(q: QueueRange) -> Self {
        match q.first == q.last {
            true => QueueRangeWire::One(q.first),
            false => QueueRangeWire::Range {
                first: q.first,
                last: q.last,
            },
        }
    }
}

impl TryFrom<QueueRangeWire> for QueueRange {
    type Error = String;

    fn try_from(w: QueueRangeWire) -> Result<Self, String> {
        match w {
            QueueRangeWire::One(n) => Ok(n.into()),
            QueueRangeWire::Range { first, last } => QueueRange::new(first, last)
                .ok_or_else(|| format!("empty NFQUEUE range {first}:{last}")),
        }
    }
}

/// Transport protocol of pool4/BIB/session operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProtoDto {
    /// TCP
    Tcp,
    /// UDP
    Udp,
    /// ICMP
    Icmp,
}

/// `--max-iterations` of pool4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaxIterDto {
    /// `auto`
    Auto,
    /// `infinity`
    Infinity,
    /// A fixed number (≥ 1).
    Fixed(u32),
}

/// A request: who it is about and what to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Must equal [`PROTOCOL_VERSION`].
    pub version: u32,
    /// `jool_siit` or `jool`.
    pub xlator: Xlator,
    /// Instance name (`-i`, default `default`).
    pub instance: String,
    /// The operation.
    pub op: Op,
}

/// Every operation of the clients (spec §1.2). Addresses and prefixes travel as the strings the
/// user typed, already validated syntactically by the client; the daemon re-validates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Op {
    /// `instance display` (all namespaces, this translator type).
    InstanceDisplay,
    /// `instance add`.
    InstanceAdd {
        /// Framework.
        framework: FrameworkDto,
        /// `--pool6` (mandatory for NAT64).
        pool6: Option<String>,
        /// `--queue N` or `--queue N:M` (iptables framework): the NFQUEUE queue(s); `None` =
        /// choose one.
        queue: Option<QueueRange>,
    },
    /// `instance remove`.
    InstanceRemove,
    /// `instance flush` (this namespace, this type).
    InstanceFlush,
    /// `instance status`.
    InstanceStatus,
    /// `stats display`.
    StatsDisplay,
    /// `global display`.
    GlobalDisplay,
    /// `global update KEY VALUE [--force]`; value in the client syntax of spec §1.3.
    GlobalUpdate {
        /// Key (`lowest-ipv6-mtu`).
        key: String,
        /// Value as typed.
        value: String,
        /// `--force`.
        force: bool,
    },
    /// `pool4 display [--tcp|--udp|--icmp]`.
    Pool4Display {
        /// Protocol (default TCP).
        proto: ProtoDto,
    },
    /// `pool4 add`.
    Pool4Add {
        /// Protocol.
        proto: ProtoDto,
        /// IPv4 prefix.
        prefix: String,
        /// Port range (min, max).
        ports: (u16, u16),
        /// `--mark`.
        mark: u32,
        /// `--max-iterations`.
        max_iterations: Option<MaxIterDto>,
        /// `--force`.
        force: bool,
    },
    /// `pool4 remove`.
    Pool4Remove {
        /// Protocol.
        proto: ProtoDto,
        /// IPv4 prefix.
        prefix: String,
        /// Port range (default 0-65535).
        ports: (u16, u16),
        /// `--mark`.
        mark: u32,
        /// `--quick`.
        quick: bool,
    },
    /// `pool4 flush`.
    Pool4Flush {
        /// `--quick`.
        quick: bool,
    },
    /// `bib display`.
    BibDisplay {
        /// Protocol.
        proto: ProtoDto,
    },
    /// `bib add`.
    BibAdd {
        /// Protocol.
        proto: ProtoDto,
        /// `ADDR6#PORT`.
        taddr6: String,
        /// `ADDR4#PORT`.
        taddr4: String,
    },
    /// `bib remove`.
    BibRemove {
        /// Protocol.
        proto: ProtoDto,
        /// `ADDR6#PORT`, if given.
        taddr6: Option<String>,
        /// `ADDR4#PORT`, if given.
        taddr4: Option<String>,
    },
    /// `session display`.
    SessionDisplay {
        /// Protocol.
        proto: ProtoDto,
    },
    /// `eamt display`.
    EamtDisplay,
    /// `eamt add`.
    EamtAdd {
        /// IPv6 prefix.
        prefix6: String,
        /// IPv4 prefix.
        prefix4: String,
        /// `--force`.
        force: bool,
    },
    /// `eamt remove`.
    EamtRemove {
        /// IPv6 prefix, if given.
        prefix6: Option<String>,
        /// IPv4 prefix, if given.
        prefix4: Option<String>,
    },
    /// `eamt flush`.
    EamtFlush,
    /// `denylist4 display`.
    Denylist4Display,
    /// `denylist4 add`.
    Denylist4Add {
        /// IPv4 prefix.
        prefix: String,
        /// `--force`.
        force: bool,
    },
    /// `denylist4 remove`.
    Denylist4Remove {
        /// IPv4 prefix.
        prefix: String,
    },
    /// `denylist4 flush`.
    Denylist4Flush,
    /// `address query`.
    AddressQuery {
        /// The address to translate.
        address: String,
    },
    /// `file handle`: the whole JSON text.
    FileHandle {
        /// File content.
        json: String,
        /// `--force`.
        force: bool,
    },
    /// `session follow` / `session proxy`: subscribe to the instance's session-sync batches
    /// (Jool's `joold` Netlink multicast group). The daemon answers `Response::Ok`, then keeps
    /// the connection and sends one `Response::SsBatch` frame per batch; the client sends
    /// [`SsUp`] frames back (an ACK per batch, sessions received from peers).
    SsSubscribe,
    /// Sessions received from a peer (spec §8 wire format), to add to the instance.
    SsInject {
        /// Netlink attributes, 40 bytes per session.
        data: Vec<u8>,
    },
    /// `session advertise` / `joold advertise`: send the whole session database.
    SsAdvertise,
}

/// What a session-sync subscriber sends on its connection after `Response::Ok`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SsUp {
    /// The last batch was handled (Jool's `JNLOP_JOOLD_ACK`).
    Ack,
    /// Sessions received from a peer (as `Op::SsInject`).
    Inject(Vec<u8>),
}

/// Largest frame on a session-sync stream, either way (a 1600-session batch in JSON).
pub const MAX_SS_FRAME: usize = 512 << 10;

/// One row of `instance display`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceRow {
    /// What the Namespace column shows: the `ip netns` name, else `net:[inode]`.
    pub namespace: String,
    /// Instance name.
    pub name: String,
    /// Framework.
    pub framework: FrameworkDto,
    /// NFQUEUE queue(s) (iptables framework).
    pub queue: Option<QueueRange>,
}

/// One row of `pool4 display`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool4Row {
    /// Mark.
    pub mark: u32,
    /// Protocol.
    pub proto: ProtoDto,
    /// Max iterations: the effective number (`None` = infinite).
    pub iterations: Option<u32>,
    /// Whether the value was fixed by the user (not `auto`).
    pub iterations_fixed: bool,
    /// Address.
    pub addr: std::net::Ipv4Addr,
    /// Ports.
    pub ports: (u16, u16),
}

/// One BIB entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BibRow {
    /// Protocol.
    pub proto: ProtoDto,
    /// IPv6 transport address.
    pub addr6: (std::net::Ipv6Addr, u16),
    /// IPv4 transport address.
    pub addr4: (std::net::Ipv4Addr, u16),
    /// Static (`bib add`) or dynamic.
    pub is_static: bool,
}

/// One session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    /// Protocol.
    pub proto: ProtoDto,
    /// IPv6 client (remote) transport address.
    pub src6: (std::net::Ipv6Addr, u16),
    /// IPv6 local transport address (pool6 + peer).
    pub dst6: (std::net::Ipv6Addr, u16),
    /// IPv4 local transport address (the pool4 mask).
    pub src4: (std::net::Ipv4Addr, u16),
    /// IPv4 remote transport address.
    pub dst4: (std::net::Ipv4Addr, u16),
    /// Milliseconds until expiry.
    pub expires_in_ms: u64,
    /// TCP state name (`ESTABLISHED`...), `None` for UDP/ICMP.
    pub state: Option<String>,
}

/// `address query` result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressQueryResult {
    /// The query, as given.
    pub query: String,
    /// `EAMT` or `RFC 6052 prefix`.
    pub scheme: String,
    /// The EAM (`64:ff9b::/127 | 192.0.2.224/31`) or the prefix (`64:ff9b::/96`).
    pub via: String,
    /// The translated address.
    pub result: String,
}

/// What the daemon answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// Done, nothing to show.
    Ok,
    /// Done, with warnings to print (`Warning: ...`).
    Warnings(Vec<String>),
    /// Failure: Jool's errno and message.
    Error {
        /// Jool's errno (EINVAL 22, ESRCH 3, EEXIST 17, EPERM 1, ...).
        errno: i32,
        /// Jool's message.
        message: String,
    },
    /// `instance display`.
    Instances(Vec<InstanceRow>),
    /// `instance status`: `true` = Running.
    Status(bool),
    /// `stats display`: (Jool counter ID, value), every counter, in ID order.
    Stats(Vec<(u8, u64)>),
    /// `global display`: (key, value in the client syntax `globals::format_plain`), in table order.
    Globals(Vec<(String, String)>),
    /// `pool4 display`.
    Pool4(Vec<Pool4Row>),
    /// `bib display`.
    Bib(Vec<BibRow>),
    /// `session display`.
    Sessions(Vec<SessionRow>),
    /// `eamt display`: (IPv6 prefix, IPv4 prefix), display order.
    Eamt(Vec<(String, String)>),
    /// `denylist4 display`.
    Denylist4(Vec<String>),
    /// `address query`.
    Address(AddressQueryResult),
    /// One session-sync batch on an `Op::SsSubscribe` stream: Netlink attributes, 40 bytes
    /// per session (spec §8).
    SsBatch(Vec<u8>),
}

#[cfg(test)]
mod queue_range_tests {
    use super::QueueRange;

    #[test]
    fn single_queue_travels_as_a_number_and_a_range_as_both_ends() {
        let one = QueueRange::from(3);
        assert_eq!(serde_json::to_string(&one).unwrap(), "3");
        let range = QueueRange::new(4, 7).unwrap();
        assert_eq!(
            serde_json::to_string(&range).unwrap(),
            r#"{"first":4,"last":7}"#
        );
        assert_eq!(serde_json::from_str::<QueueRange>("3").unwrap(), one);
        assert_eq!(
            serde_json::from_str::<QueueRange>(r#"{"first":4,"last":7}"#).unwrap(),
            range
        );
    }

    #[test]
    fn rejects_an_empty_range() {
        assert_eq!(QueueRange::new(7, 4), None);
        assert!(serde_json::from_str::<QueueRange>(r#"{"first":7,"last":4}"#).is_err());
        assert!(serde_json::from_str::<QueueRange>("70000").is_err());
    }

    #[test]
    fn shows_n_or_n_colon_m_and_detects_overlaps() {
        let (a, b) = (
            QueueRange::new(0, 3).unwrap(),
            QueueRange::new(3, 5).unwrap(),
        );
        assert_eq!(
            (a.to_string(), QueueRange::from(9).to_string()),
            ("0:3".into(), "9".into())
        );
        assert!(a.overlaps(&b) && b.overlaps(&a));
        assert!(!a.overlaps(&QueueRange::new(4, 9).unwrap()));
        assert_eq!(b.iter().collect::<Vec<_>>(), [3, 4, 5]);
    }
}
