//! Small widgets shared by the panels.

use egui::Ui;

/// A visible label and a drop-down over `choices`, the drop-down named by the label. The label
/// reads first whichever way the row is laid out, so the pair can sit at the right end of a row
/// without a reserved width.
pub fn choice_ui<T: Copy + PartialEq>(
    ui: &mut Ui,
    label: &str,
    value: &mut T,
    choices: &[T],
    name: impl Fn(T) -> &'static str,
) {
    let id = ui.make_persistent_id(("choice", label));
    let mut combo = |ui: &mut Ui| {
        egui::ComboBox::from_id_salt(id)
            .selected_text(name(*value))
            .show_ui(ui, |ui| {
                for &choice in choices {
                    ui.selectable_value(value, choice, name(choice));
                }
            })
            .response
    };
    if ui.layout().prefer_right_to_left() {
        // Laid out from the right: the drop-down first, so the label lands to its left.
        let response = combo(ui);
        let label = ui.label(label);
        response.labelled_by(label.id);
    } else {
        let label = ui.label(label);
        combo(ui).labelled_by(label.id);
    }
}
