//! `jool`'s whole surface against the real daemon, as transcripts (see `surface/mod.rs` and
//! the coverage matrix in `surface/README.md`): `instance`, `global` (every NAT64 key, valid
//! and invalid values), `pool4` (Jool's documentation example literally, every flag), `bib`,
//! `session` over real TCP (every state), UDP and ICMP traffic, and `stats`, with `--csv`,
//! `--no-headers` and `--numeric`.
//!
//! Each test owns its namespaces (deleted on drop) and a daemon; documentation addresses only.
//! Needs root; without it every test returns early and says so.

mod common;
#[path = "surface/nat64_traffic.rs"]
mod nat64_traffic;
mod surface;

use common::{root_or_skip, wait_until, Daemon, Ns};
use nat64_traffic::{
    accept, fin, ping6, ping_pong, read_fin, rst, tcp_connect, tcp_listen, tcp_syn, topology,
    udp_exchange, EtcNetns,
};
use std::time::Duration;
use surface::{digits_to_n, Shell};

#[test]
fn nat64_instance_add_display_status_remove_flush() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-sn");
    let sh = Shell::new(&d, &ns);
    sh.replay(
        r#"
$ jool instance add
! Error: The kernel module returned error 22: pool6 is mandatory in NAT64 instances.
[exit 22]
$ jool instance add --iptables
! Error: The kernel module returned error 22: pool6 is mandatory in NAT64 instances.
[exit 22]
$ jool instance add --pool6 64:ff9b::/96
$ jool instance add alpha --iptables --pool6 2001:db8:64::/96
$ jool -i beta instance add --iptables -6 2001:db8:46::/96
$ jool_siit instance add alpha --iptables
$ jool instance add gamma --pool6 64:ff9b::/96
! Error: The kernel module returned error 17: This namespace already has a Netfilter Jool instance.
[exit 17]
$ jool instance add gamma --iptables --pool6 64:ff9b::/97
! Error: The kernel module returned error 22: 97 is not a valid prefix length (32, 40, 48, 56, 64, 96).
[exit 22]
$ jool instance add gamma --iptables --pool6 2001:db8::1/96
! Error: The kernel module returned error 22: '2001:db8::1/96' seems to have a suffix; please fix.
[exit 22]
$ jool instance add gamma --iptables --pool6 64:ff9b:0:0:ff00::/96
$ jool instance display
+--------------------+-----------------+-----------+
|          Namespace |            Name | Framework |
+--------------------+-----------------+-----------+
|    {ns} |         default | netfilter |
|    {ns} |           alpha |  iptables |
|    {ns} |            beta |  iptables |
|    {ns} |           gamma |  iptables |
+--------------------+-----------------+-----------+
$ jool instance display --csv
Namespace,Name,Framework,Queue
{ns},default,netfilter,
{ns},alpha,iptables,0
{ns},beta,iptables,1
{ns},gamma,iptables,3
$ jool_siit instance display --csv --no-headers
{ns},alpha,iptables,2
$ jool -i alpha global display --csv
Field,Value
manually-enabled,TRUE
pool6,2001:db8:64::/96
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
$ jool -i alpha instance status
Running
$ jool -i delta instance status
Dead
(Instance 'delta' does not exist.)
$ jool -i delta pool4 display
! Error: The kernel module returned error 3: This namespace lacks an instance named 'delta'.
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
[exit 3]
$ jool instance remove alpha
$ jool instance remove alpha
! Error: The kernel module returned error 3: The requested instance does not exist.
[exit 3]
$ jool -i beta instance remove gamma
! Error: You entered two different instance names. Please delete one of them.
[exit 234]
$ jool instance flush
$ jool instance display --no-headers
+--------------------+-----------------+-----------+
+--------------------+-----------------+-----------+
$ jool_siit instance display --csv --no-headers
{ns},alpha,iptables,2
"#,
    );
}

#[test]
fn nat64_global_display_and_update_of_every_key() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-sn");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool instance add --iptables --pool6 64:ff9b::/96");
    sh.replay(
        r#"
$ jool global display
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
$ jool global display --csv
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
$ jool global display --csv --no-headers
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
$ jool global update manually-enabled off
$ jool global update lowest-ipv6-mtu 1400
$ jool global update logging-debug on
$ jool global update zeroize-traffic-class yes
$ jool global update override-tos true
$ jool global update tos 7
$ jool global update mtu-plateaus 1400,1280,1400,0
$ jool global update address-dependent-filtering 1
$ jool global update drop-externally-initiated-tcp TRUE
$ jool global update drop-icmpv6-info true
$ jool global update source-icmpv6-errors-better false
$ jool global update f-args 4
$ jool global update handle-rst-during-fin-rcv true
$ jool global update tcp-est-timeout 3:00:00.500
$ jool global update tcp-trans-timeout 5:00
$ jool global update udp-timeout 120
$ jool global update icmp-timeout 0.250
$ jool global update logging-bib true
$ jool global update logging-session true
$ jool global update maximum-simultaneous-opens 0
$ jool global update ss-enabled true
$ jool global update ss-flush-asap true
$ jool global update ss-flush-deadline 100
$ jool global update ss-capacity 1024
$ jool global update ss-max-payload 2000
$ jool global update ss-max-sessions-per-packet 5
$ jool global display
manually-enabled: false
pool6: 64:ff9b::/96
lowest-ipv6-mtu: 1400
logging-debug: true
zeroize-traffic-class: true
override-tos: true
tos: 7
mtu-plateaus: 1400,1280
address-dependent-filtering: true
drop-externally-initiated-tcp: true
drop-icmpv6-info: true
source-icmpv6-errors-better: false
f-args: 4 (0b0100): SrcAddr:0 SrcPort:1 DstAddr:0 DstPort:0
handle-rst-during-fin-rcv: true
tcp-est-timeout: 3:00:00.500 (HH:MM:SS)
tcp-trans-timeout: 0:05:00 (HH:MM:SS)
udp-timeout: 0:02:00 (HH:MM:SS)
icmp-timeout: 0:00:00.250 (HH:MM:SS)
logging-bib: true
logging-session: true
maximum-simultaneous-opens: 0
ss-enabled: true
ss-flush-asap: true
ss-flush-deadline: 100
ss-capacity: 1024
ss-max-payload: 2000
ss-max-sessions-per-packet: 5
$ jool global display --csv
Field,Value
manually-enabled,FALSE
pool6,64:ff9b::/96
lowest-ipv6-mtu,1400
logging-debug,TRUE
zeroize-traffic-class,TRUE
override-tos,TRUE
tos,7
mtu-plateaus,"1400,1280"
address-dependent-filtering,TRUE
drop-externally-initiated-tcp,TRUE
drop-icmpv6-info,TRUE
source-icmpv6-errors-better,FALSE
f-args,4
handle-rst-during-fin-rcv,TRUE
tcp-est-timeout,3:00:00.500
tcp-trans-timeout,0:05:00
udp-timeout,0:02:00
icmp-timeout,0:00:00.250
logging-bib,TRUE
logging-session,TRUE
maximum-simultaneous-opens,0
ss-enabled,TRUE
ss-flush-asap,TRUE
ss-flush-deadline,100
ss-capacity,1024
ss-max-payload,2000
ss-max-sessions-per-packet,5
"#,
    );
}

#[test]
fn nat64_global_update_rejects_invalid_values_and_changes_nothing() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-sn");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool instance add --iptables --pool6 64:ff9b::/96");
    let before = sh.stdout("jool global display");
    sh.replay(
        r#"
$ jool global update pool6 2001:db8::/96
! Error: The kernel module returned error 22: Sorry; you can't change a NAT64 instance's pool6 for now.
[exit 22]
$ jool global update pool6 64:ff9b::/96
! Error: The kernel module returned error 22: Sorry; you can't change a NAT64 instance's pool6 for now.
[exit 22]
$ jool global update pool6 null
! Error: The kernel module returned error 22: Sorry; you can't change a NAT64 instance's pool6 for now.
[exit 22]
$ jool global update f-args 16
! Error: The kernel module returned error 22: f-args (16) is out of range. (0-15)
[exit 22]
$ jool global update f-args 256
! Error: '256' is out of bounds (0-255).
[exit 234]
$ jool global update tcp-est-timeout 1:59:59
! Error: The kernel module returned error 22: The 'tcp-est' timeout (7199000) is too small. (min: 7200000)
[exit 22]
$ jool global update tcp-trans-timeout 3:59
! Error: The kernel module returned error 22: The 'tcp-trans' timeout (239000) is too small. (min: 240000)
[exit 22]
$ jool global update udp-timeout 1:59.999
! Error: The kernel module returned error 22: The 'udp' timeout (119999) is too small. (min: 120000)
[exit 22]
$ jool global update icmp-timeout 1.5
! Error: The millisecond portion of '1.5' must length at least 3 digits.
[exit 234]
$ jool global update icmp-timeout 1:2:3:4
! Error: '1:2:3:4' does not seem to follow the '[HH:[MM:]]SS[.mmm]' format.
[exit 234]
$ jool global update icmp-timeout 10s
! Error: '10s' does not seem to follow the '[HH:[MM:]]SS[.mmm]' format.
[exit 234]
$ jool global update icmp-timeout 2000:00:00
! Error: '2000:00:00' is out of bounds (0:00:00-1193:02:47.295).
[exit 234]
$ jool global update maximum-simultaneous-opens -1
! maximum-simultaneous-opens: invalid option -- '1'
! Try `maximum-simultaneous-opens --help' or `maximum-simultaneous-opens --usage' for more information.
[exit 64]
$ jool global update ss-enabled maybe
! Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update ss-flush-deadline x
! Error: 'x' is not an unsigned integer. (error code 1)
[exit 234]
$ jool global update ss-capacity 4294967296
! Error: '4294967296' is out of bounds (0-4294967295).
[exit 234]
$ jool global update source-icmpv6-errors-better 2
! Error: Cannot parse '2' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update lowest-ipv6-mtu 1279
! Error: The kernel module returned error 22: lowest-ipv6-mtu (1279) is too small (min: 1280).
[exit 22]
$ jool global update amend-udp-checksum-zero true
! Unexpected token: 'amend-udp-checksum-zero'
! Available options: manually-enabled pool6 lowest-ipv6-mtu logging-debug zeroize-traffic-class override-tos tos mtu-plateaus address-dependent-filtering drop-externally-initiated-tcp drop-icmpv6-info source-icmpv6-errors-better f-args handle-rst-during-fin-rcv tcp-est-timeout tcp-trans-timeout udp-timeout icmp-timeout logging-bib logging-session maximum-simultaneous-opens ss-enabled ss-flush-asap ss-flush-deadline ss-capacity ss-max-payload ss-max-sessions-per-packet 
[exit 234]
$ jool global update eam-hairpin-mode off
! Unexpected token: 'eam-hairpin-mode'
! Available options: manually-enabled pool6 lowest-ipv6-mtu logging-debug zeroize-traffic-class override-tos tos mtu-plateaus address-dependent-filtering drop-externally-initiated-tcp drop-icmpv6-info source-icmpv6-errors-better f-args handle-rst-during-fin-rcv tcp-est-timeout tcp-trans-timeout udp-timeout icmp-timeout logging-bib logging-session maximum-simultaneous-opens ss-enabled ss-flush-asap ss-flush-deadline ss-capacity ss-max-payload ss-max-sessions-per-packet 
[exit 234]
$ jool global update rfc6791v4-prefix null
! Unexpected token: 'rfc6791v4-prefix'
! Available options: manually-enabled pool6 lowest-ipv6-mtu logging-debug zeroize-traffic-class override-tos tos mtu-plateaus address-dependent-filtering drop-externally-initiated-tcp drop-icmpv6-info source-icmpv6-errors-better f-args handle-rst-during-fin-rcv tcp-est-timeout tcp-trans-timeout udp-timeout icmp-timeout logging-bib logging-session maximum-simultaneous-opens ss-enabled ss-flush-asap ss-flush-deadline ss-capacity ss-max-payload ss-max-sessions-per-packet 
[exit 234]
$ jool global update manually-enabled nope
! Error: Cannot parse 'nope' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update logging-debug x
! Error: Cannot parse 'x' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update zeroize-traffic-class 2
! Error: Cannot parse '2' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update override-tos -
! Error: Cannot parse '-' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update tos x
! Error: 'x' is not an unsigned integer. (error code 1)
[exit 234]
$ jool global update mtu-plateaus 0
! Error: The kernel module returned error 22: The plateaus list contains nothing but zeroes.
[exit 22]
$ jool global update address-dependent-filtering maybe
! Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update drop-externally-initiated-tcp maybe
! Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update drop-icmpv6-info maybe
! Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update handle-rst-during-fin-rcv maybe
! Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update logging-bib maybe
! Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update logging-session maybe
! Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update maximum-simultaneous-opens x
! Error: 'x' is not an unsigned integer. (error code 1)
[exit 234]
$ jool global update ss-flush-asap maybe
! Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool global update ss-max-payload x
! Error: 'x' is not an unsigned integer. (error code 1)
[exit 234]
$ jool global update ss-max-sessions-per-packet 4294967296
! Error: '4294967296' is out of bounds (0-4294967295).
[exit 234]
$ jool global update tcp 1
! Ambiguous token: 'tcp'
! Available options: tcp-est-timeout tcp-trans-timeout 
[exit 234]
$ jool global update ss-max 1
! Ambiguous token: 'ss-max'
! Available options: ss-max-payload ss-max-sessions-per-packet 
[exit 234]
"#,
    );
    assert_eq!(sh.stdout("jool global display"), before);
}

/// The examples of Jool's `pool4` documentation, literally (commands and tables), but for
/// `--force` on the two additions of 1-65535: Jool 4.1.15 refuses ranges that intersect the
/// namespace's ephemeral range (the documentation predates that check), and so does jool-rs.
/// The mark-0 set's automatic max iterations is computed (2063 = 264141 addresses / 128);
/// the documentation's 2059 does not match its own table.
#[test]
fn nat64_pool4_documentation_examples() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-sn");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool instance add --iptables --pool6 64:ff9b::/96");
    sh.replay(
        r#"
$ jool pool4 display --tcp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 display --udp --no-headers
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 display --icmp --no-headers
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 add --tcp 192.0.2.1 1000-2500
$ jool pool4 add --tcp 192.0.2.1 1500-3000
$ jool pool4 display --tcp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          0 |   TCP |       1024 ( auto) |       192.0.2.1 |  1000- 3000 |
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 add --tcp 192.0.2.1    1500-2500 --mark 1
$ jool pool4 add --tcp 192.0.2.8/30 1-65535 --force
$ jool pool4 add --udp 192.0.2.100  1-65535   --max-iterations 5000 --force
$ jool pool4 display --tcp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          1 |   TCP |       1024 ( auto) |       192.0.2.1 |  1500- 2500 |
+------------+-------+--------------------+-----------------+-------------+
|          0 |   TCP |       2063 ( auto) |       192.0.2.1 |  1000- 3000 |
|            |       |                    |       192.0.2.8 |     1-65535 |
|            |       |                    |       192.0.2.9 |     1-65535 |
|            |       |                    |      192.0.2.10 |     1-65535 |
|            |       |                    |      192.0.2.11 |     1-65535 |
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 display --udp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          0 |   UDP |       5000 (fixed) |     192.0.2.100 |     1-65535 |
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 remove --mark 0 192.0.2.0/24 0-65535
$ jool pool4 display
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          1 |   TCP |       1024 ( auto) |       192.0.2.1 |  1500- 2500 |
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 flush
$ jool pool4 display --tcp  --no-headers
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 display --udp  --no-headers
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 display --icmp --no-headers
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 add --mark 0 192.0.2.1 100-200 --tcp --max-iterations auto
$ jool pool4 add --mark 1 192.0.2.1 100-200 --tcp --max-iterations 999
$ jool pool4 add --mark 2 192.0.2.1 100-200 --tcp --max-iterations infinity
$ jool pool4 display
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          2 |   TCP |   Infinite (fixed) |       192.0.2.1 |   100-  200 |
+------------+-------+--------------------+-----------------+-------------+
|          1 |   TCP |        999 (fixed) |       192.0.2.1 |   100-  200 |
+------------+-------+--------------------+-----------------+-------------+
|          0 |   TCP |       1024 ( auto) |       192.0.2.1 |   100-  200 |
+------------+-------+--------------------+-----------------+-------------+
"#,
    );
}

#[test]
fn nat64_pool4_operations_and_errors() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-sn");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool instance add --iptables --pool6 64:ff9b::/96");
    sh.replay(
        r#"
$ jool pool4 add 192.0.2.0/23 61001-65535 --tcp
! Error: Warning: You're adding lots of addresses, which might defeat the whole point of NAT64 over SIIT.
! Error: Will cancel the operation. Use --force to override this.
[exit 249]
$ jool pool4 add 192.0.2.0/23 61001-61002 --tcp --force
$ jool pool4 remove 192.0.2.0/23 --quick
$ jool pool4 display --no-headers
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 add 192.0.2.1 40000-40010 --udp
! Error: The kernel module returned error 22: Port range 40000-40010 intersects with the namespace's ephemeral range (32768-60999).
! Will cancel the operation. Use --force to override this.
[exit 22]
$ jool pool4 add 192.0.2.1 40000-40010 --udp -f
$ jool pool4 add 192.0.2.1 0-10 --udp --force
$ jool pool4 add 192.0.2.1 20-15 --udp --force
$ jool pool4 add 192.0.2.1 0-10 --icmp
$ jool pool4 add 192.0.2.1 61001 --icmp --mark 4294967295 --max-iterations 1
$ jool pool4 display --udp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          0 |   UDP |       1024 ( auto) |       192.0.2.1 |     1-   10 |
|            |       |                    |       192.0.2.1 |    15-   20 |
|            |       |                    |       192.0.2.1 | 40000-40010 |
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 display --icmp
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          0 |  ICMP |       1024 ( auto) |       192.0.2.1 |     0-   10 |
+------------+-------+--------------------+-----------------+-------------+
| 4294967295 |  ICMP |          1 (fixed) |       192.0.2.1 | 61001-61001 |
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 display --csv
Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed
$ jool pool4 display --udp --csv --no-headers
0,UDP,192.0.2.1,1,10,1024,0
0,UDP,192.0.2.1,15,20,1024,0
0,UDP,192.0.2.1,40000,40010,1024,0
$ jool pool4 display --icmp --csv
Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed
0,ICMP,192.0.2.1,0,10,1024,0
4294967295,ICMP,192.0.2.1,61001,61001,1,1
$ jool pool4 display --tcp --udp
! Error: Only one protocol is allowed per request.
[exit 234]
$ jool pool4 add 192.0.2.1 61001-65535
! The command is missing a protocol (--tcp, --udp or --icmp).
[exit 234]
$ jool pool4 add 61001-65535 --tcp
! The command is missing an IPv4 prefix or address.
[exit 234]
$ jool pool4 add 192.0.2.1 --tcp
! The command is missing a port (or ICMP id) range.
[exit 234]
$ jool pool4 add
! The command is missing an IPv4 prefix or address, a port (or ICMP id) range and a protocol (--tcp, --udp or --icmp).
[exit 234]
$ jool pool4 add 192.0.2.1 61001-65535 --tcp --icmp
! Error: Only one protocol is allowed per request.
[exit 234]
$ jool pool4 add 192.0.2.1 61001-65535 -t -u
! Error: Only one protocol is allowed per request.
[exit 234]
$ jool pool4 add 192.0.2.1/31 61001-65535 --tcp
! Error: The kernel module returned error 22: '192.0.2.1/31' seems to have a suffix; please fix.
[exit 22]
$ jool pool4 add 192.0.2.1 61001-65536 --tcp
! Error: '65536' is out of bounds (0-65535).
[exit 234]
$ jool pool4 add 192.0.2.1 61001-65535 --tcp --mark 4294967296
! Error: '4294967296' is out of bounds (0-4294967295).
[exit 234]
$ jool pool4 add 192.0.2.1 61001-65535 --tcp --mark x
! Error: 'x' is not an unsigned integer. (error code 1)
[exit 234]
$ jool pool4 add 192.0.2.1 61001-65535 --tcp --max-iterations 0
! Error: The kernel module returned error 22: Zero is not a legal Max Iterations value.
[exit 22]
$ jool pool4 add 192.0.2.1 61001-65535 --tcp --max-iterations lots
! Error: 'lots' is not an unsigned integer. (error code 1)
[exit 234]
$ jool pool4 add 192.0.2.1 61001-65535 --tcp --max-iterations
! add: option '--max-iterations' requires an argument
! Try `add --help' or `add --usage' for more information.
[exit 64]
$ jool pool4 remove 192.0.2.1 5-8 --udp
$ jool pool4 remove 192.0.2.1 61001-65535 --quick
$ jool pool4 remove 192.0.2.1 --icmp --mark 4294967295
$ jool pool4 remove
! The command is missing an IPv4 prefix or address.
[exit 234]
$ jool pool4 remove 61001-65535
! The command is missing an IPv4 prefix or address.
[exit 234]
$ jool pool4 display --udp --no-headers
+------------+-------+--------------------+-----------------+-------------+
|          0 |   UDP |       1024 ( auto) |       192.0.2.1 |     1-    4 |
|            |       |                    |       192.0.2.1 |     9-   10 |
|            |       |                    |       192.0.2.1 |    15-   20 |
|            |       |                    |       192.0.2.1 | 40000-40010 |
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 display --no-headers
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 display --icmp --no-headers
+------------+-------+--------------------+-----------------+-------------+
|          0 |  ICMP |       1024 ( auto) |       192.0.2.1 |     0-   10 |
+------------+-------+--------------------+-----------------+-------------+
$ jool pool4 flush --quick
$ jool pool4 display --csv --udp
Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed
"#,
    );
}

/// Re-adding an identical static entry succeeds silently (reference §12).
#[test]
fn nat64_bib_add_display_remove() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-sn");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool instance add --iptables --pool6 64:ff9b::/96");
    sh.replay(
        r#"
$ jool bib display --numeric
$ jool bib display --csv
Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?
$ jool bib add 2001:db8::6#6 192.0.2.4#4
! Error: The kernel module returned error 22: Transport address '192.0.2.4#4' does not belong to pool4.
! Please add it there first.
[exit 22]
$ jool pool4 add 192.0.2.4 1-1000 --tcp --force
$ jool pool4 add 192.0.2.4 1-1000 --udp --force
$ jool pool4 add 192.0.2.4 1-1000 --icmp
$ jool bib add 2001:db8::6#6 192.0.2.4#4
$ jool bib add 192.0.2.4#5 2001:db8::7#7 --tcp
$ jool bib add 2001:db8::6#6 192.0.2.4#4
$ jool bib add 2001:db8::8#6 192.0.2.4#4
! Error: The kernel module returned error 17: Entry 2001:db8::8#6|192.0.2.4#4|TCP collides with 2001:db8::6#6|192.0.2.4#4|TCP.
[exit 17]
$ jool bib add 2001:db8::6#6 192.0.2.4#9
! Error: The kernel module returned error 17: Entry 2001:db8::6#6|192.0.2.4#9|TCP collides with 2001:db8::6#6|192.0.2.4#4|TCP.
[exit 17]
$ jool bib add 2001:db8::6#6 192.0.2.4#4 --udp
$ jool bib add 2001:db8::6#1 192.0.2.4#1 -i
$ jool bib add 2001:db8::6#6 192.0.2.4#2000 --udp
! Error: The kernel module returned error 22: Transport address '192.0.2.4#2000' does not belong to pool4.
! Please add it there first.
[exit 22]
$ jool bib display --numeric
[Static TCP] 192.0.2.4#4 - 2001:db8::6#6
[Static TCP] 192.0.2.4#5 - 2001:db8::7#7
$ jool bib display --tcp --numeric --csv
Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?
TCP,2001:db8::6,6,192.0.2.4,4,1
TCP,2001:db8::7,7,192.0.2.4,5,1
$ jool bib display --udp --numeric --csv --no-headers
UDP,2001:db8::6,6,192.0.2.4,4,1
$ jool bib display --icmp --numeric
[Static ICMP] 192.0.2.4#1 - 2001:db8::6#1
$ jool bib add 2001:db8::6#6
! The command is missing an IPv4 transport address.
[exit 234]
$ jool bib add 192.0.2.4#4
! The command is missing an IPv6 transport address.
[exit 234]
$ jool bib add
! The command is missing an IPv6 transport address and an IPv4 transport address.
[exit 234]
$ jool bib add 2001:db8::6 192.0.2.4#4
! Error: '2001:db8::6' does not seem to contain a port (format: <IPv6 address>#<port> (eg. 2001:db8::1#96)).
[exit 234]
$ jool bib add 2001:db8::6#6 192.0.2.4
! Error: '192.0.2.4' does not seem to contain a port (format: <IPv4 address>#<port> (eg. 203.0.113.8#80)).
[exit 234]
$ jool bib add 2001:db8::6#70000 192.0.2.4#4
! Error: '70000' is out of bounds (0-65535).
[exit 234]
$ jool bib add potato#6 192.0.2.4#4
! add: Too many arguments
! Try `add --help' or `add --usage' for more information.
[exit 64]
$ jool bib add 2001:db8::6#6 192.0.2.4#4 --tcp --udp
! Error: Only one protocol is allowed per request.
[exit 234]
$ jool bib add 2001:db8::6#6 192.0.2.4#4 80
! add: Too many arguments
! Try `add --help' or `add --usage' for more information.
[exit 64]
$ jool bib remove 2001:db8::6#6
$ jool bib remove 192.0.2.4#4 --udp
$ jool bib remove 2001:db8::7#7 192.0.2.4#5
$ jool bib remove 2001:db8::6#1 192.0.2.4#2 --icmp
! Error: The kernel module returned error 3: The entry wasn't in the database.
[exit 3]
$ jool bib remove 192.0.2.4#4
! Error: The kernel module returned error 3: The entry wasn't in the database.
[exit 3]
$ jool bib remove
! The command is missing at least one transport address.
[exit 234]
$ jool bib display --numeric
$ jool bib display --icmp --numeric --csv
Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?
ICMP,2001:db8::6,1,192.0.2.4,1,1
"#,
    );
}

/// Masks what varies by nature in session tables: the lifetime (`Expires in 3 minutes, 59
/// seconds` keeps its shape, `N minutes, N seconds`; the CSV column becomes `<expiry>`).
fn mask_expiry(rendered: &str) -> String {
    let mut out = String::new();
    for line in rendered.lines() {
        let masked = if let Some(at) = line.find("Expires in ") {
            format!("{}{}", &line[..at], digits_to_n(&line[at..]))
        } else if line.matches(',').count() >= 9 && !line.starts_with("Protocol,") {
            let mut fields: Vec<&str> = line.split(',').collect();
            fields[9] = "<expiry>";
            fields.join(",")
        } else {
            line.to_owned()
        };
        out.push_str(&masked);
        out.push('\n');
    }
    out
}

const HOSTS: &str = "\
127.0.0.1 localhost
::1 localhost
192.0.2.8 v4node.example
2001:db8:1::8 v6node.example
";

/// Real traffic through a netfilter NAT64 leaves one TCP session in every state of RFC 6146
/// (ESTABLISHED, V4_INIT, V6_INIT, V4_FIN_RCV, V6_FIN_RCV, V4_FIN_V6_FIN_RCV, TRANS), UDP and
/// ICMP sessions, static and dynamic BIB entries; then `session display` and `bib display`
/// (every protocol, `--numeric` or names from the namespace's `/etc/hosts`, `--csv`,
/// `--no-headers`), `stats display`, and `pool4 remove`/`flush` with and without `--quick`.
/// Every mapping is fixed (static BIB entries, a pool4 with one free port per protocol), so
/// the tables are literal but for the lifetimes.
#[test]
fn nat64_sessions_and_bib_from_real_traffic() {
    if !root_or_skip() {
        return;
    }
    let net = topology();
    let d = Daemon::start();
    let _etc = EtcNetns::new(
        &net.xlat,
        &[
            ("hosts", HOSTS),
            ("nsswitch.conf", "hosts: files\nservices: files\n"),
        ],
    );
    let sh = Shell::new(&d, &net.xlat);
    sh.ok("jool instance add --netfilter --pool6 64:ff9b::/96");
    sh.ok("jool pool4 add 192.0.2.1 61001-61007 --tcp");
    sh.ok("jool pool4 add 192.0.2.1 61101-61102 --udp");
    sh.ok("jool pool4 add 192.0.2.1 61201-61202 --icmp");
    for i in 1..=6 {
        sh.ok(&format!(
            "jool bib add 2001:db8:1::8#500{i} 192.0.2.1#6100{i}"
        ));
    }
    sh.ok("jool bib add 2001:db8:1::99#8007 192.0.2.1#61007");
    sh.ok("jool bib add 2001:db8:1::8#5101 192.0.2.1#61101 --udp");
    sh.ok("jool bib add 2001:db8:1::8#4242 192.0.2.1#61201 --icmp");

    // TCP: one connection per state, each from its own port to its own server port.
    let v4s = |port: u16| format!("[64:ff9b::192.0.2.8]:{port}");
    let mut held = Vec::new();
    let conn = |n: u16| {
        let l = tcp_listen(&net.v4, &format!("192.0.2.8:800{n}"));
        let c = tcp_connect(&net.v6, &format!("[2001:db8:1::8]:500{n}"), &v4s(8000 + n));
        let s = accept(&l);
        (c, s)
    };
    let (mut c1, mut s1) = conn(1); // ESTABLISHED
    ping_pong(&mut c1, &mut s1);
    let (c2, mut s2) = conn(2); // V6_FIN_RCV: the IPv6 side closes first.
    fin(&c2);
    read_fin(&mut s2);
    let (mut c3, s3) = conn(3); // V4_FIN_RCV: the IPv4 side closes first.
    fin(&s3);
    read_fin(&mut c3);
    let (mut c4, mut s4) = conn(4); // V4_FIN_V6_FIN_RCV: both.
    fin(&c4);
    read_fin(&mut s4);
    fin(&s4);
    read_fin(&mut c4);
    let (c5, s5) = conn(5); // TRANS: the IPv6 side resets.
    rst(c5);
    held.extend([c1, s1, c2, s2, c3, s3, c4, s4, s5]);
    // V6_INIT: nobody answers at 192.0.2.99.
    let syn6 = tcp_syn(
        &net.v6,
        "[2001:db8:1::8]:5006",
        "[64:ff9b::192.0.2.99]:8006",
    );
    // V4_INIT: the static entry points at 2001:db8:1::99, which nobody answers for.
    let syn4 = tcp_syn(&net.v4, "192.0.2.8:7007", "192.0.2.1:61007");
    // UDP: a static and a dynamic mapping (61102 is the only port left for the latter).
    udp_exchange(
        &net.v6,
        "[2001:db8:1::8]:5101",
        &v4s(9001),
        &net.v4,
        "192.0.2.8:9001",
    );
    udp_exchange(
        &net.v6,
        "[2001:db8:1::8]:5102",
        &v4s(9002),
        &net.v4,
        "192.0.2.8:9002",
    );
    // ICMP: a static and a dynamic identifier.
    ping6(&net.v6, 4242, "64:ff9b::192.0.2.8");
    ping6(&net.v6, 4243, "64:ff9b::192.0.2.8");

    wait_until(Duration::from_secs(10), "seven TCP sessions", || {
        let csv = sh.stdout("jool session display --numeric --csv --no-headers");
        [
            "V4_INIT",
            "V6_INIT",
            "TRANS",
            "V4_FIN_V6_FIN_RCV",
            "V4_FIN_RCV",
            "V6_FIN_RCV",
        ]
        .iter()
        .all(|s| csv.contains(&format!(",{s}\n")))
            && csv.lines().count() == 7
    });
    // The gauges count every protocol's entries; the other counters depend on retransmissions.
    let stats = sh.stdout("jool stats display --csv --no-headers");
    let gauges: Vec<&str> = stats
        .lines()
        .filter(|l| l.starts_with("JSTAT_BIB_ENTRIES,") || l.starts_with("JSTAT_SESSIONS,"))
        .collect();
    assert_eq!(
        gauges,
        ["JSTAT_BIB_ENTRIES,11", "JSTAT_SESSIONS,11"],
        "{stats}"
    );
    assert!(stats.starts_with("JSTAT_RECEIVED6,"), "{stats}");
    let sh = sh.mask(mask_expiry);
    sh.replay(
        r"
$ jool session display --numeric
TCP:
---------------------------------
(ESTABLISHED) Expires in N hours, N minutes
Remote: 192.0.2.8#8001	2001:db8:1::8#5001
Local: 192.0.2.1#61001	64:ff9b::c000:208#8001
---------------------------------
(V6_FIN_RCV) Expires in N hours, N minutes
Remote: 192.0.2.8#8002	2001:db8:1::8#5002
Local: 192.0.2.1#61002	64:ff9b::c000:208#8002
---------------------------------
(V4_FIN_RCV) Expires in N hours, N minutes
Remote: 192.0.2.8#8003	2001:db8:1::8#5003
Local: 192.0.2.1#61003	64:ff9b::c000:208#8003
---------------------------------
(V4_FIN_V6_FIN_RCV) Expires in N minutes, N seconds
Remote: 192.0.2.8#8004	2001:db8:1::8#5004
Local: 192.0.2.1#61004	64:ff9b::c000:208#8004
---------------------------------
(TRANS) Expires in N minutes, N seconds
Remote: 192.0.2.8#8005	2001:db8:1::8#5005
Local: 192.0.2.1#61005	64:ff9b::c000:208#8005
---------------------------------
(V6_INIT) Expires in N minutes, N seconds
Remote: 192.0.2.99#8006	2001:db8:1::8#5006
Local: 192.0.2.1#61006	64:ff9b::c000:263#8006
---------------------------------
(V4_INIT) Expires in N minutes, N seconds
Remote: 192.0.2.8#7007	2001:db8:1::99#8007
Local: 192.0.2.1#61007	64:ff9b::c000:208#7007
---------------------------------
  (Fetched 7 entries.)
$ jool session display --tcp --numeric --no-headers
TCP:
---------------------------------
(ESTABLISHED) Expires in N hours, N minutes
Remote: 192.0.2.8#8001	2001:db8:1::8#5001
Local: 192.0.2.1#61001	64:ff9b::c000:208#8001
---------------------------------
(V6_FIN_RCV) Expires in N hours, N minutes
Remote: 192.0.2.8#8002	2001:db8:1::8#5002
Local: 192.0.2.1#61002	64:ff9b::c000:208#8002
---------------------------------
(V4_FIN_RCV) Expires in N hours, N minutes
Remote: 192.0.2.8#8003	2001:db8:1::8#5003
Local: 192.0.2.1#61003	64:ff9b::c000:208#8003
---------------------------------
(V4_FIN_V6_FIN_RCV) Expires in N minutes, N seconds
Remote: 192.0.2.8#8004	2001:db8:1::8#5004
Local: 192.0.2.1#61004	64:ff9b::c000:208#8004
---------------------------------
(TRANS) Expires in N minutes, N seconds
Remote: 192.0.2.8#8005	2001:db8:1::8#5005
Local: 192.0.2.1#61005	64:ff9b::c000:208#8005
---------------------------------
(V6_INIT) Expires in N minutes, N seconds
Remote: 192.0.2.99#8006	2001:db8:1::8#5006
Local: 192.0.2.1#61006	64:ff9b::c000:263#8006
---------------------------------
(V4_INIT) Expires in N minutes, N seconds
Remote: 192.0.2.8#7007	2001:db8:1::99#8007
Local: 192.0.2.1#61007	64:ff9b::c000:208#7007
---------------------------------
$ jool session display
TCP:
---------------------------------
(ESTABLISHED) Expires in N hours, N minutes
Remote: v4node.example#8001	v6node.example#5001
Local: 192.0.2.1#61001	64:ff9b::c000:208#8001
---------------------------------
(V6_FIN_RCV) Expires in N hours, N minutes
Remote: v4node.example#8002	v6node.example#5002
Local: 192.0.2.1#61002	64:ff9b::c000:208#8002
---------------------------------
(V4_FIN_RCV) Expires in N hours, N minutes
Remote: v4node.example#8003	v6node.example#5003
Local: 192.0.2.1#61003	64:ff9b::c000:208#8003
---------------------------------
(V4_FIN_V6_FIN_RCV) Expires in N minutes, N seconds
Remote: v4node.example#8004	v6node.example#5004
Local: 192.0.2.1#61004	64:ff9b::c000:208#8004
---------------------------------
(TRANS) Expires in N minutes, N seconds
Remote: v4node.example#8005	v6node.example#5005
Local: 192.0.2.1#61005	64:ff9b::c000:208#8005
---------------------------------
(V6_INIT) Expires in N minutes, N seconds
Remote: 192.0.2.99#8006	v6node.example#5006
Local: 192.0.2.1#61006	64:ff9b::c000:263#8006
---------------------------------
(V4_INIT) Expires in N minutes, N seconds
Remote: v4node.example#7007	2001:db8:1::99#8007
Local: 192.0.2.1#61007	64:ff9b::c000:208#7007
---------------------------------
  (Fetched 7 entries.)
$ jool session display --numeric --csv
Protocol,IPv6 Remote Address,IPv6 Remote L4-ID,IPv6 Local Address,IPv6 Local L4-ID,IPv4 Local Address,IPv4 Local L4-ID,IPv4 Remote Address,IPv4 Remote L4-ID,Expires in,State
TCP,2001:db8:1::8,5001,64:ff9b::c000:208,8001,192.0.2.1,61001,192.0.2.8,8001,<expiry>,ESTABLISHED
TCP,2001:db8:1::8,5002,64:ff9b::c000:208,8002,192.0.2.1,61002,192.0.2.8,8002,<expiry>,V6_FIN_RCV
TCP,2001:db8:1::8,5003,64:ff9b::c000:208,8003,192.0.2.1,61003,192.0.2.8,8003,<expiry>,V4_FIN_RCV
TCP,2001:db8:1::8,5004,64:ff9b::c000:208,8004,192.0.2.1,61004,192.0.2.8,8004,<expiry>,V4_FIN_V6_FIN_RCV
TCP,2001:db8:1::8,5005,64:ff9b::c000:208,8005,192.0.2.1,61005,192.0.2.8,8005,<expiry>,TRANS
TCP,2001:db8:1::8,5006,64:ff9b::c000:263,8006,192.0.2.1,61006,192.0.2.99,8006,<expiry>,V6_INIT
TCP,2001:db8:1::99,8007,64:ff9b::c000:208,7007,192.0.2.1,61007,192.0.2.8,7007,<expiry>,V4_INIT
$ jool session display --csv --no-headers
TCP,v6node.example,5001,64:ff9b::c000:208,8001,192.0.2.1,61001,v4node.example,8001,<expiry>,ESTABLISHED
TCP,v6node.example,5002,64:ff9b::c000:208,8002,192.0.2.1,61002,v4node.example,8002,<expiry>,V6_FIN_RCV
TCP,v6node.example,5003,64:ff9b::c000:208,8003,192.0.2.1,61003,v4node.example,8003,<expiry>,V4_FIN_RCV
TCP,v6node.example,5004,64:ff9b::c000:208,8004,192.0.2.1,61004,v4node.example,8004,<expiry>,V4_FIN_V6_FIN_RCV
TCP,v6node.example,5005,64:ff9b::c000:208,8005,192.0.2.1,61005,v4node.example,8005,<expiry>,TRANS
TCP,v6node.example,5006,64:ff9b::c000:263,8006,192.0.2.1,61006,192.0.2.99,8006,<expiry>,V6_INIT
TCP,2001:db8:1::99,8007,64:ff9b::c000:208,7007,192.0.2.1,61007,v4node.example,7007,<expiry>,V4_INIT
$ jool session display --udp --numeric
UDP:
---------------------------------
Expires in N minutes, N seconds
Remote: 192.0.2.8#9001	2001:db8:1::8#5101
Local: 192.0.2.1#61101	64:ff9b::c000:208#9001
---------------------------------
Expires in N minutes, N seconds
Remote: 192.0.2.8#9002	2001:db8:1::8#5102
Local: 192.0.2.1#61102	64:ff9b::c000:208#9002
---------------------------------
  (Fetched 2 entries.)
$ jool session display --udp
UDP:
---------------------------------
Expires in N minutes, N seconds
Remote: v4node.example#9001	v6node.example#5101
Local: 192.0.2.1#61101	64:ff9b::c000:208#9001
---------------------------------
Expires in N minutes, N seconds
Remote: v4node.example#9002	v6node.example#5102
Local: 192.0.2.1#61102	64:ff9b::c000:208#9002
---------------------------------
  (Fetched 2 entries.)
$ jool session display --udp --csv
Protocol,IPv6 Remote Address,IPv6 Remote L4-ID,IPv6 Local Address,IPv6 Local L4-ID,IPv4 Local Address,IPv4 Local L4-ID,IPv4 Remote Address,IPv4 Remote L4-ID,Expires in,State
UDP,v6node.example,5101,64:ff9b::c000:208,9001,192.0.2.1,61101,v4node.example,9001,<expiry>
UDP,v6node.example,5102,64:ff9b::c000:208,9002,192.0.2.1,61102,v4node.example,9002,<expiry>
$ jool session display --icmp --numeric
ICMP:
---------------------------------
Expires in N seconds
Remote: 192.0.2.8#61201	2001:db8:1::8#4242
Local: 192.0.2.1#61201	64:ff9b::c000:208#4242
---------------------------------
Expires in N seconds
Remote: 192.0.2.8#61202	2001:db8:1::8#4243
Local: 192.0.2.1#61202	64:ff9b::c000:208#4243
---------------------------------
  (Fetched 2 entries.)
$ jool session display --icmp --csv --numeric
Protocol,IPv6 Remote Address,IPv6 Remote L4-ID,IPv6 Local Address,IPv6 Local L4-ID,IPv4 Local Address,IPv4 Local L4-ID,IPv4 Remote Address,IPv4 Remote L4-ID,Expires in,State
ICMP,2001:db8:1::8,4242,64:ff9b::c000:208,4242,192.0.2.1,61201,192.0.2.8,61201,<expiry>
ICMP,2001:db8:1::8,4243,64:ff9b::c000:208,4243,192.0.2.1,61202,192.0.2.8,61202,<expiry>
$ jool bib display --numeric
[Static TCP] 192.0.2.1#61001 - 2001:db8:1::8#5001
[Static TCP] 192.0.2.1#61002 - 2001:db8:1::8#5002
[Static TCP] 192.0.2.1#61003 - 2001:db8:1::8#5003
[Static TCP] 192.0.2.1#61004 - 2001:db8:1::8#5004
[Static TCP] 192.0.2.1#61005 - 2001:db8:1::8#5005
[Static TCP] 192.0.2.1#61006 - 2001:db8:1::8#5006
[Static TCP] 192.0.2.1#61007 - 2001:db8:1::99#8007
$ jool bib display
[Static TCP] 192.0.2.1#61001 - v6node.example#5001
[Static TCP] 192.0.2.1#61002 - v6node.example#5002
[Static TCP] 192.0.2.1#61003 - v6node.example#5003
[Static TCP] 192.0.2.1#61004 - v6node.example#5004
[Static TCP] 192.0.2.1#61005 - v6node.example#5005
[Static TCP] 192.0.2.1#61006 - v6node.example#5006
[Static TCP] 192.0.2.1#61007 - 2001:db8:1::99#8007
$ jool bib display --csv
Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?
TCP,v6node.example,5001,192.0.2.1,61001,1
TCP,v6node.example,5002,192.0.2.1,61002,1
TCP,v6node.example,5003,192.0.2.1,61003,1
TCP,v6node.example,5004,192.0.2.1,61004,1
TCP,v6node.example,5005,192.0.2.1,61005,1
TCP,v6node.example,5006,192.0.2.1,61006,1
TCP,2001:db8:1::99,8007,192.0.2.1,61007,1
$ jool bib display --udp
[Static UDP] 192.0.2.1#61101 - v6node.example#5101
[Dynamic UDP] 192.0.2.1#61102 - v6node.example#5102
$ jool bib display --icmp --csv --no-headers
ICMP,v6node.example,4242,192.0.2.1,61201,1
ICMP,v6node.example,4243,192.0.2.1,61202,0
$ jool pool4 remove 192.0.2.1 61101-61102 --udp --quick
$ jool pool4 display --udp --no-headers
+------------+-------+--------------------+-----------------+-------------+
$ jool bib display --udp --numeric
[Static UDP] 192.0.2.1#61101 - 2001:db8:1::8#5101
[Dynamic UDP] 192.0.2.1#61102 - 2001:db8:1::8#5102
$ jool pool4 remove 192.0.2.1 61201 --icmp
$ jool bib display --icmp --numeric
[Dynamic ICMP] 192.0.2.1#61202 - 2001:db8:1::8#4243
$ jool session display --icmp --numeric
ICMP:
---------------------------------
Expires in N seconds
Remote: 192.0.2.8#61202	2001:db8:1::8#4243
Local: 192.0.2.1#61202	64:ff9b::c000:208#4243
---------------------------------
  (Fetched 1 entries.)
$ jool pool4 flush
$ jool pool4 display --csv --no-headers
$ jool bib display --numeric
$ jool bib display --udp --numeric
$ jool session display --numeric
TCP:
---------------------------------
  (empty)
$ jool session display --udp --numeric --csv
Protocol,IPv6 Remote Address,IPv6 Remote L4-ID,IPv6 Local Address,IPv6 Local L4-ID,IPv4 Local Address,IPv4 Local L4-ID,IPv4 Remote Address,IPv4 Remote L4-ID,Expires in,State
",
    );
    drop((held, syn6, syn4));
}
