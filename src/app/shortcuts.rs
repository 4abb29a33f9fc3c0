//! Every keyboard shortcut, written once as data: the key handler, the shortcuts window and the
//! hover texts all read [`SHORTCUTS`].

use egui::{Key, KeyboardShortcut, Modifiers, RichText};

use super::action::Action;

/// What the user presses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keys {
    /// A key with modifiers, consumed wherever the focus is.
    Chord(Modifiers, Key),
    /// A key without modifiers, or a typed character when no text field has the focus.
    Help,
    /// Esc: cancels a running send, else closes the shortcuts window.
    Escape,
}

/// One shortcut: its keys, how they are written, and what they do.
pub struct Shortcut {
    pub keys: Keys,
    /// As shown to the user.
    pub label: &'static str,
    pub what: &'static str,
    pub action: Action,
}

pub const SEND: Shortcut = Shortcut {
    keys: Keys::Chord(Modifiers::COMMAND, Key::Enter),
    label: "Ctrl+Enter",
    what: "Send the request",
    action: Action::Send,
};
pub const CANCEL: Shortcut = Shortcut {
    keys: Keys::Escape,
    label: "Esc",
    what: "Cancel a running send (or close this window)",
    action: Action::Cancel,
};
pub const SAVE_PRESET: Shortcut = Shortcut {
    keys: Keys::Chord(Modifiers::COMMAND, Key::S),
    label: "Ctrl+S",
    what: "Save the request as a preset",
    action: Action::SavePreset,
};
pub const SEARCH_PRESETS: Shortcut = Shortcut {
    keys: Keys::Chord(Modifiers::COMMAND, Key::K),
    label: "Ctrl+K",
    what: "Search presets",
    action: Action::SearchPresets,
};
pub const EDIT_BASE_URL: Shortcut = Shortcut {
    keys: Keys::Chord(Modifiers::COMMAND, Key::L),
    label: "Ctrl+L",
    what: "Edit the base URL",
    action: Action::EditBaseUrl,
};
pub const COPY_SNIPPET: Shortcut = Shortcut {
    keys: Keys::Chord(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::C),
    label: "Ctrl+Shift+C",
    what: "Copy the request preview",
    action: Action::CopySnippet,
};
pub const GO_TO_OPERATION: Shortcut = Shortcut {
    keys: Keys::Chord(Modifiers::COMMAND, Key::P),
    label: "Ctrl+P",
    what: "Go to an operation by name",
    action: Action::GoToOperation,
};
pub const IMPORT_CURL: Shortcut = Shortcut {
    keys: Keys::Chord(Modifiers::COMMAND, Key::I),
    label: "Ctrl+I",
    what: "Import a cURL command (or paste one onto the window)",
    action: Action::OpenCurlImport,
};
pub const SHOW_REQUESTS: Shortcut = Shortcut {
    keys: Keys::Chord(Modifiers::COMMAND, Key::Num1),
    label: "Ctrl+1",
    what: "Show Requests: the form, its preview and the answer",
    action: Action::Import(super::ImportAction::ShowView(super::View::Requests)),
};
pub const SHOW_IMPORT: Shortcut = Shortcut {
    keys: Keys::Chord(Modifiers::COMMAND, Key::Num2),
    label: "Ctrl+2",
    what: "Show Import people: bulk import from a file",
    action: Action::Import(super::ImportAction::ShowView(super::View::Import)),
};
pub const SHOW_SHORTCUTS: Shortcut = Shortcut {
    keys: Keys::Help,
    label: "F1 or ?",
    what: "Show or hide this list",
    action: Action::ToggleShortcuts,
};

/// Every shortcut, in the order the shortcuts window lists them.
pub const SHORTCUTS: [&Shortcut; 11] = [
    &SEND,
    &CANCEL,
    &GO_TO_OPERATION,
    &IMPORT_CURL,
    &COPY_SNIPPET,
    &SAVE_PRESET,
    &SEARCH_PRESETS,
    &EDIT_BASE_URL,
    &SHOW_REQUESTS,
    &SHOW_IMPORT,
    &SHOW_SHORTCUTS,
];

impl Shortcut {
    /// A hover text: what it does, and the keys in brackets.
    pub fn hint(&self) -> String {
        format!("{} ({})", self.what, self.label)
    }

    /// A hover text for a control that does this, described in its own words.
    pub fn hint_for(&self, what: &str) -> String {
        format!("{what} ({})", self.label)
    }
}

/// What the key handler needs to know about the window.
pub struct KeyContext {
    /// A send is running (Esc cancels it).
    pub running: bool,
    /// The shortcuts window is open (Esc closes it).
    pub shortcuts_open: bool,
}

/// The actions the keys pressed this frame ask for; the keys are consumed so no widget also
/// acts on them.
pub fn pressed(ctx: &egui::Context, window: &KeyContext) -> Vec<Action> {
    SHORTCUTS
        .iter()
        .filter(|shortcut| is_pressed(ctx, shortcut.keys, window))
        .map(|shortcut| shortcut.action.clone())
        .collect()
}

fn is_pressed(ctx: &egui::Context, keys: Keys, window: &KeyContext) -> bool {
    match keys {
        Keys::Chord(modifiers, key) => {
            ctx.input_mut(|input| input.consume_shortcut(&KeyboardShortcut::new(modifiers, key)))
        }
        Keys::Help => {
            let typing = ctx.memory(|memory| memory.focused().is_some());
            ctx.input_mut(|input| input.consume_key(Modifiers::NONE, Key::F1))
                || (!typing
                    && ctx.input(|input| {
                        input
                            .events
                            .iter()
                            .any(|event| matches!(event, egui::Event::Text(text) if text == "?"))
                    }))
        }
        // Left alone when there is nothing to cancel or close, so widgets still get their Esc.
        Keys::Escape => {
            (window.running || window.shortcuts_open)
                && ctx.input_mut(|input| input.consume_key(Modifiers::NONE, Key::Escape))
        }
    }
}

/// Every keyboard shortcut, in a small window.
pub fn shortcuts_window_ui(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("Keyboard shortcuts")
        .open(open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts")
                .num_columns(2)
                .spacing([16.0, 4.0])
                .show(ui, |ui| {
                    for shortcut in SHORTCUTS {
                        ui.label(RichText::new(shortcut.label).monospace().strong());
                        ui.label(shortcut.what);
                        ui.end_row();
                    }
                });
        });
}
