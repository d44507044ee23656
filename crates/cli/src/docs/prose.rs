//! The hand-written sentences of the pages: what the parser's tables have no text for (what a
//! mode is for, what an operation does, where a Jool 3.x flag went). Lists never come from
//! here; the tests check that every mode, operation and 3.x target has its sentence.

use crate::client::grammar::Mode;
use jool_core::XlatorType;

/// What a mode is for (`None` for the hidden ones, which the pages leave out).
pub fn mode(m: Mode) -> Option<&'static str> {
    Some(match m {
        Mode::Instance => {
            "Instances are independent translators. Each one belongs to the network namespace \
             the client runs in (ip netns exec NS ...) and to this client's translator type; \
             every other mode operates on one of them, chosen with -i or -f."
        }
        Mode::Stats => "The instance's translation counters.",
        Mode::Address => {
            "Asks the instance how it would translate an address: through the EAMT first, \
             then through pool6."
        }
        Mode::Global => "The instance's global configuration values; see GLOBAL KEYS.",
        Mode::Eamt => "The Explicit Address Mapping Table (RFC 7757).",
        Mode::Blacklist4 => {
            "The former name of denylist4; it works the same and prints a deprecation warning."
        }
        Mode::Denylist4 => {
            "IPv4 prefixes whose addresses the instance must not translate through pool6 \
             (RFC 6052 addresses). EAMT entries are not affected."
        }
        Mode::Pool4 => {
            "The IPv4 transport addresses the NAT64 masks IPv6 nodes with, per protocol and \
             packet mark. While it is empty, the namespace's own IPv4 addresses are used with \
             ports (and ICMP identifiers) 61001-65535."
        }
        Mode::Bib => {
            "The Binding Information Bases (RFC 6146): which IPv6 transport address each IPv4 \
             transport address stands for, one table per protocol."
        }
        Mode::Session => {
            "The session tables: the connections the NAT64 is translating, one table per \
             protocol."
        }
        Mode::File => "Atomic configuration: a whole instance described in one JSON file.",
        Mode::Joold | Mode::Autocomplete => return None,
    })
}

/// What operation `op` of mode `m` does.
pub fn op(m: Mode, op: &str) -> Option<&'static str> {
    Some(match (m, op) {
        (Mode::Instance, "display") => {
            "Lists the instances of this translator type in every network namespace."
        }
        (Mode::Instance, "add") => {
            "Creates an instance in the current network namespace, named by the positional \
             argument, else by -i, else default. The translator sits on Netfilter (the \
             default: the daemon plumbs the namespace itself) or behind an iptables NFQUEUE \
             target (--iptables). jool (NAT64) needs --pool6; for jool_siit it is optional."
        }
        (Mode::Instance, "remove") => {
            "Removes an instance of the current namespace, with everything the daemon set up \
             for it."
        }
        (Mode::Instance, "flush") => {
            "Removes every instance of this translator type from the current namespace."
        }
        (Mode::Instance, "status") => {
            "Prints Running, or Dead followed by the reason (for init scripts)."
        }
        (Mode::Stats, "display") => {
            "Prints the counters as NAME: value lines; counters at zero are left out unless \
             --all is given. Needs no privileges."
        }
        (Mode::Address, "query") => {
            "Prints the translation of an IPv4 or IPv6 address; --verbose shows how it was \
             obtained."
        }
        (Mode::Global, "display") => "Prints every global key and its value.",
        (Mode::Global, "update") => {
            "Sets one global key to a value (see GLOBAL KEYS). The key may be abbreviated \
             like the keywords. --force relaxes the checks marked as such."
        }
        (Mode::Eamt, "display") => "Prints the EAMT.",
        (Mode::Eamt, "add") => {
            "Adds an entry mapping an IPv6 prefix to an IPv4 prefix (given in either order). \
             The IPv4 suffix may not be longer than the IPv6 suffix; --force allows entries \
             that overlap existing ones."
        }
        (Mode::Eamt, "remove") => {
            "Removes the entry holding the prefix given; when both prefixes are given they must \
             belong to the same entry."
        }
        (Mode::Eamt, "flush") => "Empties the EAMT.",
        (Mode::Denylist4 | Mode::Blacklist4, "display") => "Prints the denylist.",
        (Mode::Denylist4 | Mode::Blacklist4, "add") => {
            "Adds an IPv4 prefix. Prefixes that intersect 0.0.0.0/8, 127.0.0.0/8, \
             169.254.0.0/16, 224.0.0.0/4 or 255.255.255.255/32 need --force."
        }
        (Mode::Denylist4 | Mode::Blacklist4, "remove") => {
            "Removes a prefix (it must match an entry exactly)."
        }
        (Mode::Denylist4 | Mode::Blacklist4, "flush") => "Empties the denylist.",
        (Mode::Pool4, "display") => "Prints one protocol's table (TCP unless told otherwise).",
        (Mode::Pool4, "add") => {
            "Adds an address range and a port range to one protocol's table (the protocol is \
             mandatory). Prefixes shorter than /24 and ranges that meet the namespace's \
             ephemeral ports need --force. Ranges touching an existing one are fused."
        }
        (Mode::Pool4, "remove") => {
            "Removes addresses and ports (default: TCP, mark 0, every port). Unless --quick is \
             given, the BIB entries and sessions that use them are removed too."
        }
        (Mode::Pool4, "flush") => {
            "Empties every table; unless --quick is given, the whole BIB and session database \
             too."
        }
        (Mode::Bib, "display") => "Prints one protocol's BIB (TCP unless told otherwise).",
        (Mode::Bib, "add") => {
            "Adds a static entry (transport addresses in either order). The IPv4 transport \
             address must belong to pool4."
        }
        (Mode::Bib, "remove") => {
            "Removes an entry, static or dynamic, given by either or both of its transport \
             addresses."
        }
        (Mode::Session, "display") => "Prints one protocol's sessions (TCP unless told otherwise).",
        (Mode::Session, "follow") => {
            "Prints every synchronized session as it arrives (needs ss-enabled)."
        }
        (Mode::Session, "proxy") => {
            "Relays session synchronization between the instance and a multicast group."
        }
        (Mode::Session, "advertise") => {
            "Asks the instance to send its whole session table to the synchronization peers."
        }
        (Mode::File, "handle") => {
            "Applies an atomic configuration. The instance the file names is created, or \
             replaced as a whole in one step: everything the file omits is reset to its \
             default. --force applies to every section. No output on success."
        }
        _ => return None,
    })
}

/// What Jool 3.x target `--target` became in Jool 4 (spec §9); `None` for the targets the
/// 3.x parser maps to nothing for this translator (`--joold` of jool_siit), which the page
/// leaves out.
pub fn legacy_target(t: XlatorType, target: &str) -> Option<&'static str> {
    let nat64 = t == XlatorType::Nat64;
    Some(match target {
        "global" => {
            "global display; with --<key> value pairs (or --update), one global update per pair."
        }
        "pool6" if nat64 => {
            "The NAT64 pool6 is fixed at instance creation: --pool6 --add P creates the \
             instance with pool6 P (instance add --pool6 P); --display shows it."
        }
        "pool6" => "global update pool6 (--remove and --flush set it to null).",
        "pool4" => {
            "pool4. Without protocol flags an operation applies to all three protocols; \
             ports default to 1-65535 (ICMP: 0-65535); --update is an add on the same range."
        }
        "bib" => "bib (all three protocols unless protocol flags are given).",
        "session" => "session display (all three protocols unless protocol flags are given).",
        "eamt" => "eamt.",
        "blacklist" => "denylist4.",
        "pool6791" => "global update rfc6791v4-prefix (a single prefix).",
        "joold" if nat64 => "session advertise (--joold --advertise).",
        "instance" if nat64 => {
            "instance add|remove. --instance --add only checks that no NAT64 instance exists \
             yet: the instance itself is created by --pool6 --add."
        }
        "instance" => "instance add|remove (Netfilter framework).",
        "enable" => "global update manually-enabled true.",
        "disable" => "global update manually-enabled false.",
        "file" => {
            "file handle. The instance name and the framework (netfilter) are added when the \
             file lacks them; unlike 3.x, sections the file omits are reset."
        }
        _ => return None,
    })
}
