//! Long-lived connections (session synchronization's `Op::SsSubscribe`): after the request
//! and its `Response::Ok`, both sides keep exchanging frames of the same shape
//! (`[len: u32 BE][JSON]`), each at most [`MAX_SS_FRAME`] bytes.
//!
//! ```text
//!   client ── Request(SsSubscribe) ──► daemon
//!          ◄── Response::Ok ──
//!          ◄── Response::SsBatch(bytes) ──   ── SsUp::Ack ──►   (repeat)
//!                                            ── SsUp::Inject(bytes) ──► (any time)
//! ```
//! [`FrameReader`] assembles frames from whatever a non-blocking or timed-out read returned,
//! so a reader that polls never loses its place inside a frame.

use crate::proto::{Request, Response, MAX_SS_FRAME};
use crate::transport::{self, TransportError, NETNS_PATH};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::{self, Read};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::path::Path;

/// Writes one frame.
pub fn write_frame<T: Serialize>(stream: &UnixStream, value: &T) -> io::Result<()> {
    let body = serde_json::to_vec(value).map_err(io::Error::other)?;
    if body.len() > MAX_SS_FRAME {
        return Err(io::Error::other(format!(
            "frame of {} bytes over the {MAX_SS_FRAME}-byte limit",
            body.len()
        )));
    }
    transport::write_frame_bytes(stream, &body)
}

/// Why a frame could not be read from a stream.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The connection failed or closed.
    #[error("the connection failed: {0}")]
    Io(#[from] io::Error),
    /// A frame announced more than [`MAX_SS_FRAME`] bytes.
    #[error("a frame of {0} bytes is over the limit")]
    TooLarge(usize),
    /// A frame is not the JSON expected.
    #[error("malformed frame: {0}")]
    Malformed(String),
}

/// Assembles frames from partial reads. Holds at most one frame's bytes plus one read.
#[derive(Debug, Default)]
pub struct FrameReader {
    buf: Vec<u8>,
}

impl FrameReader {
    /// An empty reader.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads once from `r` (which may time out: `WouldBlock`/`TimedOut` mean "nothing yet",
    /// `Ok(false)`). `Ok(true)`: bytes arrived. End of stream is an `UnexpectedEof` error.
    pub fn fill(&mut self, r: &mut impl Read) -> Result<bool, StreamError> {
        let mut chunk = [0u8; 16 * 1024];
        match r.read(&mut chunk) {
            Ok(0) => Err(StreamError::Io(io::ErrorKind::UnexpectedEof.into())),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(true)
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(StreamError::Io(e)),
        }
    }

    /// The next complete frame, if one is buffered.
    pub fn next_frame<T: DeserializeOwned>(&mut self) -> Option<Result<T, StreamError>> {
        let header: [u8; 4] = self.buf.get(..4)?.try_into().ok()?;
        let len = u32::from_be_bytes(header) as usize;
        if len > MAX_SS_FRAME {
            self.buf.clear();
            return Some(Err(StreamError::TooLarge(len)));
        }
        let body = self.buf.get(4..4 + len)?;
        let value = serde_json::from_slice(body).map_err(|e| StreamError::Malformed(e.to_string()));
        self.buf.drain(..4 + len);
        Some(value)
    }

    /// Blocks (within the stream's timeouts) until a whole frame is there.
    pub fn read<T: DeserializeOwned>(&mut self, stream: &UnixStream) -> Result<T, StreamError> {
        loop {
            if let Some(v) = self.next_frame() {
                return v;
            }
            let mut r = stream;
            if !self.fill(&mut r)? {
                return Err(StreamError::Io(io::ErrorKind::TimedOut.into()));
            }
        }
    }
}

/// Opens a long-lived connection: sends `req` (with the calling thread's namespace) and
/// returns the daemon's first answer with the stream, which stays open when that answer is
/// `Response::Ok`.
pub fn open(path: &Path, req: &Request) -> Result<(UnixStream, Response), TransportError> {
    let ns = std::fs::File::open(NETNS_PATH).map_err(TransportError::Namespace)?;
    let stream =
        UnixStream::connect(path).map_err(|e| TransportError::NoDaemon(path.to_path_buf(), e))?;
    transport::send_request(&stream, req, ns.as_fd())?;
    let resp = transport::read_response(&stream)?;
    Ok((stream, resp))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::SsUp;

    #[test]
    fn frames_survive_byte_by_byte_delivery() {
        let (a, b) = UnixStream::pair().unwrap();
        write_frame(&a, &Response::SsBatch(vec![1, 2, 3])).unwrap();
        write_frame(&a, &SsUp::Ack).unwrap();
        let mut all = Vec::new();
        drop(a);
        (&b).read_to_end(&mut all).unwrap();
        let mut r = FrameReader::new();
        let mut got_batch = None;
        let mut got_up = None;
        for byte in all {
            r.buf.push(byte);
            if got_batch.is_none() {
                got_batch = r.next_frame::<Response>();
            } else if got_up.is_none() {
                got_up = r.next_frame::<SsUp>();
            }
        }
        assert_eq!(
            got_batch.unwrap().unwrap(),
            Response::SsBatch(vec![1, 2, 3])
        );
        assert_eq!(got_up.unwrap().unwrap(), SsUp::Ack);
        assert!(r.next_frame::<SsUp>().is_none());
    }

    #[test]
    fn refuses_an_oversized_frame_without_reading_it() {
        let mut r = FrameReader::new();
        r.buf
            .extend_from_slice(&((MAX_SS_FRAME + 1) as u32).to_be_bytes());
        assert!(matches!(
            r.next_frame::<SsUp>(),
            Some(Err(StreamError::TooLarge(_)))
        ));
        let (a, _b) = UnixStream::pair().unwrap();
        let big = Response::SsBatch(vec![255; MAX_SS_FRAME]);
        assert!(write_frame(&a, &big).is_err());
    }

    #[test]
    fn a_timed_out_read_is_not_an_error_but_the_end_is() {
        let (a, b) = UnixStream::pair().unwrap();
        b.set_read_timeout(Some(std::time::Duration::from_millis(5)))
            .unwrap();
        let mut r = FrameReader::new();
        assert!(!r.fill(&mut &b).unwrap());
        drop(a);
        assert!(matches!(r.fill(&mut &b), Err(StreamError::Io(_))));
    }
}
