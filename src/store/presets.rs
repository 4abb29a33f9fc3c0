//! Presets: one human-readable JSON file per preset, written atomically. A broken or foreign file
//! is listed as broken, with the reason, and never overwritten; it does not stop the others.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::atomic::{TEMP_PREFIX, write_atomic};
use super::saved::SavedRequest;
use crate::model::Draft;

/// What the `kind` field of every preset file says.
pub const KIND: &str = "flameup-explorer-preset";
/// The newest schema this version reads and writes.
pub const SCHEMA: u32 = 1;

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
        let preset: Self =
            serde_json::from_value(value).map_err(|err| format!("not a valid preset ({err})"))?;
        if preset.name.trim().is_empty() {
            return Err("has an empty name".to_owned());
        }
        Ok(preset)
    }
}

/// One file in the presets folder.
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
            .map(|file| match std::fs::read_to_string(&file) {
                Ok(text) => match Preset::parse(&text) {
                    Ok(preset) => Listed::Preset { file, preset },
                    Err(reason) => Listed::Broken { file, reason },
                },
                Err(err) => Listed::Broken {
                    reason: format!("cannot be read ({err})"),
                    file,
                },
            })
            .collect();
        listed.sort_by_key(|item| match item {
            Listed::Preset { preset, .. } => (0, preset.name.to_lowercase()),
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

    /// The preset called `name` (case-insensitive), if any.
    pub fn find(&self, name: &str) -> Option<(PathBuf, Preset)> {
        self.list().into_iter().find_map(|item| match item {
            Listed::Preset { file, preset } if preset.name.eq_ignore_ascii_case(name.trim()) => {
                Some((file, preset))
            }
            _ => None,
        })
    }

    /// Saves `preset`, replacing a preset of the same name; never writes over another file.
    pub fn save(&self, preset: &Preset) -> io::Result<PathBuf> {
        let file = match self.find(&preset.name) {
            Some((file, _)) => file,
            None => self.free_file_name(&preset.name),
        };
        write_atomic(&file, preset.to_json().as_bytes())?;
        Ok(file)
    }

    /// Deletes the preset called `name` and returns it (to undo), or `None` if there is none.
    pub fn delete(&self, name: &str) -> io::Result<Option<Preset>> {
        let Some((file, preset)) = self.find(name) else {
            return Ok(None);
        };
        std::fs::remove_file(file)?;
        Ok(Some(preset))
    }

    /// Renames a preset; fails if the new name is taken by another one.
    pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        let to = to.trim();
        if to.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a preset needs a name",
            ));
        }
        if !from.eq_ignore_ascii_case(to) && self.find(to).is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("a preset called \"{to}\" exists"),
            ));
        }
        let Some((old_file, mut preset)) = self.find(from) else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no preset called \"{from}\""),
            ));
        };
        preset.name = to.to_owned();
        let new_file = self.free_file_name(to);
        write_atomic(&new_file, preset.to_json().as_bytes())?;
        if new_file != old_file {
            std::fs::remove_file(old_file)?;
        }
        Ok(())
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

    /// A file name for `name` that no file in the folder has yet.
    fn free_file_name(&self, name: &str) -> PathBuf {
        let slug = slug(name);
        (1..)
            .map(|n| {
                if n == 1 {
                    format!("{slug}.json")
                } else {
                    format!("{slug}-{n}.json")
                }
            })
            .map(|file| self.dir.join(file))
            .find(|file| !file.exists())
            .unwrap_or_else(|| self.dir.join(format!("{slug}.json")))
    }
}

/// A file-name-safe version of a preset name.
fn slug(name: &str) -> String {
    let slug: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                '-'
            }
        })
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
const EXAMPLES: [(&str, &str); 4] = [
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
];

impl PresetStore {
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
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    match Preset::parse(&text) {
        Ok(preset) => Ok(preset),
        Err(reason) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(body)) if !body.contains_key("kind") => {
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
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Docs example"), "docs-example");
        assert_eq!(slug("  Ünïcode / ../../etc  "), "ünïcode-etc");
        assert_eq!(slug("!!!"), "preset");
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
            "made by a newer version (schema 9; this one reads 1)"
        );
        let incomplete = r#"{"kind": "flameup-explorer-preset", "schema": 1, "name": "x"}"#;
        assert!(
            Preset::parse(incomplete)
                .unwrap_err()
                .starts_with("not a valid preset")
        );
    }
}
