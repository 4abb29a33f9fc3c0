//! The frame: eframe's entry points and the four panels. Drawing only: panels push actions,
//! applied at the end of the frame.

use super::{
    Action, App, Copied, curl_ui, form_ui, import_ui, import_view, library_ui, navigator_ui,
    preview_ui, response_ui, review_ui, sandbox_ui, shortcuts,
};

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.tick(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let window = shortcuts::KeyContext {
            running: self.is_running(),
            shortcuts_open: self.show_shortcuts,
        };
        // A dialog (cURL import, flow export) has the keys: nothing behind it acts on them.
        if !self.dialog_open() {
            self.actions.extend(shortcuts::pressed(&ctx, &window));
            if let Some(command) = curl_ui::pasted_command(&ctx) {
                self.actions.push(Action::ImportCurl(command));
            }
        }
        for file in ctx.input(|input| input.raw.dropped_files.clone()) {
            let path = file.path().to_path_buf();
            self.actions.push(
                if self.state.view == super::View::Import && import_view::is_people_file(&path) {
                    Action::Import(super::ImportAction::Open(path))
                } else {
                    Action::ImportPreset(path)
                },
            );
        }
        self.panels_ui(ui);
        shortcuts::shortcuts_window_ui(&ctx, &mut self.show_shortcuts);
        self.palette_ui(&ctx);
        self.curl_dialog_ui(&ctx);
        self.flow_dialog_ui(&ctx);
        self.copied_ui(&ctx);
        self.apply_pending(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state.for_saving());
    }
}

impl App {
    /// The built-in sandbox's banner and settings, when it is the environment, in either view.
    /// Says whether it was shown.
    pub(super) fn sandbox_banner_ui(&mut self, ui: &mut egui::Ui) -> bool {
        if !self.in_sandbox() {
            return false;
        }
        sandbox_ui::sandbox_ui(
            ui,
            self.sandbox.as_ref(),
            &mut self.state.sandbox,
            &mut self.actions,
        );
        true
    }

    /// The "go to operation" palette, while it is open.
    fn palette_ui(&mut self, ctx: &egui::Context) {
        let (Some(palette), Ok(contract)) = (self.palette.as_mut(), crate::contract::embedded())
        else {
            return;
        };
        if !navigator_ui::palette_ui(ctx, contract, palette, &mut self.actions) {
            self.palette = None;
        }
    }

    /// "Copied …" at the bottom of the window for a moment after a copy.
    fn copied_ui(&mut self, ctx: &egui::Context) {
        let Some((message, left)) = self.copied.as_ref().and_then(Copied::message) else {
            self.copied = None;
            return;
        };
        egui::Area::new(egui::Id::unique("copied"))
            .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -16.0))
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| ui.label(message));
            });
        // Once more when it is time to take it away; nothing in between.
        ctx.request_repaint_after(left);
    }

    /// The four panels: the request bar on top, then the library, the form, and the preview
    /// above the response.
    fn panels_ui(&mut self, ui: &mut egui::Ui) {
        if self.state.view == super::View::Import {
            self.import_panels_ui(ui);
            return;
        }
        let notes = self.form_notes();
        let keyring_note = self.keyring_note();
        // After a cURL import the banner's "Undo import" is that undo.
        let can_undo_reset = self.undo_reset.is_some() && !self.can_undo_curl_import();
        let sandbox_url = self.sandbox_base_url();
        egui::Panel::top("request_bar").show(ui, |ui| {
            if let Some(notice) = &self.notice {
                form_ui::notice_ui(ui, notice, &mut self.actions);
            }
            import_ui::view_switch_ui(ui, self.state.view, &mut self.actions);
            self.curl_banner_ui(ui);
            form_ui::request_bar_ui(
                ui,
                &mut self.state,
                &form_ui::SendState {
                    blocker: self.derived.send_blocker(),
                    notes: &notes,
                    sandbox_base_url: sandbox_url.as_deref(),
                },
                std::mem::take(&mut self.focus_base_url),
                &mut self.actions,
            );
            if self.sandbox_banner_ui(ui) {
                ui.add_space(4.0);
            }
        });
        let width = ui.available_width();
        egui::Panel::left("library")
            .resizable(true)
            .default_size((width * 0.18).clamp(170.0, 260.0))
            .size_range(150.0..=(width * 0.3).max(150.0))
            .show(ui, |ui| {
                library_ui::library_ui(
                    ui,
                    &mut self.library,
                    &self.state.draft.operation,
                    &mut self.actions,
                );
            });
        egui::Panel::left("form")
            .resizable(true)
            .default_size((width * 0.34).clamp(280.0, 460.0))
            .size_range(260.0..=(width * 0.5).max(260.0))
            .show(ui, |ui| {
                form_ui::form_ui(
                    ui,
                    &mut self.state,
                    &mut self.token,
                    &keyring_note,
                    (&notes, &self.origins),
                    can_undo_reset,
                    &mut self.actions,
                );
            });
        let height = ui.available_height();
        egui::Panel::top("preview")
            .resizable(true)
            .default_size((height * 0.4).clamp(140.0, 380.0))
            .size_range(120.0..=(height - 120.0).max(120.0))
            .show(ui, |ui| {
                preview_ui::preview_ui(
                    ui,
                    &mut self.state.preview_target,
                    &mut self.token_display,
                    &self.derived,
                    &mut self.actions,
                );
            });
        egui::CentralPanel::default().show(ui, |ui| {
            let pinned = self
                .review
                .as_ref()
                .is_some_and(|review| self.reviews.is_pinned(&review.operation));
            let mut review = review_ui::ReviewState {
                review: self.review.as_ref(),
                pinned,
                include_volatile: &mut self.state.diff_include_volatile,
            };
            response_ui::response_ui(
                ui,
                &self.exchange,
                &mut self.state.body_tab,
                &mut self.response_view,
                &mut review,
                &mut self.actions,
            );
        });
    }
}

/// The app id: the desktop's name for the window, and where eframe keeps its state.
const APP_ID: &str = "flameup-explorer";

/// Opens the window and runs until it is closed.
pub fn run_native() -> eframe::Result {
    warm_up_while_the_window_opens();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Flameup Explorer")
            .with_app_id(APP_ID)
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 560.0])
            .with_icon(
                eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png"))
                    .unwrap_or_default(),
            ),
        ..Default::default()
    };
    // eframe reads its state file whole and drops it silently when it does not parse: look first.
    let notice = eframe::storage_dir(APP_ID)
        .and_then(|dir| crate::store::window_state::check_saved_file(&dir.join("app.ron")));
    let startup = super::Startup {
        notice,
        ..super::Startup::from_environment()
    };
    eframe::run_native(
        "Flameup Explorer",
        options,
        Box::new(|cc| Ok(Box::new(App::start(&cc.egui_ctx, cc.storage, startup)))),
    )
}

/// The first frame needs the contract (the navigator, the form) and the lint of the draft, whose
/// schema is compiled on first use. Both are made once, behind locks the first frame waits on:
/// starting them now lets them run while eframe opens the window, instead of after it. A failure
/// here is met again, and reported, where the window uses the contract.
fn warm_up_while_the_window_opens() {
    let warm = || {
        if let Ok(contract) = crate::contract::embedded()
            && let Some(create) = contract.operation(crate::model::DEFAULT_OPERATION)
        {
            let _ = create.prepare_body_check();
        }
    };
    // Without the thread, the same work simply happens on the first frame.
    let _ = std::thread::Builder::new()
        .name("warm-up".to_owned())
        .spawn(warm);
}
