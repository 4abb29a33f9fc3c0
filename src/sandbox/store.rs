//! The sandbox's world, in memory: lost when the sandbox stops. One workspace
//! ([`super::DEFAULT_WORKSPACE`]), so nothing here is keyed by workspace.

use std::collections::{BTreeMap, HashMap};

use super::campaigns::Campaign;
use super::devices::Device;
use super::events::Event;
use super::person::Person;
use crate::contract::IdentifierKind;

/// Everything the sandbox holds.
#[derive(Default)]
pub struct World {
    pub people: People,
    pub events: Vec<Event>,
    pub devices: Vec<Device>,
    pub campaigns: Vec<Campaign>,
}

/// People in creation order, found by external id or UUID at once and by email with a scan.
#[derive(Default)]
pub struct People {
    next: u64,
    people: BTreeMap<u64, Person>,
    by_external_id: HashMap<String, u64>,
    by_id: HashMap<String, u64>,
}

impl People {
    /// The person `key` names, read as the identifier `kind` says (the contract's
    /// `x-flameup-identifier` of the value): your id, or your id then the email, or Flameup's
    /// UUID, or your id then the UUID. Other kinds name no person.
    pub fn find(&self, kind: IdentifierKind, key: &str) -> Option<&Person> {
        self.people.get(&self.position(kind, key)?)
    }

    pub fn find_mut(&mut self, kind: IdentifierKind, key: &str) -> Option<&mut Person> {
        let position = self.position(kind, key)?;
        self.people.get_mut(&position)
    }

    fn position(&self, kind: IdentifierKind, key: &str) -> Option<u64> {
        let by_external_id = || self.by_external_id.get(key).copied();
        // UUIDs are made in lower case; one sent in upper case names the same person.
        let by_id = || self.by_id.get(&key.to_ascii_lowercase()).copied();
        match kind {
            IdentifierKind::ExternalId => by_external_id(),
            IdentifierKind::ExternalIdOrEmail => by_external_id().or_else(|| self.by_email(key)),
            IdentifierKind::PersonUuid => by_id(),
            IdentifierKind::ExternalIdOrPersonUuid => by_external_id().or_else(by_id),
            IdentifierKind::WorkspaceId | IdentifierKind::CampaignId => None,
        }
    }

    /// The first person (in creation order) with this email.
    fn by_email(&self, email: &str) -> Option<u64> {
        self.people
            .iter()
            .find(|(_, person)| person.email.as_deref() == Some(email))
            .map(|(position, _)| *position)
    }

    /// Adds a person whose external id no one has.
    pub fn insert(&mut self, person: Person) {
        let position = self.next;
        self.next += 1;
        self.by_external_id
            .insert(person.external_id.clone(), position);
        self.by_id.insert(person.id.clone(), position);
        self.people.insert(position, person);
    }

    /// Gives the person with the external id `from` the external id `to`, which no one has.
    pub fn rekey(&mut self, from: &str, to: &str) {
        let Some(position) = self.by_external_id.remove(from) else {
            return;
        };
        self.by_external_id.insert(to.to_owned(), position);
        if let Some(person) = self.people.get_mut(&position) {
            to.clone_into(&mut person.external_id);
        }
    }

    /// The person with the email `email`, if someone has it: an upsert's second way in.
    pub fn external_id_by_email(&self, email: &str) -> Option<&str> {
        let position = self.by_email(email)?;
        self.people
            .get(&position)
            .map(|person| person.external_id.as_str())
    }

    pub fn remove(&mut self, kind: IdentifierKind, key: &str) -> Option<Person> {
        let position = self.position(kind, key)?;
        let person = self.people.remove(&position)?;
        self.by_external_id.remove(&person.external_id);
        self.by_id.remove(&person.id);
        Some(person)
    }

    /// Every person, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = &Person> {
        self.people.values()
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use serde_json::Map;

    use super::*;
    use crate::sandbox::person::NewPerson;

    fn person(id: &str, external_id: &str, email: Option<&str>) -> Person {
        let input = NewPerson {
            user_id: external_id.to_owned(),
            email: email.map(str::to_owned),
            phone: None,
            traits: Map::new(),
        };
        Person::new(id.to_owned(), input, "t")
    }

    #[test]
    fn each_identifier_kind_finds_by_what_it_names() {
        let mut people = People::default();
        people.insert(person("uuid-a", "a", Some("a@example.com")));
        people.insert(person("uuid-b", "b", None));
        let found = |kind, key| people.find(kind, key).map(|person| person.id.as_str());
        assert_eq!(found(IdentifierKind::ExternalId, "a"), Some("uuid-a"));
        assert_eq!(found(IdentifierKind::ExternalId, "uuid-a"), None);
        assert_eq!(
            found(IdentifierKind::ExternalIdOrEmail, "a@example.com"),
            Some("uuid-a")
        );
        assert_eq!(found(IdentifierKind::ExternalIdOrEmail, "uuid-b"), None);
        assert_eq!(found(IdentifierKind::PersonUuid, "uuid-b"), Some("uuid-b"));
        assert_eq!(
            found(IdentifierKind::PersonUuid, "UUID-B"),
            Some("uuid-b"),
            "a UUID in upper case is the same UUID"
        );
        assert_eq!(found(IdentifierKind::PersonUuid, "b"), None);
        assert_eq!(
            found(IdentifierKind::ExternalIdOrPersonUuid, "uuid-b"),
            Some("uuid-b")
        );
        assert_eq!(
            found(IdentifierKind::ExternalIdOrPersonUuid, "b"),
            Some("uuid-b")
        );
        assert_eq!(found(IdentifierKind::WorkspaceId, "a"), None);
    }

    #[test]
    fn removing_and_rekeying_keep_the_indexes_true() {
        let mut people = People::default();
        people.insert(person("uuid-a", "a", None));
        people.insert(person("uuid-b", "b", Some("b@example.com")));
        people.insert(person("uuid-c", "c", None));
        assert!(people.remove(IdentifierKind::ExternalId, "b").is_some());
        assert!(people.find(IdentifierKind::PersonUuid, "uuid-b").is_none());
        assert_eq!(people.external_id_by_email("b@example.com"), None);
        people.rekey("a", "a2");
        assert!(people.find(IdentifierKind::ExternalId, "a").is_none());
        assert_eq!(
            people.find(IdentifierKind::ExternalId, "a2").unwrap().id,
            "uuid-a"
        );
        let order: Vec<&str> = people.iter().map(|person| person.id.as_str()).collect();
        assert_eq!(order, ["uuid-a", "uuid-c"]);
        assert_eq!(people.len(), 2);
    }
}
