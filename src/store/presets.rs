//! Presets: one human-readable JSON file per preset, written atomically. A broken or foreign file
//! is listed as broken, with the reason, and never overwritten; it does not stop the others.

use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::atomic::{TEMP_PREFIX, write_atomic, write_new_atomic};
use super::saved::SavedRequest;
use crate::model::Draft;

/// What the `kind` field of every preset file says.
pub const KIND: &str = "flameup-explorer-preset";
/// The newest schema this version reads and writes. 2: the request names its operation, with
/// path and query values (1: always create person, with `path_style` and `workspace_id`). A
/// schema-1 file still reads as the create-person operation it was.
pub const SCHEMA: u32 = 2;

/// A saved request with a name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preset {
    pub kind: String,
    pub schema: u32,
    pub name: String,
    /// RFC 3339, UTC.
    pub saved_at: String,
    pub request: SavedRequest,
}

impl Preset {
    pub fn new(name: &str, draft: &Draft) -> Self {
        Self {
            kind: KIND.to_owned(),
            schema: SCHEMA,
            name: name.trim().to_owned(),
            saved_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            request: SavedRequest::from_draft(draft),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads a preset file's text, saying in a sentence why it is not one.
    pub fn parse(text: &str) -> Result<Self, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|err| format!("not valid JSON ({err})"))?;
        // Edited by hand, a file can name a key twice: which value was meant is not ours to say.
        if let Some((key, line, column)) = super::body_file::duplicate_key(text) {
            return Err(format!(
                "names {key} twice in one object (line {line}, column {column})"
            ));
        }
        if value.get("kind").and_then(Value::as_str) != Some(KIND) {
            return Err(
                "not a Flameup Explorer preset (no \"kind\": \"flameup-explorer-preset\")"
                    .to_owned(),
            );
        }
        match value.get("schema").and_then(Value::as_u64) {
            Some(schema) if schema > u64::from(SCHEMA) => {
                return Err(format!(
                    "made by a newer version (schema {schema}; this one reads {SCHEMA})"
                ));
            }
            Some(_) => {}
            None => return Err("has no schema number".to_owned()),
        }
        // Read from the text, not from `value`: going through a `Value` turns numbers that fit
        // an integer into one (`-0` becomes `0`), while the text keeps each number as written.
        let preset: Self =
            serde_json::from_str(text).map_err(|err| format!("not a valid preset ({err})"))?;
        // Read, a file of an older schema is a preset of this one (see `SavedRequest`): written
        // again, it says so, so no older version mistakes it for one of its own.
        let preset = Self {
            schema: SCHEMA,
            ..preset
        };
        if preset.name.trim().is_empty() {
            return Err("has an empty name".to_owned());
        }
        if preset.name.chars().any(is_unprintable) {
            return Err(format!(
                "named with control characters (\"{}\"), which no preset name may hold",
                printable(&preset.name)
            ));
        }
        Ok(preset)
    }
}

/// One file in the presets folder.
// A preset is a few hundred bytes on the stack, a broken file's reason less: the list holds one
// item per file in a folder, so boxing the preset would save nothing worth the extra indirection
// (and every match on it would change).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Listed {
    Preset { file: PathBuf, preset: Preset },
    Broken { file: PathBuf, reason: String },
}

impl Listed {
    pub fn file(&self) -> &Path {
        match self {
            Self::Preset { file, .. } | Self::Broken { file, .. } => file,
        }
    }
}

/// The presets folder.
#[derive(Clone, Debug)]
pub struct PresetStore {
    dir: PathBuf,
}

impl PresetStore {
    pub fn at(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The presets folder in the user's config directory.
    pub fn open_default() -> Option<Self> {
        super::presets_dir().map(Self::at)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every preset file, valid or broken, sorted by name. A missing folder is an empty list.
    pub fn list(&self) -> Vec<Listed> {
        self.remove_stale_temp_files();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut listed: Vec<Listed> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                let name = path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .unwrap_or_default();
                name.ends_with(".json") && !name.starts_with(TEMP_PREFIX)
            })
            .map(|file| match read_preset(&file) {
                Ok(preset) => Listed::Preset { file, preset },
                Err(reason) => Listed::Broken { file, reason },
            })
            .collect();
        listed.sort_by_key(|item| match item {
            Listed::Preset { preset, .. } => (0, fold_name(&preset.name)),
            Listed::Broken { file, .. } => (1, file.display().to_string()),
        });
        listed
    }

    /// Temporary files left by a save that was killed midway, once they are old enough that no
    /// save can still be writing them.
    fn remove_stale_temp_files(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let is_temp = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
            let age = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .ok()
                .and_then(|time| time.elapsed().ok());
            if is_temp && age.is_some_and(|age| age > std::time::Duration::from_secs(600)) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// The preset called `name` (see [`same_name`]), if any.
    pub fn find(&self, name: &str) -> Option<(PathBuf, Preset)> {
        self.list().into_iter().find_map(|item| match item {
            Listed::Preset { file, preset } if same_name(&preset.name, name) => {
                Some((file, preset))
            }
            _ => None,
        })
    }

    /// Saves `preset` under a name no preset has yet: fails with `ErrorKind::AlreadyExists` if one
    /// has it, even one saved by another process a moment ago. What the window uses before asking
    /// whether to replace.
    pub fn save_new(&self, preset: &Preset) -> io::Result<PathBuf> {
        self.save_with(preset, OnSameName::Refuse)
            .map(|saved| saved.file)
    }

    /// Saves `preset`, replacing the preset of the same name if there is one (what the user asked
    /// for explicitly, or what `presets save` does). Never writes over a file holding another
    /// preset or a broken file.
    pub fn save_replacing(&self, preset: &Preset) -> io::Result<Saved> {
        self.save_with(preset, OnSameName::Replace)
    }

    /// The same as [`PresetStore::save_replacing`], returning only the file.
    pub fn save(&self, preset: &Preset) -> io::Result<PathBuf> {
        self.save_replacing(preset).map(|saved| saved.file)
    }

    /// Saves `preset` in the file of the preset with the same name or, if there is none, in a
    /// file of its own. Each candidate file is created only if it does not exist, in one atomic
    /// step: two processes saving names with the same file name never write over each other,
    /// they take the next free one.
    fn save_with(&self, preset: &Preset, on_same_name: OnSameName) -> io::Result<Saved> {
        let name = check_name(&preset.name)
            .map_err(|why| io::Error::new(io::ErrorKind::InvalidInput, why))?;
        let bytes = preset.to_json();
        if let Some((file, existing)) = self.find(name) {
            return replace(&file, &existing, &bytes, on_same_name);
        }
        for file in self.candidate_files(name) {
            match write_new_atomic(&file, bytes.as_bytes()) {
                Ok(()) => {
                    return Ok(Saved {
                        file,
                        replaced: None,
                    });
                }
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    // Taken: by this very name (saved meanwhile), or else by another preset or a
                    // broken file, which are never touched.
                    match read_preset(&file) {
                        Ok(existing) if same_name(&existing.name, name) => {
                            return replace(&file, &existing, &bytes, on_same_name);
                        }
                        _ => continue,
                    }
                }
                Err(err) => return Err(err),
            }
        }
        Err(io::Error::other(format!(
            "every file name for \"{name}\" is taken in {}",
            self.dir.display()
        )))
    }

    /// Deletes the preset called `name` and returns it (to undo), or `None` if there is none.
    pub fn delete(&self, name: &str) -> io::Result<Option<Preset>> {
        let Some((file, preset)) = self.find(name) else {
            return Ok(None);
        };
        std::fs::remove_file(file)?;
        Ok(Some(preset))
    }

    /// Renames a preset; fails if the new name is taken by another one, atomically.
    pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        let to = check_name(to).map_err(|why| io::Error::new(io::ErrorKind::InvalidInput, why))?;
        let Some((old_file, mut preset)) = self.find(from) else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no preset called \"{from}\""),
            ));
        };
        let only_case_changes = same_name(&preset.name, to);
        preset.name = to.to_owned();
        if only_case_changes {
            return write_atomic(&old_file, preset.to_json().as_bytes());
        }
        self.save_new(&preset).map_err(|err| match err.kind() {
            io::ErrorKind::AlreadyExists => io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("a preset called \"{to}\" exists"),
            ),
            _ => err,
        })?;
        std::fs::remove_file(old_file)
    }

    /// A name not used by any preset: `name (copy)`, `name (copy 2)`, …
    pub fn copy_name(&self, name: &str) -> String {
        (1..)
            .map(|n| {
                if n == 1 {
                    format!("{name} (copy)")
                } else {
                    format!("{name} (copy {n})")
                }
            })
            .find(|candidate| self.find(candidate).is_none())
            .unwrap_or_else(|| format!("{name} (copy)"))
    }

    /// The files a preset called `name` may go in, in order: `slug.json`, `slug-2.json`, …
    fn candidate_files(&self, name: &str) -> impl Iterator<Item = PathBuf> + '_ {
        let slug = slug(name);
        (1..=MAX_FILES_PER_SLUG).map(move |n| {
            self.dir.join(if n == 1 {
                format!("{slug}.json")
            } else {
                format!("{slug}-{n}.json")
            })
        })
    }
}

/// How many files the names sharing one file name may spread over before a save gives up.
const MAX_FILES_PER_SLUG: usize = 10_000;

/// What a save does when a preset of the same name exists.
#[derive(Clone, Copy)]
enum OnSameName {
    Refuse,
    Replace,
}

/// Where a save went, and the name of the preset it replaced, if any (which may differ in case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub file: PathBuf,
    pub replaced: Option<String>,
}

/// Writes `bytes` over `file`, which holds `existing`, the preset of the same name, if allowed.
fn replace(
    file: &Path,
    existing: &Preset,
    bytes: &str,
    on_same_name: OnSameName,
) -> io::Result<Saved> {
    match on_same_name {
        OnSameName::Refuse => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("a preset called \"{}\" exists", existing.name),
        )),
        OnSameName::Replace => {
            write_atomic(file, bytes.as_bytes())?;
            Ok(Saved {
                file: file.to_path_buf(),
                replaced: Some(existing.name.clone()),
            })
        }
    }
}

/// Whether two preset names are the same name: one rule for finding, saving, renaming, sorting
/// and file names, the comparison of [`fold_name`].
pub fn same_name(a: &str, b: &str) -> bool {
    fold_name(a) == fold_name(b)
}

/// How preset names are compared, everywhere: Unicode's full case folding ("Straße" is "STRASSE",
/// "ﬁle" is "FILE", a final `ς` is `σ`) of the canonically decomposed name (an `é` typed as one
/// character or as `e` and an accent is one name), with the dot that `İ` leaves on its `i`
/// dropped, so "İstanbul", "ISTANBUL" and "istanbul" are one name too.
pub fn fold_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    let decomposed: String = name.trim().nfd().collect();
    let folded = caseless::default_case_fold_str(&decomposed);
    let mut without_dots = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c == '\u{307}' && without_dots.ends_with('i') {
            continue;
        }
        without_dots.push(c);
    }
    without_dots.nfc().collect()
}

/// `name`, trimmed, if it can name a preset; else why not. Control characters (a tab, a line
/// break, an escape sequence) would reach the terminal raw and break `presets list`'s one line
/// per preset, so they are refused, like the Unicode line and paragraph separators.
pub fn check_name(name: &str) -> Result<&str, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a preset needs a name".to_owned());
    }
    match name.chars().find(|c| is_unprintable(*c)) {
        Some(c) => Err(format!(
            "a preset name cannot hold control characters or invisible ones such as tabs, line breaks, escapes, zero-width spaces or bidirectional controls (this one holds {})",
            c.escape_unicode()
        )),
        None => Ok(name),
    }
}

fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        // Invisible characters that make two names look alike (a zero-width space, a byte order
        // mark, a word joiner) or reorder the rest of a listing line (bidirectional controls).
        // Zero-width joiners stay: emoji sequences and several scripts need them.
        || matches!(c, '\u{200b}' | '\u{feff}' | '\u{2060}' | '\u{200e}' | '\u{200f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with its control characters escaped (`\u{1b}`), safe to print on a terminal: for file
/// names and the names broken files claim, which no check has passed.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_unprintable(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The largest preset file that is read, in bytes. A preset is a few kilobytes; a file far
/// bigger is not one, and reading it whole would make every listing slow and memory-hungry.
pub const MAX_PRESET_BYTES: u64 = 1024 * 1024;

/// The preset in `file`, or why it is not one.
fn read_preset(file: &Path) -> Result<Preset, String> {
    Preset::parse(&read_capped(file)?)
}

/// The text of a preset file, or why it is not read: its size is checked before reading, and the
/// reading stops at the cap anyway (the file may grow meanwhile, or be a device or a pipe).
fn read_capped(file: &Path) -> Result<String, String> {
    let too_big = |size: u64| {
        format!(
            "too big to be a preset ({}, more than {}): not read",
            human_bytes(size),
            human_bytes(MAX_PRESET_BYTES)
        )
    };
    let metadata = std::fs::metadata(file).map_err(|err| format!("cannot be read ({err})"))?;
    if !metadata.is_file() {
        return Err("not a regular file: not read".to_owned());
    }
    if metadata.len() > MAX_PRESET_BYTES {
        return Err(too_big(metadata.len()));
    }
    let mut text = String::new();
    std::fs::File::open(file)
        .and_then(|opened| opened.take(MAX_PRESET_BYTES + 1).read_to_string(&mut text))
        .map_err(|err| format!("cannot be read ({err})"))?;
    if text.len() as u64 > MAX_PRESET_BYTES {
        return Err(too_big(text.len() as u64));
    }
    Ok(text)
}

/// A size in bytes as people read it.
fn human_bytes(size: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if size >= MIB {
        format!("{:.1} MiB", size as f64 / MIB as f64)
    } else {
        format!("{size} bytes")
    }
}

/// The name a file in the presets folder gives itself, when it is JSON enough to say, even if it
/// is refused as a preset (to tell which preset a broken file holds). Read with the same cap.
pub fn claimed_name(file: &Path) -> Option<String> {
    let value: Value = serde_json::from_str(&read_capped(file).ok()?).ok()?;
    value.get("name")?.as_str().map(str::to_owned)
}

/// A file-name-safe version of a preset name.
fn slug(name: &str) -> String {
    let slug: String = fold_name(name)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug: String = slug.chars().take(60).collect();
    if slug.is_empty() {
        "preset".to_owned()
    } else {
        slug
    }
}

/// The presets shipped with the app, written to the presets folder on first launch.
const EXAMPLES: [(&str, &str); 5] = [
    (
        "docs-example.json",
        include_str!("../../assets/presets/docs-example.json"),
    ),
    (
        "invalid-email.json",
        include_str!("../../assets/presets/invalid-email.json"),
    ),
    (
        "unicode-name.json",
        include_str!("../../assets/presets/unicode-name.json"),
    ),
    (
        "typed-traits.json",
        include_str!("../../assets/presets/typed-traits.json"),
    ),
    (
        "list-people.json",
        include_str!("../../assets/presets/list-people.json"),
    ),
];

impl PresetStore {
    /// Why the presets folder cannot be used, when a file sits where it (or a folder above it)
    /// should be: otherwise that surfaces as a raw "Not a directory" on every list and save.
    pub fn check_folder(&self) -> Result<(), String> {
        match self.dir.ancestors().find(|path| path.is_file()) {
            Some(file) => Err(format!(
                "{} is a file, not a folder: presets are kept in {}, so move the file away",
                file.display(),
                self.dir.display()
            )),
            None => Ok(()),
        }
    }

    /// Opens the presets folder, writing the shipped examples into it on first launch (when the
    /// folder does not exist yet). Seeding is best effort: a folder that cannot be written shows
    /// its reason on the first save instead.
    pub fn open_seeded(dir: PathBuf) -> Self {
        if !dir.exists() {
            for (file, text) in EXAMPLES {
                let _ = write_atomic(&dir.join(file), text.as_bytes());
            }
        }
        Self::at(dir)
    }
}

/// Writes `preset` to a file of the user's choosing (atomically, like every preset file).
pub fn export(preset: &Preset, path: &Path) -> io::Result<()> {
    write_atomic(path, preset.to_json().as_bytes())
}

/// Reads a dropped or chosen file as a preset; a plain JSON object is taken as a body, named after
/// the file.
pub fn import_file(path: &Path) -> Result<Preset, String> {
    let text = read_capped(path).map_err(|reason| format!("{}: {reason}", path.display()))?;
    match Preset::parse(&text) {
        Ok(preset) => Ok(preset),
        Err(reason) => match serde_json::from_str::<Value>(&text) {
            Ok(body @ Value::Object(_)) if body.get("kind").is_none() => {
                let name = path
                    .file_stem()
                    .map(|stem| stem.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "Imported".to_owned());
                let mut draft = Draft::default();
                draft.load_body(&body);
                Ok(Preset::new(&name, &draft))
            }
            _ => Err(format!("{} is {reason}", path.display())),
        },
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_key_named_twice_is_no_preset() {
        let text = r#"{"kind": "flameup-explorer-preset", "schema": 2, "name": "d", "name": "e"}"#;
        let error = Preset::parse(text).unwrap_err();
        assert!(
            error.starts_with("names \"name\" twice in one object (line 1, column"),
            "{error}"
        );
    }

    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Docs example"), "docs-example");
        assert_eq!(slug("  Ünïcode / ../../etc  "), "ünïcode-etc");
        assert_eq!(slug("!!!"), "preset");
    }

    #[test]
    fn one_folding_rule() {
        for (a, b) in [
            ("Docs", "DOCS"),
            ("İstanbul", "istanbul"),
            ("ISTANBUL", "istanbul"),
            ("Straße", "STRASSE"),
            ("ΟΔΟΣ", "οδος"),
            ("  Ünïcode ", "üNÏCODE"),
            ("ﬁle", "FILE"),
            ("ﬀ", "FF"),
            ("ŉ", "ʼN"),
            ("caf\u{e9}", "cafe\u{301}"),
            ("CAF\u{c9}", "cafe\u{301}"),
        ] {
            assert!(same_name(a, b), "{a} = {b}");
            assert_eq!(slug(a), slug(b), "{a} and {b} share a file name");
        }
        for (a, b) in [("ı", "i"), ("plan a", "plan/a"), ("e\u{301}", "e")] {
            assert!(!same_name(a, b), "{a} ≠ {b}");
        }
    }

    #[test]
    fn names_with_control_characters_are_refused() {
        assert_eq!(check_name("  Plan A "), Ok("Plan A"));
        assert!(check_name(" ").is_err());
        for name in [
            "red\u{1b}[31m",
            "a\u{200b}b",
            "abc\u{202e}fed",
            "\u{feff}bom",
            "a\tb",
            "a\nb",
            "a\rb",
            "a\u{7f}",
            "a\u{2028}b",
            "a\u{85}b",
        ] {
            let why = check_name(name).unwrap_err();
            assert!(why.contains("control characters"), "{why}");
            assert!(!why.chars().any(char::is_control), "{why:?}");
        }
        assert_eq!(printable("a\u{1b}[1m\tb"), "a\\u{1b}[1m\\u{9}b");
    }

    #[test]
    fn parse_explains_what_is_wrong() {
        assert!(
            Preset::parse("{")
                .unwrap_err()
                .starts_with("not valid JSON")
        );
        assert!(
            Preset::parse("{}")
                .unwrap_err()
                .starts_with("not a Flameup Explorer preset")
        );
        let newer = r#"{"kind": "flameup-explorer-preset", "schema": 9, "name": "x"}"#;
        assert_eq!(
            Preset::parse(newer).unwrap_err(),
            "made by a newer version (schema 9; this one reads 2)"
        );
        let incomplete = r#"{"kind": "flameup-explorer-preset", "schema": 1, "name": "x"}"#;
        assert!(
            Preset::parse(incomplete)
                .unwrap_err()
                .starts_with("not a valid preset")
        );
    }
}
