//! Writing files without destroying what is not ours. Dossier runs as root
//! in containers and CI, so a path it is given may name a device, a FIFO,
//! a symlink, or another user's file:
//!
//! - `/dev/stdout`, `/dev/stderr` and `/dev/fd/N` are the process's own
//!   descriptors, written as they are;
//! - a target that is not a regular file (a device, a FIFO, a socket) is
//!   written through, in place, never replaced;
//! - a symlink is followed, and the file it names is replaced;
//! - a regular file is replaced atomically: a temporary file with a random
//!   name, created exclusively in the same folder (so a planted symlink is
//!   never opened), given the old file's permissions and owner, synced,
//!   then renamed over it. A failed write leaves the old file whole.

use std::fs::{self, File, Metadata};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// How many symlinks are followed before a path is refused (Linux's own
/// limit is 40).
const MAX_LINKS: usize = 40;

/// Writes `bytes` to `path` by the rules above. Errors are messages for
/// the user, naming the path.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let fail = |e: io::Error| format!("cannot write `{}`: {e}", path.display());
    if let Some(fd) = own_descriptor(path) {
        return write_descriptor(fd, bytes).map_err(fail);
    }
    let target = follow_links(path).map_err(fail)?;
    if let Some(fd) = own_descriptor(&target) {
        return write_descriptor(fd, bytes).map_err(fail);
    }
    match fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => {
            Err(format!("cannot write `{}`: it is a folder", path.display()))
        }
        Ok(meta) if !meta.is_file() || target.starts_with("/proc") => {
            write_through(&target, bytes).map_err(fail)
        }
        Ok(meta) => replace(&target, bytes, Some(&meta)).map_err(|e| message(path, e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            replace(&target, bytes, None).map_err(|e| message(path, e))
        }
        Err(e) => Err(fail(e)),
    }
}

/// Writes the files of a folder as a whole: into a new folder beside it,
/// which then takes its place in one rename (an exchange when the folder
/// exists, whose other files are moved across). A failed write leaves the
/// old folder as it was.
pub fn write_folder(dir: &Path, files: &[(&str, &[u8])]) -> Result<(), String> {
    let fail = |e: io::Error| format!("cannot write the folder `{}`: {e}", dir.display());
    let target = follow_links(dir).map_err(fail)?;
    let old = match fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => Some(meta),
        Ok(_) => {
            return Err(format!(
                "cannot write the folder `{}`: it is not a folder",
                dir.display()
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(fail(e)),
    };
    let (parent, name) = split(&target).map_err(fail)?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.to_string_lossy()))
        .suffix(".tmp")
        .permissions(fs::Permissions::from_mode(0o777))
        .tempdir_in(&parent)
        .map_err(fail)?;
    let written = (|| -> io::Result<()> {
        for (file, bytes) in files {
            let mut out = File::create_new(staging.path().join(file))?;
            out.write_all(bytes)?;
            out.sync_all()?;
        }
        if let Some(meta) = &old {
            keep_owner_and_mode(&File::open(staging.path())?, meta)?;
        }
        Ok(())
    })();
    written.map_err(|e| message(dir, e))?;
    match old {
        None => {
            let staged = staging.keep();
            fs::rename(&staged, &target).map_err(|e| {
                let _ = fs::remove_dir_all(&staged);
                fail(e)
            })
        }
        Some(_) => {
            let staged = staging.keep();
            exchange(&staged, &target).map_err(|e| {
                let _ = fs::remove_dir_all(&staged);
                fail(e)
            })?;
            // `staged` now names the old folder: move what else it held
            // into the new one, then remove the files replaced and it.
            for entry in fs::read_dir(&staged).map_err(fail)? {
                let entry = entry.map_err(fail)?;
                let file = entry.file_name();
                let path = entry.path();
                if files.iter().any(|(name, _)| file == *name) {
                    fs::remove_file(&path).map_err(fail)?;
                } else {
                    fs::rename(&path, target.join(&file)).map_err(fail)?;
                }
            }
            fs::remove_dir(&staged).map_err(fail)
        }
    }
}

/// Swaps two paths in one step (Linux's `renameat2` with `RENAME_EXCHANGE`).
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; the call reads them only.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The descriptor a path names when it is one of the process's own:
/// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`.
fn own_descriptor(path: &Path) -> Option<i32> {
    let text = path.to_str()?;
    match text {
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let number = text
        .strip_prefix("/dev/fd/")
        .or_else(|| text.strip_prefix("/proc/self/fd/"))
        .or_else(|| {
            let rest = text.strip_prefix("/proc/")?;
            let (pid, fd) = rest.split_once("/fd/")?;
            (pid == std::process::id().to_string()).then_some(fd)
        })?;
    number.parse().ok().filter(|&fd: &i32| fd >= 0)
}

fn write_descriptor(fd: i32, bytes: &[u8]) -> io::Result<()> {
    // SAFETY: `dup` of a descriptor number; the copy is owned by `file`.
    let copy = unsafe { libc::dup(fd) };
    if copy < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `copy` is a fresh descriptor that nothing else owns.
    let mut file = unsafe { <File as std::os::fd::FromRawFd>::from_raw_fd(copy) };
    match file.write_all(bytes).and_then(|_| file.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The path a chain of symlinks ends at (which may not exist yet).
pub fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        // The kernel's own links (`/proc/self/fd/1` -> `pipe:[…]`) are
        // opened as they are, never read as paths.
        if current.starts_with("/proc") || own_descriptor(&current).is_some() {
            return Ok(current);
        }
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = fs::read_link(&current)?;
                current = if next.is_absolute() {
                    next
                } else {
                    current.parent().unwrap_or(Path::new("")).join(next)
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Writes into a device, FIFO or socket as it is.
fn write_through(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

/// The folder and file name of a path to a file.
fn split(path: &Path) -> io::Result<(PathBuf, std::ffi::OsString)> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("it is not a file name"))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name.to_os_string()))
}

/// Replaces a regular file (or creates one) through a temporary file.
fn replace(target: &Path, bytes: &[u8], old: Option<&Metadata>) -> io::Result<()> {
    let (dir, name) = split(target)?;
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.to_string_lossy()))
        .suffix(".tmp")
        // A new file gets the usual 0666 less the umask, as `>` gives it.
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(&dir)?;
    if let Some(meta) = old {
        keep_owner_and_mode(temporary.as_file(), meta)?;
    }
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    temporary.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Gives a new file the old one's permissions, and its owner and group
/// when they are not ours (root can; anyone else is refused rather than
/// take another user's file over).
fn keep_owner_and_mode(file: &File, old: &Metadata) -> io::Result<()> {
    let mine = file.metadata()?;
    if mine.uid() != old.uid() || mine.gid() != old.gid() {
        std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).map_err(|e| {
            io::Error::new(
                e.kind(),
                OwnedByAnother {
                    uid: old.uid(),
                    error: e,
                },
            )
        })?;
    }
    file.set_permissions(fs::Permissions::from_mode(old.mode() & 0o7777))
}

#[derive(Debug)]
struct OwnedByAnother {
    uid: u32,
    error: io::Error,
}

impl std::fmt::Display for OwnedByAnother {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "it belongs to user {} and could not be kept theirs ({}); it was left as it was",
            self.uid, self.error
        )
    }
}

impl std::error::Error for OwnedByAnother {}

fn message(path: &Path, e: io::Error) -> String {
    format!("cannot write `{}`: {e}", path.display())
}

/// Appends `bytes` to the end of a file in one write, creating it (and
/// its folders) when missing; a symlink is followed and a device written
/// through. For logs such as the shell's history, where two writers at
/// once must both keep their lines.
pub fn append(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = follow_links(path)?;
    if let Some(dir) = target.parent()
        && !dir.as_os_str().is_empty()
        && !dir.exists()
    {
        fs::create_dir_all(dir)?;
    }
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(&target)?;
    file.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;

    #[test]
    fn a_planted_symlink_at_the_old_temporary_name_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "precious").unwrap();
        // The name the old writer used: `.NAME.PID.tmp`.
        let planted = dir
            .path()
            .join(format!(".out.json.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let out = dir.path().join("out.json");
        write_file(&out, b"new").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(fs::read_to_string(&out).unwrap(), "new");
        assert!(fs::symlink_metadata(&planted).unwrap().is_symlink());
        // Nothing else is left behind but the planted link.
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 3);
    }

    #[test]
    fn a_symlink_is_followed_and_its_target_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("sub/real.dot");
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.dot");
        std::os::unix::fs::symlink("sub/real.dot", &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        // A dangling link: the file it names is created.
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("sub/later.txt", &dangling).unwrap();
        write_file(&dangling, b"made").unwrap();
        assert!(fs::symlink_metadata(&dangling).unwrap().is_symlink());
        assert_eq!(
            fs::read_to_string(dir.path().join("sub/later.txt")).unwrap(),
            "made"
        );
    }

    #[test]
    fn a_loop_of_symlinks_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let error = write_file(&a, b"x").unwrap_err();
        assert!(error.contains("too many levels"), "{error}");
        assert!(fs::symlink_metadata(&a).unwrap().is_symlink());
    }

    #[test]
    fn a_fifo_is_written_through_and_stays_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_file(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn the_old_mode_is_kept_and_a_new_file_follows_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.json");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o7777, 0o600);
        let fresh = dir.path().join("fresh.json");
        write_file(&fresh, b"new").unwrap();
        // SAFETY: umask only swaps the process's mask; it is put back at once.
        let mask = unsafe {
            let mask = libc::umask(0o022);
            libc::umask(mask);
            mask
        };
        assert_eq!(
            fs::metadata(&fresh).unwrap().mode() & 0o777,
            0o666 & !(mask as u32)
        );
    }

    #[test]
    fn own_descriptors_are_recognised() {
        assert_eq!(own_descriptor(Path::new("/dev/stdout")), Some(1));
        assert_eq!(own_descriptor(Path::new("/dev/stderr")), Some(2));
        assert_eq!(own_descriptor(Path::new("/dev/fd/7")), Some(7));
        assert_eq!(own_descriptor(Path::new("/proc/self/fd/3")), Some(3));
        let mine = format!("/proc/{}/fd/4", std::process::id());
        assert_eq!(own_descriptor(Path::new(&mine)), Some(4));
        assert_eq!(own_descriptor(Path::new("/proc/1/fd/4")), None);
        assert_eq!(own_descriptor(Path::new("/dev/null")), None);
        assert_eq!(own_descriptor(Path::new("out.json")), None);
    }

    #[test]
    fn a_folder_is_replaced_whole_and_keeps_its_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("csv");
        write_folder(&out, &[("a.csv", b"1"), ("b.csv", b"2")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.csv")).unwrap(), "1");
        fs::write(out.join("notes.txt"), "mine").unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o750)).unwrap();
        write_folder(&out, &[("a.csv", b"3"), ("b.csv", b"4")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.csv")).unwrap(), "3");
        assert_eq!(fs::read_to_string(out.join("b.csv")).unwrap(), "4");
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
        assert_eq!(fs::metadata(&out).unwrap().mode() & 0o7777, 0o750);
        // Only the folder is left beside it: no staging folder.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        // A file where the folder should be is refused, and kept.
        let file = dir.path().join("plain");
        fs::write(&file, "x").unwrap();
        assert!(write_folder(&file, &[("a.csv", b"1")]).is_err());
        assert!(fs::metadata(&file).unwrap().is_file());
    }

    #[test]
    fn a_device_is_written_through_and_stays_a_device() {
        let dir = tempfile::tempdir().unwrap();
        let null = dir.path().join("null");
        let c = std::ffi::CString::new(null.to_str().unwrap()).unwrap();
        // SAFETY: a valid path; makes a null device (1, 3) in our own folder.
        let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
        assert_eq!(made, 0, "mknod needs root: {}", io::Error::last_os_error());
        let mode = fs::metadata(&null).unwrap().mode();
        write_file(&null, b"into the void").unwrap();
        let meta = fs::metadata(&null).unwrap();
        assert!(meta.file_type().is_char_device());
        assert_eq!(meta.mode(), mode);
        append(&null, b"more").unwrap();
        assert!(fs::metadata(&null).unwrap().file_type().is_char_device());
    }
}
