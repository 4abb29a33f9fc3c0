//! What the app keeps on disk: presets (one JSON file each, in the config directory) and the
//! history of sends (in the data directory). Never the token.

pub mod atomic;
pub mod body_file;
pub mod guarded;
pub mod history;
pub mod presets;
pub mod saved;
pub mod token;
pub mod window_state;

use std::path::PathBuf;

/// The app's directories, from the platform's conventions (`$XDG_CONFIG_HOME`, `$XDG_DATA_HOME`
/// on Linux).
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("ai", "Flameup", "flameup-explorer")
}

/// Where presets live.
pub fn presets_dir() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.config_dir().join("presets"))
}

/// Where the history lives.
pub fn history_file() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.data_dir().join("history.jsonl"))
}

/// Where copies of files that could not be read are kept (the data directory).
pub fn data_dir() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.data_dir().to_path_buf())
}

/// Where an exported preset goes unless the user says otherwise: their documents folder (or home),
/// under the preset's name.
pub fn export_path_for(name: &str) -> PathBuf {
    let dir = directories::UserDirs::new()
        .and_then(|dirs| {
            dirs.document_dir()
                .map(PathBuf::from)
                .or_else(|| Some(dirs.home_dir().to_path_buf()))
        })
        .unwrap_or_default();
    let file: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_ ".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    dir.join(format!("{}.json", file.trim()))
}
