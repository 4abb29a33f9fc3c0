//! The answer: status, timing, size, headers and body; or what went wrong in plain words.

use egui::{Color32, RichText, TextEdit, Ui};

use super::{Action, Exchange};
use crate::model::response::human_size;
use crate::model::{HttpResponse, StatusClass};
use crate::transport::TransportError;

pub fn response_ui(ui: &mut Ui, exchange: &Exchange, actions: &mut Vec<Action>) {
    ui.add_space(6.0);
    ui.label(RichText::new("Response").strong().size(15.0));
    ui.separator();
    match exchange {
        Exchange::Idle => {
            ui.label(RichText::new("Response will appear here after sending the request.").weak());
            ui.label(RichText::new("Press Send or Ctrl+Enter.").weak());
        }
        Exchange::Running(in_flight) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Sending… {:.1} s",
                    in_flight.elapsed().as_secs_f32()
                ));
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop waiting (Esc)")
                    .clicked()
                {
                    actions.push(Action::Cancel);
                }
            });
        }
        Exchange::Cancelled => {
            ui.label("Request cancelled. Any answer that still arrives is ignored.");
        }
        Exchange::Done(outcome) => match outcome.as_ref() {
            Ok(response) => answer_ui(ui, response, actions),
            Err(error) => failure_ui(ui, error),
        },
    }
}

fn status_color(ui: &Ui, class: StatusClass) -> Color32 {
    let dark = ui.visuals().dark_mode;
    match (class, dark) {
        (StatusClass::Success, true) => Color32::from_rgb(0x5c, 0xd6, 0x7a),
        (StatusClass::Success, false) => Color32::from_rgb(0x1a, 0x7f, 0x37),
        (StatusClass::Redirect | StatusClass::Informational, true) => {
            Color32::from_rgb(0x6c, 0xb6, 0xff)
        }
        (StatusClass::Redirect | StatusClass::Informational, false) => {
            Color32::from_rgb(0x09, 0x69, 0xda)
        }
        (StatusClass::ClientError, true) => Color32::from_rgb(0xf0, 0xa0, 0x40),
        (StatusClass::ClientError, false) => Color32::from_rgb(0xb3, 0x5c, 0x00),
        (StatusClass::ServerError, true) => Color32::from_rgb(0xff, 0x6b, 0x6b),
        (StatusClass::ServerError, false) => Color32::from_rgb(0xcf, 0x22, 0x2e),
    }
}

fn answer_ui(ui: &mut Ui, response: &HttpResponse, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let color = status_color(ui, response.status_class());
        ui.label(
            RichText::new(format!("{} {}", response.status, response.reason))
                .strong()
                .size(16.0)
                .color(color),
        );
        ui.label(
            RichText::new(format!(
                "{} ms · {}",
                response.elapsed.as_millis(),
                human_size(response.body.len())
            ))
            .weak(),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Copy body").clicked() {
                actions.push(Action::Copy(response.view.text.clone()));
            }
        });
    });
    egui::CollapsingHeader::new(format!("Headers ({})", response.headers.len()))
        .id_salt("response_headers")
        .show(ui, |ui| {
            egui::Grid::new("response_header_grid")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for (name, value) in &response.headers {
                        ui.label(RichText::new(name).monospace().strong());
                        ui.label(RichText::new(value).monospace());
                        ui.end_row();
                    }
                });
        });
    if response.body.is_empty() {
        ui.label(RichText::new("The body is empty.").weak());
        return;
    }
    egui::ScrollArea::both()
        .id_salt("response_body_scroll")
        .auto_shrink(false)
        .show(ui, |ui| {
            ui.add(
                TextEdit::multiline(&mut response.view.text.as_str())
                    .code_editor()
                    .desired_width(f32::INFINITY),
            )
            .accessible_name("Response body");
        });
}

fn failure_ui(ui: &mut Ui, error: &TransportError) {
    let color = status_color(ui, StatusClass::ServerError);
    ui.label(RichText::new(error.message()).strong().color(color));
    ui.label(error.hint());
    egui::CollapsingHeader::new("Details")
        .id_salt("failure_details")
        .show(ui, |ui| {
            ui.label(RichText::new(&error.detail).monospace());
        });
}
