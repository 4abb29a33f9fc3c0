//! The sandbox's people, in memory: lost when the sandbox stops.

use std::collections::HashMap;

use super::person::Person;

/// People by workspace and external id, in creation order.
#[derive(Default)]
pub struct People {
    people: Vec<Person>,
    by_key: HashMap<(String, String), usize>,
}

impl People {
    pub fn get_mut(&mut self, workspace: &str, external_id: &str) -> Option<&mut Person> {
        let index = *self
            .by_key
            .get(&(workspace.to_owned(), external_id.to_owned()))?;
        self.people.get_mut(index)
    }

    pub fn insert(&mut self, person: Person) {
        let key = (person.workspace_id.clone(), person.external_id.clone());
        self.by_key.insert(key, self.people.len());
        self.people.push(person);
    }

    /// A person by external id, else by email (the docs' `GET /people/{id}` accepts either).
    pub fn find(&self, id: &str) -> Option<&Person> {
        self.people
            .iter()
            .find(|person| person.external_id == id)
            .or_else(|| {
                self.people
                    .iter()
                    .find(|person| person.email.as_deref() == Some(id))
            })
    }

    pub fn page(&self, offset: usize, limit: usize) -> &[Person] {
        let start = offset.min(self.people.len());
        let end = start.saturating_add(limit).min(self.people.len());
        &self.people[start..end]
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }
}
