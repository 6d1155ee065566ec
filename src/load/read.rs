//! Reading inputs: regular files (in two halves at once when large), pipes
//! and FIFOs named on the command line (with Ctrl-C and a size bound),
//! never devices.

use super::*;

/// The most a pipe given as an input may hold, and the most a regular
/// file may grow by while it is read.
pub(crate) const MAX_STREAM: u64 = 4 << 30;
pub(crate) const MAX_GROWTH: u64 = 64 << 20;

/// Reads an input or an included file. A device is refused (`/dev/zero`
/// never ends, `/dev/urandom` is not text); a pipe or FIFO is read when
/// named on the command line (`<(...)`, `/dev/stdin`), with Ctrl-C checked
/// every tenth of a second and a bound on its size, but never through an
/// include.
pub(crate) fn read(path: &Path, included: bool) -> Result<Vec<u8>, String> {
    use std::os::unix::fs::FileTypeExt;
    let kind = match std::fs::metadata(path) {
        Ok(meta) => meta.file_type(),
        Err(e) => return Err(io_message(&e)),
    };
    if kind.is_dir() {
        return Err("it is a directory".into());
    }
    if kind.is_char_device() || kind.is_block_device() {
        return Err("it is a device, not a file".into());
    }
    if kind.is_fifo() || kind.is_socket() {
        if included {
            return Err(
                "it is a FIFO or socket, not a file: an include names regular files".into(),
            );
        }
        return read_stream(path).map_err(|e| io_message(&e));
    }
    read_bytes(path, READ_IN_HALVES).map_err(|e| io_message(&e))
}

pub(crate) fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Reads a pipe to its end, waiting at most a tenth of a second at a time
/// so that Ctrl-C stops it, and at most [`MAX_STREAM`] bytes.
pub(crate) fn read_stream(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    // Opened without blocking: a FIFO with no writer yet would block the
    // open itself, where Ctrl-C cannot reach.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let mut bytes = Vec::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut seen_writer = false;
    loop {
        if crate::cancel::requested() {
            return Err(std::io::Error::other("reading was cancelled"));
        }
        let mut poll = libc::pollfd {
            fd: file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, for the length given.
        let ready = unsafe { libc::poll(&mut poll, 1, 100) };
        if ready < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if ready == 0 {
            continue;
        }
        match file.read(&mut buffer) {
            Ok(0) if seen_writer || poll.revents & libc::POLLHUP != 0 => return Ok(bytes),
            Ok(0) => std::thread::sleep(std::time::Duration::from_millis(10)),
            Ok(n) => {
                seen_writer = true;
                bytes.extend_from_slice(&buffer[..n]);
                if bytes.len() as u64 > MAX_STREAM {
                    return Err(std::io::Error::other(format!(
                        "it holds more than {} GiB",
                        MAX_STREAM >> 30
                    )));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// A file's bytes, read in two halves at once (one on another thread) when
/// it has at least `halves_from` bytes. Reading a large file is mostly the
/// copy from the page cache and the kernel's clearing of the new pages it
/// lands in, work for a core a half: the 5,000,000-statement file (167 MB)
/// reads in 53-76 ms instead of 103-141 ms, its snapshot (245 MB) in
/// 95-108 ms instead of 141-196 ms. The buffer is not advised as huge
/// pages: that read in 25-35 ms, but two reads in five stalled for 260 ms
/// while the kernel compacted memory to find them.
pub(crate) fn read_bytes(path: &Path, halves_from: usize) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::io::{Read, Seek};
        use std::os::unix::fs::FileExt;
        let mut file = std::fs::File::open(path)?;
        let len = file.metadata()?.len() as usize;
        let mut bytes = if len < halves_from {
            Vec::with_capacity(len)
        } else {
            let mut bytes = vec![0u8; len];
            let (first, second) = bytes.split_at_mut(len / 2);
            let fill = |buf: &mut [u8], mut at: u64| -> std::io::Result<usize> {
                let mut done = 0;
                while done < buf.len() {
                    match file.read_at(&mut buf[done..], at) {
                        Ok(0) => break,
                        Ok(n) => (done, at) = (done + n, at + n as u64),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(done)
            };
            let half = first.len();
            let (a, b) = std::thread::scope(|scope| {
                let b = scope.spawn(|| fill(second, half as u64));
                (fill(first, 0), b.join().expect("the reading thread"))
            });
            // A file that shrank while it was read is read again whole.
            if a? < half || b? < len - half {
                bytes.clear();
            }
            bytes
        };
        // The rest: all of a small file, what a large one grew by (a file
        // that keeps growing is refused, not read for ever).
        file.seek(std::io::SeekFrom::Start(bytes.len() as u64))?;
        let limit = (len as u64).max(1 << 20) + MAX_GROWTH;
        (&mut file).take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(std::io::Error::other(
                "it grew by more than 64 MiB while it was read; read it again once it is complete",
            ));
        }
        Ok(bytes)
    }
    #[cfg(not(unix))]
    {
        let _ = halves_from;
        std::fs::read(path)
    }
}

/// Files of at least this many bytes are read in two halves at once.
pub(crate) const READ_IN_HALVES: usize = 8 << 20;

#[cfg(test)]
mod tests {
    use super::read_bytes;

    /// Read in halves, a file comes back whole: every length around the
    /// split, including none and one byte.
    #[test]
    fn a_file_read_in_halves_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.kg");
        for len in [0, 1, 2, 3, 4095, 4096, 4097, 100_001] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(
                read_bytes(&path, 0).unwrap(),
                bytes,
                "{len} bytes in halves"
            );
            assert_eq!(read_bytes(&path, usize::MAX).unwrap(), bytes, "{len} bytes");
        }
    }
}
