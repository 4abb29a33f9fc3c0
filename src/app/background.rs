//! Work that must not run on the UI thread: keyring calls, file dialogs, parsing a large body for
//! the tree. Each task runs on a named thread started by [`spawn`], which hands the value over
//! first and wakes the UI second, so the frame it wakes always finds the value ready.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use poll_promise::Promise;

use crate::store::presets::Preset;

/// Runs `work` on a thread called `name`; when it is done, sends its value and then asks `ctx`
/// for a repaint. If no thread can be started, the work runs here and now: slower, nothing lost.
pub fn spawn<T: Send + 'static>(
    name: &str,
    ctx: &egui::Context,
    work: impl FnOnce() -> T + Send + 'static,
) -> Promise<T> {
    let (sender, promise) = Promise::new();
    let ctx = ctx.clone();
    let task = move || {
        sender.send(work());
        ctx.request_repaint();
    };
    // Kept reachable from here so that the task can still run if the thread cannot start.
    let slot = Arc::new(Mutex::new(Some(task)));
    let for_thread = Arc::clone(&slot);
    let started = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || take(&for_thread).map(|task| task()));
    if started.is_err()
        && let Some(task) = take(&slot)
    {
        task();
    }
    promise
}

fn take<T>(slot: &Mutex<Option<T>>) -> Option<T> {
    slot.lock().map_or(None, |mut task| task.take())
}

/// A file dialog, running on its own thread so the window keeps drawing.
pub enum Dialog {
    Import(Promise<DialogAnswer>),
    Export(Box<Preset>, Promise<DialogAnswer>),
}

/// The path the user chose, `Ok(None)` when they cancelled, or why no dialog could be shown.
pub type DialogAnswer = Result<Option<PathBuf>, String>;

impl Dialog {
    pub fn is_ready(&self) -> bool {
        match self {
            Self::Import(promise) | Self::Export(_, promise) => promise.ready().is_some(),
        }
    }
}

/// Shows the desktop's "open file" dialog for a preset.
pub fn pick_preset_file(ctx: &egui::Context) -> Promise<DialogAnswer> {
    spawn("file dialog", ctx, || {
        run_dialog(
            rfd::AsyncFileDialog::new()
                .add_filter("Preset", &["json"])
                .pick_file(),
        )
    })
}

/// Shows the desktop's "save file" dialog, suggesting `file_name`.
pub fn choose_export_file(ctx: &egui::Context, file_name: String) -> Promise<DialogAnswer> {
    spawn("file dialog", ctx, move || {
        run_dialog(
            rfd::AsyncFileDialog::new()
                .set_file_name(file_name)
                .save_file(),
        )
    })
}

/// Runs a file dialog to its end on the calling thread. The XDG portal talks over D-Bus with
/// tokio, so the dialog gets a small runtime of its own.
pub(super) fn run_dialog(
    dialog: impl std::future::Future<Output = Option<rfd::FileHandle>>,
) -> DialogAnswer {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("no dialog could be started ({err})"))?;
    Ok(runtime
        .block_on(dialog)
        .map(|handle| handle.path().to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_is_there_when_the_repaint_arrives() {
        let ctx = egui::Context::default();
        let seen = Arc::new(Mutex::new(None));
        let promise = Arc::new(Mutex::new(None::<Promise<u32>>));
        let (seen2, promise2) = (Arc::clone(&seen), Arc::clone(&promise));
        // The repaint callback looks at the promise at the moment the task asks for a repaint.
        ctx.set_request_repaint_callback(move |_| {
            if let Some(promise) = promise2.lock().unwrap().as_ref() {
                *seen2.lock().unwrap() = Some(promise.ready().copied());
            }
        });
        let gate = Arc::new(std::sync::Barrier::new(2));
        let gate2 = Arc::clone(&gate);
        let started = spawn("test task", &ctx, move || {
            gate2.wait();
            7
        });
        *promise.lock().unwrap() = Some(started);
        gate.wait();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while seen.lock().unwrap().is_none() && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
        assert_eq!(*seen.lock().unwrap(), Some(Some(7)));
    }
}
