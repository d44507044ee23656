//! The control socket: framing, namespace passing and size limits.
//!
//! ```text
//!   client                                              daemon
//!   request(path, req) ──connect──► accept
//!     frame = [len: u32 BE][JSON]  ──sendmsg (+ SCM_RIGHTS: /proc/thread-self/ns/net)──►
//!                                     read_request(): len ≤ MAX_REQUEST, JSON, version, fd
//!                                ◄── write_response(): [len][JSON] ──
//!     read_response(): len ≤ MAX_RESPONSE
//! ```
//!
//! One request per connection. The namespace descriptor travels with the first bytes of the
//! request, so it cannot be separated from the request it belongs to. Everything here is safe
//! Rust: the descriptor is received as an `OwnedFd` (rustix), never as a raw integer.

use crate::proto::{
    Request, Response, DEFAULT_SOCKET, MAX_REQUEST, MAX_RESPONSE, PROTOCOL_VERSION, SOCKET_ENV,
};
use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags,
};
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

/// Where the client's network namespace is read from (the calling thread's, so a thread that
/// entered another namespace speaks for that one).
pub const NETNS_PATH: &str = "/proc/thread-self/ns/net";

/// errno sent back for a frame the daemon cannot accept (EINVAL).
const EINVAL: i32 = 22;
/// errno sent back for an oversized frame (E2BIG).
const E2BIG: i32 = 7;
/// errno sent back for a protocol version mismatch (EPROTO).
const EPROTO: i32 = 71;
/// errno sent back when reading the request failed (EIO).
const EIO: i32 = 5;

/// The socket path: `--socket`, then `$JOOL_SOCKET`, then [`DEFAULT_SOCKET`].
pub fn socket_path(flag: Option<&Path>) -> PathBuf {
    if let Some(path) = flag {
        return path.to_path_buf();
    }
    match std::env::var_os(SOCKET_ENV) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => PathBuf::from(DEFAULT_SOCKET),
    }
}

/// Why a client could not get an answer.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// Nothing listens on the socket (the spirit of Jool's "Jool hasn't been modprobed").
    #[error(
        "jool-daemon does not seem to be running.\n(Could not connect to {path}: {err}. Start it with 'jool-daemon'.)",
        path = .0.display(),
        err = .1
    )]
    NoDaemon(PathBuf, io::Error),
    /// The client's own namespace could not be opened.
    #[error("Cannot open {NETNS_PATH}: {0}")]
    Namespace(io::Error),
    /// The request is larger than the daemon accepts.
    #[error("The request is too large ({0} bytes; the limit is {MAX_REQUEST}).")]
    RequestTooLarge(usize),
    /// The daemon announced a response larger than [`MAX_RESPONSE`].
    #[error("The daemon's response is too large ({0} bytes; the limit is {MAX_RESPONSE}).")]
    ResponseTooLarge(usize),
    /// The daemon's response is not a [`Response`].
    #[error("Cannot understand the daemon's response: {0}")]
    Malformed(String),
    /// The connection failed midway.
    #[error("Lost the connection to jool-daemon: {0}")]
    Io(io::Error),
}

/// Why the daemon could not accept a request. [`FrameError::response`] is what it answers.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// Reading failed (peer gone, read timeout).
    #[error("Could not read the request: {0}")]
    Io(io::Error),
    /// The announced length exceeds [`MAX_REQUEST`].
    #[error("The request is too large ({0} bytes; the limit is {MAX_REQUEST}).")]
    TooLarge(usize),
    /// The frame is not a JSON [`Request`].
    #[error("Malformed request: {0}")]
    Malformed(String),
    /// The client speaks another protocol version.
    #[error("Version mismatch. jool-daemon speaks protocol version {PROTOCOL_VERSION},\nbut the client speaks version {0}.\nPlease update the older one.")]
    Version(u32),
    /// The request came without the client's network namespace descriptor.
    #[error("The request did not carry the client's network namespace.")]
    NoNamespace,
}

impl FrameError {
    /// Jool's errno for this failure.
    pub fn errno(&self) -> i32 {
        match self {
            FrameError::Io(_) => EIO,
            FrameError::TooLarge(_) => E2BIG,
            FrameError::Version(_) => EPROTO,
            FrameError::Malformed(_) | FrameError::NoNamespace => EINVAL,
        }
    }

    /// The error response the daemon sends for this failure.
    pub fn response(&self) -> Response {
        Response::Error {
            errno: self.errno(),
            message: self.to_string(),
        }
    }
}

/// Sends `req` to the daemon at `path` with the calling thread's network namespace and
/// returns its answer.
pub fn request(path: &Path, req: &Request) -> Result<Response, TransportError> {
    let ns = std::fs::File::open(NETNS_PATH).map_err(TransportError::Namespace)?;
    let stream =
        UnixStream::connect(path).map_err(|e| TransportError::NoDaemon(path.to_path_buf(), e))?;
    let sent = send_request(&stream, req, ns.as_fd());
    // The daemon may answer (e.g. with an error) before reading everything: prefer its word
    // over our write error.
    match (sent, read_response(&stream)) {
        (_, Ok(resp)) => Ok(resp),
        (Err(e), Err(_)) => Err(e),
        (Ok(()), Err(e)) => Err(e),
    }
}

/// Writes one request frame; the first bytes carry `ns` with SCM_RIGHTS.
pub fn send_request(
    stream: &UnixStream,
    req: &Request,
    ns: BorrowedFd<'_>,
) -> Result<(), TransportError> {
    let body = serde_json::to_vec(req).map_err(|e| TransportError::Malformed(e.to_string()))?;
    if body.len() > MAX_REQUEST {
        return Err(TransportError::RequestTooLarge(body.len()));
    }
    send_frame_with_fd(stream, &body, ns).map_err(TransportError::Io)
}

/// Writes `[len][body]`, passing `fd` along with the first byte.
fn send_frame_with_fd(stream: &UnixStream, body: &[u8], fd: BorrowedFd<'_>) -> io::Result<()> {
    let header = frame_len(body.len())?.to_be_bytes();
    let fds = [fd];
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !control.push(SendAncillaryMessage::ScmRights(&fds)) {
        return Err(io::Error::other("no room for the namespace descriptor"));
    }
    let iov = [IoSlice::new(&header), IoSlice::new(body)];
    let sent = loop {
        match rustix::net::sendmsg(stream, &iov, &mut control, SendFlags::NOSIGNAL) {
            Ok(n) => break n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    };
    // Whatever did not fit goes out without ancillary data.
    let mut w = stream;
    if sent < header.len() {
        w.write_all(&header[sent..])?;
        w.write_all(body)?;
    } else {
        w.write_all(&body[sent - header.len()..])?;
    }
    w.flush()
}

fn frame_len(len: usize) -> io::Result<u32> {
    u32::try_from(len).map_err(|_| io::Error::other("frame longer than 4 GiB"))
}

/// Reads the daemon's answer.
pub fn read_response(stream: &UnixStream) -> Result<Response, TransportError> {
    let mut r = stream;
    let mut header = [0u8; 4];
    r.read_exact(&mut header).map_err(TransportError::Io)?;
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_RESPONSE {
        return Err(TransportError::ResponseTooLarge(len));
    }
    let body = read_body(&mut r, len).map_err(TransportError::Io)?;
    serde_json::from_slice(&body).map_err(|e| TransportError::Malformed(e.to_string()))
}

/// Reads exactly `len` bytes without trusting `len` for the allocation (the buffer grows
/// with the bytes actually received).
fn read_body(r: &mut impl Read, len: usize) -> io::Result<Vec<u8>> {
    let mut body = Vec::with_capacity(len.min(64 * 1024));
    let got = r.take(len as u64).read_to_end(&mut body)?;
    if got != len {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("the frame ended after {got} of {len} bytes"),
        ));
    }
    Ok(body)
}

/// Reads one request frame and the namespace descriptor that came with it. Checks the size
/// limit before reading the body, then the JSON, then the protocol version.
pub fn read_request(stream: &UnixStream) -> Result<(Request, OwnedFd), FrameError> {
    let mut header = [0u8; 4];
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let got = loop {
        let mut iov = [IoSliceMut::new(&mut header)];
        match rustix::net::recvmsg(stream, &mut iov, &mut control, RecvFlags::CMSG_CLOEXEC) {
            Ok(m) => break m.bytes,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(FrameError::Io(e.into())),
        }
    };
    if got == 0 {
        return Err(FrameError::Io(io::ErrorKind::UnexpectedEof.into()));
    }
    let mut ns = None;
    for msg in control.drain() {
        if let RecvAncillaryMessage::ScmRights(fds) = msg {
            for fd in fds {
                // Keep the first; any extra descriptor is closed on drop.
                ns.get_or_insert(fd);
            }
        }
    }
    let mut r = stream;
    r.read_exact(&mut header[got..]).map_err(FrameError::Io)?;
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_REQUEST {
        return Err(FrameError::TooLarge(len));
    }
    let body = read_body(&mut r, len).map_err(FrameError::Io)?;
    let req = parse_request(&body)?;
    let ns = ns.ok_or(FrameError::NoNamespace)?;
    Ok((req, ns))
}

/// Just the version, to tell a version mismatch from garbage.
#[derive(serde::Deserialize)]
struct VersionOnly {
    version: u32,
}

/// Decodes a request body: JSON, then the version.
pub fn parse_request(body: &[u8]) -> Result<Request, FrameError> {
    match serde_json::from_slice::<Request>(body) {
        Ok(req) if req.version == PROTOCOL_VERSION => Ok(req),
        Ok(req) => Err(FrameError::Version(req.version)),
        Err(e) => match serde_json::from_slice::<VersionOnly>(body) {
            Ok(v) if v.version != PROTOCOL_VERSION => Err(FrameError::Version(v.version)),
            _ => Err(FrameError::Malformed(e.to_string())),
        },
    }
}

/// Writes the daemon's answer. A response over [`MAX_RESPONSE`] is replaced by an error.
pub fn write_response(stream: &UnixStream, resp: &Response) -> io::Result<()> {
    let mut body = serde_json::to_vec(resp).map_err(io::Error::other)?;
    if body.len() > MAX_RESPONSE {
        let err = Response::Error {
            errno: E2BIG,
            message: format!(
                "The response is too large ({} bytes; the limit is {MAX_RESPONSE}).",
                body.len()
            ),
        };
        body = serde_json::to_vec(&err).map_err(io::Error::other)?;
    }
    write_frame_bytes(stream, &body)
}

/// Writes `body` as one frame: its length (u32, big-endian), then the bytes.
pub(crate) fn write_frame_bytes(stream: &UnixStream, body: &[u8]) -> io::Result<()> {
    let mut w = stream;
    w.write_all(&frame_len(body.len())?.to_be_bytes())?;
    w.write_all(body)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{FrameworkDto, Op, Xlator};
    use std::os::fd::AsRawFd;

    fn sample() -> Request {
        Request {
            version: PROTOCOL_VERSION,
            xlator: Xlator::Nat64,
            instance: "alpha".into(),
            op: Op::InstanceAdd {
                framework: FrameworkDto::Iptables,
                pool6: Some("64:ff9b::/96".into()),
                queue: Some(3.into()),
            },
        }
    }

    fn devnull() -> std::fs::File {
        std::fs::File::open("/dev/null").unwrap()
    }

    fn raw_frame(stream: &UnixStream, header: u32, body: &[u8]) {
        let null = devnull();
        let mut w = stream;
        // The descriptor rides on the header, as a real client sends it.
        let mut frame = header.to_be_bytes().to_vec();
        frame.extend_from_slice(body);
        let fds = [null.as_fd()];
        let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
        let mut control = SendAncillaryBuffer::new(&mut space);
        assert!(control.push(SendAncillaryMessage::ScmRights(&fds)));
        let n = rustix::net::sendmsg(
            stream,
            &[IoSlice::new(&frame)],
            &mut control,
            SendFlags::empty(),
        )
        .unwrap();
        w.write_all(&frame[n..]).unwrap();
    }

    #[test]
    fn round_trips_request_with_namespace_fd_and_response() {
        let (client, server) = UnixStream::pair().unwrap();
        let null = devnull();
        send_request(&client, &sample(), null.as_fd()).unwrap();
        let (req, fd) = read_request(&server).unwrap();
        assert_eq!(req, sample());
        // A new descriptor for the same file.
        assert_ne!(fd.as_raw_fd(), null.as_raw_fd());
        let a = rustix::fs::fstat(&fd).unwrap();
        let b = rustix::fs::fstat(&null).unwrap();
        assert_eq!((a.st_dev, a.st_ino), (b.st_dev, b.st_ino));

        let resp = Response::Error {
            errno: 3,
            message: "This namespace lacks an instance named 'alpha'.".into(),
        };
        write_response(&server, &resp).unwrap();
        assert_eq!(read_response(&client).unwrap(), resp);
    }

    #[test]
    fn rejects_oversized_frame_before_reading_it() {
        let (client, server) = UnixStream::pair().unwrap();
        raw_frame(&client, (MAX_REQUEST + 1) as u32, b"{}");
        let err = read_request(&server).unwrap_err();
        assert!(
            matches!(err, FrameError::TooLarge(n) if n == MAX_REQUEST + 1),
            "{err}"
        );
        assert!(matches!(err.response(), Response::Error { errno: 7, .. }));
    }

    #[test]
    fn rejects_garbage_json() {
        let (client, server) = UnixStream::pair().unwrap();
        let body = b"\x00\xffnot json at all";
        raw_frame(&client, body.len() as u32, body);
        let err = read_request(&server).unwrap_err();
        assert!(matches!(err, FrameError::Malformed(_)), "{err}");
        assert!(matches!(err.response(), Response::Error { errno: 22, .. }));
    }

    #[test]
    fn rejects_truncated_frame() {
        let (client, server) = UnixStream::pair().unwrap();
        raw_frame(&client, 100, b"{\"version\":1");
        drop(client);
        let err = read_request(&server).unwrap_err();
        assert!(matches!(err, FrameError::Io(_)), "{err}");
    }

    #[test]
    fn answers_version_mismatch_with_an_error() {
        // A future client whose request shape changed.
        let body = br#"{"version":2,"xlator":"Siit","what":"new"}"#;
        let err = parse_request(body).unwrap_err();
        assert!(matches!(err, FrameError::Version(2)), "{err}");
        let Response::Error { errno, message } = err.response() else {
            panic!("not an error");
        };
        assert_eq!(errno, 71);
        assert!(message.starts_with("Version mismatch."), "{message}");
        // Same shape, other version.
        let mut req = sample();
        req.version = 0;
        let body = serde_json::to_vec(&req).unwrap();
        assert!(matches!(parse_request(&body), Err(FrameError::Version(0))));
    }

    #[test]
    fn rejects_request_without_namespace_fd() {
        let (client, server) = UnixStream::pair().unwrap();
        let body = serde_json::to_vec(&sample()).unwrap();
        let mut w = &client;
        w.write_all(&(body.len() as u32).to_be_bytes()).unwrap();
        w.write_all(&body).unwrap();
        let err = read_request(&server).unwrap_err();
        assert!(matches!(err, FrameError::NoNamespace), "{err}");
    }

    #[test]
    fn client_refuses_oversized_response() {
        let (client, server) = UnixStream::pair().unwrap();
        let mut w = &server;
        w.write_all(&u32::MAX.to_be_bytes()).unwrap();
        assert!(matches!(
            read_response(&client),
            Err(TransportError::ResponseTooLarge(_))
        ));
    }

    #[test]
    fn reports_missing_daemon_clearly() {
        let dir = std::env::temp_dir().join(format!("jool-ctl-test-{}", std::process::id()));
        let path = dir.join("nothing.sock");
        let err = request(&path, &sample()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("jool-daemon does not seem to be running.\n(Could not connect to "),
            "{text}"
        );
        assert!(text.ends_with(". Start it with 'jool-daemon'.)"), "{text}");
        assert!(
            text.contains("nothing.sock: No such file or directory"),
            "{text}"
        );
    }

    #[test]
    fn socket_path_prefers_flag() {
        assert_eq!(
            socket_path(Some(Path::new("/tmp/x.sock"))),
            PathBuf::from("/tmp/x.sock")
        );
    }
}
