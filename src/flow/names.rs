//! Names of steps and variables: the same in the JSON form and in every program, safe as an
//! identifier in each language (snake case here; camel case where a language prefers it).

use std::collections::BTreeSet;

use crate::model::form::pointer_steps;

/// `text` in snake case: `createPerson` → `create_person`, `traits.first-name` →
/// `traits_first_name`. Letters and digits only, separated by single underscores; a name that
/// would start with a digit (or be empty) starts with `step`.
pub fn snake(text: &str) -> String {
    let mut name = String::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            let starts_word = c.is_ascii_uppercase()
                && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            if starts_word && !name.is_empty() && !name.ends_with('_') {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
        previous = Some(c);
    }
    let name = name.trim_end_matches('_').to_owned();
    match name.chars().next() {
        Some(first) if first.is_ascii_alphabetic() => name,
        Some(_) => format!("step_{name}"),
        None => "step".to_owned(),
    }
}

/// `snake` in camel case: `create_person_id` → `createPersonId`.
pub fn camel(snake: &str) -> String {
    let mut words = snake.split('_');
    let first = words.next().unwrap_or_default().to_owned();
    words.fold(first, |mut name, word| {
        let mut chars = word.chars();
        if let Some(c) = chars.next() {
            name.push(c.to_ascii_uppercase());
            name.push_str(chars.as_str());
        }
        name
    })
}

/// Whether `name` is a step name as [`snake`] makes them.
pub fn is_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The variable for the value at `at` in the answer of `step`: `create_person` and `/id` give
/// `create_person_id`; the whole answer gives `create_person_answer`.
pub fn variable(step: &str, at: &str) -> String {
    let words: Vec<String> = pointer_steps(at).collect();
    if words.is_empty() {
        format!("{step}_answer")
    } else {
        snake(&format!("{step}_{}", words.join("_")))
    }
}

/// `name`, or `name_2`, `name_3`… when taken, and marks it taken.
pub fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut number = 1;
    while taken.contains(&candidate) {
        number += 1;
        candidate = format!("{name}_{number}");
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_identifiers_in_every_language() {
        assert_eq!(snake("createPerson"), "create_person");
        assert_eq!(
            snake("sendWorkspaceTransactional"),
            "send_workspace_transactional"
        );
        assert_eq!(snake("traits.first-name"), "traits_first_name");
        assert_eq!(snake("HTTPStatus"), "httpstatus");
        assert_eq!(snake("2fa"), "step_2fa");
        assert_eq!(snake("--"), "step");
        assert_eq!(camel("create_person_id"), "createPersonId");
        assert_eq!(variable("create_person", "/id"), "create_person_id");
        assert_eq!(variable("list", "/data/0/id"), "list_data_0_id");
        assert_eq!(variable("get", "/a~1b"), "get_a_b");
        assert_eq!(variable("get", ""), "get_answer");
        for name in ["create_person", "step_2fa", "a", "x_1"] {
            assert!(is_name(name), "{name}");
        }
        for name in ["", "Create", "1x", "a-b", "a b", "é"] {
            assert!(!is_name(name), "{name}");
        }
        let mut taken = BTreeSet::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a_2");
        assert_eq!(unique("a".into(), &mut taken), "a_3");
    }
}
