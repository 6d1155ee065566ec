//! Dossier runs as root in containers and CI: a file it writes never
//! replaces a device, a symlink or another user's file, and a failed write
//! leaves the old files whole. The tests make their own device nodes and
//! symlinks in temporary folders and never touch the machine's `/dev`.

mod common;
use common::*;
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

fn null_device(path: &Path) {
    device(path, 1, 3);
}

fn export(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    dossier_in(dir, &all, None)
}

#[test]
fn a_device_given_to_o_is_written_through_and_stays_a_device() {
    let dir = tempfile::tempdir().unwrap();
    null_device(&dir.path().join("null"));
    let mode = fs::metadata(dir.path().join("null")).unwrap().mode();
    let out = export(dir.path(), &["--to", "dot", "-o", "null"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let meta = fs::metadata(dir.path().join("null")).unwrap();
    assert!(meta.file_type().is_char_device(), "{meta:?}");
    assert_eq!(meta.mode(), mode, "mode kept");
}

#[test]
fn a_link_to_the_process_own_stdout_writes_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    let out = export(dir.path(), &["--to", "json", "-o", "stdout"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"format\": \"dossier\""),
        "{}",
        stdout(&out)
    );
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    // `-o -` is stdout too.
    let dash = export(dir.path(), &["--to", "json", "-o", "-"]);
    assert_eq!(dash.stdout, out.stdout);
    assert!(!dir.path().join("-").exists());
}

#[test]
fn a_symlink_is_followed_and_the_file_it_names_replaced() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("real.dot"), "old").unwrap();
    std::os::unix::fs::symlink("real.dot", dir.path().join("link.dot")).unwrap();
    let out = export(dir.path(), &["--to", "dot", "-o", "link.dot"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(dir.path().join("link.dot"))
            .unwrap()
            .is_symlink()
    );
    let text = fs::read_to_string(dir.path().join("real.dot")).unwrap();
    assert!(text.starts_with("digraph"), "{text}");
}

#[test]
fn an_export_keeps_the_old_file_mode_and_owner() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    fs::write(&path, "old").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(&path, Some(12345), Some(23456)).expect("chown needs root");
    let out = export(dir.path(), &["--to", "json", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let meta = fs::metadata(&path).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o600);
    assert_eq!((meta.uid(), meta.gid()), (12345, 23456));
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("\"format\": \"dossier\"")
    );
}

/// Runs an export under a file-size limit of `kib` KiB, with SIGXFSZ
/// ignored, so that a write past it fails as on a full disk.
fn export_limited(dir: &Path, kib: u64, args: &str) -> std::process::Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {kib}; exec \"$0\" export {args}"
        ))
        .arg(env!("CARGO_BIN_EXE_dossier"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn a_csv_export_that_fails_leaves_the_old_folder_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = export(dir.path(), &["--to", "csv", "-o", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let nodes = fs::read(dir.path().join("csv/nodes.csv")).unwrap();
    let edges = fs::read(dir.path().join("csv/edges.csv")).unwrap();
    // The bundled graph's nodes fit in the limit, its edges do not.
    let limit = 4;
    assert!(nodes.len() < limit * 1024 && edges.len() > limit * 1024);
    fs::write(dir.path().join("csv/nodes.csv"), "old nodes").unwrap();
    fs::write(dir.path().join("csv/edges.csv"), "old edges").unwrap();
    let out = export_limited(dir.path(), limit as u64, "--to csv -o csv");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("csv/nodes.csv")).unwrap(),
        "old nodes"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("csv/edges.csv")).unwrap(),
        "old edges"
    );
    // Nothing half-written is left beside it.
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["csv"]);
    // And a single file likewise.
    fs::write(dir.path().join("g.json"), "old").unwrap();
    let out = export_limited(dir.path(), 1, "--to json -o g.json");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("g.json")).unwrap(),
        "old"
    );
}
