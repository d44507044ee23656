//! A reusable packet buffer with headroom, so IPv4→IPv6 growth is an in-place prepend.

use crate::offload::Offload;

/// Bytes reserved in front of the packet: IPv4→IPv6 grows the outer header by 20 bytes,
/// a Fragment header adds 8, and the inner packet of an ICMP error grows by as much again.
pub const HEADROOM: usize = 128;

/// Largest packet the buffer holds (the largest IPv6 payload plus its header, and the
/// largest GSO super-packet the datapath reads).
pub const MAX_PACKET: usize = 65_535 + 40;

/// An owned buffer: `HEADROOM` bytes, then the packet, then spare room. Allocated once per
/// worker and reused for every packet, so the steady state allocates nothing.
pub struct PacketBuf {
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    offload: Offload,
}

impl Default for PacketBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for PacketBuf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacketBuf")
            .field("len", &self.len())
            .finish()
    }
}

impl PacketBuf {
    /// An empty buffer able to hold any packet.
    pub fn new() -> Self {
        PacketBuf {
            buf: vec![0u8; HEADROOM + MAX_PACKET + HEADROOM].into_boxed_slice(),
            start: HEADROOM,
            end: HEADROOM,
            offload: Offload::NONE,
        }
    }

    /// Replaces the content with `bytes` (truncated to `MAX_PACKET`), headroom restored.
    pub fn load(&mut self, bytes: &[u8]) {
        let n = bytes.len().min(MAX_PACKET);
        self.start = HEADROOM;
        self.end = HEADROOM + n;
        self.buf[self.start..self.end].copy_from_slice(&bytes[..n]);
        self.offload = Offload::NONE;
    }

    /// Empties the buffer (and forgets its offloads).
    pub fn clear(&mut self) {
        self.start = HEADROOM;
        self.end = HEADROOM;
        self.offload = Offload::NONE;
    }

    /// Empties the buffer and returns the room a packet is read into (`MAX_PACKET` bytes after
    /// the headroom); [`set_len`](Self::set_len) then says how much of it was filled.
    pub fn spare_mut(&mut self) -> &mut [u8] {
        self.clear();
        &mut self.buf[HEADROOM..HEADROOM + MAX_PACKET]
    }

    /// After [`spare_mut`](Self::spare_mut): the packet is its first `len` bytes (at most
    /// `MAX_PACKET`).
    pub fn set_len(&mut self, len: usize) {
        self.start = HEADROOM;
        self.end = HEADROOM + len.min(MAX_PACKET);
    }

    /// The offloads the packet carries (see [`crate::offload`]).
    pub fn offload(&self) -> Offload {
        self.offload
    }

    /// Sets the offloads the packet carries.
    pub fn set_offload(&mut self, offload: Offload) {
        self.offload = offload;
    }

    /// Length of the packet.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Is the buffer empty?
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// The packet.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// The packet, writable.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.buf[self.start..self.end]
    }

    /// Bytes available in front of the packet.
    pub fn headroom(&self) -> usize {
        self.start
    }

    /// Bytes available after the packet.
    pub fn tailroom(&self) -> usize {
        self.buf.len() - self.end
    }

    /// Grows the packet by `n` bytes at the front (their content is unspecified).
    /// Returns false, changing nothing, if the headroom is too small.
    pub fn push_front(&mut self, n: usize) -> bool {
        if n > self.start {
            return false;
        }
        self.start -= n;
        true
    }

    /// Removes `n` bytes from the front. Returns false, changing nothing, if `n > len`.
    pub fn pull_front(&mut self, n: usize) -> bool {
        if n > self.len() {
            return false;
        }
        self.start += n;
        true
    }

    /// Grows the packet by `n` bytes at the back (content unspecified). False if no room.
    pub fn push_back(&mut self, n: usize) -> bool {
        if n > self.tailroom() {
            return false;
        }
        self.end += n;
        true
    }

    /// Shortens the packet to `len` bytes (no-op if already shorter).
    pub fn truncate(&mut self, len: usize) {
        if len < self.len() {
            self.end = self.start + len;
        }
    }

    /// Opens a gap of `n` bytes at `offset` by moving the bytes before `offset` toward the
    /// front (header insertion). False, changing nothing, if `offset > len` or no headroom.
    pub fn insert_gap(&mut self, offset: usize, n: usize) -> bool {
        if offset > self.len() || n > self.start {
            return false;
        }
        let old = self.start;
        self.start -= n;
        self.buf.copy_within(old..old + offset, self.start);
        true
    }

    /// Removes `n` bytes at `offset` by moving the bytes before it toward the back (header
    /// removal). False, changing nothing, if the range is outside the packet.
    pub fn remove_gap(&mut self, offset: usize, n: usize) -> bool {
        if offset.checked_add(n).is_none_or(|e| e > self.len()) {
            return false;
        }
        let old = self.start;
        self.buf.copy_within(old..old + offset, old + n);
        self.start += n;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_shrinks_in_place() {
        let mut p = PacketBuf::new();
        p.load(&[1, 2, 3, 4]);
        assert!(p.push_front(2));
        p.bytes_mut()[..2].copy_from_slice(&[9, 9]);
        assert_eq!(p.bytes(), &[9, 9, 1, 2, 3, 4]);
        assert!(p.pull_front(3));
        assert_eq!(p.bytes(), &[2, 3, 4]);
        assert!(!p.pull_front(4));
        assert!(!p.push_front(HEADROOM + 10));
        p.truncate(1);
        assert_eq!(p.bytes(), &[2]);
    }

    #[test]
    fn inserts_and_removes_gaps() {
        let mut p = PacketBuf::new();
        p.load(&[1, 2, 3, 4, 5]);
        assert!(p.insert_gap(2, 3));
        assert_eq!(p.len(), 8);
        assert_eq!(&p.bytes()[..2], &[1, 2]);
        assert_eq!(&p.bytes()[5..], &[3, 4, 5]);
        assert!(p.remove_gap(2, 3));
        assert_eq!(p.bytes(), &[1, 2, 3, 4, 5]);
        assert!(!p.remove_gap(4, 2));
        assert!(!p.insert_gap(6, 1));
    }
}
