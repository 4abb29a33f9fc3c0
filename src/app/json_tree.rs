//! A collapsible JSON tree that builds rows only for expanded nodes, with a search that expands
//! to its matches. The rows are drawn with `ScrollArea::show_rows`, so a huge body costs only
//! what is on screen.

use std::collections::HashSet;

use egui::{RichText, Ui};
use serde_json::Value;

use super::Action;
use super::navigator_ui;
use crate::model::links::inputs_of;

/// At most this many children of one node get rows; the rest are summarised in one row.
const MAX_CHILDREN: usize = 5_000;
/// A search stops after this many matches.
const MAX_MATCHES: usize = 1_000;

/// One visible row of the tree.
struct Row {
    depth: usize,
    /// JSON Pointer (RFC 6901) of the node, e.g. `/traits/locale`.
    pointer: String,
    key: String,
    /// The value for a scalar, or `{3}` / `[12]` for a container.
    summary: String,
    expandable: bool,
    expanded: bool,
}

/// The tree's state for one answer.
#[derive(Default)]
pub struct JsonTree {
    expanded: HashSet<String>,
    rows: Option<Vec<Row>>,
    pub search: String,
    searched: String,
    matches: HashSet<String>,
    match_count: usize,
}

impl JsonTree {
    /// A tree with its root open.
    pub fn new() -> Self {
        let mut tree = Self::default();
        tree.expanded.insert(String::new());
        tree
    }

    fn toggle(&mut self, pointer: &str) {
        if !self.expanded.remove(pointer) {
            self.expanded.insert(pointer.to_owned());
        }
        self.rows = None;
    }

    /// Finds keys and scalar values containing the search text and opens their ancestors.
    fn run_search(&mut self, root: &Value) {
        self.searched = self.search.clone();
        self.matches.clear();
        self.match_count = 0;
        let needle = self.search.to_lowercase();
        if !needle.is_empty() {
            let mut found = Vec::new();
            find(root, "", &needle, &mut found);
            self.match_count = found.len();
            for pointer in found {
                for (at, _) in pointer.match_indices('/') {
                    self.expanded.insert(pointer[..at].to_owned());
                }
                self.matches.insert(pointer);
            }
        }
        self.rows = None;
    }

    fn rows(&mut self, root: &Value) -> &[Row] {
        let expanded = &self.expanded;
        self.rows.get_or_insert_with(|| {
            let mut rows = Vec::new();
            push_rows(&mut rows, root, "(root)", String::new(), 0, expanded);
            rows
        })
    }
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn children(value: &Value) -> Box<dyn Iterator<Item = (String, &Value)> + '_> {
    match value {
        Value::Object(map) => Box::new(map.iter().map(|(key, value)| (key.clone(), value))),
        Value::Array(items) => Box::new(
            items
                .iter()
                .enumerate()
                .map(|(index, value)| (index.to_string(), value)),
        ),
        _ => Box::new(std::iter::empty()),
    }
}

fn summary(value: &Value) -> String {
    match value {
        Value::Object(map) => format!("{{{}}}", map.len()),
        Value::Array(items) => format!("[{}]", items.len()),
        scalar => {
            let text = scalar.to_string();
            match text.char_indices().nth(300) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text,
            }
        }
    }
}

fn push_rows(
    rows: &mut Vec<Row>,
    value: &Value,
    key: &str,
    pointer: String,
    depth: usize,
    expanded: &HashSet<String>,
) {
    let expandable = matches!(value, Value::Object(map) if !map.is_empty())
        || matches!(value, Value::Array(items) if !items.is_empty());
    let is_open = expandable && expanded.contains(&pointer);
    rows.push(Row {
        depth,
        pointer: pointer.clone(),
        key: key.to_owned(),
        summary: summary(value),
        expandable,
        expanded: is_open,
    });
    if !is_open {
        return;
    }
    for (count, (child_key, child)) in children(value).enumerate() {
        if count == MAX_CHILDREN {
            let total = match value {
                Value::Object(map) => map.len(),
                Value::Array(items) => items.len(),
                _ => 0,
            };
            rows.push(Row {
                depth: depth + 1,
                pointer: format!("{pointer}/…"),
                key: "…".to_owned(),
                summary: format!(
                    "{} more not shown; use search or the Raw view",
                    total - MAX_CHILDREN
                ),
                expandable: false,
                expanded: false,
            });
            break;
        }
        let child_pointer = format!("{pointer}/{}", escape_pointer(&child_key));
        push_rows(rows, child, &child_key, child_pointer, depth + 1, expanded);
    }
}

/// Collects the pointers of nodes whose key or scalar value contains `needle` (lower case).
fn find(value: &Value, pointer: &str, needle: &str, found: &mut Vec<String>) {
    for (key, child) in children(value) {
        if found.len() >= MAX_MATCHES {
            return;
        }
        let child_pointer = format!("{pointer}/{}", escape_pointer(&key));
        let scalar_matches = match child {
            Value::Object(_) | Value::Array(_) => false,
            Value::String(text) => text.to_lowercase().contains(needle),
            other => other.to_string().contains(needle),
        };
        if scalar_matches
            || (matches!(value, Value::Object(_)) && key.to_lowercase().contains(needle))
        {
            found.push(child_pointer.clone());
        }
        find(child, &child_pointer, needle, found);
    }
}

/// The value at `pointer` as an input would hold it, when it is one value (text, a number, a
/// boolean) and not an object or a list.
fn scalar_text(root: &Value, pointer: &str) -> Option<String> {
    match root.pointer(pointer)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Every operation, grouped like the docs, each with the inputs a value can go into.
fn use_in_menu_ui(ui: &mut Ui, pointer: &str, value: &str, actions: &mut Vec<Action>) {
    let Ok(contract) = crate::contract::embedded() else {
        return;
    };
    for (group, operations) in navigator_ui::matching(contract, "") {
        ui.label(RichText::new(group).weak());
        for operation in operations {
            ui.menu_button(&operation.summary, |ui| {
                for slot in inputs_of(operation) {
                    if ui.button(slot.label()).clicked() {
                        actions.push(Action::UseValue {
                            operation: operation.id.clone(),
                            slot,
                            value: value.to_owned(),
                            from: pointer.to_owned(),
                        });
                        ui.close();
                    }
                }
            });
        }
    }
}

/// The value at `pointer`, as pretty JSON (for "Copy value").
fn value_text(root: &Value, pointer: &str) -> String {
    root.pointer(pointer)
        .map(|value| match value {
            Value::String(text) => text.clone(),
            other => serde_json::to_string_pretty(other).unwrap_or_default(),
        })
        .unwrap_or_default()
}

pub fn json_tree_ui(ui: &mut Ui, tree: &mut JsonTree, root: &Value, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let response = ui.add(
            egui::TextEdit::singleline(&mut tree.search)
                .hint_text("Search keys and values")
                .desired_width(240.0),
        );
        let response = response.accessible_name("Search the tree");
        let submitted =
            response.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
        if (ui.button("Find").clicked() || submitted || response.changed())
            && tree.search != tree.searched
        {
            tree.run_search(root);
        }
        if !tree.searched.is_empty() {
            let note = match tree.match_count {
                0 => "No match".to_owned(),
                MAX_MATCHES => format!("First {MAX_MATCHES} matches"),
                1 => "1 match".to_owned(),
                count => format!("{count} matches"),
            };
            ui.label(RichText::new(note).weak());
        }
        ui.label(RichText::new("Right-click a row to copy its value or path.").weak());
    });
    let row_height = ui.text_style_height(&egui::TextStyle::Monospace) + 2.0;
    let highlight = ui.visuals().selection.bg_fill.gamma_multiply(0.4);
    let mut toggled = None;
    let total = tree.rows(root).len();
    let matches = std::mem::take(&mut tree.matches);
    let rows = tree.rows(root);
    egui::ScrollArea::both()
        .id_salt("json_tree")
        .auto_shrink(false)
        .show_rows(ui, row_height, total, |ui, range| {
            for row in &rows[range] {
                ui.horizontal(|ui| {
                    ui.add_space(row.depth as f32 * 16.0);
                    let (rect, response) =
                        ui.allocate_exact_size(egui::vec2(14.0, row_height), egui::Sense::click());
                    if row.expandable {
                        let openness = if row.expanded { 1.0 } else { 0.0 };
                        egui::collapsing_header::paint_default_icon(
                            ui,
                            openness,
                            &response.clone().with_new_rect(rect),
                        );
                        if response.clicked() {
                            toggled = Some(row.pointer.clone());
                        }
                    }
                    let mut text =
                        RichText::new(format!("{}: {}", row.key, row.summary)).monospace();
                    if matches.contains(&row.pointer) {
                        text = text.background_color(highlight);
                    }
                    let label = ui.add(egui::Label::new(text).sense(egui::Sense::click()).extend());
                    if row.expandable && label.clicked() {
                        toggled = Some(row.pointer.clone());
                    }
                    label.context_menu(|ui| {
                        if ui.button("Copy value").clicked() {
                            actions.push(Action::Copy(value_text(root, &row.pointer)));
                            ui.close();
                        }
                        if ui.button("Copy path").clicked() {
                            actions.push(Action::Copy(row.pointer.clone()));
                            ui.close();
                        }
                        if let Some(value) = scalar_text(root, &row.pointer) {
                            ui.menu_button("Use in…", |ui| {
                                use_in_menu_ui(ui, &row.pointer, &value, actions);
                            });
                        }
                    });
                });
            }
        });
    tree.matches = matches;
    if let Some(pointer) = toggled {
        tree.toggle(&pointer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shown(tree: &mut JsonTree, root: &Value) -> Vec<String> {
        tree.rows(root)
            .iter()
            .map(|row| format!("{}{}", "  ".repeat(row.depth), row.key))
            .collect()
    }

    #[test]
    fn only_expanded_nodes_have_rows() {
        let root = json!({"a": {"b": 1}, "c/d": [1, 2]});
        let mut tree = JsonTree::new();
        assert_eq!(shown(&mut tree, &root), ["(root)", "  a", "  c/d"]);
        tree.toggle("/c~1d");
        assert_eq!(
            shown(&mut tree, &root),
            ["(root)", "  a", "  c/d", "    0", "    1"]
        );
    }

    #[test]
    fn search_expands_to_matches() {
        let root = json!({"person": {"traits": {"locale": "en-GB"}}, "other": {"x": 1}});
        let mut tree = JsonTree::new();
        tree.search = "EN-gb".into();
        tree.run_search(&root);
        assert_eq!(tree.match_count, 1);
        assert!(tree.matches.contains("/person/traits/locale"));
        assert_eq!(
            shown(&mut tree, &root),
            [
                "(root)",
                "  person",
                "    traits",
                "      locale",
                "  other"
            ]
        );
        assert_eq!(value_text(&root, "/person/traits/locale"), "en-GB");
    }

    #[test]
    fn huge_containers_are_cut_with_a_note() {
        let root = Value::Array((0..MAX_CHILDREN + 10).map(|n| json!(n)).collect());
        let mut tree = JsonTree::new();
        let rows = tree.rows(&root);
        assert_eq!(rows.len(), MAX_CHILDREN + 2);
        assert_eq!(
            rows.last().unwrap().summary,
            "10 more not shown; use search or the Raw view"
        );
    }
}
