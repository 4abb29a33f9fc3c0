//! A bare eframe window with the same eframe features as the app: the floor the app's start-up,
//! memory and idle CPU are measured against (`scripts/footprint.sh`).

struct Bare;

impl eframe::App for Bare {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("A bare eframe window.");
        });
    }
}

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Bare eframe window")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Bare eframe window",
        options,
        Box::new(|_cc| Ok(Box::new(Bare))),
    )
}
