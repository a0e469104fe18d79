//! Writing outputs so that a run killed at any moment leaves either the old
//! outputs or the new ones, never a mix and never a partial file.
//!
//! A folder of outputs is replaced as one set: the new files (plus hard
//! links to whatever else the folder held) are written into a staging folder
//! beside it, synced, and swapped with it in one `renameat2(RENAME_EXCHANGE)`
//! (`renamex_np(RENAME_SWAP)` on macOS). Where that cannot be done (another
//! OS, a file system without the call, a folder with subfolders, a parent we
//! may not write to) each file is still replaced atomically, one by one.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::Artifact;

/// Temporary files and folders are named `.warmshell-*.tmp`; a run killed
/// while writing leaves them behind (never under a final name). The next
/// write beside them removes those more than an hour old: old enough that no
/// run still writing can own them.
const TMP_PREFIX: &str = ".warmshell-";
const TMP_SUFFIX: &str = ".tmp";
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Writes `artifacts` into `dir` (created if needed), replacing the files of
/// the same names as one set; other files in `dir` stay as they are. An error
/// names `dir`.
pub fn write(dir: &Path, artifacts: &[Artifact]) -> io::Result<()> {
    write_set(dir, artifacts).map_err(|e| naming(dir, e))
}

/// Writes `bytes` to a temporary file beside `target` and renames it over
/// `target`. An error names `target`.
pub fn write_file(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_of(target);
    remove_stale(dir);
    stage(dir, bytes)
        .and_then(|tmp| tmp.persist(target).map_err(|e| e.error))
        .map(drop)
        .map_err(|e| naming(target, e))
}

/// The error, of the same kind, saying which output it was about.
fn naming(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot write `{}`: {e}", path.display()))
}

fn write_set(dir: &Path, artifacts: &[Artifact]) -> io::Result<()> {
    if swap_in(dir, artifacts)? {
        return Ok(());
    }
    fs::create_dir_all(dir)?;
    remove_stale(dir);
    let mut staged = Vec::with_capacity(artifacts.len());
    for a in artifacts {
        staged.push((stage(dir, &a.bytes)?, dir.join(&a.name)));
    }
    // Everything is on disk under temporary names; now give them their names.
    for (tmp, path) in staged {
        tmp.persist(&path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// Replaces `dir` by a staged copy holding `artifacts` in one atomic swap.
/// `Ok(false)`: this folder cannot be swapped here; nothing was changed.
fn swap_in(dir: &Path, artifacts: &[Artifact]) -> io::Result<bool> {
    // Swap the folder a symbolic link points to, not the link.
    let dir = match fs::canonicalize(dir) {
        Ok(real) => real,
        Err(e) if e.kind() == io::ErrorKind::NotFound => dir.to_path_buf(),
        Err(e) => return Err(e),
    };
    let existing = match fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Some(m),
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} is a file, not a folder", dir.display()),
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let parent = parent_of(&dir);
    if existing.is_none() {
        // A new folder's parents must exist before it can be renamed into place.
        fs::create_dir_all(parent)?;
    }
    remove_stale(parent);
    let mut builder = temp_builder();
    // A new output folder gets the permissions of any new folder (0777 less the umask).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
    let Ok(staging) = builder.tempdir_in(parent) else {
        return Ok(false);
    };
    if let Some(meta) = &existing {
        remove_stale(&dir);
        if !link_others(&dir, staging.path(), artifacts)? {
            return Ok(false);
        }
        fs::set_permissions(staging.path(), meta.permissions())?;
    }
    for a in artifacts {
        let mut file = fs::File::create(staging.path().join(&a.name))?;
        file.write_all(&a.bytes)?;
        file.sync_all()?;
    }
    sync_dir(staging.path());
    if existing.is_some() {
        if !exchange(staging.path(), &dir) {
            return Ok(false);
        }
        // `staging` now names the previous outputs; dropping it removes them.
    } else {
        fs::rename(staging.keep(), &dir)?;
    }
    sync_dir(parent);
    Ok(true)
}

/// Hard-links every file of `dir` that is not an artifact into `staging`,
/// so that the swap keeps them. `Ok(false)` if `dir` holds a folder (a set of
/// files is what we can swap) or links cannot be made here.
fn link_others(dir: &Path, staging: &Path, artifacts: &[Artifact]) -> io::Result<bool> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if artifacts.iter().any(|a| name == a.name.as_str()) {
            continue;
        }
        if entry.file_type()?.is_dir() || fs::hard_link(entry.path(), staging.join(&name)).is_err()
        {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Makes renames in `dir` durable; best effort (not every OS can open a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn is_ours(name: &str) -> bool {
    name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX)
}

fn remove_stale(dir: &Path) {
    let Ok(listing) = fs::read_dir(dir) else {
        return;
    };
    for entry in listing.flatten() {
        if !is_ours(&entry.file_name().to_string_lossy()) {
            continue;
        }
        // Not followed: a link of ours is removed as a link.
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let stale = meta
            .modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if !stale {
            continue;
        }
        // Best effort: what we cannot remove does no harm.
        let _ = if meta.is_dir() {
            fs::remove_dir_all(entry.path())
        } else {
            fs::remove_file(entry.path())
        };
    }
}

fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TMP_PREFIX).suffix(TMP_SUFFIX);
    builder
}

fn stage(dir: &Path, bytes: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    let mut builder = temp_builder();
    // Outputs get the permissions of any new file (0666 less the umask), not
    // the temporary file's private 0600, which the rename would keep.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(name: &str, text: &str) -> Artifact {
        Artifact {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap()
    }

    #[test]
    fn a_new_folder_is_created_with_every_file() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("a/b/out");
        write(&out, &[artifact("x.csv", "1"), artifact("y.json", "2")]).unwrap();
        assert_eq!(
            (read(&out.join("x.csv")), read(&out.join("y.json"))),
            ("1".into(), "2".into())
        );
        assert_eq!(
            fs::read_dir(tmp.path().join("a/b")).unwrap().count(),
            1,
            "no staging left"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_is_swapped_whole_and_keeps_files_that_are_not_ours() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write(&out, &[artifact("x.csv", "old")]).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o750)).unwrap();
        let before = fs::metadata(&out).unwrap().ino();

        write(&out, &[artifact("x.csv", "new")]).unwrap();
        let after = fs::metadata(&out).unwrap();
        assert_ne!(
            after.ino(),
            before,
            "the folder was swapped, not rewritten file by file"
        );
        assert_eq!(after.permissions().mode() & 0o777, 0o750);
        assert_eq!(read(&out.join("x.csv")), "new");
        assert_eq!(read(&out.join("notes.txt")), "mine");
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "the old folder is gone"
        );
    }

    #[test]
    fn a_folder_with_subfolders_is_written_file_by_file() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(out.join("keep/inner")).unwrap();
        fs::write(out.join("keep/inner/f"), "kept").unwrap();
        write(&out, &[artifact("x.csv", "1")]).unwrap();
        assert_eq!(read(&out.join("x.csv")), "1");
        assert_eq!(read(&out.join("keep/inner/f")), "kept");
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_folder_stays_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        let link = tmp.path().join("link");
        fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, &[artifact("x.csv", "1")]).unwrap();
        write(&link, &[artifact("x.csv", "2")]).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(read(&real.join("x.csv")), "2");
    }

    #[test]
    fn a_file_in_the_way_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::write(&out, "not a folder").unwrap();
        let e = write(&out, &[artifact("x.csv", "1")]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("cannot write `{}`: ", out.display()))
        );
        assert_eq!(read(&out), "not a folder");
        let e = write_file(&out.join("x.csv"), b"1").unwrap_err();
        assert!(e.to_string().contains("x.csv`: "), "{e}");
    }
}
