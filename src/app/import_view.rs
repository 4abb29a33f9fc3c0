//! The Import view's runtime: the file opened, its preview and dry run, the import running, and
//! the glue to the engine ([`crate::import`]). Nothing here blocks the UI thread on the file or
//! the network: reading runs on background threads, the engine on its own, and its events come
//! through a channel drained once a frame (the engine's callback asks for the repaint).
//!
//! The results table holds no row's text: [`ResultsIndex`] keeps 12 bytes a row (where its line
//! starts in the results file, its outcome), and the rows on screen are read back from the file.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use poll_promise::Promise;
use serde::Deserialize;
use serde_json::Value;

use super::App;
use super::background::{self, DialogAnswer};
use super::import_export;
use crate::import::person::PersonCheck;
use crate::import::source::CellKind;
use crate::import::{
    Destination, End, Event, Format, Import, Outcome, Progress, RawText, ResultsFile, RowError,
    RowResult, SendSettings, Settings, Source, Summary,
};

/// Rows the preview shows.
pub const PREVIEW_ROWS: usize = 20;

/// Bad rows of a dry run kept to list; the counts go on, and the export finds every one.
pub const MAX_LISTED_BAD_ROWS: usize = 10_000;

/// The most requests in flight the view offers (as the command line's `--concurrency`).
pub const MAX_CONCURRENCY: usize = 64;

/// Result rows kept read from the file at once (the rows on screen and a few screens around).
const DETAIL_CACHE: usize = 512;

/// What the Import view asks for; applied after the UI pass like every [`super::Action`].
#[derive(Clone, Debug, PartialEq)]
pub enum ImportAction {
    /// Show the requests, or the import of people.
    ShowView(super::View),
    /// Open the file whose path is in the path box.
    OpenTyped,
    /// Open this file (dropped on the window, or chosen in the dialog).
    Open(PathBuf),
    /// The desktop's "open file" dialog.
    Browse,
    /// Check every row again (the dry run).
    Check,
    Start,
    Pause,
    Resume,
    Cancel,
    /// Show the bad row at this place in the dry run's list.
    SelectBadRow(usize),
    /// Show the result row at this place in the filtered table.
    SelectResult(usize),
    /// Write the failed, rejected and invalid rows to the export path.
    Export,
    /// The desktop's "save file" dialog for the export.
    ExportBrowse,
}

/// One column of the preview: its name, and the type its cells are sent as.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewColumn {
    pub name: String,
    pub kind: &'static str,
}

/// One row of the preview: its line, its cells (one per column) and what is wrong with it.
#[derive(Clone, Debug)]
pub struct PreviewRow {
    pub line: u64,
    pub cells: Vec<String>,
    pub errors: Vec<RowError>,
}

/// The first rows of a file, as the preview shows them.
#[derive(Clone, Debug)]
pub struct PreviewTable {
    pub format: Format,
    pub columns: Vec<PreviewColumn>,
    pub rows: Vec<PreviewRow>,
    pub bytes_total: Option<u64>,
}

/// An import (or a dry run) running on the engine's thread, and what it has said so far.
pub struct Job {
    import: Import,
    events: mpsc::Receiver<Event>,
    pub latest: Option<Progress>,
    pub summary: Option<Summary>,
    /// The bad rows the check found (at most [`MAX_LISTED_BAD_ROWS`]).
    pub bad_rows: Vec<RowResult>,
    pub rate: RateMeter,
    /// People per batch and the results file, for a send.
    pub batch_size: usize,
    pub results: Option<PathBuf>,
}

impl Job {
    fn start(settings: Settings, ctx: &egui::Context) -> Result<Self, String> {
        let batch_size = settings.send.as_ref().map_or(0, |send| send.batch_size);
        let results = settings
            .send
            .as_ref()
            .and_then(|send| send.results.as_ref().map(|file| file.path.clone()));
        let (sender, events) = mpsc::channel();
        let ctx = ctx.clone();
        let import = Import::start(settings, move |event| {
            let urgent = matches!(event, Event::Progress(_) | Event::Finished(_));
            // The view lives longer than the import, except when the window closes.
            let _ = sender.send(event);
            if urgent {
                ctx.request_repaint();
            } else {
                // Rows arrive by the thousand: one repaint for a burst of them.
                ctx.request_repaint_after(crate::import::runner::PROGRESS_EVERY);
            }
        })?;
        Ok(Self {
            import,
            events,
            latest: None,
            summary: None,
            bad_rows: Vec::new(),
            rate: RateMeter::default(),
            batch_size,
            results,
        })
    }

    /// Takes in every event waiting; whether anything came.
    fn drain(&mut self) -> bool {
        let mut any = false;
        while let Ok(event) = self.events.try_recv() {
            any = true;
            match event {
                Event::Progress(progress) => {
                    self.rate.note(progress.sent);
                    self.latest = Some(progress);
                }
                Event::Invalid(row) => {
                    if self.bad_rows.len() < MAX_LISTED_BAD_ROWS {
                        self.bad_rows.push(row);
                    }
                }
                Event::Results(_) => {}
                Event::Finished(summary) => self.summary = Some(summary),
            }
        }
        any
    }

    pub fn is_finished(&self) -> bool {
        self.summary.is_some()
    }

    pub fn is_paused(&self) -> bool {
        self.import.is_paused()
    }
}

/// People a minute lately: sent rows sampled with each progress report, over the last
/// [`RateMeter::WINDOW`].
#[derive(Default)]
pub struct RateMeter {
    samples: std::collections::VecDeque<(Instant, u64)>,
}

impl RateMeter {
    /// A whole minute, as the limit counts: over a shorter span, the burst a fresh rate-limit
    /// window allows reads as many times the ceiling.
    const WINDOW: Duration = Duration::from_secs(60);

    fn note(&mut self, sent: u64) {
        let now = Instant::now();
        self.samples.push_back((now, sent));
        while self
            .samples
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > Self::WINDOW)
            && self.samples.len() > 2
        {
            self.samples.pop_front();
        }
    }

    /// People a minute over the samples kept, once they span a second.
    pub fn per_minute(&self) -> Option<f64> {
        let (first, last) = (self.samples.front()?, self.samples.back()?);
        let seconds = last.0.duration_since(first.0).as_secs_f64();
        (seconds >= 1.0).then(|| last.1.saturating_sub(first.1) as f64 * 60.0 / seconds)
    }
}

/// Where each row of the results file is, and its outcome: 12 bytes a row, whatever its text.
#[derive(Default)]
pub struct ResultsIndex {
    /// Each line's start in the file (`<< 3`) and its outcome (the low 3 bits), in file order.
    all: Vec<u64>,
    /// For each outcome (in [`Outcome::ALL`]'s order), the places in `all` of its rows.
    by_outcome: [Vec<u32>; 5],
}

impl ResultsIndex {
    fn push(&mut self, offset: u64, outcome: Outcome) {
        let code = outcome_code(outcome);
        if let Ok(place) = u32::try_from(self.all.len()) {
            self.by_outcome[usize::from(code)].push(place);
            self.all.push(offset << 3 | u64::from(code));
        }
    }

    /// Rows shown with `filter` (`None`: all).
    pub fn len(&self, filter: Option<Outcome>) -> usize {
        match filter {
            None => self.all.len(),
            Some(outcome) => self.by_outcome[usize::from(outcome_code(outcome))].len(),
        }
    }

    /// Where the `place`th row shown with `filter` starts in the file.
    pub fn offset(&self, filter: Option<Outcome>, place: usize) -> Option<u64> {
        let at = match filter {
            None => place,
            Some(outcome) => {
                *self.by_outcome[usize::from(outcome_code(outcome))].get(place)? as usize
            }
        };
        self.all.get(at).map(|packed| packed >> 3)
    }

    /// Bytes held, for the figures.
    pub fn bytes(&self) -> usize {
        self.all.capacity() * 8
            + self
                .by_outcome
                .iter()
                .map(|v| v.capacity() * 4)
                .sum::<usize>()
    }
}

fn outcome_code(outcome: Outcome) -> u8 {
    Outcome::ALL
        .iter()
        .position(|known| *known == outcome)
        .map_or(0, |at| at as u8)
}

/// The part of a results line the index needs.
#[derive(Deserialize)]
struct Finished {
    outcome: Outcome,
}

/// Reads the results file as the engine writes it, on a thread of its own: woken by each batch,
/// it indexes the complete lines added since and asks for a repaint; it ends with the import.
fn index_results(
    path: PathBuf,
    ctx: egui::Context,
) -> (Arc<Mutex<ResultsIndex>>, mpsc::Sender<()>) {
    let index = Arc::new(Mutex::new(ResultsIndex::default()));
    let (wake, woken) = mpsc::channel::<()>();
    let shared = Arc::clone(&index);
    let _ = std::thread::Builder::new()
        .name("import results index".to_owned())
        .spawn(move || {
            let mut reader = ResultsReader { path, offset: 0 };
            loop {
                let last = woken.recv().is_err();
                while woken.try_recv().is_ok() {}
                reader.catch_up(&shared);
                ctx.request_repaint();
                if last {
                    return;
                }
            }
        });
    (index, wake)
}

/// Where the indexer is in the results file.
struct ResultsReader {
    path: PathBuf,
    offset: u64,
}

impl ResultsReader {
    /// Indexes the complete lines after `offset` (a torn last line waits for its end).
    fn catch_up(&mut self, index: &Mutex<ResultsIndex>) {
        let Ok(mut file) = File::open(&self.path) else {
            return;
        };
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return;
        }
        let mut reader = BufReader::with_capacity(256 * 1024, file);
        let mut found = Vec::new();
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(read) if read > 0 && line.last() == Some(&b'\n') => {
                    if let Ok(finished) = serde_json::from_slice::<Finished>(&line) {
                        found.push((self.offset, finished.outcome));
                    }
                    self.offset += read as u64;
                }
                _ => break,
            }
            if found.len() >= 10_000 {
                Self::publish(index, &mut found);
            }
        }
        Self::publish(index, &mut found);
    }

    fn publish(index: &Mutex<ResultsIndex>, found: &mut Vec<(u64, Outcome)>) {
        if let Ok(mut index) = index.lock() {
            for (offset, outcome) in found.drain(..) {
                index.push(offset, outcome);
            }
        }
    }
}

/// A row's text, looked up in the file on a background thread.
pub struct RowLookup {
    pub line: u64,
    pub text: Promise<Result<String, String>>,
}

/// The file the view works on, and everything known of it.
pub struct OpenFile {
    pub path: PathBuf,
    pub preview: Promise<Result<PreviewTable, String>>,
    pub check: Option<Job>,
    pub run: Option<Job>,
    /// The results file of the last send, indexed as it grows.
    pub index: Option<Arc<Mutex<ResultsIndex>>>,
    index_wake: Option<mpsc::Sender<()>>,
    pub results_path: String,
    /// Send only the rows the results file has no final outcome for.
    pub resume: bool,
    pub export_path: String,
    pub selected_bad: Option<usize>,
    pub bad_row_text: Option<RowLookup>,
    /// Which outcome the results table lists (`None`: all).
    pub filter: Option<Outcome>,
    pub selected_result: Option<usize>,
    details: HashMap<u64, Option<RowResult>>,
    pub result_row_text: Option<RowLookup>,
    pub export: Option<Promise<Result<String, String>>>,
    export_dialog: Option<Promise<DialogAnswer>>,
    /// The file's size and modification time when the check on screen started: a Start on a
    /// file that differs checks it again first, so nothing is sent under an old report.
    checked: Option<FileStamp>,
}

/// What tells a changed file apart cheaply: its size and modification time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    fn of(path: &Path) -> Option<Self> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Self {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// Why `path` cannot be imported before anything reads it: it is not a regular file (a folder,
/// a pipe, a device: reading those may never end), or it cannot be looked at.
fn not_a_people_file(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => None,
        Ok(meta) if meta.is_dir() => Some(format!(
            "{} is a folder: choose a file of people (.csv or .jsonl) in it.",
            path.display()
        )),
        Ok(_) => Some(format!(
            "{} is not a regular file (a pipe, a socket or a device): save the people to a file and open that.",
            path.display()
        )),
        Err(err) => Some(format!("{} cannot be opened: {err}.", path.display())),
    }
}

impl OpenFile {
    /// The result row starting at `offset` in the results file, read once and kept a while.
    pub fn result_at(&mut self, offset: u64) -> Option<RowResult> {
        if let Some(known) = self.details.get(&offset) {
            return known.clone();
        }
        if self.details.len() >= DETAIL_CACHE {
            self.details.clear();
        }
        let path = self.run.as_ref().and_then(|run| run.results.clone())?;
        let read = read_result(&path, offset);
        self.details.insert(offset, read.clone());
        read
    }

    /// Takes in the engine's events, and wakes the results indexer when a batch came (it reads
    /// the last lines and ends once the import has).
    fn poll_jobs(&mut self) {
        if let Some(job) = self.check.as_mut() {
            job.drain();
        }
        let was_running = self.run.as_ref().is_some_and(|run| !run.is_finished());
        if let Some(job) = self.run.as_mut()
            && job.drain()
            && let Some(wake) = &self.index_wake
        {
            let _ = wake.send(());
        }
        if self.run.as_ref().is_some_and(Job::is_finished) {
            self.index_wake = None;
            if was_running {
                // The next Start continues what this one left in its results file (even an empty
                // one, which a fresh Start would refuse); with none written there is nothing to
                // resume.
                self.resume = self.results_file_exists();
            }
        }
    }

    /// Whether the results file is there.
    pub fn results_file_exists(&self) -> bool {
        std::fs::metadata(self.results_path.trim()).is_ok()
    }

    /// Why the check on screen says the file cannot be imported, when it stopped on something
    /// every row meets (a header it cannot read, a file it cannot read on).
    pub fn check_failure(&self) -> Option<&str> {
        match &self.check.as_ref()?.summary.as_ref()?.end {
            crate::import::End::Stopped(reason) => Some(reason),
            _ => None,
        }
    }

    /// Whether an import (or its dry run) is running now.
    pub fn busy(&self) -> bool {
        let running = |job: &Option<Job>| job.as_ref().is_some_and(|job| !job.is_finished());
        running(&self.check) || running(&self.run)
    }
}

/// The value of a background task once it is ready, taking it out of `slot`.
fn take_ready<T: Send>(slot: &mut Option<Promise<T>>) -> Option<T> {
    slot.as_ref()?.ready()?;
    slot.take().map(Promise::block_and_take)
}

/// What the view says when a file dialog gave no file.
fn dialog_failure(answer: DialogAnswer) -> Option<Result<String, String>> {
    match answer {
        Ok(Some(_)) => None,
        Ok(None) => Some(Err(super::NO_FILE_CHOSEN.to_owned())),
        Err(reason) => Some(Err(format!(
            "The file dialog could not open: {reason}. Type the path instead, or drop the file on the window."
        ))),
    }
}

fn read_result(path: &Path, offset: u64) -> Option<RowResult> {
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut line = Vec::new();
    BufReader::new(file).read_until(b'\n', &mut line).ok()?;
    serde_json::from_slice(&line).ok()
}

/// The Import view's state that lives only while the window is open.
#[derive(Default)]
pub struct ImportView {
    pub file: Option<OpenFile>,
    dialog: Option<Promise<DialogAnswer>>,
    /// Something to tell the user: what was done, or why it could not be.
    pub message: Option<Result<String, String>>,
    /// The path box takes the keyboard on the next frame (the view was just opened, empty).
    pub focus_file: bool,
}

impl ImportView {
    /// How long the running import still waits for the rate limit, if it waits: the countdown
    /// on screen is the one thing that changes without an event.
    pub fn waiting_for_rate_limit(&self) -> Option<Duration> {
        let run = self.file.as_ref()?.run.as_ref()?;
        if run.is_finished() {
            return None;
        }
        let progress = run.latest.as_ref()?;
        let wait = progress.waiting?;
        (!progress.paused).then(|| wait.until.saturating_duration_since(Instant::now()))
    }
}

/// The results file beside the input: `people.csv.results.jsonl`.
pub fn default_results_path(input: &Path) -> PathBuf {
    sibling(input, "results.jsonl")
}

/// The export beside the input: `people.csv.failed.csv`.
pub fn default_export_path(input: &Path) -> PathBuf {
    sibling(input, "failed.csv")
}

fn sibling(input: &Path, suffix: &str) -> PathBuf {
    let mut name = input.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    input.with_file_name(name)
}

impl App {
    /// Everything the Import view waits for, taken in without blocking: dialogs, the preview,
    /// the engine's events, row look-ups. Called every frame from `tick`.
    pub(super) fn poll_import(&mut self, ctx: &egui::Context) {
        if let Some(answer) = take_ready(&mut self.import.dialog) {
            match answer {
                Ok(Some(path)) => self
                    .actions
                    .push(super::Action::Import(ImportAction::Open(path))),
                other => self.import.message = dialog_failure(other),
            }
        }
        let Some(file) = self.import.file.as_mut() else {
            return;
        };
        file.poll_jobs();
        if let Some(answer) = take_ready(&mut file.export_dialog) {
            match answer {
                Ok(Some(path)) => {
                    file.export_path = path.display().to_string();
                    self.actions
                        .push(super::Action::Import(ImportAction::Export));
                }
                other => self.import.message = dialog_failure(other),
            }
        }
        if let Some(file) = self.import.file.as_mut()
            && let Some(exported) = take_ready(&mut file.export)
        {
            self.import.message = Some(exported);
        }
        if let Some(wait) = self.import.waiting_for_rate_limit() {
            // The countdown, once a second; nothing else runs while the import waits.
            ctx.request_repaint_after(wait.min(Duration::from_secs(1)));
        }
    }

    /// Carries out one of the Import view's actions.
    pub(super) fn apply_import(&mut self, action: ImportAction, ctx: &egui::Context) {
        match action {
            ImportAction::ShowView(view) => {
                self.import.focus_file = view == super::View::Import
                    && self.state.view != view
                    && self.import.file.is_none();
                self.state.view = view;
            }
            ImportAction::OpenTyped => {
                let typed = self.state.import.file.trim().to_owned();
                if typed.is_empty() {
                    self.import.message = Some(Err(
                        "Type the path of a file of people first, or drop one on the window."
                            .to_owned(),
                    ));
                } else {
                    self.open_import_file(PathBuf::from(typed), ctx);
                }
            }
            ImportAction::Open(path) => self.open_import_file(path, ctx),
            ImportAction::Browse => {
                self.import.dialog = Some(pick_people_file(ctx));
            }
            ImportAction::Check => self.start_check(ctx),
            ImportAction::Start => self.start_import(ctx),
            ImportAction::Pause => self.with_run(Import::pause),
            ImportAction::Resume => self.with_run(Import::resume),
            ImportAction::Cancel => {
                self.with_run(Import::cancel);
                if let Some(check) = self
                    .import
                    .file
                    .as_ref()
                    .and_then(|file| file.check.as_ref())
                {
                    check.import.cancel();
                }
            }
            ImportAction::SelectBadRow(place) => self.select_bad_row(place, ctx),
            ImportAction::SelectResult(place) => self.select_result(place, ctx),
            ImportAction::Export => self.export_failed(ctx),
            ImportAction::ExportBrowse => {
                if let Some(file) = self.import.file.as_mut() {
                    let name = Path::new(&file.export_path)
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    file.export_dialog = Some(choose_export_file(ctx, name));
                }
            }
        }
    }

    fn with_run(&self, act: impl Fn(&Import)) {
        if let Some(run) = self.import.file.as_ref().and_then(|file| file.run.as_ref()) {
            act(&run.import);
        }
    }

    /// Opens `path`: its preview and its dry run start at once, in the background. A file open
    /// before is let go (its import, if one runs, is cancelled: its results file keeps what was
    /// done, for a resume).
    pub(super) fn open_import_file(&mut self, path: PathBuf, ctx: &egui::Context) {
        let sending = |file: &OpenFile| file.run.as_ref().is_some_and(|run| !run.is_finished());
        if self.import.file.as_ref().is_some_and(sending) {
            self.import.message = Some(Err(
                "An import is running: cancel it before opening another file.".to_owned(),
            ));
            return;
        }
        // A dry run still checking the file open before is cancelled when its job is dropped.
        self.state.import.file = path.display().to_string();
        if let Some(refusal) = not_a_people_file(&path) {
            self.import.file = None;
            self.import.message = Some(Err(refusal));
            return;
        }
        let workspace = self.import_workspace();
        let for_preview = path.clone();
        let preview = background::spawn("import preview", ctx, move || {
            read_preview(&for_preview, workspace.is_some())
        });
        let results_path = default_results_path(&path);
        let resume = results_path.metadata().is_ok_and(|meta| meta.len() > 0);
        self.import.file = Some(OpenFile {
            results_path: results_path.display().to_string(),
            resume,
            export_path: default_export_path(&path).display().to_string(),
            path,
            preview,
            check: None,
            run: None,
            index: None,
            index_wake: None,
            selected_bad: None,
            bad_row_text: None,
            filter: None,
            selected_result: None,
            details: HashMap::new(),
            result_row_text: None,
            export: None,
            export_dialog: None,
            checked: None,
        });
        self.import.message = None;
        self.start_check(ctx);
    }

    /// The workspace typed, if any.
    fn import_workspace(&self) -> Option<String> {
        let workspace = self.state.import.workspace.trim();
        (!workspace.is_empty()).then(|| workspace.to_owned())
    }

    /// The dry run: every row checked, nothing sent.
    fn start_check(&mut self, ctx: &egui::Context) {
        let workspace = self.import_workspace();
        let Some(file) = self.import.file.as_mut() else {
            return;
        };
        if file.busy() {
            return;
        }
        let settings = Settings {
            file: file.path.clone(),
            workspace,
            send: None,
        };
        file.selected_bad = None;
        file.bad_row_text = None;
        file.checked = FileStamp::of(&file.path);
        match Job::start(settings, ctx) {
            Ok(job) => file.check = Some(job),
            Err(reason) => self.import.message = Some(Err(reason)),
        }
    }

    /// Where the import would go and with which token, or why it cannot start.
    pub fn import_destination(&self) -> Result<Destination, String> {
        let sandbox = self.sandbox_base_url();
        let Some(base_url) = self.state.draft.base_url(sandbox.as_deref()) else {
            return Err(match &self.sandbox {
                Some(Err(why)) => why.clone(),
                _ => "The sandbox is starting: wait a moment.".to_owned(),
            });
        };
        if base_url.trim().is_empty() {
            return Err(
                "Type the base URL to import into in the top bar, or choose Production or Sandbox."
                    .to_owned(),
            );
        }
        let token = self.token.trimmed();
        if token.is_empty() {
            return Err("No API token: type yours in the API token field.".to_owned());
        }
        Ok(Destination {
            base_url: base_url.trim().to_owned(),
            token: token.to_owned(),
        })
    }

    /// Why Start cannot be pressed now, if it cannot.
    pub fn import_blocker(&self) -> Option<String> {
        let Some(file) = &self.import.file else {
            return Some("Open a file of people first.".to_owned());
        };
        match file.run.as_ref().filter(|run| !run.is_finished()) {
            Some(run) if run.is_paused() => {
                return Some("The import is paused: Resume or Cancel it first.".to_owned());
            }
            Some(_) => return Some("The import is running.".to_owned()),
            None => {}
        }
        if let Some(reason) = file.check_failure() {
            return Some(format!(
                "The check stopped, so nothing can be sent: {reason}. Fix the file and open it again."
            ));
        }
        if file.results_path.trim().is_empty() {
            return Some("Choose where the results file goes.".to_owned());
        }
        self.import_destination().err()
    }

    fn start_import(&mut self, ctx: &egui::Context) {
        if let Some(blocker) = self.import_blocker() {
            self.import.message = Some(Err(blocker));
            return;
        }
        if self.recheck_if_changed(ctx) {
            return;
        }
        let destination = match self.import_destination() {
            Ok(destination) => destination,
            Err(reason) => {
                self.import.message = Some(Err(reason));
                return;
            }
        };
        let workspace = self.import_workspace();
        let batch_size = self
            .state
            .import
            .batch_size
            .clamp(1, crate::import::MAX_BATCH_SIZE);
        let concurrency = self.state.import.concurrency.clamp(1, MAX_CONCURRENCY);
        let Some(file) = self.import.file.as_mut() else {
            return;
        };
        // The import checks every row itself: a dry run still going is not needed any more.
        if let Some(check) = file.check.as_ref().filter(|check| !check.is_finished()) {
            check.import.cancel();
        }
        let results = PathBuf::from(file.results_path.trim());
        let settings = Settings {
            file: file.path.clone(),
            workspace,
            send: Some(SendSettings {
                batch_size,
                concurrency,
                results: Some(ResultsFile {
                    path: results.clone(),
                    resume: file.resume,
                }),
                ..SendSettings::new(destination)
            }),
        };
        match Job::start(settings, ctx) {
            Ok(job) => {
                let (index, wake) = index_results(results, ctx.clone());
                // A resumed import lists the rows earlier runs finished too.
                let _ = wake.send(());
                file.run = Some(job);
                file.index = Some(index);
                file.index_wake = Some(wake);
                file.details.clear();
                file.selected_result = None;
                file.result_row_text = None;
                // The next Start continues this import rather than refusing its results file.
                file.resume = true;
                self.import.message = None;
            }
            Err(reason) => self.import.message = Some(Err(reason)),
        }
    }

    /// Checks the file again when it changed since its check started (its size or time differs),
    /// and says so: the user reads the new report before anything is sent. Whether it did.
    fn recheck_if_changed(&mut self, ctx: &egui::Context) -> bool {
        let workspace = self.import_workspace();
        let Some(file) = self.import.file.as_mut() else {
            return false;
        };
        if file.checked.is_none() || file.checked == FileStamp::of(&file.path) {
            return false;
        }
        if let Some(check) = file.check.as_ref().filter(|check| !check.is_finished()) {
            check.import.cancel();
        }
        file.check = None;
        if let Some(refusal) = not_a_people_file(&file.path) {
            self.import.message = Some(Err(refusal));
            return true;
        }
        let path = file.path.clone();
        file.preview = background::spawn("import preview", ctx, move || {
            read_preview(&path, workspace.is_some())
        });
        self.start_check(ctx);
        self.import.message = Some(Err(
            "The file changed since it was checked: nothing was sent. It is checked again; read the new report, then press Start."
                .to_owned(),
        ));
        true
    }

    fn select_bad_row(&mut self, place: usize, ctx: &egui::Context) {
        let workspace = self.import_workspace().is_some();
        let Some(file) = self.import.file.as_mut() else {
            return;
        };
        let Some(line) = file
            .check
            .as_ref()
            .and_then(|check| check.bad_rows.get(place))
            .map(|row| row.line)
        else {
            return;
        };
        file.selected_bad = Some(place);
        file.bad_row_text = Some(look_up_row(&file.path, line, workspace, ctx));
    }

    fn select_result(&mut self, place: usize, ctx: &egui::Context) {
        let workspace = self.import_workspace().is_some();
        let Some(file) = self.import.file.as_mut() else {
            return;
        };
        file.selected_result = Some(place);
        let filter = file.filter;
        let offset = file.index.as_ref().and_then(|index| {
            index
                .lock()
                .ok()
                .and_then(|index| index.offset(filter, place))
        });
        let line = offset
            .and_then(|offset| file.result_at(offset))
            .map(|row| row.line);
        file.result_row_text = line.map(|line| look_up_row(&file.path, line, workspace, ctx));
    }

    fn export_failed(&mut self, ctx: &egui::Context) {
        let workspace = self.import_workspace().is_some();
        let Some(file) = self.import.file.as_mut() else {
            return;
        };
        let target = PathBuf::from(file.export_path.trim());
        if target.as_os_str().is_empty() {
            self.import.message = Some(Err("Type where the export goes first.".to_owned()));
            return;
        }
        let source = file.path.clone();
        // The results file of this file's import, this session's or an earlier one's.
        let results = Some(PathBuf::from(file.results_path.trim()))
            .filter(|path| path.is_file())
            .or_else(|| file.run.as_ref().and_then(|run| run.results.clone()));
        file.export = Some(background::spawn("import export", ctx, move || {
            import_export::export_failed(&source, results.as_deref(), &target, workspace)
        }));
    }
}

/// The desktop's "open file" dialog for a file of people.
fn pick_people_file(ctx: &egui::Context) -> Promise<DialogAnswer> {
    background::spawn("file dialog", ctx, || {
        background::run_dialog(
            rfd::AsyncFileDialog::new()
                .add_filter("People", &["csv", "jsonl", "ndjson", "json"])
                .pick_file(),
        )
    })
}

fn choose_export_file(ctx: &egui::Context, file_name: String) -> Promise<DialogAnswer> {
    background::spawn("file dialog", ctx, move || {
        background::run_dialog(
            rfd::AsyncFileDialog::new()
                .add_filter("CSV", &["csv"])
                .set_file_name(file_name)
                .save_file(),
        )
    })
}

/// Whether a dropped file is one the Import view opens.
pub fn is_people_file(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            ["csv", "jsonl", "ndjson", "json"]
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
        })
}

/// Finds the row at `line` in the background and gives its text as the file holds it.
fn look_up_row(path: &Path, line: u64, workspace: bool, ctx: &egui::Context) -> RowLookup {
    let path = path.to_owned();
    RowLookup {
        line,
        text: background::spawn("import row", ctx, move || row_text(&path, line, workspace)),
    }
}

/// The row at `line`: for CSV each column's header and cell, for JSON its text.
fn row_text(path: &Path, line: u64, workspace: bool) -> Result<String, String> {
    let check = PersonCheck::new(workspace)?;
    let mut source = Source::open(path, &check).map_err(|err| err.to_string())?;
    let headers: Vec<String> = source.columns().iter().map(|c| c.header.clone()).collect();
    while let Some(row) = source.next_row().map_err(|err| err.to_string())? {
        if row.line < line {
            continue;
        }
        if row.line > line {
            break;
        }
        return Ok(match row.raw() {
            RawText::Cells(cells) => cells_text(&headers, &cells),
            RawText::Json(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        });
    }
    Err(format!(
        "Line {line} is no longer a row of the file: it has changed since it was checked."
    ))
}

/// `header: cell`, a line each, with cells past the header's columns numbered.
fn cells_text(headers: &[String], cells: &[&[u8]]) -> String {
    let mut text = String::new();
    for (at, cell) in cells.iter().enumerate() {
        let name = headers
            .get(at)
            .cloned()
            .unwrap_or_else(|| format!("(cell {} past the header)", at + 1));
        text.push_str(&format!("{name}: {}\n", String::from_utf8_lossy(cell)));
    }
    if cells.len() < headers.len() {
        text.push_str(&format!(
            "({} of the header's {} columns have no cell)\n",
            headers.len() - cells.len(),
            headers.len()
        ));
    }
    text
}

/// The first [`PREVIEW_ROWS`] rows: for CSV its own columns and the cells as written; for JSON
/// the fields the rows hold, with the type of their first value.
pub fn read_preview(path: &Path, workspace: bool) -> Result<PreviewTable, String> {
    let check = PersonCheck::new(workspace)?;
    let mut source = Source::open(path, &check).map_err(|err| err.to_string())?;
    let format = source.format();
    let mut columns: Vec<PreviewColumn> = source
        .columns()
        .iter()
        .map(|column| PreviewColumn {
            name: column.header.clone(),
            kind: column.kind.label(),
        })
        .collect();
    let mut rows = Vec::new();
    while rows.len() < PREVIEW_ROWS {
        let Some(row) = source.next_row().map_err(|err| err.to_string())? else {
            break;
        };
        let checked = source.check(&row, &check);
        let errors = checked.person.err().unwrap_or_default();
        let cells = match row.raw() {
            RawText::Cells(cells) => cells
                .iter()
                .map(|cell| String::from_utf8_lossy(cell).into_owned())
                .collect(),
            RawText::Json(_) => {
                let person = source.read(&row).person.unwrap_or(Value::Null);
                json_cells(&person, &mut columns)
            }
        };
        rows.push(PreviewRow {
            line: row.line,
            cells,
            errors,
        });
    }
    Ok(PreviewTable {
        format,
        columns,
        rows,
        bytes_total: source.bytes_total(),
    })
}

/// A JSON person's cells in `columns`' order, adding a column for each field seen first here
/// (`traits.NAME` for a trait).
fn json_cells(person: &Value, columns: &mut Vec<PreviewColumn>) -> Vec<String> {
    let mut cells = vec![String::new(); columns.len()];
    for (name, value) in flattened(person) {
        let at = match columns.iter().position(|column| column.name == name) {
            Some(at) => at,
            None => {
                columns.push(PreviewColumn {
                    name,
                    kind: json_kind(value).label(),
                });
                cells.push(String::new());
                columns.len() - 1
            }
        };
        cells[at] = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
    }
    cells
}

/// A person's fields as `name → value`, its traits as `traits.NAME`.
pub fn flattened(person: &Value) -> Vec<(String, &Value)> {
    let Some(object) = person.as_object() else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for (name, value) in object {
        match (name.as_str(), value.as_object()) {
            ("traits", Some(traits)) => {
                for (key, value) in traits {
                    fields.push((format!("traits.{key}"), value));
                }
            }
            _ => fields.push((name.clone(), value)),
        }
    }
    fields
}

/// The CSV type that carries `value` back.
pub fn json_kind(value: &Value) -> CellKind {
    match value {
        Value::String(_) => CellKind::Text,
        Value::Number(_) => CellKind::Number,
        Value::Bool(_) => CellKind::Boolean,
        _ => CellKind::Json,
    }
}

/// How an import ended, in words.
pub fn end_text(summary: &Summary, dry_run: bool) -> String {
    let counts = &summary.counts;
    let n = thousands;
    match &summary.end {
        End::Complete if dry_run => format!(
            "Checked {} row{}: {} valid, {} invalid. Nothing was sent.",
            n(counts.rows),
            if counts.rows == 1 { "" } else { "s" },
            n(counts.valid),
            n(counts.invalid)
        ),
        End::Complete => format!(
            "Done: created {}, updated {}, rejected {}, failed {}, invalid {}.",
            n(counts.created),
            n(counts.updated),
            n(counts.rejected),
            n(counts.failed),
            n(counts.invalid)
        ),
        End::Cancelled if dry_run => format!(
            "Check cancelled after {} rows ({} invalid so far).",
            n(counts.rows),
            n(counts.invalid)
        ),
        End::Cancelled => format!(
            "Cancelled: {} valid rows not sent yet. Start again to resume from the results file.",
            n(summary.pending())
        ),
        End::Stopped(why) => format!("Stopped: {why}"),
    }
}

/// 12345 as "12,345".
pub fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut text = String::new();
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_results_take_about_twelve_bytes_each() {
        let mut index = ResultsIndex::default();
        for row in 0..1_000_000u64 {
            let outcome = Outcome::ALL[(row % 5) as usize];
            index.push(row * 120, outcome);
        }
        assert_eq!(index.len(None), 1_000_000);
        assert_eq!(index.len(Some(Outcome::Failed)), 200_000);
        assert_eq!(index.offset(Some(Outcome::Updated), 2), Some(11 * 120));
        assert_eq!(index.offset(None, 999_999), Some(999_999 * 120));
        // Vectors grow by doubling: at most twice the 12 MB the rows need.
        assert!(index.bytes() <= 24_000_000, "{} bytes", index.bytes());
    }

    #[test]
    fn the_results_and_the_export_go_beside_the_input() {
        let input = Path::new("/data/people.csv");
        assert_eq!(
            default_results_path(input),
            Path::new("/data/people.csv.results.jsonl")
        );
        assert_eq!(
            default_export_path(input),
            Path::new("/data/people.csv.failed.csv")
        );
        assert_eq!(
            super::super::import_export::reasons_path(&default_export_path(input)),
            Path::new("/data/people.csv.failed.reasons.csv")
        );
        assert!(is_people_file(Path::new("a.JSONL")));
        assert!(!is_people_file(Path::new("preset.txt")));
    }

    #[test]
    fn a_csv_row_reads_as_its_headers_and_cells() {
        let headers = vec!["userId".to_owned(), "email".to_owned()];
        assert_eq!(
            cells_text(&headers, &[b"u1", b"a@b.c", b"extra"]),
            "userId: u1\nemail: a@b.c\n(cell 3 past the header): extra\n"
        );
        assert_eq!(
            cells_text(&headers, &[b"u1"]),
            "userId: u1\n(1 of the header's 2 columns have no cell)\n"
        );
    }
}
