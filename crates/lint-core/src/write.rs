//! The one way the tool writes a file: a fixed values file, a values file an overlay is
//! merged into, a report or a baseline. It exists so that no write can be turned against
//! the user by what a checkout holds (a planted symlink, a symlinked directory, a device
//! node) and no write loses what the file was (its mode, owner, hard links, an edit made
//! while the tool ran).
//!
//! - Where: every component of the path is resolved. A symlink that lies inside the tree
//!   (the working directory) and leads out of it is refused, in a directory component as
//!   in the last one; a path named outside the tree is the user's choice and is followed.
//! - A regular file is replaced whole: a temporary file with an unpredictable name, opened
//!   `O_CREAT|O_EXCL` in the same directory (so a planted name or symlink is never
//!   followed) with the target's mode from the start, its owner and group kept where the
//!   system permits (as root always), written, `fsync`ed, renamed over the target, then the
//!   directory `fsync`ed. The `tempfile` crate makes the temporary file.
//! - Refused, unless [`WriteOptions::force`] (the CLI's `--force-write`): a file with more
//!   than one hard link (a rename would split them; forced, it is written in place, through
//!   every link, which is not atomic), and a read-only file, one with no write permission
//!   bit for anyone (permission bits, not `access(2)`, so root is refused too; forced, it is
//!   replaced and keeps its mode).
//! - Always refused: rewriting a file whose bytes are no longer the ones the tool read
//!   (checked before writing and again just before the rename), so an edit made meanwhile
//!   is never lost.
//! - Not a regular file: a character device or a FIFO given as an output (`-o /dev/null`,
//!   `-o /dev/stdout`) is opened and written through, so it stays what it is (a FIFO waits
//!   for its reader, as a shell's `>` does); a file to rewrite (a fix, a merge) that is not
//!   a regular file is refused.
//!
//! The path walk is written here: no crate resolves a path while telling whether each
//! symlink on the way lies inside a given tree.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// A file that could not be written, or that the tool refused to write.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct WriteError {
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// What a write may do besides the safe default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Also rewrite a hard-linked file (in place, through every link) and a read-only one.
    pub force: bool,
}

/// Writes a file the tool produces (a report, a baseline): a new file is created, a
/// regular file replaced as the module says, a character device or FIFO written through.
pub fn write_output(path: &Path, bytes: &[u8], options: WriteOptions) -> Result<(), WriteError> {
    write(path, None, bytes, options)
}

/// Rewrites a file the tool read (`read`: its bytes then) with `bytes`: refused when it
/// is not a regular file, or no longer holds `read`.
pub fn rewrite_file(
    path: &Path,
    read: &[u8],
    bytes: &[u8],
    options: WriteOptions,
) -> Result<(), WriteError> {
    write(path, Some(read), bytes, options)
}

/// The flag a refusal names.
const FORCE: &str = "--force-write";

fn write(
    path: &Path,
    read: Option<&[u8]>,
    bytes: &[u8],
    options: WriteOptions,
) -> Result<(), WriteError> {
    let error = |reason: String| WriteError {
        path: path.display().to_string(),
        reason,
    };
    match resolve(path).map_err(error)? {
        Target::Missing(target) => match read {
            Some(_) => Err(error(
                "was removed since oncall-lint read it; not writing it again".to_owned(),
            )),
            None => create(&target, bytes).map_err(|e| error(format!("cannot write it: {e}"))),
        },
        Target::Special(target, kind) => match read {
            Some(_) => Err(error(format!(
                "is not a regular file ({kind}); not rewriting it"
            ))),
            None => write_through(&target, bytes)
                .map_err(|e| error(format!("cannot write to the {kind}: {e}"))),
        },
        Target::Regular(target, meta) => {
            refuse(&target, &meta, read, options).map_err(error)?;
            if links(&meta) > 1 {
                // forced: in place, so every name sees the new text
                return write_in_place(&target, bytes)
                    .map_err(|e| error(format!("cannot write it: {e}")));
            }
            replace(&target, &meta, read, bytes).map_err(error)
        }
    }
}

/// Why a regular file must not be rewritten, if it must not.
fn refuse(
    target: &Path,
    meta: &Metadata,
    read: Option<&[u8]>,
    options: WriteOptions,
) -> Result<(), String> {
    if let Some(read) = read {
        unchanged(target, read)?;
    }
    if options.force {
        return Ok(());
    }
    let count = links(meta);
    if count > 1 {
        return Err(format!(
            "has {count} hard links, and replacing it would split them; not writing it \
             ({FORCE} writes it in place, through every link)"
        ));
    }
    if meta.permissions().readonly() {
        return Err(format!(
            "is read-only (no write permission bit); not writing it ({FORCE} writes it \
             anyway, keeping its mode)"
        ));
    }
    Ok(())
}

/// Whether the file still holds exactly `read` (reading at most one byte more).
fn unchanged(target: &Path, read: &[u8]) -> Result<(), String> {
    let mut now = Vec::with_capacity(read.len());
    let limit = u64::try_from(read.len())
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    File::open(target)
        .and_then(|file| file.take(limit).read_to_end(&mut now))
        .map_err(|e| format!("cannot read it again before writing: {e}"))?;
    if now == read {
        Ok(())
    } else {
        Err("changed since oncall-lint read it; not overwriting that edit (run again)".to_owned())
    }
}

/// A new file, by way of a temporary one (mode 0666 less the umask, as any new file).
fn create(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent(target);
    let mut temp = temp_file(target, &dir, 0o666)?;
    temp.as_file_mut().write_all(bytes)?;
    temp.as_file().sync_all()?;
    // never clobber a file that appeared meanwhile: it would not have been checked
    temp.persist_noclobber(target).map_err(|e| e.error)?;
    sync_dir(&dir);
    Ok(())
}

/// Replaces a regular file: temporary file with its mode and owner, data synced, the
/// content checked once more, rename, directory synced.
fn replace(
    target: &Path,
    meta: &Metadata,
    read: Option<&[u8]>,
    bytes: &[u8],
) -> Result<(), String> {
    let dir = parent(target);
    let cannot = |e: std::io::Error| format!("cannot write it: {e}");
    let mut temp = temp_file(target, &dir, mode(meta) & 0o777).map_err(cannot)?;
    keep_owner(temp.as_file(), meta).map_err(cannot)?;
    temp.as_file_mut().write_all(bytes).map_err(cannot)?;
    temp.as_file().sync_all().map_err(cannot)?;
    if let Some(read) = read {
        unchanged(target, read)?;
    }
    temp.persist(target).map_err(|e| cannot(e.error))?;
    sync_dir(&dir);
    Ok(())
}

/// A temporary file beside `target`: `.NAME.XXXXXXXXXXXX.oncall-lint.tmp` with twelve
/// random characters (the name cut to stay within a file name's length), created
/// exclusively with `mode` (less the umask). Dropped, it is removed.
fn temp_file(target: &Path, dir: &Path, mode: u32) -> std::io::Result<tempfile::NamedTempFile> {
    let name: String = target
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(64).collect())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .suffix(".oncall-lint.tmp")
        .rand_bytes(12);
    set_mode(&mut builder, mode);
    builder.tempfile_in(dir)
}

/// The directory a resolved target lives in.
fn parent(target: &Path) -> PathBuf {
    target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Writes over a hard-linked file in place (forced): every link sees the new text.
fn write_in_place(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).truncate(true).open(target)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Opens a device or FIFO and writes to it: no temporary file, no rename.
fn write_through(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).open(target)?;
    file.write_all(bytes)?;
    file.flush()
}

/// Makes a rename durable. A file system that cannot sync a directory has done the rename
/// all the same, so a failure here is not the write's.
fn sync_dir(dir: &Path) {
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// What a path names, once resolved.
#[derive(Debug)]
enum Target {
    /// Nothing yet: a new file at this resolved path.
    Missing(PathBuf),
    /// A regular file.
    Regular(PathBuf, Metadata),
    /// A character device or FIFO (the name of the kind).
    Special(PathBuf, &'static str),
}

/// Resolves every component of `path`, refusing a symlink inside the tree that leads out
/// of it, and says what the path names.
fn resolve(path: &Path) -> Result<Target, String> {
    let root = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_err(|e| format!("cannot read the current directory: {e}"))?;
    let Some(name) = path.file_name() else {
        return Err("does not name a file".to_owned());
    };
    let dir = walk(&root, path.parent().unwrap_or(Path::new("")))?;
    let named = dir.join(name);
    let link = match std::fs::symlink_metadata(&named) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::Missing(named)),
        Err(e) => return Err(e.to_string()),
    };
    let target = if link.file_type().is_symlink() {
        match std::fs::canonicalize(&named) {
            Ok(target) if dir.starts_with(&root) && !target.starts_with(&root) => {
                return Err(format!(
                    "is a symlink to {}, outside this tree; not writing through it",
                    target.display()
                ));
            }
            Ok(target) => target,
            // a link the system follows but `realpath` cannot: `/dev/stdout` to a pipe
            Err(_) if is_pipe(&named) => named,
            Err(e) => return Err(format!("is a symlink that cannot be resolved: {e}")),
        }
    } else {
        named
    };
    let meta = std::fs::metadata(&target).map_err(|e| e.to_string())?;
    if meta.file_type().is_file() {
        Ok(Target::Regular(target, meta))
    } else if let Some(special) = special_kind(&meta) {
        Ok(Target::Special(target, special))
    } else if meta.file_type().is_dir() {
        Err("is a directory".to_owned())
    } else {
        Err("is not a regular file, a character device or a FIFO; not writing it".to_owned())
    }
}

/// The real directory `dir` (relative to `root`, the canonical working directory) names,
/// resolved one component at a time: a symlink lying inside `root` may not lead out of it.
fn walk(root: &Path, dir: &Path) -> Result<PathBuf, String> {
    let mut real = root.to_path_buf();
    for component in dir.components() {
        match component {
            Component::Prefix(prefix) => real = PathBuf::from(prefix.as_os_str()),
            Component::RootDir => real.push(Component::RootDir),
            Component::CurDir => {}
            // `real` holds no symlink, so its parent is the real `..`
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(name) => {
                let next = real.join(name);
                let is_link = std::fs::symlink_metadata(&next)
                    .map_err(|e| format!("cannot use the directory {}: {e}", next.display()))?
                    .file_type()
                    .is_symlink();
                if !is_link {
                    real = next;
                    continue;
                }
                let target = std::fs::canonicalize(&next)
                    .map_err(|e| format!("cannot resolve {}: {e}", next.display()))?;
                if real.starts_with(root) && !target.starts_with(root) {
                    return Err(format!(
                        "{} is a symlink to {}, outside this tree; not writing through it",
                        next.display(),
                        target.display()
                    ));
                }
                real = target;
            }
        }
    }
    Ok(real)
}

#[cfg(unix)]
use unix::{is_pipe, keep_owner, links, mode, set_mode, special_kind};

#[cfg(not(unix))]
use portable::{is_pipe, keep_owner, links, mode, set_mode, special_kind};

/// Modes, owners, links and file kinds on Unix.
#[cfg(unix)]
mod unix {
    use std::fs::{File, Metadata, Permissions};
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
    use std::path::Path;

    /// The permission bits, with set-id and sticky bits.
    pub(super) fn mode(meta: &Metadata) -> u32 {
        meta.mode() & 0o7777
    }

    /// How many names the file has.
    pub(super) fn links(meta: &Metadata) -> u64 {
        meta.nlink()
    }

    /// Creates the temporary file with these permission bits.
    pub(super) fn set_mode(builder: &mut tempfile::Builder<'_, '_>, mode: u32) {
        builder.permissions(Permissions::from_mode(mode));
    }

    /// Gives the new file the original's owner and group where permitted (root: always; a
    /// user: a group they belong to), then its exact mode (a change of owner clears the
    /// set-id bits, and the umask may have taken some bits at creation).
    pub(super) fn keep_owner(file: &File, original: &Metadata) -> std::io::Result<()> {
        let now = file.metadata()?;
        if (now.uid(), now.gid()) != (original.uid(), original.gid()) {
            let uid = (now.uid() != original.uid()).then_some(original.uid());
            if let Err(e) = std::os::unix::fs::fchown(file, uid, Some(original.gid())) {
                if e.kind() != std::io::ErrorKind::PermissionDenied {
                    return Err(e);
                }
                // not permitted as this user: keep at least the group where it can be
                let _ = std::os::unix::fs::fchown(file, None, Some(original.gid()));
            }
        }
        file.set_permissions(Permissions::from_mode(mode(original)))
    }

    /// "character device" or "FIFO", for what is written through.
    pub(super) fn special_kind(meta: &Metadata) -> Option<&'static str> {
        let kind = meta.file_type();
        if kind.is_char_device() {
            Some("character device")
        } else if kind.is_fifo() {
            Some("FIFO")
        } else {
            None
        }
    }

    /// Whether the path, followed, is a pipe or socket (never a file to protect).
    pub(super) fn is_pipe(path: &Path) -> bool {
        std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo() || m.file_type().is_socket())
    }
}

/// Elsewhere: no owners, links or special files; the read-only flag is kept.
#[cfg(not(unix))]
mod portable {
    use std::fs::{File, Metadata};
    use std::path::Path;

    pub(super) fn mode(_: &Metadata) -> u32 {
        0o666
    }

    pub(super) fn links(_: &Metadata) -> u64 {
        1
    }

    pub(super) fn set_mode(_: &mut tempfile::Builder<'_, '_>, _: u32) {}

    pub(super) fn keep_owner(file: &File, original: &Metadata) -> std::io::Result<()> {
        file.set_permissions(original.permissions())
    }

    pub(super) fn special_kind(_: &Metadata) -> Option<&'static str> {
        None
    }

    pub(super) fn is_pipe(_: &Path) -> bool {
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs::Permissions;
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};

    /// A directory removed when dropped.
    struct Dir(tempfile::TempDir);

    impl Dir {
        fn new() -> Dir {
            Dir(tempfile::tempdir().expect("a temp dir"))
        }

        fn path(&self) -> &Path {
            self.0.path()
        }

        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(self.path())
                .expect("list")
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
    }

    #[test]
    fn a_temporary_file_is_created_exclusively_with_the_mode_and_an_unpredictable_name() {
        let dir = Dir::new();
        let target = dir.path().join("values.yaml");
        let first = temp_file(&target, dir.path(), 0o600).expect("temp");
        let second = temp_file(&target, dir.path(), 0o600).expect("temp");
        assert_ne!(first.path(), second.path());
        for temp in [&first, &second] {
            let meta = std::fs::symlink_metadata(temp.path()).expect("stat");
            assert!(meta.file_type().is_file());
            assert_eq!(
                meta.mode() & 0o777,
                0o600,
                "created with the mode, not widened"
            );
            let name = temp.path().file_name().expect("name").to_string_lossy();
            assert!(name.starts_with(".values.yaml.") && name.ends_with(".oncall-lint.tmp"));
            assert!(!name.contains(&std::process::id().to_string()));
        }
    }

    #[test]
    fn a_planted_symlink_is_never_followed_and_the_target_stays_a_regular_file() {
        let dir = Dir::new();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").expect("write");
        std::fs::set_permissions(&victim, Permissions::from_mode(0o600)).expect("chmod");
        let target = dir.path().join("values.yaml");
        std::fs::write(&target, "a: 1\n").expect("write");
        let old = format!(".values.yaml.oncall-lint-{}.tmp", std::process::id());
        std::os::unix::fs::symlink(&victim, dir.path().join(&old)).expect("symlink");
        rewrite_file(&target, b"a: 1\n", b"a: 2\n", WriteOptions::default()).expect("written");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep");
        assert_eq!(
            std::fs::metadata(&victim).expect("stat").mode() & 0o777,
            0o600
        );
        let meta = std::fs::symlink_metadata(&target).expect("stat");
        assert!(meta.file_type().is_file());
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "a: 2\n");
        assert_eq!(
            dir.names(),
            [old, "values.yaml".to_owned(), "victim".to_owned()]
        );
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let dir = Dir::new();
        let target = dir.path().join("values.yaml");
        std::fs::write(&target, "a: 1\n").expect("write");
        let read = std::fs::read(&target).expect("read");
        // another writer, between the read and the write
        std::fs::write(&target, "a: 1\nb: 2\n").expect("write");
        let err = rewrite_file(&target, &read, b"a: 3\n", WriteOptions { force: true })
            .expect_err("refused");
        assert!(err.reason.contains("changed since"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&target).expect("read"),
            "a: 1\nb: 2\n"
        );
        assert_eq!(dir.names(), ["values.yaml"]);
        // the same length, other bytes
        std::fs::write(&target, "a: 9\n").expect("write");
        assert!(rewrite_file(&target, &read, b"a: 3\n", WriteOptions::default()).is_err());
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "a: 9\n");
    }

    #[test]
    fn a_new_output_never_replaces_a_file_that_appeared_meanwhile() {
        let dir = Dir::new();
        let target = dir.path().join("report.txt");
        write_output(&target, b"one", WriteOptions::default()).expect("created");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "one");
        assert!(create(&target, b"two").is_err());
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "one");
        assert_eq!(dir.names(), ["report.txt"]);
    }

    #[test]
    fn a_fifo_is_refused_for_a_rewrite_and_written_through_as_an_output() {
        let dir = Dir::new();
        let fifo = dir.path().join("values.yaml");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let err =
            rewrite_file(&fifo, b"", b"a: 1\n", WriteOptions { force: true }).expect_err("refused");
        assert!(err.reason.contains("not a regular file (FIFO)"), "{err}");
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).expect("read the FIFO"))
        };
        write_output(&fifo, b"report\n", WriteOptions::default()).expect("written through");
        assert_eq!(reader.join().expect("reader"), b"report\n");
        assert!(
            std::fs::symlink_metadata(&fifo)
                .expect("stat")
                .file_type()
                .is_fifo()
        );
    }
}
