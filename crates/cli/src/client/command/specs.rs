//! The options of every operation (Jool's `wargp_option` tables).

use super::super::args::{OpGrammar, OptSpec};
use super::super::grammar::Mode;

const CSV: OptSpec = OptSpec::flag("csv", None, "Print in CSV format");
const NO_HEADERS: OptSpec = OptSpec::flag("no-headers", None, "Do not print table headers");
const NUMERIC: OptSpec = OptSpec::flag("numeric", None, "Do not resolve names");
const FORCE: OptSpec = OptSpec::flag("force", Some('f'), "Ignore warnings");
const QUICK: OptSpec = OptSpec::flag("quick", Some('q'), "Do not cascade removal to BIB entries");
const MARK: OptSpec = OptSpec::with_arg(
    "mark",
    None,
    "<integer>",
    "Only packets carrying this mark will match this pool4 entry",
);
const TCP: OptSpec = OptSpec::flag("tcp", Some('t'), "Operate on the TCP table (default)");
const UDP: OptSpec = OptSpec::flag("udp", Some('u'), "Operate on the UDP table");
const ICMP: OptSpec = OptSpec::flag("icmp", Some('i'), "Operate on the ICMP table");

const fn g(options: &'static [OptSpec], positionals: Option<&'static str>) -> OpGrammar {
    OpGrammar {
        options,
        positionals,
    }
}

const TABLE: OpGrammar = g(&[NO_HEADERS, CSV], None);
const NOTHING: OpGrammar = g(&[], None);
const INSTANCE_ADD: OpGrammar = g(
    &[
        OptSpec::flag(
            "iptables",
            None,
            "Sit the translator on top of iptables (NFQUEUE)",
        ),
        OptSpec::flag(
            "netfilter",
            None,
            "Sit the translator on top of Netfilter (default)",
        ),
        OptSpec::with_arg(
            "pool6",
            Some('6'),
            "<IPv6 Prefix>",
            "Prefix that will populate the IPv6 Address Pool",
        ),
        OptSpec::with_arg(
            "queue",
            None,
            "<integer>[:<integer>]",
            "NFQUEUE number N, or queues N:M, of an iptables instance (default: the first free one)",
        ),
    ],
    Some("<instance name>"),
);
const INSTANCE_REMOVE: OpGrammar = g(&[], Some("<instance name>"));
const STATS: OpGrammar = g(
    &[
        OptSpec::flag("all", Some('a'), "Do not filter out zero stats"),
        OptSpec::flag(
            "explain",
            Some('e'),
            "Print a description of what each stat means",
        ),
        NO_HEADERS,
        CSV,
    ],
    None,
);
const GLOBAL_UPDATE: OpGrammar = g(&[FORCE], Some("<Value>"));
const PROTO_TABLE: OpGrammar = g(&[TCP, UDP, ICMP, NO_HEADERS, CSV], None);
const PROTO_TABLE_NUMERIC: OpGrammar = g(&[TCP, UDP, ICMP, NO_HEADERS, CSV, NUMERIC], None);
const POOL4_ADD: OpGrammar = g(
    &[
        TCP,
        UDP,
        ICMP,
        MARK,
        OptSpec::with_arg(
            "max-iterations",
            None,
            "(<integer>|auto|infinity)",
            "Maximum number of times the transport address lookup algorithm may iterate",
        ),
        FORCE,
    ],
    Some("<IPv4 prefix> [<port range>]"),
);
const POOL4_REMOVE: OpGrammar = g(
    &[TCP, UDP, ICMP, MARK, QUICK],
    Some("<IPv4 prefix> [<port range>]"),
);
const POOL4_FLUSH: OpGrammar = g(&[QUICK], None);
const BIB_EDIT: OpGrammar = g(
    &[TCP, UDP, ICMP],
    Some("<IPv6 transport address> <IPv4 transport address>"),
);
const EAMT_ADD: OpGrammar = g(&[FORCE], Some("<IPv6 prefix> <IPv4 prefix>"));
const EAMT_REMOVE: OpGrammar = g(&[], Some("<IPv6 prefix> <IPv4 prefix>"));
const DENYLIST4_ADD: OpGrammar = g(&[FORCE], Some("<IPv4 prefix>"));
const DENYLIST4_REMOVE: OpGrammar = g(&[], Some("<IPv4 prefix>"));
const ADDRESS_QUERY: OpGrammar = g(
    &[OptSpec::flag("verbose", Some('v'), "Show more information")],
    Some("<IP Address>"),
);
const FILE_HANDLE: OpGrammar = g(&[FORCE], Some("<File name>"));
const SESSION_PROXY: OpGrammar = g(
    &[
        OptSpec::with_arg(
            "net.mcast.port",
            Some('p'),
            "<port>",
            "Multicast port (default 6400)",
        ),
        OptSpec::with_arg(
            "net.dev.in",
            Some('i'),
            "<interface>",
            "IPv4: local address of the interface that joins the group; IPv6: its name",
        ),
        OptSpec::with_arg(
            "net.dev.out",
            Some('o'),
            "<interface>",
            "IPv4: local address of the interface that sends; IPv6: its name",
        ),
        OptSpec::with_arg(
            "net.ttl",
            Some('t'),
            "<integer>",
            "Multicast TTL (default 1)",
        ),
        OptSpec::with_arg(
            "stats.address",
            None,
            "<address>",
            "Address of the stats server (default ::)",
        ),
        OptSpec::with_arg(
            "stats.port",
            None,
            "<port>",
            "Port of the stats server (default 6401)",
        ),
    ],
    Some("<NET_MCAST_ADDR>"),
);

/// The option grammar of an operation (`None`: not an operation of this client).
pub fn grammar_of(mode: Mode, op: &str) -> Option<&'static OpGrammar> {
    Some(match (mode, op) {
        (Mode::Instance, "display") => &TABLE,
        (Mode::Instance, "add") => &INSTANCE_ADD,
        (Mode::Instance, "remove") => &INSTANCE_REMOVE,
        (Mode::Instance, "flush" | "status") => &NOTHING,
        (Mode::Stats, "display") => &STATS,
        (Mode::Global, "display") => &TABLE,
        (Mode::Global, "update") => &GLOBAL_UPDATE,
        (Mode::Pool4, "display") => &PROTO_TABLE,
        (Mode::Pool4, "add") => &POOL4_ADD,
        (Mode::Pool4, "remove") => &POOL4_REMOVE,
        (Mode::Pool4, "flush") => &POOL4_FLUSH,
        (Mode::Bib, "display") | (Mode::Session, "display") => &PROTO_TABLE_NUMERIC,
        (Mode::Bib, "add" | "remove") => &BIB_EDIT,
        (Mode::Eamt | Mode::Denylist4 | Mode::Blacklist4, "display") => &TABLE,
        (Mode::Eamt, "add") => &EAMT_ADD,
        (Mode::Eamt, "remove") => &EAMT_REMOVE,
        (Mode::Denylist4 | Mode::Blacklist4, "add") => &DENYLIST4_ADD,
        (Mode::Denylist4 | Mode::Blacklist4, "remove") => &DENYLIST4_REMOVE,
        (Mode::Eamt | Mode::Denylist4 | Mode::Blacklist4, "flush") => &NOTHING,
        (Mode::Address, "query") => &ADDRESS_QUERY,
        (Mode::File, "handle") => &FILE_HANDLE,
        (Mode::Session, "follow" | "advertise") | (Mode::Joold, "advertise") => &NOTHING,
        (Mode::Session, "proxy") => &SESSION_PROXY,
        _ => return None,
    })
}

/// `--opt --opt ... --help --usage --version`: the autocompletion candidates of an operation.
pub fn completion_candidates(mode: Mode, op: &str) -> String {
    let mut out = String::new();
    if let Some(g) = grammar_of(mode, op) {
        for o in g.options {
            out.push_str(&format!("--{} ", o.long));
        }
    }
    out.push_str("--help --usage --version");
    out
}
