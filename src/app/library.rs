//! The library's state: the presets folder and the history file, and what the panel beside the
//! form is doing with them (the tab, searches, a rename or export in progress, undo lists).

use std::path::PathBuf;

use crate::store::history::{History, HistoryEntry};
use crate::store::presets::{Listed, Preset, PresetStore};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LibraryTab {
    /// The API navigator: every operation of the contract.
    #[default]
    Operations,
    Presets,
    History,
}

/// Presets and history, and the panel's state.
#[derive(Default)]
pub struct Library {
    pub presets: Option<PresetStore>,
    pub history: Option<History>,
    pub(super) listed: Vec<Listed>,
    pub tab: LibraryTab,
    pub search: String,
    /// The navigator's filter.
    pub operation_filter: String,
    pub history_search: String,
    /// The name the next save uses.
    pub save_name: String,
    /// A rename in progress: the old name and the edited one.
    pub renaming: Option<(String, String)>,
    /// Presets deleted this session, newest last, for undo.
    pub deleted: Vec<Preset>,
    /// The outcome of the last action, and whether it failed.
    pub status: Option<(String, bool)>,
    /// Set by Ctrl+K: the search box takes the keyboard on the next frame.
    pub focus_search: bool,
    /// Set when a save needs a name: the name box takes the keyboard on the next frame.
    pub focus_save_name: bool,
    /// Set when a rename starts: its box takes the keyboard on the next frame.
    pub focus_rename: bool,
    /// A save under a name that is taken, waiting for Replace or Cancel.
    pub confirm_replace: Option<String>,
    /// The import row, open with the path typed so far (the fallback when no file dialog answers).
    pub import_path: Option<String>,
    /// The export row: which preset, and the path typed so far.
    pub export_to: Option<(String, String)>,
    /// The entries of the last Clear all, for undo.
    pub cleared_history: Vec<HistoryEntry>,
    /// The history entries picked for a flow.
    pub selection: super::flow_ui::HistorySelection,
}

impl Library {
    /// Opens the presets folder (seeding the examples on first launch) and the history file.
    pub fn open(presets_dir: Option<PathBuf>, history_file: Option<PathBuf>) -> Self {
        let (history, notice) = match history_file.map(History::open) {
            Some((history, notice)) => (Some(history), notice),
            None => (None, None),
        };
        let presets = presets_dir.map(PresetStore::open_seeded);
        let folder_problem = presets
            .as_ref()
            .and_then(|store| store.check_folder().err());
        let mut library = Self {
            presets,
            history,
            // Said once: the lines are moved aside, so the next start finds none.
            status: folder_problem.or(notice).map(|notice| (notice, true)),
            ..Self::default()
        };
        library.refresh();
        library
    }

    /// Reads the presets folder again.
    pub fn refresh(&mut self) {
        self.listed = self
            .presets
            .as_ref()
            .map(PresetStore::list)
            .unwrap_or_default();
    }

    pub fn report(&mut self, result: Result<String, String>) {
        self.status = Some(match result {
            Ok(message) => (message, false),
            Err(message) => (message, true),
        });
        self.refresh();
    }
}
