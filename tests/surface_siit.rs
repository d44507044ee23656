//! `jool_siit`'s whole surface against the real daemon, as transcripts (see `surface/mod.rs`
//! and the coverage matrix in `surface/README.md`): `instance`, `global` (every SIIT key, valid
//! and invalid values), `eamt`, `denylist4` and the deprecated `blacklist4`, `address query`
//! and `stats`, with `--csv`, `--no-headers` and every operation flag.
//!
//! Each test owns a namespace (`jrs-ss-<8 hex>`, deleted on drop) and a daemon; documentation
//! addresses only. Needs root; without it every test returns early and says so.

mod common;
mod surface;

use common::{root_or_skip, Daemon, Ns};
use surface::Shell;

#[test]
fn siit_instance_add_display_status_remove_flush() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-ss");
    let sh = Shell::new(&d, &ns);
    sh.replay(
        r#"
$ jool_siit instance display
+--------------------+-----------------+-----------+
|          Namespace |            Name | Framework |
+--------------------+-----------------+-----------+
+--------------------+-----------------+-----------+
$ jool_siit instance status
Dead
(Instance 'default' does not exist.)
$ jool_siit instance add
$ jool_siit instance add alpha --iptables
$ jool_siit -i beta instance add --iptables --pool6 2001:db8:64::/96
$ jool_siit instance add --iptables -6 64:ff9b::/96 'CE 11b'
$ jool_siit instance display
+--------------------+-----------------+-----------+
|          Namespace |            Name | Framework |
+--------------------+-----------------+-----------+
|    {ns} |         default | netfilter |
|    {ns} |           alpha |  iptables |
|    {ns} |            beta |  iptables |
|    {ns} |          CE 11b |  iptables |
+--------------------+-----------------+-----------+
$ jool_siit instance display --csv
Namespace,Name,Framework,Queue
{ns},default,netfilter,
{ns},alpha,iptables,0
{ns},beta,iptables,1
{ns},CE 11b,iptables,2
$ jool_siit instance display --no-headers
+--------------------+-----------------+-----------+
|    {ns} |         default | netfilter |
|    {ns} |           alpha |  iptables |
|    {ns} |            beta |  iptables |
|    {ns} |          CE 11b |  iptables |
+--------------------+-----------------+-----------+
$ jool_siit instance display --csv --no-headers
{ns},default,netfilter,
{ns},alpha,iptables,0
{ns},beta,iptables,1
{ns},CE 11b,iptables,2
$ jool_siit -i alpha instance display --csv
! Warning: instance display ignores the instance name argument.
Namespace,Name,Framework,Queue
{ns},default,netfilter,
{ns},alpha,iptables,0
{ns},beta,iptables,1
{ns},CE 11b,iptables,2
$ jool_siit instance status
Running
$ jool_siit -i beta global display
manually-enabled: true
pool6: 2001:db8:64::/96
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
$ jool_siit -i zeta instance status
Dead
(Instance 'zeta' does not exist.)
$ jool_siit -i alpha instance remove
$ jool_siit instance remove beta
$ jool_siit -i 'CE 11b' instance remove 'CE 11b'
$ jool_siit instance display --csv --no-headers
{ns},default,netfilter,
$ jool_siit instance flush
$ jool_siit instance display --no-headers
+--------------------+-----------------+-----------+
+--------------------+-----------------+-----------+
$ jool_siit instance status
Dead
(Instance 'default' does not exist.)
"#,
    );
}

#[test]
fn siit_instance_add_and_remove_errors() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-ss");
    let sh = Shell::new(&d, &ns);
    sh.replay(
        r#"
$ jool_siit instance add --netfilter
$ jool_siit instance add
! Error: The kernel module returned error 17: This namespace already has a Jool instance named 'default'.
[exit 17]
$ jool_siit instance add beta --netfilter
! Error: The kernel module returned error 17: This namespace already has a Netfilter Jool instance.
[exit 17]
$ jool_siit instance add beta --netfilter --iptables
! Error: The translator can only be hooked to one framework.
[exit 234]
$ jool_siit -i alpha instance add beta --iptables
! Error: You entered two different instance names. Please delete one of them.
[exit 234]
$ jool_siit instance add sixteen-chars-xx --iptables
! Error: The instance name must be a null-terminated ascii string, 15 characters max.
[exit 234]
$ jool_siit -i sixteen-chars-xx instance add --iptables
! Error: The instance name must be a null-terminated ascii string, 15 characters max.
[exit 234]
$ jool_siit instance add beta --iptables --pool6 64:ff9b::/95
! Error: The kernel module returned error 22: 95 is not a valid prefix length (32, 40, 48, 56, 64, 96).
[exit 22]
$ jool_siit instance add beta --iptables --pool6 64:ff9b::1/96
! Error: The kernel module returned error 22: '64:ff9b::1/96' seems to have a suffix; please fix.
[exit 22]
$ jool_siit instance add beta --iptables --pool6 64:ff9b::/200
! Error: '200' is out of bounds (0-128).
[exit 234]
$ jool_siit instance add beta --iptables --pool6 64:ff9b:0:0:ff00::/96
$ jool_siit instance add beta --iptables --pool6
! add: option '--pool6' requires an argument
! Try `add --help' or `add --usage' for more information.
[exit 64]
$ jool_siit instance add beta gamma --iptables
$ jool_siit instance remove zeta
! Error: The kernel module returned error 3: The requested instance does not exist.
[exit 3]
$ jool_siit -i alpha instance remove beta
! Error: You entered two different instance names. Please delete one of them.
[exit 234]
$ jool_siit -i alpha instance flush
! Warning: instance flush ignores the instance name argument.
$ jool_siit instance display --csv
Namespace,Name,Framework,Queue
"#,
    );
}

#[test]
fn siit_global_display_and_update_of_every_key() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-ss");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool_siit instance add --iptables");
    sh.replay(
        r#"
$ jool_siit global display
manually-enabled: true
pool6: (unset)
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
$ jool_siit global display --csv
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
$ jool_siit global display --no-headers
manually-enabled: true
pool6: (unset)
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
$ jool_siit global display --csv --no-headers
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
$ jool_siit global update manually-enabled false
$ jool_siit global update pool6 64:ff9b::/96
$ jool_siit global update lowest-ipv6-mtu 1500
$ jool_siit global update logging-debug yes
$ jool_siit global update zeroize-traffic-class ON
$ jool_siit global update override-tos 1
$ jool_siit global update tos 255
$ jool_siit global update mtu-plateaus 1500,0,9000,1500,1280
$ jool_siit global update amend-udp-checksum-zero true
$ jool_siit global update eam-hairpin-mode simple
$ jool_siit global update randomize-rfc6791-addresses off
$ jool_siit global update rfc6791v6-prefix 2001:db8:6791::/120
$ jool_siit global update rfc6791v4-prefix 192.0.2.0/28
$ jool_siit global display
manually-enabled: false
pool6: 64:ff9b::/96
lowest-ipv6-mtu: 1500
logging-debug: true
zeroize-traffic-class: true
override-tos: true
tos: 255
mtu-plateaus: 9000,1500,1280
amend-udp-checksum-zero: true
eam-hairpin-mode: simple
randomize-rfc6791-addresses: false
rfc6791v6-prefix: 2001:db8:6791::/120
rfc6791v4-prefix: 192.0.2.0/28
$ jool_siit global display --csv
Field,Value
manually-enabled,FALSE
pool6,64:ff9b::/96
lowest-ipv6-mtu,1500
logging-debug,TRUE
zeroize-traffic-class,TRUE
override-tos,TRUE
tos,255
mtu-plateaus,"9000,1500,1280"
amend-udp-checksum-zero,TRUE
eam-hairpin-mode,simple
randomize-rfc6791-addresses,FALSE
rfc6791v6-prefix,2001:db8:6791::/120
rfc6791v4-prefix,192.0.2.0/28
$ jool_siit global update pool6 null
$ jool_siit global update rfc6791v6-prefix null
$ jool_siit global update rfc6791v4-prefix null
$ jool_siit global update eam-hairpin-mode off
$ jool_siit global update mtu-plateaus 68
$ jool_siit global display --csv --no-headers
manually-enabled,FALSE
pool6,
lowest-ipv6-mtu,1500
logging-debug,TRUE
zeroize-traffic-class,TRUE
override-tos,TRUE
tos,255
mtu-plateaus,"68"
amend-udp-checksum-zero,TRUE
eam-hairpin-mode,off
randomize-rfc6791-addresses,FALSE
rfc6791v6-prefix,
rfc6791v4-prefix,
"#,
    );
}

#[test]
fn siit_global_update_rejects_invalid_values_and_changes_nothing() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-ss");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool_siit instance add --iptables --pool6 64:ff9b::/96");
    let before = sh.stdout("jool_siit global display");
    sh.replay(
        r#"
$ jool_siit global update manually-enabled maybe
! Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool_siit global update manually-enabled
! Error: Missing value of key manually-enabled.
[exit 234]
$ jool_siit global update pool6 64:ff9b::/95
! Error: The kernel module returned error 22: 95 is not a valid prefix length (32, 40, 48, 56, 64, 96).
[exit 22]
$ jool_siit global update pool6 64:ff9b::1/96
! Error: The kernel module returned error 22: '64:ff9b::1/96' seems to have a suffix; please fix.
[exit 22]
$ jool_siit global update pool6 64:ff9b:0:0:ff00::/96
! Error: The kernel module returned error 22: The u-bit is nonzero; see https://github.com/NICMx/Jool/issues/174.
! Will cancel the operation. Use --force to override this.
[exit 22]
$ jool_siit global update pool6 potato
! Error: Cannot parse 'potato' as an IPv6 address.
[exit 234]
$ jool_siit global update pool6 64:ff9b::/129
! Error: '129' is out of bounds (0-128).
[exit 234]
$ jool_siit global update lowest-ipv6-mtu 1279
! Error: The kernel module returned error 22: lowest-ipv6-mtu (1279) is too small (min: 1280).
[exit 22]
$ jool_siit global update lowest-ipv6-mtu x
! Error: 'x' is not an unsigned integer. (error code 1)
[exit 234]
$ jool_siit global update lowest-ipv6-mtu 4294967296
! Error: '4294967296' is out of bounds (0-4294967295).
[exit 234]
$ jool_siit global update lowest-ipv6-mtu 99999999999999999999999
! Error: Parsing of '99999999999999999999999' threw error code 34.
[exit 234]
$ jool_siit global update logging-debug 2
! Error: Cannot parse '2' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool_siit global update zeroize-traffic-class -1
! zeroize-traffic-class: invalid option -- '1'
! Try `zeroize-traffic-class --help' or `zeroize-traffic-class --usage' for more information.
[exit 64]
$ jool_siit global update override-tos nope
! Error: Cannot parse 'nope' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool_siit global update tos 256
! Error: '256' is out of bounds (0-255).
[exit 234]
$ jool_siit global update tos -1
! tos: invalid option -- '1'
! Try `tos --help' or `tos --usage' for more information.
[exit 64]
$ jool_siit global update mtu-plateaus 0,0
! Error: The kernel module returned error 22: The plateaus list contains nothing but zeroes.
[exit 22]
$ jool_siit global update mtu-plateaus ,
! Error: The plateaus string cannot be empty.
[exit 234]
$ jool_siit global update mtu-plateaus '1500, 1280'
! Error: ' 1280' is not an unsigned integer. (error code 1)
[exit 234]
$ jool_siit global update mtu-plateaus 65536
! Error: '65536' is out of bounds (0-65535).
[exit 234]
$ jool_siit global update mtu-plateaus 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65
! Error: Too many plateaus. The current max is 64.
[exit 234]
$ jool_siit global update amend-udp-checksum-zero maybe
! Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool_siit global update eam-hairpin-mode none
! Error: 'none' cannot be parsed as a hairpinning mode.
! Available options: off, simple, intrinsic
[exit 234]
$ jool_siit global update eam-hairpin-mode 2
! Error: '2' cannot be parsed as a hairpinning mode.
! Available options: off, simple, intrinsic
[exit 234]
$ jool_siit global update randomize-rfc6791-addresses 10
! Error: Cannot parse '10' as a bool (true|false|1|0|yes|no|on|off).
[exit 234]
$ jool_siit global update rfc6791v6-prefix 2001:db8::1/64
! Error: The kernel module returned error 22: '2001:db8::1/64' seems to have a suffix; please fix.
[exit 22]
$ jool_siit global update rfc6791v6-prefix 192.0.2.0/24
! Error: Cannot parse '192.0.2.0' as an IPv6 address.
[exit 234]
$ jool_siit global update rfc6791v4-prefix 192.0.2.1/24
! Error: The kernel module returned error 22: '192.0.2.1/24' seems to have a suffix; please fix.
[exit 22]
$ jool_siit global update rfc6791v4-prefix 127.0.0.0/8
! Error: The kernel module returned error 22: Prefix 127.0.0.0/8 intersects with subnet scoped network 127.0.0.0/8.
! Will cancel the operation. Use --force to ignore this validation.
[exit 22]
$ jool_siit global update rfc6791v4-prefix 192.0.2.0/33
! Error: '33' is out of bounds (0-32).
[exit 234]
$ jool_siit global update f-args 3
! Unexpected token: 'f-args'
! Available options: manually-enabled pool6 lowest-ipv6-mtu logging-debug zeroize-traffic-class override-tos tos mtu-plateaus amend-udp-checksum-zero eam-hairpin-mode randomize-rfc6791-addresses rfc6791v6-prefix rfc6791v4-prefix 
[exit 234]
$ jool_siit global update udp-timeout 1:00:00
! Unexpected token: 'udp-timeout'
! Available options: manually-enabled pool6 lowest-ipv6-mtu logging-debug zeroize-traffic-class override-tos tos mtu-plateaus amend-udp-checksum-zero eam-hairpin-mode randomize-rfc6791-addresses rfc6791v6-prefix rfc6791v4-prefix 
[exit 234]
$ jool_siit global update potato 1
! Unexpected token: 'potato'
! Available options: manually-enabled pool6 lowest-ipv6-mtu logging-debug zeroize-traffic-class override-tos tos mtu-plateaus amend-udp-checksum-zero eam-hairpin-mode randomize-rfc6791-addresses rfc6791v6-prefix rfc6791v4-prefix 
[exit 234]
$ jool_siit global update
! More arguments expected.
! Possible follow-ups: manually-enabled pool6 lowest-ipv6-mtu logging-debug zeroize-traffic-class override-tos tos mtu-plateaus amend-udp-checksum-zero eam-hairpin-mode randomize-rfc6791-addresses rfc6791v6-prefix rfc6791v4-prefix 
[exit 234]
$ jool_siit global update r 1
! Ambiguous token: 'r'
! Available options: randomize-rfc6791-addresses rfc6791v6-prefix rfc6791v4-prefix 
[exit 234]
"#,
    );
    assert_eq!(sh.stdout("jool_siit global display"), before);
}

#[test]
fn siit_global_update_force_and_abbreviations() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-ss");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool_siit instance add --iptables");
    sh.replay(
        r#"
$ jool_siit global update pool6 64:ff9b:0:0:ff00::/96 --force
$ jool_siit global update rfc6791v4-prefix 127.0.0.0/8 -f
$ jool_siit g u low 1400
$ jool_siit g u ra no
$ jool_siit gl up eam off
$ jool_siit glob disp --no-h
manually-enabled: true
pool6: 64:ff9b:0:0:ff00::/96
lowest-ipv6-mtu: 1400
logging-debug: false
zeroize-traffic-class: false
override-tos: false
tos: 0
mtu-plateaus: 65535,32000,17914,8166,4352,2002,1492,1006,508,296,68
amend-udp-checksum-zero: false
eam-hairpin-mode: off
randomize-rfc6791-addresses: false
rfc6791v6-prefix: (unset)
rfc6791v4-prefix: 127.0.0.0/8
"#,
    );
}

/// The example of Jool's `eamt` documentation, literally, then every operation's variants.
#[test]
fn siit_eamt_documentation_example_and_operations() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-ss");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool_siit instance add --iptables");
    sh.replay(
        r#"
$ jool_siit eamt display
+---------------------------------------------+--------------------+
|                                 IPv6 Prefix |        IPv4 Prefix |
+---------------------------------------------+--------------------+
+---------------------------------------------+--------------------+
$ jool_siit eamt add 192.0.2.1      2001:db8:aaaa::
$ jool_siit eamt add 192.0.2.2/32   2001:db8:bbbb::b/128
$ jool_siit eamt add 192.0.2.16/28  2001:db8:cccc::/124
$ jool_siit eamt add 192.0.2.128/26 2001:db8:dddd::/64
$ jool_siit eamt add 192.0.2.192/31 64:ff9b::/127
$ jool_siit eamt display
+---------------------------------------------+--------------------+
|                                 IPv6 Prefix |        IPv4 Prefix |
+---------------------------------------------+--------------------+
|                               64:ff9b::/127 |     192.0.2.192/31 |
|                         2001:db8:dddd::/64  |     192.0.2.128/26 |
|                         2001:db8:cccc::/124 |      192.0.2.16/28 |
|                        2001:db8:bbbb::b/128 |       192.0.2.2/32 |
|                         2001:db8:aaaa::/128 |       192.0.2.1/32 |
+---------------------------------------------+--------------------+
$ jool_siit eamt display --csv
IPv6 Prefix,IPv4 Prefix
64:ff9b::/127,192.0.2.192/31
2001:db8:dddd::/64,192.0.2.128/26
2001:db8:cccc::/124,192.0.2.16/28
2001:db8:bbbb::b/128,192.0.2.2/32
2001:db8:aaaa::/128,192.0.2.1/32
$ jool_siit eamt display --no-headers
|                               64:ff9b::/127 |     192.0.2.192/31 |
|                         2001:db8:dddd::/64  |     192.0.2.128/26 |
|                         2001:db8:cccc::/124 |      192.0.2.16/28 |
|                        2001:db8:bbbb::b/128 |       192.0.2.2/32 |
|                         2001:db8:aaaa::/128 |       192.0.2.1/32 |
+---------------------------------------------+--------------------+
$ jool_siit eamt display --csv --no-headers
64:ff9b::/127,192.0.2.192/31
2001:db8:dddd::/64,192.0.2.128/26
2001:db8:cccc::/124,192.0.2.16/28
2001:db8:bbbb::b/128,192.0.2.2/32
2001:db8:aaaa::/128,192.0.2.1/32
$ jool_siit eamt remove 2001:db8:aaaa::
$ jool_siit eamt remove 192.0.2.2
$ jool_siit eamt remove 2001:db8:cccc::/124 192.0.2.16/28
$ jool_siit eamt display --csv
IPv6 Prefix,IPv4 Prefix
64:ff9b::/127,192.0.2.192/31
2001:db8:dddd::/64,192.0.2.128/26
$ jool_siit eamt flush
$ jool_siit eamt display
+---------------------------------------------+--------------------+
|                                 IPv6 Prefix |        IPv4 Prefix |
+---------------------------------------------+--------------------+
+---------------------------------------------+--------------------+
"#,
    );
}

#[test]
fn siit_eamt_validations() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-ss");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool_siit instance add --iptables");
    sh.ok("jool_siit eamt add 2001:db8:aaaa::/120 192.0.2.0/24");
    sh.replay(
        r#"
$ jool_siit eamt add 2001:db8:aaaa::/120 192.0.2.0/24
! Error: The kernel module returned error 17: The requested entry already exists.
[exit 17]
$ jool_siit eamt add 2001:db8:aaaa::/120 198.51.100.0/24
! Error: The kernel module returned error 17: Existing EAM [2001:db8:aaaa::/120|192.0.2.0/24] already contains prefix 2001:db8:aaaa::/120.
[exit 17]
$ jool_siit eamt add 2001:db8:bbbb::/120 192.0.2.0/24
! Error: The kernel module returned error 17: Existing EAM [2001:db8:aaaa::/120|192.0.2.0/24] already contains prefix 192.0.2.0/24.
[exit 17]
$ jool_siit eamt add 2001:db8:bbbb::/125 192.0.2.8/29
! Error: The kernel module returned error 17: Prefix 192.0.2.8/29 overlaps with EAM [2001:db8:aaaa::/120|192.0.2.0/24].
! (Use --force to override this validation.)
[exit 17]
$ jool_siit eamt add 2001:db8:aaaa::/124 198.51.100.0/28
! Error: The kernel module returned error 17: Prefix 2001:db8:aaaa::/124 overlaps with EAM [2001:db8:aaaa::/120|192.0.2.0/24].
! (Use --force to override this validation.)
[exit 17]
$ jool_siit eamt add 2001:db8:bbbb::/125 192.0.2.8/29 --force
$ jool_siit eamt add 2001:db8:cccc::1/120 203.0.113.0/24
! Error: The kernel module returned error 22: '2001:db8:cccc::1/120' seems to have a suffix; please fix.
[exit 22]
$ jool_siit eamt add 2001:db8:cccc::/120 203.0.113.1/24
! Error: The kernel module returned error 22: '203.0.113.1/24' seems to have a suffix; please fix.
[exit 22]
$ jool_siit eamt add 2001:db8:cccc::/124 203.0.113.0/24
! Error: The kernel module returned error 22: The IPv4 suffix length must be smaller or equal than the IPv6 suffix length.
[exit 22]
$ jool_siit eamt add 2001:db8:cccc::/120 potato
! add: Too many arguments
! Try `add --help' or `add --usage' for more information.
[exit 64]
$ jool_siit eamt add 2001:db8:cccc::/120 203.0.113.0/33
! Error: '33' is out of bounds (0-32).
[exit 234]
$ jool_siit eamt add 203.0.113.0/24
! The command is missing an IPv6 prefix.
[exit 234]
$ jool_siit eamt add
! The command is missing an IPv6 prefix and an IPv4 prefix.
[exit 234]
$ jool_siit eamt add 2001:db8:cccc::/120 203.0.113.0/24 extra
! add: Too many arguments
! Try `add --help' or `add --usage' for more information.
[exit 64]
$ jool_siit eamt remove 2001:db8:aaaa::/120 192.0.2.8/29
! Error: The kernel module returned error 3: The requested entry does not exist.
[exit 3]
$ jool_siit eamt remove 2001:db8:dddd::/120
! Error: The kernel module returned error 3: The requested entry does not exist.
[exit 3]
$ jool_siit eamt remove 198.51.100.0/24
! Error: The kernel module returned error 3: The requested entry does not exist.
[exit 3]
$ jool_siit eamt remove
! The command is missing a prefix.
[exit 234]
$ jool_siit eamt display
+---------------------------------------------+--------------------+
|                                 IPv6 Prefix |        IPv4 Prefix |
+---------------------------------------------+--------------------+
|                         2001:db8:bbbb::/125 |       192.0.2.8/29 |
|                         2001:db8:aaaa::/120 |       192.0.2.0/24 |
+---------------------------------------------+--------------------+
"#,
    );
}

/// The example of Jool's `blacklist4` documentation through the deprecated `blacklist4`
/// keyword (each command warns), then `denylist4` itself.
#[test]
fn siit_denylist4_and_deprecated_blacklist4() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-ss");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool_siit instance add --iptables");
    sh.replay(
        r#"
$ jool_siit blacklist4 add 192.0.2.0/28
! Warning: blacklist4 is deprecated. Use 'denylist4' instead.
$ jool_siit blacklist4 add 198.51.100.0/30
! Warning: blacklist4 is deprecated. Use 'denylist4' instead.
$ jool_siit blacklist4 add 203.0.113.8/32
! Warning: blacklist4 is deprecated. Use 'denylist4' instead.
$ jool_siit blacklist4 display
! Warning: blacklist4 is deprecated. Use 'denylist4' instead.
+--------------------+
|        IPv4 Prefix |
+--------------------+
|       192.0.2.0/28 |
|    198.51.100.0/30 |
|     203.0.113.8/32 |
+--------------------+
$ jool_siit blacklist4 remove 198.51.100.0/30
! Warning: blacklist4 is deprecated. Use 'denylist4' instead.
$ jool_siit blacklist4 display --csv
! Warning: blacklist4 is deprecated. Use 'denylist4' instead.
IPv4 Prefix
192.0.2.0/28
203.0.113.8/32
$ jool_siit blacklist4 flush
! Warning: blacklist4 is deprecated. Use 'denylist4' instead.
$ jool_siit denylist4 display
+--------------------+
|        IPv4 Prefix |
+--------------------+
+--------------------+
$ jool_siit denylist4 add 203.0.113.8
$ jool_siit denylist4 add 198.51.100.0/30
$ jool_siit denylist4 add 198.51.100.0/30
$ jool_siit denylist4 add 10.0.0.0/8
$ jool_siit denylist4 display
+--------------------+
|        IPv4 Prefix |
+--------------------+
|     203.0.113.8/32 |
|    198.51.100.0/30 |
|    198.51.100.0/30 |
|        10.0.0.0/8  |
+--------------------+
$ jool_siit denylist4 display --no-headers
|     203.0.113.8/32 |
|    198.51.100.0/30 |
|    198.51.100.0/30 |
|        10.0.0.0/8  |
+--------------------+
$ jool_siit denylist4 display --csv
IPv4 Prefix
203.0.113.8/32
198.51.100.0/30
198.51.100.0/30
10.0.0.0/8
$ jool_siit denylist4 display --csv --no-headers
203.0.113.8/32
198.51.100.0/30
198.51.100.0/30
10.0.0.0/8
$ jool_siit denylist4 add 0.0.0.0/8
! Error: The kernel module returned error 22: Prefix 0.0.0.0/8 intersects with subnet scoped network 0.0.0.0/8.
! Will cancel the operation. Use --force to ignore this validation.
[exit 22]
$ jool_siit denylist4 add 127.0.0.1
! Error: The kernel module returned error 22: Prefix 127.0.0.1/32 intersects with subnet scoped network 127.0.0.0/8.
! Will cancel the operation. Use --force to ignore this validation.
[exit 22]
$ jool_siit denylist4 add 169.254.0.0/16
! Error: The kernel module returned error 22: Prefix 169.254.0.0/16 intersects with subnet scoped network 169.254.0.0/16.
! Will cancel the operation. Use --force to ignore this validation.
[exit 22]
$ jool_siit denylist4 add 224.0.0.0/3
! Error: The kernel module returned error 22: Prefix 224.0.0.0/3 intersects with subnet scoped network 224.0.0.0/4.
! Will cancel the operation. Use --force to ignore this validation.
[exit 22]
$ jool_siit denylist4 add 255.255.255.255
! Error: The kernel module returned error 22: Prefix 255.255.255.255/32 intersects with subnet scoped network 255.255.255.255/32.
! Will cancel the operation. Use --force to ignore this validation.
[exit 22]
$ jool_siit denylist4 add 0.0.0.0/0
! Error: The kernel module returned error 22: Prefix 0.0.0.0/0 intersects with subnet scoped network 0.0.0.0/8.
! Will cancel the operation. Use --force to ignore this validation.
[exit 22]
$ jool_siit denylist4 add 224.0.0.0/4 --force
$ jool_siit denylist4 add 192.0.2.1/24
! Error: The kernel module returned error 22: '192.0.2.1/24' seems to have a suffix; please fix.
[exit 22]
$ jool_siit denylist4 add 192.0.2.0/33
! Error: '33' is out of bounds (0-32).
[exit 234]
$ jool_siit denylist4 add
! The command is missing an IPv4 prefix.
[exit 234]
$ jool_siit denylist4 remove 10.0.0.0/16
! Error: The kernel module returned error 3: Could not find the requested entry in the IPv4 pool.
[exit 3]
$ jool_siit denylist4 remove 198.51.100.0/30
$ jool_siit denylist4 display --csv --no-headers
203.0.113.8/32
198.51.100.0/30
10.0.0.0/8
224.0.0.0/4
$ jool_siit denylist4 flush
$ jool_siit denylist4 display --csv
IPv4 Prefix
"#,
    );
}

/// The example of Jool's `address` documentation, literally, then the other directions.
#[test]
fn siit_address_query_documentation_example() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-ss");
    let sh = Shell::new(&d, &ns);
    sh.replay(
        r#"
$ jool_siit instance add --iptables --pool6 64:ff9b::/96
$ jool_siit eamt add 192.0.2.1      2001:db8:aaaa::
$ jool_siit eamt add 192.0.2.2/32   2001:db8:bbbb::b/128
$ jool_siit eamt add 192.0.2.16/28  2001:db8:cccc::/124
$ jool_siit eamt add 192.0.2.128/26 2001:db8:dddd::/64
$ jool_siit eamt add 192.0.2.192/29 2001:db8:eeee:8::/62
$ jool_siit eamt add 192.0.2.224/31 64:ff9b::/127
$ jool_siit address query 192.0.2.1
2001:db8:aaaa::
$ jool_siit address query 2001:db8:aaaa::
192.0.2.1
$ jool_siit address query --verbose 192.0.2.225
  Query: 192.0.2.225
  Scheme: EAMT
    EAM: 64:ff9b::/127 | 192.0.2.224/31
  Operation: 192.0.2.225 - 192.0.2.224/31 + 64:ff9b::/127 = 64:ff9b::1
  Result: 64:ff9b::1
$ jool_siit address query --verbose 64:ff9b::c000:2f8
  Query: 64:ff9b::c000:2f8
  Scheme: RFC 6052 prefix
    Prefix: 64:ff9b::/96
  Operation: 64:ff9b::c000:2f8 - 64:ff9b::/96 = 192.0.2.248
  Result: 192.0.2.248
$ jool_siit address query 2001:db8::1
! Error: The kernel module returned error 22: The input address lacks both pool6 prefix and EAM.
[exit 22]
$ jool_siit address query -v 2001:db8:cccc::5
  Query: 2001:db8:cccc::5
  Scheme: EAMT
    EAM: 2001:db8:cccc::/124 | 192.0.2.16/28
  Operation: 2001:db8:cccc::5 - 2001:db8:cccc::/124 + 192.0.2.16/28 = 192.0.2.21
  Result: 192.0.2.21
$ jool_siit address query -v 198.51.100.7
  Query: 198.51.100.7
  Scheme: RFC 6052 prefix
    Prefix: 64:ff9b::/96
  Operation: 64:ff9b::/96 + 198.51.100.7 = 64:ff9b::c633:6407
  Result: 64:ff9b::c633:6407
$ jool_siit address query 198.51.100.7 -v
  Query: 198.51.100.7
  Scheme: RFC 6052 prefix
    Prefix: 64:ff9b::/96
  Operation: 64:ff9b::/96 + 198.51.100.7 = 64:ff9b::c633:6407
  Result: 64:ff9b::c633:6407
$ jool_siit address query
! The command is missing an IP address.
[exit 234]
$ jool_siit address query potato
! query: Too many arguments
! Try `query --help' or `query --usage' for more information.
[exit 64]
$ jool_siit address query 192.0.2
! Error: Cannot parse '192.0.2' as an IPv4 address.
[exit 234]
$ jool_siit global update pool6 null
$ jool_siit address query 198.51.100.7
! Error: The kernel module returned error 22: The address lacks EAMT entry and there's no pool6 prefix.
[exit 22]
"#,
    );
}

/// Every counter of the reference's §6, in ID order (IDs 1 to 83; 84 is padding).
const JSTATS: [&str; 83] = [
    "JSTAT_RECEIVED6",
    "JSTAT_RECEIVED4",
    "JSTAT_SUCCESS",
    "JSTAT_BIB_ENTRIES",
    "JSTAT_SESSIONS",
    "JSTAT_ENOMEM",
    "JSTAT_XLATOR_DISABLED",
    "JSTAT_POOL6_UNSET",
    "JSTAT_SKB_SHARED",
    "JSTAT_L3HDR_OFFSET",
    "JSTAT_SKB_TRUNCATED",
    "JSTAT_HDR6",
    "JSTAT_HDR4",
    "JSTAT_UNKNOWN_L4_PROTO",
    "JSTAT_UNKNOWN_ICMP6_TYPE",
    "JSTAT_UNKNOWN_ICMP4_TYPE",
    "JSTAT_DOUBLE_ICMP6_ERROR",
    "JSTAT_DOUBLE_ICMP4_ERROR",
    "JSTAT_UNKNOWN_PROTO_INNER",
    "JSTAT_HAIRPIN_LOOP",
    "JSTAT_POOL6_MISMATCH",
    "JSTAT_POOL4_MISMATCH",
    "JSTAT_ICMP6_FILTER",
    "JSTAT_UNTRANSLATABLE_DST6",
    "JSTAT_UNTRANSLATABLE_DST4",
    "JSTAT_6056_F",
    "JSTAT_MASK_DOMAIN_NOT_FOUND",
    "JSTAT_BIB6_NOT_FOUND",
    "JSTAT_BIB4_NOT_FOUND",
    "JSTAT_SESSION_NOT_FOUND",
    "JSTAT_ADF",
    "JSTAT_V4_SYN",
    "JSTAT_SYN6_EXPECTED",
    "JSTAT_SYN4_EXPECTED",
    "JSTAT_TYPE1PKT",
    "JSTAT_TYPE2PKT",
    "JSTAT_SO_EXISTS",
    "JSTAT_SO_FULL",
    "JSTAT64_SRC",
    "JSTAT64_DST",
    "JSTAT64_PSKB_COPY",
    "JSTAT64_6791_ENOENT",
    "JSTAT64_ICMP_CSUM",
    "JSTAT64_UNTRANSLATABLE_PARAM_PROB_PTR",
    "JSTAT64_TTL",
    "JSTAT64_FRAGMENTED_ICMP",
    "JSTAT64_2XFRAG",
    "JSTAT64_FRAG_THEN_EXT",
    "JSTAT64_SEGMENTS_LEFT",
    "JSTAT46_SRC",
    "JSTAT46_DST",
    "JSTAT46_PSKB_COPY",
    "JSTAT46_6791_ENOENT",
    "JSTAT46_ICMP_CSUM",
    "JSTAT46_UNTRANSLATABLE_PARAM_PROBLEM_PTR",
    "JSTAT46_TTL",
    "JSTAT46_FRAGMENTED_ICMP",
    "JSTAT46_SRC_ROUTE",
    "JSTAT46_FRAGMENTED_ZERO_CSUM",
    "JSTAT46_BAD_MTU",
    "JSTAT_FAILED_ROUTES",
    "JSTAT_PKT_TOO_BIG",
    "JSTAT_DST_OUTPUT",
    "JSTAT_ICMP6ERR_SUCCESS",
    "JSTAT_ICMP6ERR_FAILURE",
    "JSTAT_ICMP4ERR_SUCCESS",
    "JSTAT_ICMP4ERR_FAILURE",
    "JSTAT_ICMPEXT_BIG",
    "JSTAT_JOOLD_EMPTY",
    "JSTAT_JOOLD_TIMEOUT",
    "JSTAT_JOOLD_MISSING_ACK",
    "JSTAT_JOOLD_AD_ONGOING",
    "JSTAT_JOOLD_PKT_FULL",
    "JSTAT_JOOLD_QUEUING",
    "JSTAT_JOOLD_SSS_QUEUED",
    "JSTAT_JOOLD_SSS_SENT",
    "JSTAT_JOOLD_SSS_RCVD",
    "JSTAT_JOOLD_SSS_ENOSPC",
    "JSTAT_JOOLD_PKT_SENT",
    "JSTAT_JOOLD_PKT_RCVD",
    "JSTAT_JOOLD_ADS",
    "JSTAT_JOOLD_ACKS",
    "JSTAT_UNKNOWN",
];

/// A fresh instance: nothing counted, so the plain display is empty and `--all` lists every
/// counter of the reference, by name, in ID order.
#[test]
fn siit_stats_display_every_flag() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-ss");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool_siit instance add --iptables");
    let all_text: String = JSTATS.iter().map(|n| format!("{n}: 0\n")).collect();
    let all_csv: String = JSTATS.iter().map(|n| format!("{n},0\n")).collect();
    sh.replay(&format!(
        "
$ jool_siit stats display
$ jool_siit stats display --csv
Stat,Value
$ jool_siit stats display --csv --no-headers
$ jool_siit stats display --explain
$ jool_siit stats display --all
{all_text}$ jool_siit stats display -a --csv
Stat,Value
{all_csv}$ jool_siit stats display --all --csv --no-headers
{all_csv}$ jool_siit s d -a --csv --no-h
{all_csv}"
    ));
    let explained = sh.stdout("jool_siit stats display --all --explain");
    assert!(explained.starts_with(
        "JSTAT_RECEIVED6: 0\nTotal IPv6 packets received by the instance so far.\n\n\
         JSTAT_RECEIVED4: 0\n"
    ));
    assert!(explained.contains(
        "\nJSTAT_SUCCESS: 0\nSuccessful translations. (Note: 'Successful translation' does not imply that the packet was actually delivered.)\n\n"
    ));
    let named: Vec<&str> = explained
        .lines()
        .filter_map(|l| l.strip_suffix(": 0"))
        .collect();
    assert_eq!(named, JSTATS);
    let csv = sh.stdout("jool_siit stats display --all --explain --csv");
    assert!(csv.starts_with(
        "Stat,Value,Explanation\nJSTAT_RECEIVED6,0,\"Total IPv6 packets received by the instance so far.\"\n"
    ));
    assert!(csv.contains(
        "\nJSTAT_SUCCESS,0,\"Successful translations. (Note: 'Successful translation' does not imply that the packet was actually delivered.)\"\n"
    ));
    // Some explanations span lines (inside their quotes).
    assert_eq!(csv.lines().filter(|l| l.starts_with("JSTAT")).count(), 83);
}
