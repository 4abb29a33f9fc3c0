//! The Import view: drawing only. Left, what to import and how (the file, where it goes, the
//! batch settings, Start / Pause / Resume / Cancel, the export); right, what is known of it (the
//! preview, the dry run's bad rows, the progress and the results by outcome). Every long list is
//! virtualised: only the rows on screen are laid out.

use egui::{Color32, RichText, TextEdit, Ui};

use super::import_export::reasons_path;
use super::import_view::{
    ImportAction, Job, MAX_CONCURRENCY, MAX_LISTED_BAD_ROWS, OpenFile, PreviewTable, RowLookup,
    end_text, thousands,
};
use super::shortcuts::{SHOW_IMPORT, SHOW_REQUESTS};
use super::token::{TokenInput, TokenOrigin};
use super::{Action, App, View, form_ui};
use crate::import::{Outcome, Phase, RowResult, WaitReason};
use crate::sandbox::DOCUMENTED_RATE_LIMIT;

/// The height of the bad rows and results tables.
const TABLE_HEIGHT: f32 = 220.0;

/// The "Requests | Import people" switch, first in the top bar of both views.
pub fn view_switch_ui(ui: &mut Ui, view: View, actions: &mut Vec<Action>) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        for (choice, label, shortcut) in [
            (View::Requests, "Requests", &SHOW_REQUESTS),
            (View::Import, "Import people", &SHOW_IMPORT),
        ] {
            let response = ui
                .selectable_label(view == choice, RichText::new(label).strong())
                .on_hover_text(shortcut.hint());
            if response.clicked() && view != choice {
                actions.push(Action::Import(ImportAction::ShowView(choice)));
            }
        }
    });
}

impl App {
    /// The Import view below the shared top bar: the setup on the left, the report on the right.
    pub(super) fn import_panels_ui(&mut self, ui: &mut Ui) {
        let sandbox_url = self.sandbox_base_url();
        egui::Panel::top("import_bar").show(ui, |ui| {
            if let Some(notice) = &self.notice {
                form_ui::notice_ui(ui, notice, &mut self.actions);
            }
            view_switch_ui(ui, View::Import, &mut self.actions);
            ui.horizontal_wrapped(|ui| {
                form_ui::destination_ui(
                    ui,
                    &mut self.state.draft,
                    sandbox_url.as_deref(),
                    std::mem::take(&mut self.focus_base_url),
                );
            });
            self.sandbox_banner_ui(ui);
            ui.add_space(4.0);
        });
        let width = ui.available_width();
        egui::Panel::left("import_setup")
            .resizable(true)
            .default_size((width * 0.3).clamp(270.0, 360.0))
            .size_range(250.0..=(width * 0.45).max(250.0))
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink(false)
                    .show(ui, |ui| self.import_setup_ui(ui));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("import_report")
                .auto_shrink(false)
                .show(ui, |ui| self.import_report_ui(ui));
        });
    }

    /// The file, where it goes, how, and the buttons that run it.
    fn import_setup_ui(&mut self, ui: &mut Ui) {
        let actions = &mut self.actions;
        ui.add_space(6.0);
        ui.heading("Import people");
        ui.label(
            RichText::new("CSV with a header row, JSON Lines or a JSON array of people.").weak(),
        );
        ui.add_space(4.0);
        let label = ui.label("File to import");
        let field = ui
            .add(
                TextEdit::singleline(&mut self.state.import.file)
                    .hint_text("/path/to/people.csv")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut self.import.focus_file) {
            field.request_focus();
        }
        if field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter)) {
            actions.push(Action::Import(ImportAction::OpenTyped));
        }
        ui.horizontal(|ui| {
            if ui
                .button("Open")
                .on_hover_text("Open the file typed above")
                .clicked()
            {
                actions.push(Action::Import(ImportAction::OpenTyped));
            }
            if ui
                .button("Browse...")
                .on_hover_text("Choose the file in the desktop's file dialog")
                .clicked()
            {
                actions.push(Action::Import(ImportAction::Browse));
            }
        });
        ui.label(
            RichText::new("or drop a .csv, .jsonl or .json file on the window")
                .weak()
                .small(),
        );
        ui.separator();
        self.import_destination_ui(ui);
        ui.separator();
        self.import_controls_ui(ui);
        ui.separator();
        self.import_export_ui(ui);
        if let Some(message) = &self.import.message {
            ui.add_space(6.0);
            message_ui(ui, message);
        }
    }

    /// Where the people go, with which token, in which workspace, in which batches.
    fn import_destination_ui(&mut self, ui: &mut Ui) {
        ui.label(RichText::new("Where and how").strong());
        let destination = self.import_destination();
        let base_url = self
            .state
            .draft
            .base_url(self.sandbox_base_url().as_deref())
            .unwrap_or("(the sandbox is starting)")
            .to_owned();
        let workspace = self.state.import.workspace.trim().to_owned();
        let operation = if workspace.is_empty() {
            "batchPeople".to_owned()
        } else {
            format!("batchWorkspacePeople in {workspace}")
        };
        ui.label(format!(
            "To {base_url} ({}), as {operation}",
            self.state.draft.environment.label()
        ))
        .on_hover_text("The environment and base URL of the top bar, as Send uses them");
        token_ui(ui, &mut self.token);
        egui::Grid::new("import_settings")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label("Workspace id");
                ui.add(
                    TextEdit::singleline(&mut self.state.import.workspace)
                        .hint_text("optional: ws_...")
                        .desired_width(150.0),
                )
                .labelled_by(label.id)
                .on_hover_text("Set it to send with batchWorkspacePeople into that workspace");
                ui.end_row();
                let label = ui.label("People per batch");
                ui.add(
                    egui::DragValue::new(&mut self.state.import.batch_size)
                        .range(1..=crate::import::MAX_BATCH_SIZE),
                )
                .labelled_by(label.id)
                .on_hover_text("1 to 100: the API takes at most 100 people a request");
                ui.end_row();
                let label = ui.label("Requests at once");
                ui.add(
                    egui::DragValue::new(&mut self.state.import.concurrency)
                        .range(1..=MAX_CONCURRENCY),
                )
                .labelled_by(label.id)
                .on_hover_text("At most this many in flight; the rate limit may allow fewer");
                ui.end_row();
            });
        if let Some(file) = self.import.file.as_mut() {
            results_file_ui(ui, file);
        }
        if let Err(reason) = destination {
            ui.label(RichText::new(reason).color(ui.visuals().error_fg_color));
        }
    }

    /// Start, Pause / Resume, Cancel: each acts at once.
    fn import_controls_ui(&mut self, ui: &mut Ui) {
        let blocker = self.import_blocker();
        let running = self
            .import
            .file
            .as_ref()
            .and_then(|file| file.run.as_ref())
            .filter(|run| !run.is_finished());
        let paused = running.is_some_and(Job::is_paused);
        let running = running.is_some();
        let checking = self
            .import
            .file
            .as_ref()
            .and_then(|file| file.check.as_ref())
            .is_some_and(|check| !check.is_finished());
        let actions = &mut self.actions;
        ui.horizontal_wrapped(|ui| {
            let start =
                egui::Button::new(RichText::new("Start import").strong().color(Color32::WHITE))
                    .fill(Color32::from_rgb(0xd9, 0x4f, 0x1e));
            let response = ui.add_enabled(blocker.is_none() && !running, start);
            let response = match &blocker {
                Some(why) => response.on_disabled_hover_text(why),
                None => response
                    .on_hover_text("Send every valid row, at the pace the rate limit allows"),
            };
            if response.clicked() {
                actions.push(Action::Import(ImportAction::Start));
            }
            if paused {
                if ui.button("Resume").clicked() {
                    actions.push(Action::Import(ImportAction::Resume));
                }
            } else if ui
                .add_enabled(running, egui::Button::new("Pause"))
                .clicked()
            {
                actions.push(Action::Import(ImportAction::Pause));
            }
            if ui
                .add_enabled(running || checking, egui::Button::new("Cancel"))
                .on_hover_text(
                    "Stop now: rows not sent stay in the results file's gaps, for a resume",
                )
                .clicked()
            {
                actions.push(Action::Import(ImportAction::Cancel));
            }
        });
        if let Some(why) = &blocker
            && self.import.file.is_some()
        {
            ui.label(RichText::new(why).small().weak());
        }
    }

    /// "Export failed rows" and where it goes.
    fn import_export_ui(&mut self, ui: &mut Ui) {
        let Some(file) = self.import.file.as_mut() else {
            return;
        };
        let actions = &mut self.actions;
        ui.label(RichText::new("Fix and import again").strong());
        let label = ui.label("Export to");
        ui.add(TextEdit::singleline(&mut file.export_path).desired_width(f32::INFINITY))
            .labelled_by(label.id);
        ui.label(
            RichText::new(format!(
                "Reasons beside it: {}",
                reasons_path(std::path::Path::new(file.export_path.trim())).display()
            ))
            .small()
            .weak(),
        );
        ui.horizontal(|ui| {
            let exporting = file.export.is_some();
            if ui
                .add_enabled(
                    !exporting && !file.busy(),
                    egui::Button::new("Export failed rows"),
                )
                .on_hover_text(
                    "Write the invalid, rejected and failed rows as a CSV the importer reads",
                )
                .clicked()
            {
                actions.push(Action::Import(ImportAction::Export));
            }
            if ui
                .button("Browse...")
                .on_hover_text("Choose where the export goes")
                .clicked()
            {
                actions.push(Action::Import(ImportAction::ExportBrowse));
            }
            if exporting {
                ui.spinner();
            }
        });
    }

    /// The preview, the dry run and the import's progress and results.
    fn import_report_ui(&mut self, ui: &mut Ui) {
        let Some(file) = self.import.file.as_mut() else {
            empty_view_ui(ui);
            return;
        };
        let batch_limit = self.state.import.batch_size;
        let actions = &mut self.actions;
        ui.add_space(6.0);
        ui.label(
            RichText::new(file.path.display().to_string())
                .monospace()
                .strong(),
        );
        // Once sending has started, its progress comes first: it is what the user watches.
        if file.run.is_some() {
            egui::CollapsingHeader::new("Import")
                .default_open(true)
                .show(ui, |ui| {
                    run_ui(ui, file, batch_limit);
                    results_ui(ui, file, actions);
                });
        }
        let preview_first = file.run.is_none();
        if preview_first {
            preview_section_ui(ui, file);
        }
        egui::CollapsingHeader::new("Check (dry run)")
            .default_open(true)
            .show(ui, |ui| check_ui(ui, file, actions));
        if !preview_first {
            preview_section_ui(ui, file);
        }
    }
}

fn preview_section_ui(ui: &mut Ui, file: &OpenFile) {
    egui::CollapsingHeader::new("Preview: the first rows")
        .default_open(true)
        .show(ui, |ui| preview_ui(ui, &file.preview));
}

fn empty_view_ui(ui: &mut Ui) {
    ui.add_space(40.0);
    ui.vertical_centered(|ui| {
        ui.heading("Import a user base");
        ui.label("Open a file of people on the left, or drop one on the window.");
        ui.label(
            RichText::new(
                "Every row is checked against the API first; nothing is sent until you press Start import.",
            )
            .weak(),
        );
    });
}

/// Where each row's outcome is written, and whether a Start resumes what it holds.
fn results_file_ui(ui: &mut Ui, file: &mut OpenFile) {
    let label = ui.label("Results file (one line per row: its outcome)");
    ui.add(TextEdit::singleline(&mut file.results_path).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    let exists = std::fs::metadata(file.results_path.trim()).is_ok_and(|meta| meta.len() > 0);
    ui.add_enabled(
        exists,
        egui::Checkbox::new(&mut file.resume, "Resume from the results file"),
    )
    .on_hover_text("Send only the rows it has no outcome for yet")
    .on_disabled_hover_text("No results file there yet: the import starts from the first row");
    if exists && !file.resume {
        ui.label(
            RichText::new(
                "That file holds an earlier import's results: resume it, or choose another file.",
            )
            .small()
            .color(ui.visuals().warn_fg_color),
        );
    }
}

/// The token the import sends (the same one Send uses), and where it came from.
fn token_ui(ui: &mut Ui, token: &mut TokenInput) {
    ui.horizontal(|ui| {
        let label = ui.label("API token");
        // Right to left: the button takes its own width and the field what is left, so the
        // row never pushes the panel wider.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let toggle = if token.revealed { "Hide" } else { "Show" };
            if ui.small_button(toggle).clicked() {
                token.revealed = !token.revealed;
            }
            let field = ui
                .add(
                    TextEdit::singleline(&mut token.text)
                        .password(!token.revealed)
                        .hint_text("ws_live_... or ws_test_...")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if field.changed() {
                token.edited();
            }
        });
    });
    let origin = match (token.trimmed().is_empty(), token.origin) {
        (true, _) => "No token yet: the import needs one.",
        (false, TokenOrigin::Typed) => "The token typed here or in Requests.",
        (false, TokenOrigin::Environment) => "The token from FLAMEUP_API_TOKEN.",
        (false, TokenOrigin::Sandbox) => "The sandbox's stand-in token: it works only there.",
        (false, TokenOrigin::Keyring) => "The token kept in the system keyring.",
        (false, TokenOrigin::PastedCurl) => {
            "The token of a pasted cURL command (this session only)."
        }
    };
    ui.label(RichText::new(origin).small().weak());
}

fn message_ui(ui: &mut Ui, message: &Result<String, String>) {
    match message {
        Ok(text) => ui.label(RichText::new(text).color(ui.visuals().strong_text_color())),
        Err(text) => ui.label(RichText::new(text).color(ui.visuals().error_fg_color)),
    };
}

fn preview_ui(ui: &mut Ui, preview: &poll_promise::Promise<Result<PreviewTable, String>>) {
    match preview.ready() {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the first rows...");
            });
        }
        Some(Err(message)) => {
            ui.label(
                RichText::new(format!("This file cannot be imported: {message}"))
                    .color(ui.visuals().error_fg_color),
            );
        }
        Some(Ok(table)) => preview_table_ui(ui, table),
    }
}

fn preview_table_ui(ui: &mut Ui, table: &PreviewTable) {
    let size = table
        .bytes_total
        .map(|bytes| format!(", {}", crate::model::response::human_size(bytes as usize)))
        .unwrap_or_default();
    ui.label(format!(
        "{}{size}: {} columns. The first {} rows:",
        table.format.label(),
        table.columns.len(),
        table.rows.len()
    ));
    egui::ScrollArea::both()
        .id_salt("import_preview")
        .max_height(TABLE_HEIGHT)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            egui::Grid::new("import_preview_grid")
                .striped(true)
                .spacing([14.0, 3.0])
                .show(ui, |ui| {
                    ui.label(RichText::new("line").weak());
                    for column in &table.columns {
                        ui.vertical(|ui| {
                            ui.add(
                                egui::Label::new(RichText::new(&column.name).strong())
                                    .wrap_mode(egui::TextWrapMode::Extend),
                            );
                            ui.label(RichText::new(column.kind).small().weak());
                        });
                    }
                    ui.end_row();
                    for row in &table.rows {
                        let line = RichText::new(row.line.to_string()).monospace();
                        if row.errors.is_empty() {
                            ui.label(line);
                        } else {
                            let reasons: Vec<String> = row.errors.iter().map(error_text).collect();
                            ui.label(line.color(ui.visuals().error_fg_color))
                                .on_hover_text(reasons.join("\n"));
                        }
                        for cell in &row.cells {
                            ui.add(
                                egui::Label::new(short(cell, 40))
                                    .wrap_mode(egui::TextWrapMode::Extend),
                            );
                        }
                        ui.end_row();
                    }
                });
        });
}

/// "email: Not an email address" or the reason alone for the row as a whole.
fn error_text(error: &crate::import::RowError) -> String {
    match &error.column {
        Some(column) => format!("{column}: {}", error.reason),
        None => error.reason.clone(),
    }
}

fn short(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_owned()
    } else {
        let start: String = text.chars().take(most).collect();
        format!("{start}...")
    }
}

/// The dry run: its progress, its counts, its bad rows, and the bad row chosen.
fn check_ui(ui: &mut Ui, file: &mut OpenFile, actions: &mut Vec<Action>) {
    let Some(check) = &file.check else {
        return;
    };
    match &check.summary {
        Some(summary) => {
            ui.horizontal_wrapped(|ui| {
                let invalid = summary.counts.invalid > 0;
                let text = RichText::new(end_text(summary, true));
                ui.label(if invalid {
                    text.color(ui.visuals().warn_fg_color)
                } else {
                    text
                });
                if ui
                    .small_button("Check again")
                    .on_hover_text("Read and check every row again")
                    .clicked()
                {
                    actions.push(Action::Import(ImportAction::Check));
                }
            });
        }
        None => {
            let (share, text) = match &check.latest {
                Some(progress) => (
                    progress
                        .bytes_total
                        .filter(|total| *total > 0)
                        .map_or(0.0, |total| progress.bytes_read as f32 / total as f32),
                    format!(
                        "Checking: {} rows, {} invalid",
                        progress.counts.rows, progress.counts.invalid
                    ),
                ),
                None => (0.0, "Checking...".to_owned()),
            };
            ui.add(egui::ProgressBar::new(share).text(text));
        }
    }
    if check.bad_rows.is_empty() {
        return;
    }
    let invalid = check.summary.as_ref().map_or(0, |s| s.counts.invalid);
    if invalid as usize > check.bad_rows.len() {
        ui.label(RichText::new(format!(
            "Listing the first {MAX_LISTED_BAD_ROWS} bad rows of {invalid}; the export writes them all."
        )).small().weak());
    }
    split_ui(ui, |ui, part| {
        if part == 0 {
            bad_rows_table_ui(ui, &check.bad_rows, file.selected_bad, actions);
            return;
        }
        let selected = file
            .selected_bad
            .and_then(|place| check.bad_rows.get(place));
        row_detail_ui(
            ui,
            selected,
            file.bad_row_text.as_ref(),
            "Click a bad row to see it.",
        );
    });
}

fn row_height(ui: &Ui) -> f32 {
    ui.text_style_height(&egui::TextStyle::Body)
        .max(ui.spacing().interact_size.y)
        + 2.0
}

fn bad_rows_table_ui(
    ui: &mut Ui,
    rows: &[RowResult],
    selected: Option<usize>,
    actions: &mut Vec<Action>,
) {
    ui.label(RichText::new(format!("{} bad rows (line, column, reason)", rows.len())).strong());
    let height = row_height(ui);
    egui::ScrollArea::vertical()
        .id_salt("import_bad_rows")
        .max_height(TABLE_HEIGHT)
        .auto_shrink([false, true])
        .show_rows(ui, height, rows.len(), |ui, range| {
            for place in range {
                let Some(row) = rows.get(place) else { continue };
                ui.horizontal(|ui| {
                    if line_cell_ui(ui, selected == Some(place), row.line).clicked() {
                        actions.push(Action::Import(ImportAction::SelectBadRow(place)));
                    }
                    let first = row.errors.first().map(error_text).unwrap_or_default();
                    let more = row.errors.len().saturating_sub(1);
                    let text = if more > 0 {
                        format!("{first} (+{more} more)")
                    } else {
                        first
                    };
                    let all: Vec<String> = row.errors.iter().map(error_text).collect();
                    ui.add(egui::Label::new(text).truncate())
                        .on_hover_text(all.join("\n"));
                });
            }
        });
}

/// The widths of the tables' fixed columns, so rows line up whatever their numbers.
const LINE_WIDTH: f32 = 84.0;
const OUTCOME_WIDTH: f32 = 64.0;
const USER_ID_WIDTH: f32 = 110.0;

/// A row's line number, selectable: clicking it (or Enter on it) shows the row.
fn line_cell_ui(ui: &mut Ui, selected: bool, line: u64) -> egui::Response {
    let height = ui.spacing().interact_size.y;
    ui.add_sized(
        [LINE_WIDTH, height],
        egui::Button::selectable(selected, format!("line {line}")),
    )
}

/// A row's reasons and its text as the file holds it.
fn row_detail_ui(ui: &mut Ui, row: Option<&RowResult>, text: Option<&RowLookup>, hint: &str) {
    let Some(row) = row else {
        ui.label(RichText::new(hint).weak());
        return;
    };
    ui.label(RichText::new(format!("Row at line {}", row.line)).strong());
    ui.label(format!("Outcome: {}", row.outcome.as_str()));
    if let Some(id) = &row.id {
        ui.label(format!("Id: {id}"));
    }
    for error in &row.errors {
        ui.label(RichText::new(error_text(error)).color(ui.visuals().error_fg_color));
    }
    match text
        .filter(|lookup| lookup.line == row.line)
        .map(|lookup| lookup.text.ready())
    {
        Some(Some(Ok(text))) => {
            ui.label(RichText::new("In the file:").weak());
            egui::ScrollArea::both()
                .id_salt(("import_row_text", row.line))
                .max_height(TABLE_HEIGHT - 60.0)
                .show(ui, |ui| {
                    ui.add(egui::Label::new(RichText::new(text).monospace()).selectable(true));
                });
        }
        Some(Some(Err(why))) => {
            ui.label(RichText::new(why).color(ui.visuals().error_fg_color));
        }
        Some(None) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Reading line {}...", row.line));
            });
        }
        None => {}
    }
}

/// The import's progress: the bar, the pace against the ceiling, the ETA, requests and waits.
fn run_ui(ui: &mut Ui, file: &OpenFile, batch_limit: usize) {
    let Some(run) = &file.run else {
        return;
    };
    if let Some(summary) = &run.summary {
        let text = RichText::new(end_text(summary, false));
        let stored =
            summary.counts.all_valid_stored() && summary.end == crate::import::End::Complete;
        ui.label(if stored {
            text.strong()
        } else {
            text.color(ui.visuals().warn_fg_color)
        });
    }
    let Some(progress) = &run.latest else {
        if !run.is_finished() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Starting...");
            });
        }
        return;
    };
    let counts = &progress.counts;
    ui.add(progress_bar(progress));
    let batch = if run.batch_size > 0 {
        run.batch_size
    } else {
        batch_limit
    };
    let told = progress.rate_limit.and_then(|rate| rate.limit);
    let limit = told.unwrap_or(u64::from(DOCUMENTED_RATE_LIMIT));
    let source = if told.is_some() {
        "the server's limit"
    } else {
        "the documented limit"
    };
    let ceiling = thousands(limit * batch as u64);
    let finished = run.is_finished();
    let pace = if finished {
        // Over the whole sending pass: a last burst says nothing once it is over.
        let minutes = progress.sending_for.as_secs_f64() / 60.0;
        let average = (minutes > 0.0).then(|| progress.sent as f64 / minutes);
        format!("{} on average", per_minute_text(average))
    } else {
        format!("{} now", per_minute_text(run.rate.per_minute()))
    };
    ui.label(RichText::new(format!("People a minute: {pace}, ceiling {ceiling}")).strong());
    ui.label(
        RichText::new(format!(
            "Ceiling: {source}, {limit} requests a minute x {batch} people a batch"
        ))
        .small()
        .weak(),
    );
    let mut parts = vec![
        format!("Requests: {}", thousands(counts.requests)),
        format!("429s: {}", counts.rate_limited),
        format!("in flight: {}", progress.in_flight),
    ];
    let seconds = progress.sending_for.as_secs_f64();
    if !finished && seconds >= 1.0 && progress.sent > 0 {
        // At most the ceiling's pace: the average of a first burst overstates what follows.
        let ceiling_rate = told.map_or(f64::INFINITY, |limit| (limit * batch as u64) as f64 / 60.0);
        let rate = (progress.sent as f64 / seconds).min(ceiling_rate);
        let left = counts.rows.saturating_sub(progress.done) as f64;
        // A wait for the rate limit comes first.
        let waiting = progress.waiting.map_or(0.0, |wait| {
            wait.until
                .saturating_duration_since(std::time::Instant::now())
                .as_secs_f64()
        });
        parts.push(format!(
            "ETA {}",
            human(std::time::Duration::from_secs_f64(waiting + left / rate))
        ));
    }
    ui.label(parts.join("  |  "));
    if !finished {
        if progress.paused {
            ui.label(
                RichText::new("Paused: nothing is sent until you resume.")
                    .color(ui.visuals().warn_fg_color),
            );
        } else if let Some(wait) = progress.waiting {
            let left = human(
                wait.until
                    .saturating_duration_since(std::time::Instant::now()),
            );
            let text = match wait.reason {
                WaitReason::RateLimit => format!("Waiting for the rate limit: {left}"),
                WaitReason::Backoff => format!("Retrying in {left}"),
            };
            ui.label(RichText::new(text).color(ui.visuals().warn_fg_color));
        }
    }
    if let Some(results) = &run.results {
        ui.label(
            RichText::new(format!("Results file: {}", results.display()))
                .small()
                .weak(),
        );
    }
}

fn per_minute_text(rate: Option<f64>) -> String {
    rate.map_or("-".to_owned(), |rate| thousands(rate.round() as u64))
}

/// The bar: while the import checks the file before sending, the share of the file read; then
/// the rows with a final outcome against all rows.
fn progress_bar(progress: &crate::import::Progress) -> egui::ProgressBar {
    let counts = &progress.counts;
    if progress.phase == Phase::Checking {
        let share = progress
            .bytes_total
            .filter(|total| *total > 0)
            .map_or(0.0, |total| progress.bytes_read as f32 / total as f32);
        return egui::ProgressBar::new(share).text(format!(
            "Checking every row before sending: {} read, {} invalid",
            thousands(counts.rows),
            thousands(counts.invalid)
        ));
    }
    let share = if counts.rows > 0 {
        progress.done as f32 / counts.rows as f32
    } else {
        0.0
    };
    egui::ProgressBar::new(share).text(format!(
        "{} of {} rows done ({} valid)",
        thousands(progress.done),
        thousands(counts.rows),
        thousands(counts.valid)
    ))
}

/// "4 min 38 s", "23 s": rounded up to whole seconds.
fn human(duration: std::time::Duration) -> String {
    let seconds = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min {} s", seconds / 60, seconds % 60),
        _ => format!("{} h {} min", seconds / 3600, (seconds % 3600) / 60),
    }
}

/// The results file as a table, filtered by outcome, and the row chosen.
fn results_ui(ui: &mut Ui, file: &mut OpenFile, actions: &mut Vec<Action>) {
    let Some(index) = file.index.clone() else {
        return;
    };
    let (counts, total) = match index.lock() {
        Ok(index) => (
            Outcome::ALL.map(|outcome| index.len(Some(outcome))),
            index.len(None),
        ),
        Err(_) => return,
    };
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Results").strong());
        let mut filter = file.filter;
        ui.selectable_value(
            &mut filter,
            None,
            format!("All ({})", thousands(total as u64)),
        );
        for (outcome, count) in Outcome::ALL.into_iter().zip(counts) {
            ui.selectable_value(
                &mut filter,
                Some(outcome),
                format!("{} ({})", outcome.as_str(), thousands(count as u64)),
            );
        }
        if filter != file.filter {
            file.filter = filter;
            file.selected_result = None;
            file.result_row_text = None;
        }
    });
    let shown = counts_for(file.filter, &counts, total);
    let height = row_height(ui);
    split_ui(ui, |ui, part| {
        if part == 0 {
            egui::ScrollArea::vertical()
                .id_salt(("import_results", file.filter.map(Outcome::as_str)))
                .max_height(TABLE_HEIGHT)
                .auto_shrink([false, true])
                .show_rows(ui, height, shown, |ui, range| {
                    let offsets: Vec<(usize, Option<u64>)> = match index.lock() {
                        Ok(index) => range
                            .map(|place| (place, index.offset(file.filter, place)))
                            .collect(),
                        Err(_) => return,
                    };
                    for (place, offset) in offsets {
                        let row = offset.and_then(|offset| file.result_at(offset));
                        ui.horizontal(|ui| {
                            result_row_ui(ui, place, row.as_ref(), file.selected_result, actions)
                        });
                    }
                });
            return;
        }
        let offset = file.selected_result.and_then(|place| {
            index
                .lock()
                .ok()
                .and_then(|index| index.offset(file.filter, place))
        });
        let selected_row = offset.and_then(|offset| file.result_at(offset));
        row_detail_ui(
            ui,
            selected_row.as_ref(),
            file.result_row_text.as_ref(),
            "Click a row to see it.",
        );
    });
}

/// Where a table and the detail of its chosen row go: side by side when there is room, else
/// the detail under the table. `add` draws part 0 (the table), then part 1 (the detail).
fn split_ui(ui: &mut Ui, mut add: impl FnMut(&mut Ui, usize)) {
    if ui.available_width() >= 680.0 {
        ui.columns(2, |columns| {
            for (part, column) in columns.iter_mut().enumerate() {
                add(column, part);
            }
        });
    } else {
        add(ui, 0);
        ui.add_space(6.0);
        add(ui, 1);
    }
}

fn counts_for(filter: Option<Outcome>, counts: &[usize; 5], total: usize) -> usize {
    match filter {
        None => total,
        Some(outcome) => Outcome::ALL
            .iter()
            .position(|known| *known == outcome)
            .map_or(0, |at| counts[at]),
    }
}

fn result_row_ui(
    ui: &mut Ui,
    place: usize,
    row: Option<&RowResult>,
    selected: Option<usize>,
    actions: &mut Vec<Action>,
) {
    let Some(row) = row else {
        ui.label(RichText::new("(not readable in the results file)").weak());
        return;
    };
    if line_cell_ui(ui, selected == Some(place), row.line).clicked() {
        actions.push(Action::Import(ImportAction::SelectResult(place)));
    }
    let color = match row.outcome {
        Outcome::Created | Outcome::Updated => ui.visuals().text_color(),
        _ => ui.visuals().warn_fg_color,
    };
    let height = ui.spacing().interact_size.y;
    ui.add_sized(
        [OUTCOME_WIDTH, height],
        egui::Label::new(RichText::new(row.outcome.as_str()).color(color)),
    );
    ui.add_sized(
        [USER_ID_WIDTH, height],
        egui::Label::new(row.user_id.as_deref().unwrap_or("-")).truncate(),
    );
    if let Some(error) = row.errors.first() {
        ui.add(egui::Label::new(RichText::new(error_text(error)).weak()).truncate());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12_000), "12,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(human(std::time::Duration::from_millis(22_100)), "23 s");
        assert_eq!(human(std::time::Duration::from_secs(278)), "4 min 38 s");
    }
}
