//! The sandbox banner and its settings, shown while the environment is the built-in sandbox.

use egui::{RichText, Ui};

use super::Action;
use super::widgets::choice_ui;
use crate::sandbox::{
    DOCUMENTED_RATE_LIMIT, ErrorDialect, OnDuplicate, RATE_WINDOW_SECS, Sandbox, SandboxSettings,
};

/// The banner saying where the sandbox runs and that it forgets, with its settings below.
pub fn sandbox_ui(
    ui: &mut Ui,
    sandbox: Option<&Result<Sandbox, String>>,
    settings: &mut SandboxSettings,
    actions: &mut Vec<Action>,
) {
    let accent = ui.visuals().selection.bg_fill;
    egui::Frame::group(ui.style())
        .fill(accent.gamma_multiply(0.25))
        .stroke(egui::Stroke::new(1.0, accent))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            match sandbox {
                Some(Ok(sandbox)) => {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new("Local sandbox").strong());
                        ui.label("— an in-memory double of the Flameup People API at");
                        ui.label(RichText::new(sandbox.base_url()).monospace());
                        ui.label(format!(
                            "No key or network needed. {} in memory; they are lost when the app closes.",
                            people(sandbox.people_count())
                        ));
                    });
                }
                Some(Err(error)) => {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                None => {
                    ui.label("Starting the local sandbox…");
                }
            }
            egui::CollapsingHeader::new("Sandbox settings")
                .id_salt("sandbox_settings")
                .show(ui, |ui| {
                    if settings_ui(ui, settings) {
                        actions.push(Action::ApplySandboxSettings);
                    }
                });
        });
}

fn people(count: usize) -> String {
    match count {
        1 => "1 person".to_owned(),
        count => format!("{count} people"),
    }
}

/// Returns whether anything changed.
fn settings_ui(ui: &mut Ui, settings: &mut SandboxSettings) -> bool {
    let before = settings.clone();
    ui.horizontal_wrapped(|ui| {
        choice_ui(
            ui,
            "Error bodies",
            &mut settings.errors,
            &ErrorDialect::ALL,
            ErrorDialect::label,
        );
        choice_ui(
            ui,
            "Existing userId",
            &mut settings.on_duplicate,
            &OnDuplicate::ALL,
            OnDuplicate::label,
        );
    });
    ui.horizontal_wrapped(|ui| {
        let mut limited = settings.rate_limit.is_some();
        if ui.checkbox(&mut limited, "Rate limit").changed() {
            settings.rate_limit = limited.then_some(DOCUMENTED_RATE_LIMIT);
        }
        if let Some(limit) = &mut settings.rate_limit {
            ui.add(egui::DragValue::new(limit).range(1..=100_000))
                .accessible_name("Requests per window per key");
            ui.label("per");
            ui.add(
                egui::DragValue::new(&mut settings.rate_window_secs)
                    .range(RATE_WINDOW_SECS)
                    .suffix(" s"),
            )
            .accessible_name("Rate limit window in seconds")
            .on_hover_text(
                "Documented: 120 requests per 60 s. A short window tries pacing in seconds.",
            );
        }
        ui.separator();
        let label = ui.label("Latency");
        ui.add(
            egui::DragValue::new(&mut settings.latency_ms)
                .range(0..=120_000)
                .suffix(" ms"),
        )
        .labelled_by(label.id);
        ui.separator();
        let label = ui.label("Fail rate");
        ui.add(
            egui::Slider::new(&mut settings.fail_rate, 0.0..=1.0)
                .custom_formatter(|rate, _| format!("{:.0} %", rate * 100.0))
                .custom_parser(|text| {
                    text.trim_end_matches([' ', '%'])
                        .parse::<f64>()
                        .ok()
                        .map(|p| p / 100.0)
                }),
        )
        .labelled_by(label.id)
        .on_hover_text("The share of requests that get a simulated 500");
        ui.separator();
        ui.checkbox(&mut settings.hang, "Never answer")
            .on_hover_text("Accept connections and never answer, to try the deadline");
    });
    *settings != before
}
