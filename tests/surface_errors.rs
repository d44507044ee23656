//! The clients' grammar and every documented error, run for real against a real daemon, as
//! transcripts (see `surface/mod.rs` and `surface/README.md`): help, usage and version
//! screens; keyword abbreviations, ambiguity and unknown keywords; argp's option errors;
//! missing positionals; `-i`/`-f`; missing instances (with the table headers Jool prints
//! first); unprivileged clients; no daemon; exit codes; `autocomplete`.
//!
//! Each test owns a namespace and a daemon; documentation addresses only. Needs root; without
//! it every test returns early and says so.

mod common;
mod surface;

use common::{root_or_skip, Daemon, Ns};
use surface::Shell;

#[test]
fn help_usage_and_version_screens() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-se");
    let sh = Shell::new(&d, &ns);
    sh.replay(
        r#"
$ jool
Usage
=====
jool (
        [<ARGP1>] <MODE> <OPERATION> [<ARGP2>]
        | [-h|--help]
        | (-V|--version)
        | --usage
)

<ARGP1>
=======
Either (--instance|-i) <INSTANCE> or (--file|-f) <FILE>.
- <INSTANCE> is the instance name
- <FILE> is a path to a JSON file that contains the instance name
Also --socket <PATH>: jool-daemon's control socket
(default: $JOOL_SOCKET, else /run/jool/jool.sock).

<MODE>s -> <OPERATION>s
=======================
- instance -> display add remove flush status 
- stats -> display 
- global -> display update 
- pool4 -> display add remove flush 
- bib -> display add remove 
- session -> display follow proxy advertise 
- file -> handle 

<ARGP2>
======
Depends on <MODE> and <OPERATION>. Normally, see respective --help for details.
(Example: jool instance add --help)

Report bugs to the jool-rs issue tracker.
$ jool_siit --help
Usage
=====
jool_siit (
        [<ARGP1>] <MODE> <OPERATION> [<ARGP2>]
        | [-h|--help]
        | (-V|--version)
        | --usage
)

<ARGP1>
=======
Either (--instance|-i) <INSTANCE> or (--file|-f) <FILE>.
- <INSTANCE> is the instance name
- <FILE> is a path to a JSON file that contains the instance name
Also --socket <PATH>: jool-daemon's control socket
(default: $JOOL_SOCKET, else /run/jool/jool.sock).

<MODE>s -> <OPERATION>s
=======================
- instance -> display add remove flush status 
- stats -> display 
- address -> query 
- global -> display update 
- eamt -> display add remove flush 
- blacklist4 -> display add remove flush 
- denylist4 -> display add remove flush 
- file -> handle 

<ARGP2>
======
Depends on <MODE> and <OPERATION>. Normally, see respective --help for details.
(Example: jool_siit instance add --help)

Report bugs to the jool-rs issue tracker.
$ jool -?
Usage
=====
jool (
        [<ARGP1>] <MODE> <OPERATION> [<ARGP2>]
        | [-h|--help]
        | (-V|--version)
        | --usage
)

<ARGP1>
=======
Either (--instance|-i) <INSTANCE> or (--file|-f) <FILE>.
- <INSTANCE> is the instance name
- <FILE> is a path to a JSON file that contains the instance name
Also --socket <PATH>: jool-daemon's control socket
(default: $JOOL_SOCKET, else /run/jool/jool.sock).

<MODE>s -> <OPERATION>s
=======================
- instance -> display add remove flush status 
- stats -> display 
- global -> display update 
- pool4 -> display add remove flush 
- bib -> display add remove 
- session -> display follow proxy advertise 
- file -> handle 

<ARGP2>
======
Depends on <MODE> and <OPERATION>. Normally, see respective --help for details.
(Example: jool instance add --help)

Report bugs to the jool-rs issue tracker.
$ jool -h
! jool: invalid option -- 'h'
Usage
=====
jool (
        [<ARGP1>] <MODE> <OPERATION> [<ARGP2>]
        | [-h|--help]
        | (-V|--version)
        | --usage
)

<ARGP1>
=======
Either (--instance|-i) <INSTANCE> or (--file|-f) <FILE>.
- <INSTANCE> is the instance name
- <FILE> is a path to a JSON file that contains the instance name
Also --socket <PATH>: jool-daemon's control socket
(default: $JOOL_SOCKET, else /run/jool/jool.sock).

<MODE>s -> <OPERATION>s
=======================
- instance -> display add remove flush status 
- stats -> display 
- global -> display update 
- pool4 -> display add remove flush 
- bib -> display add remove 
- session -> display follow proxy advertise 
- file -> handle 

<ARGP2>
======
Depends on <MODE> and <OPERATION>. Normally, see respective --help for details.
(Example: jool instance add --help)

Report bugs to the jool-rs issue tracker.
$ jool --usage
jool (
        [<ARGP1>] <MODE> <OPERATION> [<ARGP2>]
        | [-h|--help]
        | (-V|--version)
        | --usage
)
$ jool_siit --usage
jool_siit (
        [<ARGP1>] <MODE> <OPERATION> [<ARGP2>]
        | [-h|--help]
        | (-V|--version)
        | --usage
)
$ jool --version
4.1.15.0
$ jool_siit -V
4.1.15.0
$ jool --bogus
! jool: unrecognized option '--bogus'
Usage
=====
jool (
        [<ARGP1>] <MODE> <OPERATION> [<ARGP2>]
        | [-h|--help]
        | (-V|--version)
        | --usage
)

<ARGP1>
=======
Either (--instance|-i) <INSTANCE> or (--file|-f) <FILE>.
- <INSTANCE> is the instance name
- <FILE> is a path to a JSON file that contains the instance name
Also --socket <PATH>: jool-daemon's control socket
(default: $JOOL_SOCKET, else /run/jool/jool.sock).

<MODE>s -> <OPERATION>s
=======================
- instance -> display add remove flush status 
- stats -> display 
- global -> display update 
- pool4 -> display add remove flush 
- bib -> display add remove 
- session -> display follow proxy advertise 
- file -> handle 

<ARGP2>
======
Depends on <MODE> and <OPERATION>. Normally, see respective --help for details.
(Example: jool instance add --help)

Report bugs to the jool-rs issue tracker.
$ jool -x
! jool: invalid option -- 'x'
Usage
=====
jool (
        [<ARGP1>] <MODE> <OPERATION> [<ARGP2>]
        | [-h|--help]
        | (-V|--version)
        | --usage
)

<ARGP1>
=======
Either (--instance|-i) <INSTANCE> or (--file|-f) <FILE>.
- <INSTANCE> is the instance name
- <FILE> is a path to a JSON file that contains the instance name
Also --socket <PATH>: jool-daemon's control socket
(default: $JOOL_SOCKET, else /run/jool/jool.sock).

<MODE>s -> <OPERATION>s
=======================
- instance -> display add remove flush status 
- stats -> display 
- global -> display update 
- pool4 -> display add remove flush 
- bib -> display add remove 
- session -> display follow proxy advertise 
- file -> handle 

<ARGP2>
======
Depends on <MODE> and <OPERATION>. Normally, see respective --help for details.
(Example: jool instance add --help)

Report bugs to the jool-rs issue tracker.
$ jool -i
! jool: option '--instance' requires an argument
Usage
=====
jool (
        [<ARGP1>] <MODE> <OPERATION> [<ARGP2>]
        | [-h|--help]
        | (-V|--version)
        | --usage
)

<ARGP1>
=======
Either (--instance|-i) <INSTANCE> or (--file|-f) <FILE>.
- <INSTANCE> is the instance name
- <FILE> is a path to a JSON file that contains the instance name
Also --socket <PATH>: jool-daemon's control socket
(default: $JOOL_SOCKET, else /run/jool/jool.sock).

<MODE>s -> <OPERATION>s
=======================
- instance -> display add remove flush status 
- stats -> display 
- global -> display update 
- pool4 -> display add remove flush 
- bib -> display add remove 
- session -> display follow proxy advertise 
- file -> handle 

<ARGP2>
======
Depends on <MODE> and <OPERATION>. Normally, see respective --help for details.
(Example: jool instance add --help)

Report bugs to the jool-rs issue tracker.
"#,
    );
}

#[test]
fn operation_help_usage_and_version() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-se");
    let sh = Shell::new(&d, &ns);
    sh.replay(
        r#"
$ jool pool4 add --help
Usage: add [OPTION...] <IPv4 prefix> [<port range>]

  -t, --tcp                   Operate on the TCP table (default)
  -u, --udp                   Operate on the UDP table
  -i, --icmp                  Operate on the ICMP table
      --mark=<integer>        Only packets carrying this mark will match this pool4 entry
      --max-iterations=(<integer>|auto|infinity)
                              Maximum number of times the transport address lookup algorithm may iterate
  -f, --force                 Ignore warnings
  -?, --help                  Give this help list
      --usage                 Give a short usage message
  -V, --version               Print program version

Report bugs to the jool-rs issue tracker.
$ jool pool4 add --usage
Usage: add [-tuif?V] [--tcp] [--udp] [--icmp] [--mark=<integer>] [--max-iterations=(<integer>|auto|infinity)] [--force] [--help] [--usage] [--version] <IPv4 prefix> [<port range>]
$ jool bib display -?
Usage: display [OPTION...]

  -t, --tcp                   Operate on the TCP table (default)
  -u, --udp                   Operate on the UDP table
  -i, --icmp                  Operate on the ICMP table
      --no-headers            Do not print table headers
      --csv                   Print in CSV format
      --numeric               Do not resolve names
  -?, --help                  Give this help list
      --usage                 Give a short usage message
  -V, --version               Print program version

Report bugs to the jool-rs issue tracker.
$ jool session display --usage
Usage: display [-tui?V] [--tcp] [--udp] [--icmp] [--no-headers] [--csv] [--numeric] [--help] [--usage] [--version]
$ jool_siit eamt add --help
Usage: add [OPTION...] <IPv6 prefix> <IPv4 prefix>

  -f, --force                 Ignore warnings
  -?, --help                  Give this help list
      --usage                 Give a short usage message
  -V, --version               Print program version

Report bugs to the jool-rs issue tracker.
$ jool_siit denylist4 add --usage
Usage: add [-f?V] [--force] [--help] [--usage] [--version] <IPv4 prefix>
$ jool_siit address query --help
Usage: query [OPTION...] <IP Address>

  -v, --verbose               Show more information
  -?, --help                  Give this help list
      --usage                 Give a short usage message
  -V, --version               Print program version

Report bugs to the jool-rs issue tracker.
$ jool_siit stats display --help
Usage: display [OPTION...]

  -a, --all                   Do not filter out zero stats
  -e, --explain               Print a description of what each stat means
      --no-headers            Do not print table headers
      --csv                   Print in CSV format
  -?, --help                  Give this help list
      --usage                 Give a short usage message
  -V, --version               Print program version

Report bugs to the jool-rs issue tracker.
$ jool global update tcp-est-timeout --help
Usage: tcp-est-timeout [OPTION...] <Value>

  -f, --force                 Ignore warnings
  -?, --help                  Give this help list
      --usage                 Give a short usage message
  -V, --version               Print program version

Report bugs to the jool-rs issue tracker.
$ jool_siit global update pool6 --usage
Usage: pool6 [-f?V] [--force] [--help] [--usage] [--version] <Value>
$ jool file handle --help
Usage: handle [OPTION...] <File name>

  -f, --force                 Ignore warnings
  -?, --help                  Give this help list
      --usage                 Give a short usage message
  -V, --version               Print program version

Report bugs to the jool-rs issue tracker.
$ jool pool4 flush --version
4.1.15.0
$ jool_siit eamt flush --help
Usage: flush [OPTION...]

  -?, --help                  Give this help list
      --usage                 Give a short usage message
  -V, --version               Print program version

Report bugs to the jool-rs issue tracker.
"#,
    );
}

#[test]
fn keywords_abbreviations_ambiguity_and_unknown_tokens() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-se");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool_siit i a --iptables");
    sh.ok("jool in ad --iptables --pool6 64:ff9b::/96");
    sh.replay(
        r#"
$ jool_siit i d --csv
Namespace,Name,Framework,Queue
{ns},default,iptables,0
$ jool i st
Running
$ jool_siit s d
$ jool s d
! Ambiguous token: 's'
! Available options: stats session 
[exit 234]
$ jool st d
$ jool se d --numeric
TCP:
---------------------------------
  (empty)
$ jool_siit g u low 1400
$ jool_siit g u r 1
! Ambiguous token: 'r'
! Available options: randomize-rfc6791-addresses rfc6791v6-prefix rfc6791v4-prefix 
[exit 234]
$ jool_siit e a 2001:db8::/128 192.0.2.1
$ jool_siit e d --csv --no-h
2001:db8::/128,192.0.2.1/32
$ jool_siit d a 198.51.100.0/24
$ jool_siit b d --csv
! Warning: blacklist4 is deprecated. Use 'denylist4' instead.
IPv4 Prefix
198.51.100.0/24
$ jool_siit a q 192.0.2.1
2001:db8::
$ jool p a 192.0.2.1 61001-65535 --tcp
$ jool p d --csv --no-headers
0,TCP,192.0.2.1,61001,65535,1024,0
$ jool b a 2001:db8::1#1 192.0.2.1#61001
$ jool b d --nu
[Static TCP] 192.0.2.1#61001 - 2001:db8::1#1
$ jool f
! More arguments expected.
! Possible follow-ups: handle 
[exit 234]
$ jool i
! More arguments expected.
! Possible follow-ups: display add remove flush status 
[exit 234]
$ jool g
! More arguments expected.
! Possible follow-ups: display update 
[exit 234]
$ jool g u
! More arguments expected.
! Possible follow-ups: manually-enabled pool6 lowest-ipv6-mtu logging-debug zeroize-traffic-class override-tos tos mtu-plateaus address-dependent-filtering drop-externally-initiated-tcp drop-icmpv6-info source-icmpv6-errors-better f-args handle-rst-during-fin-rcv tcp-est-timeout tcp-trans-timeout udp-timeout icmp-timeout logging-bib logging-session maximum-simultaneous-opens ss-enabled ss-flush-asap ss-flush-deadline ss-capacity ss-max-payload ss-max-sessions-per-packet 
[exit 234]
$ jool potato
! Unexpected token: 'potato'
! Available options: instance stats global pool4 bib session file 
[exit 234]
$ jool instance potato
! Unexpected token: 'potato'
! Available options: display add remove flush status 
[exit 234]
$ jool global update potato 1
! Unexpected token: 'potato'
! Available options: manually-enabled pool6 lowest-ipv6-mtu logging-debug zeroize-traffic-class override-tos tos mtu-plateaus address-dependent-filtering drop-externally-initiated-tcp drop-icmpv6-info source-icmpv6-errors-better f-args handle-rst-during-fin-rcv tcp-est-timeout tcp-trans-timeout udp-timeout icmp-timeout logging-bib logging-session maximum-simultaneous-opens ss-enabled ss-flush-asap ss-flush-deadline ss-capacity ss-max-payload ss-max-sessions-per-packet 
[exit 234]
$ jool eamt display
! Unexpected token: 'eamt'
! Available options: instance stats global pool4 bib session file 
[exit 234]
$ jool_siit pool4 display
! Unexpected token: 'pool4'
! Available options: instance stats address global eamt blacklist4 denylist4 file 
[exit 234]
$ jool_siit bib display
! Unexpected token: 'bib'
! Available options: instance stats address global eamt blacklist4 denylist4 file 
[exit 234]
$ jool_siit session display
! Unexpected token: 'session'
! Available options: instance stats address global eamt blacklist4 denylist4 file 
[exit 234]
$ jool_siit joold advertise
! Unexpected token: 'joold'
! Available options: instance stats address global eamt blacklist4 denylist4 file 
[exit 234]
$ jool j advertise
! Unexpected token: 'j'
! Available options: instance stats global pool4 bib session file 
[exit 234]
$ jool autocomplete 1
instance stats global pool4 bib session file [no newline]
$ jool_siit autocomplete 1
instance stats address global eamt blacklist4 denylist4 file [no newline]
$ jool autocomplete 1 s
stats session [no newline]
$ jool autocomplete 2 pool4
display add remove flush [no newline]
$ jool autocomplete 3 global update udp
udp-timeout [no newline]
$ jool autocomplete 3 pool4 add
--tcp --udp --icmp --mark --max-iterations --force --help --usage --version[no newline]
$ jool_siit autocomplete 2 e
display add remove flush [no newline]
$ jool_siit auto 1
! Unexpected token: 'auto'
! Available options: instance stats address global eamt blacklist4 denylist4 file 
[exit 234]
"#,
    );
}

#[test]
fn operation_option_errors_like_argp() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-se");
    let sh = Shell::new(&d, &ns);
    sh.ok("jool instance add --iptables --pool6 64:ff9b::/96");
    sh.replay(
        r#"
$ jool session display --bogus
! display: unrecognized option '--bogus'
! Try `display --help' or `display --usage' for more information.
[exit 64]
$ jool bib display --n
! display: option '--n' is ambiguous; possibilities: '--no-headers' '--numeric'
! Try `display --help' or `display --usage' for more information.
[exit 64]
$ jool bib display --nu
$ jool pool4 add 192.0.2.1 1-2 --tcp --mark
! add: option '--mark' requires an argument
! Try `add --help' or `add --usage' for more information.
[exit 64]
$ jool pool4 add 192.0.2.1 1-2 --tcp --mark=
! Error: '' is not an unsigned integer. (error code 1)
[exit 234]
$ jool pool4 display --tcp=1
! display: option '--tcp' doesn't allow an argument
! Try `display --help' or `display --usage' for more information.
[exit 64]
$ jool pool4 display -x
! display: invalid option -- 'x'
! Try `display --help' or `display --usage' for more information.
[exit 64]
$ jool pool4 display -tx
! display: invalid option -- 'x'
! Try `display --help' or `display --usage' for more information.
[exit 64]
$ jool instance display extra
! display: Too many arguments
! Try `display --help' or `display --usage' for more information.
[exit 64]
$ jool instance flush extra
! flush: Too many arguments
! Try `flush --help' or `flush --usage' for more information.
[exit 64]
$ jool global display extra
! display: Too many arguments
! Try `display --help' or `display --usage' for more information.
[exit 64]
$ jool stats display extra
! display: Too many arguments
! Try `display --help' or `display --usage' for more information.
[exit 64]
$ jool pool4 flush extra
! flush: Too many arguments
! Try `flush --help' or `flush --usage' for more information.
[exit 64]
$ jool pool4 display 192.0.2.1
! display: Too many arguments
! Try `display --help' or `display --usage' for more information.
[exit 64]
$ jool global update tos 1 2
$ jool global update manually-enabled
! Error: Missing value of key manually-enabled.
[exit 234]
$ jool pool4 add --udp -- 192.0.2.1 -5
! Error: '-5' is not an unsigned integer. (error code 1)
[exit 234]
$ jool pool4 add --mark=1 --tcp 192.0.2.1 61001-61002
$ jool pool4 display --csv --no-headers
1,TCP,192.0.2.1,61001,61002,1024,0
$ jool pool4 remove 192.0.2.1 --mark=1 -q
$ jool pool4 display --csv --no-headers
"#,
    );
}

#[test]
fn instance_names_files_and_missing_instances() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-se");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("named.json"), r#"{"instance": "zeta"}"#).unwrap();
    std::fs::write(
        dir.path().join("unnamed.json"),
        r#"{"framework": "netfilter"}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("garbage.json"), "potato").unwrap();
    let sh = Shell::new(&d, &ns).var("{dir}", &dir.path().display().to_string());
    sh.ok("jool_siit instance add --iptables");
    sh.ok("jool instance add --iptables --pool6 64:ff9b::/96");
    sh.replay(
        r#"
$ jool_siit -i sixteen-chars-xx global display
! Error: The instance name must be a null-terminated ascii string, 15 characters max.
[exit 234]
$ jool_siit -i '' global display
! Error: The instance name must be a null-terminated ascii string, 15 characters max.
[exit 234]
$ jool_siit --instance=zeta global display
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
[exit 3]
$ jool_siit -izeta stats display
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
[exit 3]
$ jool_siit -f {dir}/named.json eamt display
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
+---------------------------------------------+--------------------+
|                                 IPv6 Prefix |        IPv4 Prefix |
+---------------------------------------------+--------------------+
[exit 3]
$ jool_siit -f {dir}/named.json eamt display --csv
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
IPv6 Prefix,IPv4 Prefix
[exit 3]
$ jool_siit -f {dir}/unnamed.json eamt display
! Error: The file does not contain an instance name.
[exit 234]
$ jool_siit -f {dir}/garbage.json eamt display
! Error: The JSON parser got confused around the beginning of this string:
! potato
[exit 234]
$ jool_siit -f {dir}/missing.json eamt display
! Error: Cannot read '{dir}/missing.json': No such file or directory (os error 2)
[exit 234]
$ jool_siit -i zeta denylist4 display
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
+--------------------+
|        IPv4 Prefix |
+--------------------+
[exit 3]
$ jool_siit -i zeta denylist4 display --no-headers
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
[exit 3]
$ jool_siit -i zeta address query 192.0.2.1
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
[exit 3]
$ jool_siit -i zeta eamt add 2001:db8::/128 192.0.2.1
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
[exit 3]
$ jool_siit -i zeta instance remove
! Error: The kernel module returned error 3: The requested instance does not exist.
[exit 3]
$ jool_siit -i zeta instance status
Dead
(Instance 'zeta' does not exist.)
$ jool -i zeta pool4 display
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
[exit 3]
$ jool -i zeta pool4 display --csv
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed
[exit 3]
$ jool -i zeta bib display
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
[exit 3]
$ jool -i zeta bib display --csv
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?
[exit 3]
$ jool -i zeta session display --csv --numeric
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
Protocol,IPv6 Remote Address,IPv6 Remote L4-ID,IPv6 Local Address,IPv6 Local L4-ID,IPv4 Local Address,IPv4 Local L4-ID,IPv4 Remote Address,IPv4 Remote L4-ID,Expires in,State
[exit 3]
$ jool -i zeta stats display
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
[exit 3]
$ jool -i zeta global update tos 1
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
[exit 3]
$ jool -i zeta pool4 flush
! Error: The kernel module returned error 3: This namespace lacks an instance named 'zeta'.
[exit 3]
$ jool -f {dir}/named.json -i default global display --csv --no-headers
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
"#,
    );
}

/// Every modification needs CAP_NET_ADMIN (reference §1.1); displays and stats do not.
#[test]
fn unprivileged_clients_display_but_do_not_modify() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let ns = Ns::new("jrs-se");
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("siit.json"),
        r#"{"instance": "default", "framework": "iptables"}"#,
    )
    .unwrap();
    let sh = Shell::new(&d, &ns).var("{dir}", &dir.path().display().to_string());
    sh.ok("jool_siit instance add --iptables --pool6 64:ff9b::/96");
    sh.ok("jool instance add --iptables --pool6 64:ff9b::/96");
    sh.replay(
        r#"
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool_siit eamt add 2001:db8::/128 192.0.2.1
! Error: The kernel module returned error 1: CAP_NET_ADMIN capability required. (Maybe try su or sudo?)
[exit 1]
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool_siit denylist4 flush
! Error: The kernel module returned error 1: CAP_NET_ADMIN capability required. (Maybe try su or sudo?)
[exit 1]
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool_siit global update tos 3
! Error: The kernel module returned error 1: CAP_NET_ADMIN capability required. (Maybe try su or sudo?)
[exit 1]
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool_siit file handle {dir}/siit.json
! Error: The kernel module returned error 1: CAP_NET_ADMIN capability required. (Maybe try su or sudo?)
[exit 1]
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool_siit instance flush
! Error: The kernel module returned error 1: CAP_NET_ADMIN capability required. (Maybe try su or sudo?)
[exit 1]
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool bib add 2001:db8::1#1 192.0.2.1#1
! Error: The kernel module returned error 1: CAP_NET_ADMIN capability required. (Maybe try su or sudo?)
[exit 1]
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool pool4 flush
! Error: The kernel module returned error 1: CAP_NET_ADMIN capability required. (Maybe try su or sudo?)
[exit 1]
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool_siit stats display
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool_siit address query 192.0.2.1
64:ff9b::c000:201
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool_siit eamt display --csv
IPv6 Prefix,IPv4 Prefix
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool_siit instance status
Running
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool bib display --csv
Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool session display --csv
Protocol,IPv6 Remote Address,IPv6 Remote L4-ID,IPv6 Local Address,IPv6 Local L4-ID,IPv4 Local Address,IPv4 Local L4-ID,IPv4 Remote Address,IPv4 Remote L4-ID,Expires in,State
$ setpriv --reuid=65534 --regid=65534 --clear-groups jool global display --csv --no-headers
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
"#,
    );
}

/// With no daemon on the socket every request fails the same way, and `instance status`
/// says `Dead` (init scripts read it).
#[test]
fn no_daemon() {
    if !root_or_skip() {
        return;
    }
    let mut d = Daemon::start();
    let ns = Ns::new("jrs-se");
    assert!(d.terminate().success());
    let sh = Shell::new(&d, &ns).var("{socket}", &d.socket.display().to_string());
    sh.replay(
        r#"
$ jool_siit instance display
! Error: jool-daemon does not seem to be running.
! (Could not connect to {socket}: No such file or directory (os error 2). Start it with 'jool-daemon'.)
[exit 253]
$ jool global update tos 1
! Error: jool-daemon does not seem to be running.
! (Could not connect to {socket}: No such file or directory (os error 2). Start it with 'jool-daemon'.)
[exit 253]
$ jool instance status
! Error: jool-daemon does not seem to be running.
! (Could not connect to {socket}: No such file or directory (os error 2). Start it with 'jool-daemon'.)
Dead
$ jool_siit --socket /nonexistent/jool.sock -i alpha instance status
! Error: jool-daemon does not seem to be running.
! (Could not connect to /nonexistent/jool.sock: No such file or directory (os error 2). Start it with 'jool-daemon'.)
Dead
$ jool_siit --socket /nonexistent/jool.sock eamt flush
! Error: jool-daemon does not seem to be running.
! (Could not connect to /nonexistent/jool.sock: No such file or directory (os error 2). Start it with 'jool-daemon'.)
[exit 253]
$ jool --version
4.1.15.0
$ jool pool4 add 192.0.2.1 --tcp
! The command is missing a port (or ICMP id) range.
[exit 234]
"#,
    );
}
