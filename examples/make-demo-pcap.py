#!/usr/bin/env python3
"""Writes examples/demo.pcap: a few packets that show what the SIIT translator does.

Link type RAW (101). Addresses are documentation ranges only. Usage: make-demo-pcap.py OUT.pcap
"""
import ipaddress
import struct
import sys


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv6(src, dst, nh, payload, hlim=64):
    s, d = ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed
    return struct.pack("!IHBB", 6 << 28, len(payload), nh, hlim) + s + d + payload


def icmp6_echo(src, dst, ident, seq, hlim=64, data=b"jool-rs demo"):
    body = struct.pack("!BBHHH", 128, 0, 0, ident, seq) + data
    s, d = ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed
    pseudo = s + d + struct.pack("!IxxxB", len(body), 58)
    body = body[:2] + struct.pack("!H", csum(pseudo + body)) + body[4:]
    return ipv6(src, dst, 58, body, hlim)


def ipv4(src, dst, proto, payload, ttl=64, ident=0x1234):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, ttl, proto, 0,
                      ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def icmp4_echo_reply(src, dst, ident, seq, data=b"jool-rs demo"):
    body = struct.pack("!BBHHH", 0, 0, 0, ident, seq) + data
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    return ipv4(src, dst, 1, body)


def udp4(src, dst, sport, dport, data):
    body = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    s, d = ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed
    pseudo = s + d + struct.pack("!xBH", 17, len(body))
    body = body[:6] + struct.pack("!H", csum(pseudo + body) or 0xFFFF) + body[8:]
    return ipv4(src, dst, 17, body)


packets = [
    # 1. IPv6 client pings 192.0.2.33 through pool6 64:ff9b::/96 -> translated to IPv4.
    icmp6_echo("2001:db8::8", "64:ff9b::192.0.2.33", 3206, 1),
    # 2. The IPv4 server answers -> translated to IPv6.
    icmp4_echo_reply("192.0.2.33", "198.51.100.8", 3206, 1),
    # 3. An IPv6 packet whose destination is outside pool6 -> handed back to the kernel.
    icmp6_echo("2001:db8::8", "2001:db8:ffff::1", 3206, 2),
    # 4. Hop limit 1 -> dropped, and the translator answers ICMPv6 Time Exceeded.
    icmp6_echo("2001:db8::8", "64:ff9b::192.0.2.33", 3206, 3, hlim=1),
    # 5. UDP from the IPv4 side to an IPv6 host mapped by the EAMT.
    udp4("192.0.2.33", "198.51.100.8", 53, 40000, b"answer"),
]

with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
    for i, p in enumerate(packets):
        f.write(struct.pack("<IIII", 1_700_000_000 + i, 0, len(p), len(p)))
        f.write(p)
