//! `file handle` (atomic configuration, reference §4) against the real daemon, as transcripts
//! (see `surface/mod.rs` and `surface/README.md`): every JSON example of the reference and of
//! Jool's atomic-configuration documentation is accepted (or refused exactly where Jool 4.1.15
//! refuses it), a file replaces the whole configuration, and every class of malformed file is
//! rejected with Jool's message while the running instance stays exactly as it was (every
//! display compared before and after).
//!
//! Files live in a temporary directory (`{dir}` in the transcripts). Each test owns a
//! namespace and a daemon; documentation addresses only. Needs root; without it every test
//! returns early and says so.

mod common;
mod surface;

use common::{root_or_skip, Daemon, Ns};
use surface::Shell;

/// Writes `files` into a new temporary directory.
fn files(list: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in list {
        std::fs::write(dir.path().join(name), text).expect("write a JSON file");
    }
    dir
}

/// Everything `jool_siit -i <name>` can display, in one string.
fn siit_state(sh: &Shell<'_>, name: &str) -> String {
    let mut state = sh.stdout("jool_siit instance display --csv");
    for c in ["global display", "eamt display", "denylist4 display"] {
        state.push_str(&sh.stdout(&format!("jool_siit -i '{name}' {c}")));
    }
    state
}

/// Everything `jool -i <name>` can display, in one string.
fn nat64_state(sh: &Shell<'_>, name: &str) -> String {
    let mut state = sh.stdout("jool instance display --csv");
    let tables: String = [
        "global display",
        "pool4 display --tcp",
        "pool4 display --udp",
        "pool4 display --icmp",
        "bib display --tcp --numeric",
        "bib display --udp --numeric",
        "bib display --icmp --numeric",
    ]
    .iter()
    .map(|c| sh.stdout(&format!("jool -i '{name}' {c}")))
    .collect();
    state.push_str(&tables);
    state
}

/// Reference §4.1: the minimal SIIT file.
const SIIT_MINIMAL: &str = r#"{"instance":"siit-minimal","framework":"netfilter"}"#;

/// Reference §4.1: the SIIT example, as its text describes it.
const SIIT_REFERENCE: &str = r#"{
  "instance": "sample-siit",
  "framework": "netfilter",
  "global": { "pool6": "64:ff9b::/96", "eam-hairpin-mode": "intrinsic", "rfc6791v4-prefix": null },
  "eamt": [{"ipv6 prefix":"2001:db8:1::/128","ipv4 prefix":"192.0.2.0"}],
  "denylist4": ["198.51.100.0", "198.51.100.32/27"]
}"#;

/// Jool's documentation (config-atomic.md): "Sample full SIIT configuration", without the
/// HTML links.
const SIIT_DOCS: &str = r#"{
	"comment": "Sample full SIIT configuration.",

	"instance": "instance name",
	"framework": "netfilter",

	"global": {
		"comment": "pool6 and the RFC6791v4 pool belong here, ever since Jool 4.",
		"pool6": "64:ff9b::/96",
		"manually-enabled": false,
		"zeroize-traffic-class": true,
		"override-tos": false,
		"tos": 254,
		"mtu-plateaus": [1, 2, 3, 4, 5, 6],
		"amend-udp-checksum-zero": true,
		"eam-hairpin-mode": "simple",
		"randomize-rfc6791-addresses": false,
		"rfc6791v6-prefix": null,
		"rfc6791v4-prefix": null
	},

	"eamt": [
		{
			"comment": {
				"text": "Here's a compound comment.",
				"more": "Its type is not checked, after all.",
				"date": "2019-01-06",
				"whatever": 1234
			},
			"ipv6 prefix": "2001:db8:1::/128",
			"ipv4 prefix": "192.0.2.0"
		}, {
			"ipv6 prefix": "2001:db8:2::",
			"ipv4 prefix": "192.0.2.1/32"
		}, {
			"ipv6 prefix": "2001:db8:3::/124",
			"ipv4 prefix": "192.0.2.16/28"
		}
	],

	"comment": "This comment is relevant to denylist4 maybe.",
	"denylist4": [
		"198.51.100.0",
		"198.51.100.2/32",
		"198.51.100.32/27"
	]
}"#;

/// Reference §4.1: the minimal NAT64 file.
const NAT64_MINIMAL: &str =
    r#"{"instance":"nat64-minimal","framework":"netfilter","global":{"pool6":"64:ff9b::/96"}}"#;

/// Reference §4.1: the full NAT64 example, verbatim.
const NAT64_REFERENCE: &str = r#"{
  "comment": "anything",
  "instance": "sample-nat64",
  "framework": "netfilter",
  "global": {
    "pool6": "64:ff9b::/96", "manually-enabled": true, "lowest-ipv6-mtu": 1280,
    "mtu-plateaus": [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68],
    "f-args": 11, "tcp-est-timeout": "2:00:00", "udp-timeout": "0:05:00",
    "ss-enabled": false, "ss-flush-deadline": 2000
  },
  "pool4": [
    { "protocol": "TCP", "prefix": "192.0.2.1/32" },
    { "mark": 0, "protocol": "UDP", "prefix": "192.0.2.1/32",
      "port range": "61001-62000", "max-iterations": 1500 }
  ],
  "bib": [
    { "protocol": "TCP", "ipv6 address": "2001:db8::1#80", "ipv4 address": "192.0.2.1#80" }
  ]
}"#;

/// Jool's documentation (config-atomic.md): "Sample full NAT64 configuration", without the
/// HTML links.
const NAT64_DOCS: &str = r#"{
	"comment": "Sample full NAT64 configuration.",

	"instance": "instance name",
	"framework": "netfilter",

	"global": {
		"pool6": "64:ff9b::/96",

		"manually-enabled": false,

		"zeroize-traffic-class": true,
		"override-tos": false,
		"tos": 254,
		"mtu-plateaus": [1, 2, 3, 4, 5, 6],
		"maximum-simultaneous-opens": 16,
		"source-icmpv6-errors-better": true,
		"handle-rst-during-fin-rcv": true,
		"f-args": 10,

		"logging-bib": true,
		"logging-session": true,

		"address-dependent-filtering": true,
		"drop-icmpv6-info": true,
		"drop-externally-initiated-tcp": true,

		"udp-timeout": "1:00:00",
		"tcp-est-timeout": "10:00:00",
		"tcp-trans-timeout": "5:00",
		"icmp-timeout": "5:30",

		"ss-enabled": true,
		"ss-flush-asap": false,
		"ss-flush-deadline": 1000,
		"ss-capacity": 256,
		"ss-max-payload": 600
	},

	"pool4": [
		{
			"mark": 1,
			"protocol": "UDP",
			"prefix": "192.0.2.1",
			"port range": "61001-62000",
			"max-iterations": 1500
		}, {
			"comment": "mark, port range and max-iterations are optional.",
			"protocol": "TCP",
			"prefix": "192.0.2.2/31"
		}, {
			"mark": 1,
			"protocol": "ICMP",
			"prefix": "192.0.2.1/32",
			"port range": "1000-2000"
		}
	],
	
	"bib": [
		{
			"protocol": "TCP",
			"ipv6 address": "2001:db8::1#80",
			"ipv4 address": "192.0.2.2#80"
		}, {
			"protocol": "UDP",
			"ipv6 address": "2001:db8::2#10000",
			"ipv4 address": "192.0.2.1#61500"
		}, {
			"protocol": "ICMP",
			"ipv6 address": "2001:db8:AAAA::1#44",
			"ipv4 address": "192.0.2.1#1044"
		}
	]
}"#;

#[test]
fn json_siit_examples_create_and_replace_instances() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-sj");
    let dir = files(&[
        ("siit-minimal.json", SIIT_MINIMAL),
        ("siit-reference.json", SIIT_REFERENCE),
        ("siit-docs.json", SIIT_DOCS),
        (
            "siit-docs-bare.json",
            r#"{"instance": "instance name", "framework": "netfilter"}"#,
        ),
    ]);
    let sh = Shell::new(&d, &ns).var("{dir}", &dir.path().display().to_string());
    sh.replay(
        r#"
$ jool_siit file handle {dir}/siit-minimal.json
$ jool_siit instance display --csv
Namespace,Name,Framework,Queue
{ns},siit-minimal,netfilter,
$ jool_siit -i siit-minimal global display --csv --no-headers
manually-enabled,TRUE
pool6,
lowest-ipv6-mtu,1280
logging-debug,FALSE
zeroize-traffic-class,FALSE
override-tos,FALSE
tos,0
mtu-plateaus,"65535,32000,17914,8166,4352,2002,1492,1006,508,296,68"
amend-udp-checksum-zero,FALSE
eam-hairpin-mode,intrinsic
randomize-rfc6791-addresses,TRUE
rfc6791v6-prefix,
rfc6791v4-prefix,
$ jool_siit -f {dir}/siit-minimal.json eamt display --csv
IPv6 Prefix,IPv4 Prefix
$ jool_siit instance remove siit-minimal
$ jool_siit file handle {dir}/siit-reference.json
$ jool_siit -i sample-siit global display
manually-enabled: true
pool6: 64:ff9b::/96
lowest-ipv6-mtu: 1280
logging-debug: false
zeroize-traffic-class: false
override-tos: false
tos: 0
mtu-plateaus: 65535,32000,17914,8166,4352,2002,1492,1006,508,296,68
amend-udp-checksum-zero: false
eam-hairpin-mode: intrinsic
randomize-rfc6791-addresses: true
rfc6791v6-prefix: (unset)
rfc6791v4-prefix: (unset)
$ jool_siit -i sample-siit eamt display
+---------------------------------------------+--------------------+
|                                 IPv6 Prefix |        IPv4 Prefix |
+---------------------------------------------+--------------------+
|                            2001:db8:1::/128 |       192.0.2.0/32 |
+---------------------------------------------+--------------------+
$ jool_siit -i sample-siit denylist4 display
+--------------------+
|        IPv4 Prefix |
+--------------------+
|    198.51.100.0/32 |
|   198.51.100.32/27 |
+--------------------+
$ jool_siit instance remove sample-siit
$ jool_siit file handle {dir}/siit-docs.json
$ jool_siit -f {dir}/siit-docs.json global display
manually-enabled: false
pool6: 64:ff9b::/96
lowest-ipv6-mtu: 1280
logging-debug: false
zeroize-traffic-class: true
override-tos: false
tos: 254
mtu-plateaus: 6,5,4,3,2,1
amend-udp-checksum-zero: true
eam-hairpin-mode: simple
randomize-rfc6791-addresses: false
rfc6791v6-prefix: (unset)
rfc6791v4-prefix: (unset)
$ jool_siit -f {dir}/siit-docs.json eamt display
+---------------------------------------------+--------------------+
|                                 IPv6 Prefix |        IPv4 Prefix |
+---------------------------------------------+--------------------+
|                            2001:db8:3::/124 |      192.0.2.16/28 |
|                            2001:db8:2::/128 |       192.0.2.1/32 |
|                            2001:db8:1::/128 |       192.0.2.0/32 |
+---------------------------------------------+--------------------+
$ jool_siit -f {dir}/siit-docs.json denylist4 display
+--------------------+
|        IPv4 Prefix |
+--------------------+
|    198.51.100.0/32 |
|    198.51.100.2/32 |
|   198.51.100.32/27 |
+--------------------+
$ jool_siit -i 'instance name' file handle {dir}/siit-docs-bare.json
$ jool_siit instance display --csv
Namespace,Name,Framework,Queue
{ns},instance name,netfilter,
$ jool_siit -f {dir}/siit-docs.json global display --csv
Field,Value
manually-enabled,TRUE
pool6,
lowest-ipv6-mtu,1280
logging-debug,FALSE
zeroize-traffic-class,FALSE
override-tos,FALSE
tos,0
mtu-plateaus,"65535,32000,17914,8166,4352,2002,1492,1006,508,296,68"
amend-udp-checksum-zero,FALSE
eam-hairpin-mode,intrinsic
randomize-rfc6791-addresses,TRUE
rfc6791v6-prefix,
rfc6791v4-prefix,
$ jool_siit -f {dir}/siit-docs.json eamt display --csv
IPv6 Prefix,IPv4 Prefix
$ jool_siit -f {dir}/siit-docs.json denylist4 display --csv
IPv4 Prefix
$ jool_siit file handle {dir}/siit-docs.json --force
$ jool_siit -f {dir}/siit-docs.json eamt display --csv --no-headers
2001:db8:3::/124,192.0.2.16/28
2001:db8:2::/128,192.0.2.1/32
2001:db8:1::/128,192.0.2.0/32
"#,
    );
}

#[test]
fn json_nat64_examples_create_and_replace_instances() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-sj");
    // The reference's full example with its static BIB entry inside its pool4 (61001-65535).
    let creatable = NAT64_REFERENCE.replace("192.0.2.1#80", "192.0.2.1#61080");
    // An update of it: another pool4 and globals, a BIB section that is ignored.
    let update = r#"{
      "instance": "sample-nat64", "framework": "netfilter",
      "global": { "pool6": "64:ff9b::/96", "tos": 9 },
      "pool4": [ { "protocol": "ICMP", "prefix": "192.0.2.2", "port range": "100-200" } ],
      "bib": [ { "protocol": "UDP", "ipv6 address": "2001:db8::9#9", "ipv4 address": "192.0.2.9#9" } ]
    }"#;
    let dir = files(&[
        ("nat64-minimal.json", NAT64_MINIMAL),
        ("nat64-reference.json", NAT64_REFERENCE),
        ("nat64-creatable.json", &creatable),
        ("nat64-update.json", update),
        ("nat64-docs.json", NAT64_DOCS),
    ]);
    let sh = Shell::new(&d, &ns).var("{dir}", &dir.path().display().to_string());
    sh.replay(
        r#"
$ jool file handle {dir}/nat64-minimal.json
$ jool instance display --csv
Namespace,Name,Framework,Queue
{ns},nat64-minimal,netfilter,
$ jool -i nat64-minimal global display
manually-enabled: true
pool6: 64:ff9b::/96
lowest-ipv6-mtu: 1280
logging-debug: false
zeroize-traffic-class: false
override-tos: false
tos: 0
mtu-plateaus: 65535,32000,17914,8166,4352,2002,1492,1006,508,296,68
address-dependent-filtering: false
drop-externally-initiated-tcp: false
drop-icmpv6-info: false
source-icmpv6-errors-better: true
f-args: 11 (0b1011): SrcAddr:1 SrcPort:0 DstAddr:1 DstPort:1
handle-rst-during-fin-rcv: false
tcp-est-timeout: 2:00:00 (HH:MM:SS)
tcp-trans-timeout: 0:04:00 (HH:MM:SS)
udp-timeout: 0:05:00 (HH:MM:SS)
icmp-timeout: 0:01:00 (HH:MM:SS)
logging-bib: false
logging-session: false
maximum-simultaneous-opens: 10
ss-enabled: false
ss-flush-asap: false
ss-flush-deadline: 2000
ss-capacity: 512
ss-max-payload: 1452
ss-max-sessions-per-packet: 36
$ jool -i nat64-minimal pool4 display
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
$ jool instance remove nat64-minimal
$ jool file handle {dir}/nat64-reference.json
! Error: The kernel module returned error 22: TCP BIB transport address '192.0.2.1#80' does not belong to pool4.
! Please add it there first.
[exit 22]
$ jool instance display --csv --no-headers
$ jool file handle {dir}/nat64-creatable.json
$ jool -i sample-nat64 global display --csv
Field,Value
manually-enabled,TRUE
pool6,64:ff9b::/96
lowest-ipv6-mtu,1280
logging-debug,FALSE
zeroize-traffic-class,FALSE
override-tos,FALSE
tos,0
mtu-plateaus,"65535,32000,17914,8166,4352,2002,1492,1006,508,296,68"
address-dependent-filtering,FALSE
drop-externally-initiated-tcp,FALSE
drop-icmpv6-info,FALSE
source-icmpv6-errors-better,TRUE
f-args,11
handle-rst-during-fin-rcv,FALSE
tcp-est-timeout,2:00:00
tcp-trans-timeout,0:04:00
udp-timeout,0:05:00
icmp-timeout,0:01:00
logging-bib,FALSE
logging-session,FALSE
maximum-simultaneous-opens,10
ss-enabled,FALSE
ss-flush-asap,FALSE
ss-flush-deadline,2000
ss-capacity,512
ss-max-payload,1452
ss-max-sessions-per-packet,36
$ jool -i sample-nat64 pool4 display --tcp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          0 |   TCP |       1024 ( auto) |       192.0.2.1 | 61001-65535 |
+------------+-------+--------------------+-----------------+-------------+
$ jool -i sample-nat64 pool4 display --udp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          0 |   UDP |       1500 (fixed) |       192.0.2.1 | 61001-62000 |
+------------+-------+--------------------+-----------------+-------------+
$ jool -i sample-nat64 bib display --numeric
[Static TCP] 192.0.2.1#61080 - 2001:db8::1#80
$ jool file handle {dir}/nat64-reference.json
$ jool -i sample-nat64 bib display --numeric
[Static TCP] 192.0.2.1#61080 - 2001:db8::1#80
$ jool file handle {dir}/nat64-update.json
$ jool -i sample-nat64 global display --csv --no-headers
manually-enabled,TRUE
pool6,64:ff9b::/96
lowest-ipv6-mtu,1280
logging-debug,FALSE
zeroize-traffic-class,FALSE
override-tos,FALSE
tos,9
mtu-plateaus,"65535,32000,17914,8166,4352,2002,1492,1006,508,296,68"
address-dependent-filtering,FALSE
drop-externally-initiated-tcp,FALSE
drop-icmpv6-info,FALSE
source-icmpv6-errors-better,TRUE
f-args,11
handle-rst-during-fin-rcv,FALSE
tcp-est-timeout,2:00:00
tcp-trans-timeout,0:04:00
udp-timeout,0:05:00
icmp-timeout,0:01:00
logging-bib,FALSE
logging-session,FALSE
maximum-simultaneous-opens,10
ss-enabled,FALSE
ss-flush-asap,FALSE
ss-flush-deadline,2000
ss-capacity,512
ss-max-payload,1452
ss-max-sessions-per-packet,36
$ jool -i sample-nat64 pool4 display --tcp --csv
Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed
$ jool -i sample-nat64 pool4 display --icmp --csv
Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed
0,ICMP,192.0.2.2,100,200,1024,0
$ jool -i sample-nat64 bib display --numeric
[Static TCP] 192.0.2.1#61080 - 2001:db8::1#80
$ jool -i sample-nat64 bib display --udp --numeric
$ jool instance remove sample-nat64
$ jool file handle {dir}/nat64-docs.json
! Error: The kernel module returned error 22: TCP BIB transport address '192.0.2.2#80' does not belong to pool4.
! Please add it there first.
[exit 22]
$ jool instance add 'instance name' --netfilter --pool6 64:ff9b::/96
$ jool file handle {dir}/nat64-docs.json
$ jool -f {dir}/nat64-docs.json global display
manually-enabled: false
pool6: 64:ff9b::/96
lowest-ipv6-mtu: 1280
logging-debug: false
zeroize-traffic-class: true
override-tos: false
tos: 254
mtu-plateaus: 6,5,4,3,2,1
address-dependent-filtering: true
drop-externally-initiated-tcp: true
drop-icmpv6-info: true
source-icmpv6-errors-better: true
f-args: 10 (0b1010): SrcAddr:1 SrcPort:0 DstAddr:1 DstPort:0
handle-rst-during-fin-rcv: true
tcp-est-timeout: 10:00:00 (HH:MM:SS)
tcp-trans-timeout: 0:05:00 (HH:MM:SS)
udp-timeout: 1:00:00 (HH:MM:SS)
icmp-timeout: 0:05:30 (HH:MM:SS)
logging-bib: true
logging-session: true
maximum-simultaneous-opens: 16
ss-enabled: true
ss-flush-asap: false
ss-flush-deadline: 1000
ss-capacity: 256
ss-max-payload: 600
ss-max-sessions-per-packet: 36
$ jool -f {dir}/nat64-docs.json pool4 display --udp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          1 |   UDP |       1500 (fixed) |       192.0.2.1 | 61001-62000 |
+------------+-------+--------------------+-----------------+-------------+
$ jool -f {dir}/nat64-docs.json pool4 display --tcp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          0 |   TCP |       1024 ( auto) |       192.0.2.2 | 61001-65535 |
|            |       |                    |       192.0.2.3 | 61001-65535 |
+------------+-------+--------------------+-----------------+-------------+
$ jool -f {dir}/nat64-docs.json pool4 display --icmp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          1 |  ICMP |       1024 ( auto) |       192.0.2.1 |  1000- 2000 |
+------------+-------+--------------------+-----------------+-------------+
$ jool -f {dir}/nat64-docs.json bib display --numeric
"#,
    );
}

/// A running SIIT instance `alpha` (netfilter) meets every class of malformed file; each is
/// refused with Jool's message and the instance is left exactly as it was.
#[test]
fn json_siit_malformed_files_change_nothing() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-sj");
    let good = r#"{"instance": "alpha", "framework": "netfilter",
        "global": {"pool6": "64:ff9b::/96", "tos": 5, "mtu-plateaus": [1500, 1280]},
        "eamt": [{"ipv6 prefix": "2001:db8:aaaa::/120", "ipv4 prefix": "192.0.2.0/24"}],
        "denylist4": ["198.51.100.0/24"]}"#;
    let root =
        |members: &str| format!(r#"{{"instance": "alpha", "framework": "netfilter", {members}}}"#);
    let bad = [
        ("unknown-root.json", root(r#""potato": 1"#)),
        (
            "unknown-global.json",
            root(r#""global": {"pool6": "64:ff9b::/96", "potato": true}"#),
        ),
        (
            "unknown-eam.json",
            root(
                r#""eamt": [{"ipv6 prefix": "2001:db8::/128", "ipv4 prefix": "192.0.2.1", "potato": 1}]"#,
            ),
        ),
        ("nat64-tag.json", root(r#""pool4": []"#)),
        (
            "nat64-key.json",
            root(r#""global": {"udp-timeout": "1:00:00"}"#),
        ),
        ("duplicate.json", root(r#""global": {}, "GLOBAL": {}"#)),
        (
            "duplicate-key.json",
            root(r#""global": {"tos": 1, "TOS": 2}"#),
        ),
        (
            "type-instance.json",
            r#"{"instance": 3, "framework": "netfilter"}"#.to_owned(),
        ),
        (
            "type-bool.json",
            root(r#""global": {"manually-enabled": "yes"}"#),
        ),
        (
            "type-int.json",
            root(r#""global": {"lowest-ipv6-mtu": "1500"}"#),
        ),
        ("type-float.json", root(r#""global": {"tos": 1.5}"#)),
        ("type-negative.json", root(r#""global": {"tos": -1}"#)),
        (
            "type-plateaus.json",
            root(r#""global": {"mtu-plateaus": 1500}"#),
        ),
        ("type-prefix.json", root(r#""global": {"pool6": 64}"#)),
        ("type-global.json", root(r#""global": []"#)),
        ("type-eamt.json", root(r#""eamt": {}"#)),
        ("type-eam.json", root(r#""eamt": ["2001:db8::/128"]"#)),
        ("type-denylist.json", root(r#""denylist4": [7]"#)),
        ("type-root.json", "[]".to_owned()),
        (
            "syntax-colon.json",
            "{\"instance\": \"alpha\",\n \"framework\" \"netfilter\"}".to_owned(),
        ),
        (
            "syntax-comma.json",
            r#"{"instance": "alpha", "framework": "netfilter",}"#.to_owned(),
        ),
        ("syntax-eof.json", r#"{"instance": "alpha""#.to_owned()),
        ("empty.json", String::new()),
        ("no-framework.json", r#"{"instance": "alpha"}"#.to_owned()),
        (
            "no-instance.json",
            r#"{"framework": "netfilter"}"#.to_owned(),
        ),
        (
            "no-eam-side.json",
            root(r#""eamt": [{"ipv6 prefix": "2001:db8::/128"}]"#),
        ),
        (
            "long-name.json",
            r#"{"instance": "sixteen-chars-xx", "framework": "netfilter"}"#.to_owned(),
        ),
        (
            "bad-framework.json",
            r#"{"instance": "alpha", "framework": "nftables"}"#.to_owned(),
        ),
        (
            "bad-pool6-len.json",
            root(r#""global": {"pool6": "64:ff9b::/95"}"#),
        ),
        (
            "bad-pool6-host.json",
            root(r#""global": {"pool6": "64:ff9b::1/96"}"#),
        ),
        (
            "bad-pool6-addr.json",
            root(r#""global": {"pool6": "potato/96"}"#),
        ),
        (
            "bad-ubit.json",
            root(r#""global": {"pool6": "64:ff9b:0:0:ff00::/96"}"#),
        ),
        ("bad-tos.json", root(r#""global": {"tos": 256}"#)),
        (
            "bad-mtu.json",
            root(r#""global": {"lowest-ipv6-mtu": 1279}"#),
        ),
        (
            "bad-plateaus.json",
            root(r#""global": {"mtu-plateaus": [0, 0]}"#),
        ),
        (
            "bad-plateau.json",
            root(r#""global": {"mtu-plateaus": [70000]}"#),
        ),
        (
            "bad-hairpin.json",
            root(r#""global": {"eam-hairpin-mode": "none"}"#),
        ),
        (
            "bad-6791v4.json",
            root(r#""global": {"rfc6791v4-prefix": "127.0.0.0/8"}"#),
        ),
        (
            "bad-eam-host.json",
            root(r#""eamt": [{"ipv6 prefix": "2001:db8::1/120", "ipv4 prefix": "192.0.2.0/24"}]"#),
        ),
        (
            "bad-eam-suffix.json",
            root(r#""eamt": [{"ipv6 prefix": "2001:db8::/124", "ipv4 prefix": "192.0.2.0/24"}]"#),
        ),
        (
            "bad-eam-overlap.json",
            root(
                r#""eamt": [{"ipv6 prefix": "2001:db8::/120", "ipv4 prefix": "192.0.2.0/24"}, {"ipv6 prefix": "2001:db8:1::/125", "ipv4 prefix": "192.0.2.8/29"}]"#,
            ),
        ),
        (
            "bad-denylist.json",
            root(r#""denylist4": ["198.51.100.0/24", "127.0.0.1"]"#),
        ),
        (
            "bad-denylist-len.json",
            root(r#""denylist4": ["198.51.100.0/33"]"#),
        ),
        (
            "framework.json",
            r#"{"instance": "alpha", "framework": "iptables"}"#.to_owned(),
        ),
        (
            "beta.json",
            r#"{"instance": "beta", "framework": "netfilter"}"#.to_owned(),
        ),
    ];
    let mut list: Vec<(&str, &str)> = bad.iter().map(|(n, t)| (*n, t.as_str())).collect();
    list.push(("good.json", good));
    let dir = files(&list);
    let sh = Shell::new(&d, &ns).var("{dir}", &dir.path().display().to_string());
    sh.ok("jool_siit file handle {dir}/good.json");
    let before = siit_state(&sh, "alpha");
    sh.replay(
        r#"
$ jool_siit file handle {dir}/unknown-root.json
! Error: Unknown tag: 'potato'
[exit 234]
$ jool_siit file handle {dir}/unknown-global.json
! Error: Unknown tag: 'potato'
[exit 234]
$ jool_siit file handle {dir}/unknown-eam.json
! Error: Unknown tag: 'potato'
[exit 234]
$ jool_siit file handle {dir}/nat64-tag.json
! Error: Unknown tag: 'pool4'
[exit 234]
$ jool_siit file handle {dir}/nat64-key.json
! Error: Unknown tag: 'udp-timeout'
[exit 234]
$ jool_siit file handle {dir}/duplicate.json
! Error: Multiple 'global' tags found. Aborting...
[exit 234]
$ jool_siit file handle {dir}/duplicate-key.json
! Error: Multiple 'tos' tags found. Aborting...
[exit 234]
$ jool_siit file handle {dir}/type-instance.json
! Error: The 'instance' element '3' is not a valid String.
[exit 234]
$ jool_siit file handle {dir}/type-bool.json
! Error: The 'manually-enabled' element 'yes' is not a valid boolean.
[exit 234]
$ jool_siit file handle {dir}/type-int.json
! Error: The 'lowest-ipv6-mtu' element '1500' is not a valid unsigned integer.
[exit 234]
$ jool_siit file handle {dir}/type-float.json
! Error: The 'tos' element '1.500000' is not a valid unsigned integer.
[exit 234]
$ jool_siit file handle {dir}/type-negative.json
! Error: The 'tos' element '-1' is not a valid unsigned integer.
[exit 234]
$ jool_siit file handle {dir}/type-plateaus.json
! Error: The 'mtu-plateaus' element '1500' is not a valid Array.
[exit 234]
$ jool_siit file handle {dir}/type-prefix.json
! Error: The 'pool6' element '64' is not a valid string.
[exit 234]
$ jool_siit file handle {dir}/type-global.json
! Error: The 'global' element appears to be an array, not a 'Object'.
[exit 234]
$ jool_siit file handle {dir}/type-eamt.json
! Error: The 'eamt' element appears to be an object, not a 'Array'.
[exit 234]
$ jool_siit file handle {dir}/type-eam.json
! Error: The '<unnamed>' element '2001:db8::/128' is not a valid Object.
[exit 234]
$ jool_siit file handle {dir}/type-denylist.json
! Error: The 'blacklist entry' element '7' is not a valid String.
[exit 234]
$ jool_siit file handle {dir}/type-root.json
! Error: The '<unnamed>' element appears to be an array, not a 'Object'.
[exit 234]
$ jool_siit file handle {dir}/syntax-colon.json
! Error: The JSON parser got confused around the beginning of this string:
! "netfilter"}
[exit 234]
$ jool_siit file handle {dir}/syntax-comma.json
! Error: The JSON parser got confused around the beginning of this string:
! }
[exit 234]
$ jool_siit file handle {dir}/syntax-eof.json
! Error: The JSON parser got confused around the beginning of this string:
! 
[exit 234]
$ jool_siit file handle {dir}/empty.json
! Error: The JSON parser got confused around the beginning of this string:
! 
[exit 234]
$ jool_siit file handle {dir}/no-framework.json
! Error: Object '<unnamed>' is missing the 'framework' child.
[exit 234]
$ jool_siit file handle {dir}/no-instance.json
! Error: Object 'root' is missing the 'instance' child.
[exit 234]
$ jool_siit -i alpha file handle {dir}/no-instance.json
! Error: Object '<unnamed>' is missing the 'instance' child.
[exit 234]
$ jool_siit file handle {dir}/no-eam-side.json
! Error: Object '<unnamed>' is missing the 'ipv4 prefix' child.
[exit 234]
$ jool_siit file handle {dir}/long-name.json
! Error: The instance name must be a null-terminated ascii string, 15 characters max.
[exit 234]
$ jool_siit file handle {dir}/bad-framework.json
! Error: Unknown framework: 'nftables'
[exit 234]
$ jool_siit file handle {dir}/bad-pool6-len.json
! Error: The kernel module returned error 22: 95 is not a valid prefix length (32, 40, 48, 56, 64, 96).
[exit 22]
$ jool_siit file handle {dir}/bad-pool6-host.json
! Error: The kernel module returned error 22: '64:ff9b::1/96' seems to have a suffix; please fix.
[exit 22]
$ jool_siit file handle {dir}/bad-pool6-addr.json
! Error: Cannot parse 'potato' as an IPv6 address.
[exit 234]
$ jool_siit file handle {dir}/bad-ubit.json
! Error: The kernel module returned error 22: The u-bit is nonzero; see https://github.com/NICMx/Jool/issues/174.
! Will cancel the operation. Use --force to override this.
[exit 22]
$ jool_siit file handle {dir}/bad-tos.json
! Error: tos 256 is out of range (0-255).
[exit 234]
$ jool_siit file handle {dir}/bad-mtu.json
! Error: The kernel module returned error 22: lowest-ipv6-mtu (1279) is too small (min: 1280).
[exit 22]
$ jool_siit file handle {dir}/bad-plateaus.json
! Error: The kernel module returned error 22: The plateaus list contains nothing but zeroes.
[exit 22]
$ jool_siit file handle {dir}/bad-plateau.json
! Error: mtu-plateaus 70000 is out of range (0-65535).
[exit 234]
$ jool_siit file handle {dir}/bad-hairpin.json
! Error: 'none' cannot be parsed as a hairpinning mode.
! Available options: off, simple, intrinsic
[exit 234]
$ jool_siit file handle {dir}/bad-6791v4.json
! Error: The kernel module returned error 22: Prefix 127.0.0.0/8 intersects with subnet scoped network 127.0.0.0/8.
! Will cancel the operation. Use --force to ignore this validation.
[exit 22]
$ jool_siit file handle {dir}/bad-eam-host.json
! Error: The kernel module returned error 22: '2001:db8::1/120' seems to have a suffix; please fix.
[exit 22]
$ jool_siit file handle {dir}/bad-eam-suffix.json
! Error: The kernel module returned error 22: The IPv4 suffix length must be smaller or equal than the IPv6 suffix length.
[exit 22]
$ jool_siit file handle {dir}/bad-eam-overlap.json
! Error: The kernel module returned error 22: Prefix 192.0.2.8/29 overlaps with EAM [2001:db8::/120|192.0.2.0/24].
! (Use --force to override this validation.)
[exit 22]
$ jool_siit file handle {dir}/bad-denylist.json
! Error: The kernel module returned error 22: Prefix 127.0.0.1/32 intersects with subnet scoped network 127.0.0.0/8.
! Will cancel the operation. Use --force to ignore this validation.
[exit 22]
$ jool_siit file handle {dir}/bad-denylist-len.json
! Error: '33' is out of bounds (0-32).
[exit 234]
$ jool_siit file handle {dir}/framework.json
! Error: The kernel module returned error 22: Sorry; you can't change an instance's framework for now.
[exit 22]
$ jool_siit -i alpha file handle {dir}/beta.json
! Error: The -i command line argument (alpha) does not match the instance name defined in the file (beta).
[exit 234]
$ jool_siit file handle {dir}/beta.json
! Error: The kernel module returned error 17: This namespace already has a Netfilter Jool instance.
[exit 17]
$ jool_siit file handle {dir}/missing.json
! Error: Cannot read '{dir}/missing.json': No such file or directory (os error 2)
[exit 234]
$ jool_siit file handle
! The command is missing a file name.
[exit 234]
$ jool_siit file handle {dir}/good.json --bogus
! handle: unrecognized option '--bogus'
! Try `handle --help' or `handle --usage' for more information.
[exit 64]
"#,
    );
    assert_eq!(
        siit_state(&sh, "alpha"),
        before,
        "a refused file changed alpha"
    );
    // The overridable ones pass with --force.
    sh.replay(
        r#"
$ jool_siit file handle {dir}/bad-ubit.json --force
$ jool_siit -i alpha global display --csv --no-headers
manually-enabled,TRUE
pool6,64:ff9b:0:0:ff00::/96
lowest-ipv6-mtu,1280
logging-debug,FALSE
zeroize-traffic-class,FALSE
override-tos,FALSE
tos,0
mtu-plateaus,"65535,32000,17914,8166,4352,2002,1492,1006,508,296,68"
amend-udp-checksum-zero,FALSE
eam-hairpin-mode,intrinsic
randomize-rfc6791-addresses,TRUE
rfc6791v6-prefix,
rfc6791v4-prefix,
$ jool_siit file handle {dir}/bad-6791v4.json -f
$ jool_siit file handle {dir}/bad-eam-overlap.json --force
$ jool_siit -i alpha eamt display --csv --no-headers
2001:db8:1::/125,192.0.2.8/29
2001:db8::/120,192.0.2.0/24
$ jool_siit file handle {dir}/bad-denylist.json --force
$ jool_siit -i alpha denylist4 display --csv --no-headers
198.51.100.0/24
127.0.0.1/32
"#,
    );
}

/// A running NAT64 instance `alpha` meets every NAT64-specific class of malformed file; each
/// is refused with Jool's message and the instance (globals, pool4, BIB) is left as it was.
#[test]
fn json_nat64_malformed_files_change_nothing() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-sj");
    let good = r#"{"instance": "alpha", "framework": "netfilter",
        "global": {"pool6": "64:ff9b::/96", "udp-timeout": "1:00:00", "f-args": 3},
        "pool4": [{"protocol": "UDP", "prefix": "192.0.2.1", "port range": "61001-61100"}],
        "bib": [{"protocol": "UDP", "ipv6 address": "2001:db8::5#500", "ipv4 address": "192.0.2.1#61050"}]}"#;
    let root = |members: &str| {
        format!(
            r#"{{"instance": "alpha", "framework": "netfilter", "global": {{"pool6": "64:ff9b::/96"}}, {members}}}"#
        )
    };
    let entry = |fields: &str| root(&format!(r#""pool4": [{{{fields}}}]"#));
    let bib = |fields: &str| root(&format!(r#""bib": [{{{fields}}}]"#));
    let bad = [
        ("siit-tag.json", root(r#""eamt": []"#)),
        ("siit-key.json", r#"{"instance": "alpha", "framework": "netfilter", "global": {"pool6": "64:ff9b::/96", "eam-hairpin-mode": "off"}}"#.to_owned()),
        ("pool6-change.json", r#"{"instance": "alpha", "framework": "netfilter", "global": {"pool6": "2001:db8:64::/96"}}"#.to_owned()),
        ("pool6-missing.json", r#"{"instance": "alpha", "framework": "netfilter"}"#.to_owned()),
        ("framework.json", r#"{"instance": "alpha", "framework": "iptables", "global": {"pool6": "64:ff9b::/96"}}"#.to_owned()),
        ("type-pool4.json", root(r#""pool4": {}"#)),
        ("type-timeout.json", r#"{"instance": "alpha", "framework": "netfilter", "global": {"pool6": "64:ff9b::/96", "udp-timeout": 3600}}"#.to_owned()),
        ("bad-timeout.json", r#"{"instance": "alpha", "framework": "netfilter", "global": {"pool6": "64:ff9b::/96", "udp-timeout": "1:00"}}"#.to_owned()),
        ("bad-timeout-format.json", r#"{"instance": "alpha", "framework": "netfilter", "global": {"pool6": "64:ff9b::/96", "tcp-est-timeout": "2h"}}"#.to_owned()),
        ("bad-f-args.json", r#"{"instance": "alpha", "framework": "netfilter", "global": {"pool6": "64:ff9b::/96", "f-args": 16}}"#.to_owned()),
        ("pool4-no-protocol.json", entry(r#""prefix": "192.0.2.1""#)),
        ("pool4-no-prefix.json", entry(r#""protocol": "TCP""#)),
        ("pool4-protocol.json", entry(r#""protocol": "SCTP", "prefix": "192.0.2.1""#)),
        ("pool4-type-mark.json", entry(r#""protocol": "TCP", "prefix": "192.0.2.1", "mark": "1""#)),
        ("pool4-mark.json", entry(r#""protocol": "TCP", "prefix": "192.0.2.1", "mark": 4294967296"#)),
        ("pool4-range.json", entry(r#""protocol": "TCP", "prefix": "192.0.2.1", "port range": "61001-70000""#)),
        ("pool4-range-type.json", entry(r#""protocol": "TCP", "prefix": "192.0.2.1", "port range": 61001"#)),
        ("pool4-ephemeral.json", entry(r#""protocol": "TCP", "prefix": "192.0.2.1", "port range": "40000-40100""#)),
        ("pool4-iterations.json", entry(r#""protocol": "TCP", "prefix": "192.0.2.1", "max-iterations": "lots""#)),
        ("pool4-iterations-zero.json", entry(r#""protocol": "TCP", "prefix": "192.0.2.1", "max-iterations": 0"#)),
        ("pool4-iterations-type.json", entry(r#""protocol": "TCP", "prefix": "192.0.2.1", "max-iterations": true"#)),
        ("pool4-host.json", entry(r#""protocol": "TCP", "prefix": "192.0.2.1/24""#)),
        ("pool4-unknown.json", entry(r#""protocol": "TCP", "prefix": "192.0.2.1", "ports": "1-2""#)),
        ("bib-no-protocol.json", bib(r#""ipv6 address": "2001:db8::1#80", "ipv4 address": "192.0.2.1#61001""#)),
        ("bib-no-port.json", bib(r#""protocol": "TCP", "ipv6 address": "2001:db8::1", "ipv4 address": "192.0.2.1#61001""#)),
        ("bib-bad-addr.json", bib(r#""protocol": "TCP", "ipv6 address": "2001:db8::1#80", "ipv4 address": "192.0.2#61001""#)),
        ("new-without-pool6.json", r#"{"instance": "beta", "framework": "iptables"}"#.to_owned()),
        ("new-bib-outside.json", r#"{"instance": "beta", "framework": "iptables", "global": {"pool6": "64:ff9b::/96"}, "bib": [{"protocol": "ICMP", "ipv6 address": "2001:db8::1#5", "ipv4 address": "192.0.2.1#5"}]}"#.to_owned()),
    ];
    let mut list: Vec<(&str, &str)> = bad.iter().map(|(n, t)| (*n, t.as_str())).collect();
    list.push(("good.json", good));
    let dir = files(&list);
    let sh = Shell::new(&d, &ns).var("{dir}", &dir.path().display().to_string());
    sh.ok("jool file handle {dir}/good.json");
    let before = nat64_state(&sh, "alpha");
    sh.replay(
        r#"
$ jool file handle {dir}/siit-tag.json
! Error: Unknown tag: 'eamt'
[exit 234]
$ jool file handle {dir}/siit-key.json
! Error: Unknown tag: 'eam-hairpin-mode'
[exit 234]
$ jool file handle {dir}/pool6-change.json
! Error: The kernel module returned error 22: Sorry; you can't change a NAT64 instance's pool6 for now.
[exit 22]
$ jool file handle {dir}/pool6-missing.json
! Error: The kernel module returned error 22: Sorry; you can't change a NAT64 instance's pool6 for now.
[exit 22]
$ jool file handle {dir}/framework.json
! Error: The kernel module returned error 22: Sorry; you can't change an instance's framework for now.
[exit 22]
$ jool file handle {dir}/type-pool4.json
! Error: The 'pool4' element appears to be an object, not a 'Array'.
[exit 234]
$ jool file handle {dir}/type-timeout.json
! Error: The 'udp-timeout' element '3600' is not a valid string.
[exit 234]
$ jool file handle {dir}/bad-timeout.json
! Error: The kernel module returned error 22: The 'udp' timeout (60000) is too small. (min: 120000)
[exit 22]
$ jool file handle {dir}/bad-timeout-format.json
! Error: '2h' does not seem to follow the '[HH:[MM:]]SS[.mmm]' format.
[exit 234]
$ jool file handle {dir}/bad-f-args.json
! Error: The kernel module returned error 22: f-args (16) is out of range. (0-15)
[exit 22]
$ jool file handle {dir}/pool4-no-protocol.json
! Error: Object '<unnamed>' is missing the 'protocol' child.
[exit 234]
$ jool file handle {dir}/pool4-no-prefix.json
! Error: Object '<unnamed>' is missing the 'prefix' child.
[exit 234]
$ jool file handle {dir}/pool4-protocol.json
! Error: Protocol 'SCTP' is unknown.
[exit 234]
$ jool file handle {dir}/pool4-type-mark.json
! Error: The 'mark' element '1' is not a valid unsigned integer.
[exit 234]
$ jool file handle {dir}/pool4-mark.json
! Error: mark 4294967296 is out of range (0-4294967295).
[exit 234]
$ jool file handle {dir}/pool4-range.json
! Error: '70000' is out of bounds (0-65535).
[exit 234]
$ jool file handle {dir}/pool4-range-type.json
! Error: The 'port range' element '61001' is not a valid String.
[exit 234]
$ jool file handle {dir}/pool4-ephemeral.json
! Error: The kernel module returned error 22: Port range 40000-40100 intersects with the namespace's ephemeral range (32768-60999).
! Will cancel the operation. Use --force to override this.
[exit 22]
$ jool file handle {dir}/pool4-iterations.json
! Error: Unrecognized string: 'lots'
[exit 234]
$ jool file handle {dir}/pool4-iterations-zero.json
! Error: max-iterations 0 is out of range (1-4294967295).
[exit 234]
$ jool file handle {dir}/pool4-iterations-type.json
! Error: The 'max-iterations' element 'true' is not a valid string or number.
[exit 234]
$ jool file handle {dir}/pool4-host.json
! Error: The kernel module returned error 22: '192.0.2.1/24' seems to have a suffix; please fix.
[exit 22]
$ jool file handle {dir}/pool4-unknown.json
! Error: Unknown tag: 'ports'
[exit 234]
$ jool file handle {dir}/bib-no-protocol.json
! Error: Object '<unnamed>' is missing the 'protocol' child.
[exit 234]
$ jool file handle {dir}/bib-no-port.json
! Error: '2001:db8::1' does not seem to contain a port (format: <IPv6 address>#<port> (eg. 2001:db8::1#96)).
[exit 234]
$ jool file handle {dir}/bib-bad-addr.json
! Error: Cannot parse '192.0.2' as an IPv4 address.
[exit 234]
$ jool file handle {dir}/new-without-pool6.json
! Error: The kernel module returned error 22: pool6 is mandatory in NAT64 instances.
[exit 22]
$ jool file handle {dir}/new-bib-outside.json
! Error: The kernel module returned error 22: ICMP BIB transport address '192.0.2.1#5' does not belong to pool4.
! Please add it there first.
[exit 22]
$ jool instance display --csv --no-headers
{ns},alpha,netfilter,
"#,
    );
    assert_eq!(
        nat64_state(&sh, "alpha"),
        before,
        "a refused file changed alpha"
    );
    sh.replay(
        r#"
$ jool file handle {dir}/pool4-ephemeral.json --force
$ jool -i alpha pool4 display --tcp --csv --no-headers
0,TCP,192.0.2.1,40000,40100,1024,0
$ jool -i alpha pool4 display --udp --csv --no-headers
$ jool -i alpha bib display --udp --numeric
[Static UDP] 192.0.2.1#61050 - 2001:db8::5#500
"#,
    );
}
