//! The person the sandbox keeps: what a create body gives it, how an update merges, and the
//! reference Person it answers. Which traits are promoted to fields of their own is read from
//! the contract (the `Traits` schema's properties), not listed here.

use std::sync::LazyLock;

use serde_json::{Map, Value, json};

use super::DEFAULT_WORKSPACE;
use crate::model::body::{EMAIL, PHONE, TRAITS, USER_ID};

/// The traits the contract names (`Traits.properties`): the reference Person answers each as a
/// field of its own, and the other traits in `attributes`.
static PROMOTED_TRAITS: LazyLock<Vec<String>> = LazyLock::new(|| {
    crate::contract::embedded()
        .ok()
        .and_then(|contract| contract.operation("createPerson"))
        .and_then(|operation| operation.body.as_ref())
        .and_then(|body| body.schema.pointer("/properties/traits/properties"))
        .and_then(Value::as_object)
        .map(|traits| traits.keys().cloned().collect())
        .unwrap_or_default()
});

fn is_promoted(key: &str) -> bool {
    PROMOTED_TRAITS.iter().any(|promoted| promoted == key)
}

/// What a create (or upsert, or batch item) body says of a person. Built from a body the
/// contract's check has passed, so types are as documented.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPerson {
    pub user_id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub traits: Map<String, Value>,
}

impl NewPerson {
    /// The person in `body`, reading only the fields `schema` documents: the workspace-scoped
    /// create has no top-level phone, so one sent there is ignored like any unknown field.
    pub fn from_body(body: &Value, schema: &Value) -> Self {
        let documented = |name: &str| schema.pointer(&format!("/properties/{name}")).is_some();
        let text = |name: &str| {
            documented(name)
                .then(|| body.get(name).and_then(Value::as_str).map(str::to_owned))
                .flatten()
        };
        Self {
            user_id: text(USER_ID).unwrap_or_default(),
            email: text(EMAIL),
            phone: text(PHONE),
            traits: body
                .get(TRAITS)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        }
    }
}

/// A person in the sandbox's memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    /// Flameup's id of the person: a UUID.
    pub id: String,
    /// The userId it was created with.
    pub external_id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub traits: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
}

impl Person {
    pub fn new(id: String, input: NewPerson, now: &str) -> Self {
        Self {
            id,
            external_id: input.user_id,
            email: input.email,
            phone: input.phone,
            traits: input.traits,
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
        }
    }

    /// A repeated create, upsert or batch item: given fields replace, traits merge.
    pub fn update(&mut self, input: NewPerson, now: &str) {
        if input.email.is_some() {
            self.email = input.email;
        }
        if input.phone.is_some() {
            self.phone = input.phone;
        }
        self.merge_traits(input.traits, now);
    }

    /// The update pages: the traits sent are merged with the existing ones. A null trait is
    /// kept as null: no page says it removes the trait.
    pub fn merge_traits(&mut self, traits: Map<String, Value>, now: &str) {
        self.traits.extend(traits);
        now.clone_into(&mut self.updated_at);
    }

    /// Whether `needle` (already lower-case) is in the person's ids, email, phone or names: the
    /// sandbox's free-text search.
    pub fn mentions(&self, needle: &str) -> bool {
        let names = ["first_name", "last_name"]
            .iter()
            .filter_map(|key| self.traits.get(*key).and_then(Value::as_str));
        [
            Some(self.external_id.as_str()),
            self.email.as_deref(),
            self.phone.as_deref(),
        ]
        .into_iter()
        .flatten()
        .chain(names)
        .any(|text| text.to_lowercase().contains(needle))
    }

    /// The reference pages' Person: the promoted traits as fields, the others in `attributes`.
    /// The top-level `phone` wins over `traits.phone`.
    pub fn to_json(&self) -> Value {
        let mut person = Map::new();
        person.insert("id".into(), json!(self.id));
        person.insert("workspace_id".into(), json!(DEFAULT_WORKSPACE));
        person.insert("external_id".into(), json!(self.external_id));
        person.insert(EMAIL.into(), json!(self.email));
        let phone = self
            .phone
            .clone()
            .map(Value::String)
            .or_else(|| self.traits.get(PHONE).cloned())
            .unwrap_or(Value::Null);
        person.insert(PHONE.into(), phone);
        for key in PROMOTED_TRAITS.iter().filter(|key| *key != PHONE) {
            let value = self.traits.get(key).cloned().unwrap_or(Value::Null);
            person.insert(key.clone(), value);
        }
        person.insert("status".into(), json!("active"));
        let attributes: Map<String, Value> = self
            .traits
            .iter()
            .filter(|(key, _)| !is_promoted(key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        person.insert("attributes".into(), Value::Object(attributes));
        person.insert("created_at".into(), json!(self.created_at));
        person.insert("updated_at".into(), json!(self.updated_at));
        person.insert("first_seen_at".into(), json!(self.created_at));
        person.insert("last_seen_at".into(), json!(self.updated_at));
        Value::Object(person)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use super::*;

    fn schema(id: &str) -> &'static Value {
        &crate::contract::embedded()
            .unwrap()
            .operation(id)
            .unwrap()
            .body
            .as_ref()
            .unwrap()
            .schema
    }

    #[test]
    fn the_promoted_traits_are_the_contracts() {
        assert_eq!(
            *PROMOTED_TRAITS,
            [
                "first_name",
                "last_name",
                "phone",
                "avatar_url",
                "timezone",
                "locale"
            ]
        );
    }

    #[test]
    fn a_person_promotes_the_well_known_traits() {
        let body =
            json!({"userId": "u1", "traits": {"first_name": "Ada", "phone": "+44", "plan": "pro"}});
        let input = NewPerson::from_body(&body, schema("createPerson"));
        let person = Person::new("id-1".into(), input, "2026-01-01T00:00:00Z");
        let json = person.to_json();
        assert_eq!(json["external_id"], "u1");
        assert_eq!(json["workspace_id"], DEFAULT_WORKSPACE);
        assert_eq!(json["first_name"], "Ada");
        assert_eq!(json["phone"], "+44");
        assert_eq!(json["locale"], Value::Null);
        assert_eq!(json["attributes"], json!({"plan": "pro"}));
        assert_eq!(json["status"], "active");
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 16);
    }

    #[test]
    fn only_documented_fields_are_read() {
        let body = json!({"userId": "u", "phone": "+1", "email": "a@example.com"});
        assert_eq!(
            NewPerson::from_body(&body, schema("createPerson")).phone,
            Some("+1".into())
        );
        let workspace = NewPerson::from_body(&body, schema("createWorkspacePerson"));
        assert_eq!(workspace.phone, None);
        assert_eq!(workspace.email, Some("a@example.com".into()));
    }

    #[test]
    fn an_update_replaces_given_fields_and_merges_traits() {
        let create = schema("createPerson");
        let first = json!({"userId": "u", "email": "a@example.com", "traits": {"plan": "free", "seats": 1}});
        let mut person = Person::new("p".into(), NewPerson::from_body(&first, create), "t0");
        let second = json!({"userId": "u", "traits": {"plan": "pro", "first_name": null}});
        person.update(NewPerson::from_body(&second, create), "t1");
        assert_eq!(person.email.as_deref(), Some("a@example.com"));
        assert_eq!(
            Value::Object(person.traits.clone()),
            json!({"plan": "pro", "seats": 1, "first_name": null})
        );
        assert_eq!(
            (person.created_at.as_str(), person.updated_at.as_str()),
            ("t0", "t1")
        );
    }

    #[test]
    fn search_looks_at_ids_email_phone_and_names() {
        let body = json!({"userId": "Ada_1", "email": "ada@example.com", "traits": {"last_name": "Lovelace"}});
        let person = Person::new(
            "p".into(),
            NewPerson::from_body(&body, schema("createPerson")),
            "t",
        );
        for needle in ["ada_", "example", "lovelace"] {
            assert!(person.mentions(needle), "{needle}");
        }
        assert!(!person.mentions("babbage"));
    }
}
