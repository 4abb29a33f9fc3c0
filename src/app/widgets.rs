//! Small widgets shared by the panels.

use egui::Ui;

/// A visible label and a drop-down over `choices`, the drop-down named by the label.
pub fn choice_ui<T: Copy + PartialEq>(
    ui: &mut Ui,
    label: &str,
    value: &mut T,
    choices: &[T],
    name: impl Fn(T) -> &'static str,
) {
    let label = ui.label(label);
    egui::ComboBox::from_id_salt(label.id)
        .selected_text(name(*value))
        .show_ui(ui, |ui| {
            for &choice in choices {
                ui.selectable_value(value, choice, name(choice));
            }
        })
        .response
        .labelled_by(label.id);
}
