//! What a batch's answer means for each of its rows. Pure: the runner acts on the verdict.
//!
//! The contract's `BatchResult` gives the people (in the batch's order) and how many were
//! created and updated, not which. When the counts settle it (all created, all updated), they
//! decide; otherwise each person's `created_at` and `updated_at` do (equal: just created). A
//! refused batch names its bad items by field path (`people[2].email`, `people.2.email`,
//! `/people/2/email`, whatever the error dialect): those rows are rejected with the server's
//! messages and the others are sent again, since a refused batch stores nobody.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::Outcome;
use super::pacing::retry_after;
use crate::model::HttpResponse;
use crate::model::problem::Problem;
use crate::transport::{self, FailureKind};

/// A stored row's outcome and Flameup's id of the person, when the answer gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub outcome: Outcome,
    pub id: Option<String>,
}

/// One thing the server said is wrong with a person: where in it (a JSON Pointer, when the
/// server named a field) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemProblem {
    pub pointer: Option<String>,
    pub message: String,
}

/// What to do with a batch after its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The server took the batch: each row's outcome, in the batch's order; `None` for a row
    /// its answer does not list, which may or may not be stored.
    Stored(Vec<Option<Stored>>),
    /// The server refused the batch: for each row, its problems if it was named (rejected), or
    /// `None` (not at fault: to send again).
    Refused(Vec<Option<Vec<ItemProblem>>>),
    /// The server refused the batch without naming an item (say, nesting too deep somewhere):
    /// which row is at fault is unknown, so a batch of several is split to find it, and a row
    /// alone is rejected with these problems.
    RefusedWhole(Vec<ItemProblem>),
    /// A 429: wait (`Retry-After`, when sent) and send the same batch again.
    RateLimited { retry_after: Option<Duration> },
    /// Worth another try later (a 5xx, a timeout, a dropped connection); `unreachable` when the
    /// server could not be reached at all, `retry_after` when it said how long to wait.
    Retry {
        reason: String,
        unreachable: bool,
        retry_after: Option<Duration>,
    },
    /// A 413: the batch is too large for the server; smaller ones may pass.
    TooLarge,
    /// Every batch would meet the same (a refused token, an unknown workspace, a redirect):
    /// the import stops, leaving the rest to send once it is fixed.
    Stop(String),
}

/// The verdict on a batch whose rows have these userIds, from its answer received at `now`.
pub fn judge(outcome: &transport::Outcome, user_ids: &[Option<&str>], now: SystemTime) -> Verdict {
    let response = match outcome {
        Ok(response) => response,
        Err(error) => {
            return Verdict::Retry {
                reason: error.to_string(),
                unreachable: matches!(
                    error.kind,
                    FailureKind::Refused | FailureKind::Dns | FailureKind::Tls
                ),
                retry_after: None,
            };
        }
    };
    let status = response.status;
    match status {
        200..=299 => match batch_result(&response.body) {
            Some(answer) => Verdict::Stored(stored(&answer, user_ids)),
            None => Verdict::Stop(format!(
                "the server answered {} {} without a batch result ({}): check the base URL",
                status,
                response.reason,
                excerpt(&response.body)
            )),
        },
        429 => Verdict::RateLimited {
            retry_after: retry_after(&response.headers, now),
        },
        408 | 500..=599 => Verdict::Retry {
            reason: format!("the server answered {}", said(response)),
            unreachable: false,
            retry_after: retry_after(&response.headers, now),
        },
        413 => Verdict::TooLarge,
        401 | 403 => Verdict::Stop(format!(
            "the server refused the API token: {}",
            said(response)
        )),
        404 => Verdict::Stop(format!(
            "the server answered {}: check the base URL and the workspace",
            said(response)
        )),
        300..=399 => Verdict::Stop(format!(
            "the server answered {} {} and sends the batch to {} (redirects are not followed, so the token goes nowhere else): give the base URL that address belongs to",
            response.status,
            response.reason,
            response.header("location").unwrap_or("nowhere").trim()
        )),
        400..=499 => refused(response, user_ids.len()),
        _ => Verdict::Stop(format!(
            "the server answered {}, which is no answer to a batch",
            said(response)
        )),
    }
}

/// "422 Unprocessable Entity (Validation failed)": the status and the server's message.
fn said(response: &HttpResponse) -> String {
    let message = response
        .problem
        .clone()
        .or_else(|| Problem::from_answer(response.status, &response.headers, &response.body))
        .map(|problem| problem.message)
        .unwrap_or_default();
    let message = message.trim();
    if message.is_empty() {
        format!("{} {}", response.status, response.reason)
    } else {
        format!("{} {} ({message})", response.status, response.reason)
    }
}

/// The body as a `BatchResult`: a JSON object with the people or their counts. Anything else
/// (a proxy's page, an empty body) says nothing of what was stored.
fn batch_result(body: &[u8]) -> Option<Value> {
    let answer: Value = serde_json::from_slice(body).ok()?;
    let fields = ["people", "created_count", "updated_count"];
    fields
        .iter()
        .any(|field| answer.get(field).is_some())
        .then_some(answer)
}

/// The start of a body, for a message.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "an empty body".to_owned();
    }
    let start: String = text.chars().take(60).collect();
    if start.len() < text.len() {
        format!("{start}…")
    } else {
        start
    }
}

/// Each row's outcome in a `BatchResult`, or `None` for a row the answer does not list (no
/// evidence it was stored). The counts decide when they settle the batch (all created, all
/// updated); otherwise a row whose userId came earlier in the batch was updated by it, and the
/// others go by their timestamps.
fn stored(answer: &Value, user_ids: &[Option<&str>]) -> Vec<Option<Stored>> {
    let people = answer
        .get("people")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let count = |name: &str| answer.get(name).and_then(Value::as_u64);
    let size = user_ids.len() as u64;
    let settled = match (count("created_count"), count("updated_count")) {
        (Some(created), Some(0)) if created == size => Some(Outcome::Created),
        (Some(0), Some(updated)) if updated == size => Some(Outcome::Updated),
        _ => None,
    };
    if answer.get("people").and_then(Value::as_array).is_none()
        && let Some(outcome) = settled
    {
        // No list (or not a list), but counts that account for every row: evidence enough.
        return vec![Some(Stored { outcome, id: None }); user_ids.len()];
    }
    let mut listed = vec![false; people.len()];
    user_ids
        .iter()
        .enumerate()
        .map(|(index, user_id)| {
            let at = Some(index)
                .filter(|at| {
                    people
                        .get(*at)
                        .is_some_and(|person| !listed[*at] && is_person(person, *user_id))
                })
                .or_else(|| {
                    let user_id = (*user_id)?;
                    people.iter().enumerate().position(|(at, person)| {
                        !listed[at] && external_id(person) == Some(user_id)
                    })
                })?;
            listed[at] = true;
            let person = &people[at];
            let again = user_id.is_some() && user_ids[..index].contains(user_id);
            let guessed = if again {
                Outcome::Updated
            } else {
                by_timestamps(person)
            };
            Some(Stored {
                outcome: settled.unwrap_or(guessed),
                id: person.get("id").and_then(Value::as_str).map(str::to_owned),
            })
        })
        .collect()
}

/// The userId an answered person carries (`external_id` in the reference shape, `userId` in
/// the guide's).
fn external_id(person: &Value) -> Option<&str> {
    ["external_id", "userId"]
        .iter()
        .find_map(|key| person.get(key).and_then(Value::as_str))
}

/// Whether an answered person is the row with `user_id` (one that says no id is trusted to be
/// in the batch's order).
fn is_person(person: &Value, user_id: Option<&str>) -> bool {
    match (external_id(person), user_id) {
        (Some(answered), Some(sent)) => answered == sent,
        _ => true,
    }
}

/// Created when the person was last updated when it was created.
fn by_timestamps(person: &Value) -> Outcome {
    let time = |key: &str| person.get(key).and_then(Value::as_str);
    match (time("created_at"), time("updated_at")) {
        (Some(created), Some(updated)) if created != updated => Outcome::Updated,
        _ => Outcome::Created,
    }
}

/// Which rows a refusal names, with its problems; or, when it names none, the whole refusal.
fn refused(response: &HttpResponse, size: usize) -> Verdict {
    let problem = response
        .problem
        .clone()
        .or_else(|| Problem::from_answer(response.status, &response.headers, &response.body))
        .unwrap_or_default();
    let mut rows: Vec<Option<Vec<ItemProblem>>> = vec![None; size];
    let mut named = false;
    for (field, message) in &problem.fields {
        if let Some((index, pointer)) = item_field(field).filter(|(index, _)| *index < size) {
            named = true;
            rows[index].get_or_insert_with(Vec::new).push(ItemProblem {
                pointer: (!pointer.is_empty()).then_some(pointer),
                message: message.clone(),
            });
        }
    }
    if named {
        return Verdict::Refused(rows);
    }
    let mut whole = vec![ItemProblem {
        pointer: None,
        message: format!("The server refused the batch: {}", said(response)),
    }];
    whole.extend(problem.fields.iter().map(|(field, message)| ItemProblem {
        pointer: None,
        message: format!("{field}: {message}"),
    }));
    Verdict::RefusedWhole(whole)
}

/// The item a field path names and the place inside it as a JSON Pointer: `people[3].email`,
/// `people.3.email` and `/people/3/email` are item 3's `/email`.
pub fn item_field(field: &str) -> Option<(usize, String)> {
    let rest = field
        .trim()
        .trim_start_matches('/')
        .strip_prefix("people")?;
    let (index, rest) = if let Some(inner) = rest.strip_prefix('[') {
        let close = inner.find(']')?;
        (&inner[..close], &inner[close + 1..])
    } else {
        let inner = rest.strip_prefix(['.', '/'])?;
        let end = inner.find(['.', '/', '[']).unwrap_or(inner.len());
        (&inner[..end], &inner[end..])
    };
    let index = index.parse::<usize>().ok()?;
    Some((index, pointer_of(rest)))
}

/// A dotted or slashed path (`.traits.age`, `/traits/age`, `.tags[0]`) as a JSON Pointer.
fn pointer_of(path: &str) -> String {
    let mut pointer = String::new();
    for segment in path.split(['.', '/', '[', ']']).filter(|s| !s.is_empty()) {
        pointer.push('/');
        pointer.push_str(&segment.replace('~', "~0"));
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::TransportError;

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> transport::Outcome {
        Ok(HttpResponse::from_parts(
            status,
            "Reason".to_owned(),
            headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body.as_bytes().to_vec(),
            Duration::ZERO,
        ))
    }

    fn verdict(status: u16, body: &str, ids: &[&str]) -> Verdict {
        let ids: Vec<Option<&str>> = ids.iter().map(|id| Some(*id)).collect();
        judge(&answer(status, &[], body), &ids, SystemTime::now())
    }

    fn stored(outcome: Outcome, id: &str) -> Option<Stored> {
        Some(Stored {
            outcome,
            id: Some(id.to_owned()),
        })
    }

    #[test]
    fn counts_settle_a_whole_batch() {
        let body = r#"{"people":[{"id":"1","external_id":"a"},{"id":"2","external_id":"b"}],"created_count":2,"updated_count":0}"#;
        assert_eq!(
            verdict(200, body, &["a", "b"]),
            Verdict::Stored(vec![
                stored(Outcome::Created, "1"),
                stored(Outcome::Created, "2")
            ])
        );
        let body =
            r#"{"people":[{"id":"1","external_id":"a"}],"created_count":0,"updated_count":1}"#;
        assert_eq!(
            verdict(200, body, &["a"]),
            Verdict::Stored(vec![stored(Outcome::Updated, "1")])
        );
    }

    #[test]
    fn timestamps_tell_a_mixed_batch_apart_and_people_are_found_by_their_id() {
        let body = r#"{"people":[
            {"id":"2","external_id":"b","created_at":"t1","updated_at":"t2"},
            {"id":"1","external_id":"a","created_at":"t3","updated_at":"t3"}
        ],"created_count":1,"updated_count":1}"#;
        assert_eq!(
            verdict(200, body, &["a", "b"]),
            Verdict::Stored(vec![
                stored(Outcome::Created, "1"),
                stored(Outcome::Updated, "2")
            ])
        );
    }

    #[test]
    fn only_rows_the_answer_accounts_for_get_an_outcome() {
        let empty = r#"{"people":[],"created_count":0,"updated_count":0}"#;
        assert_eq!(
            verdict(200, empty, &["a", "b"]),
            Verdict::Stored(vec![None, None])
        );
        let one =
            r#"{"people":[{"id":"1","external_id":"b"}],"created_count":1,"updated_count":0}"#;
        assert_eq!(
            verdict(200, one, &["a", "b"]),
            Verdict::Stored(vec![None, stored(Outcome::Created, "1")])
        );
        let counts_only = r#"{"created_count":0,"updated_count":2}"#;
        assert_eq!(
            verdict(200, counts_only, &["a", "b"]),
            Verdict::Stored(vec![
                Some(Stored {
                    outcome: Outcome::Updated,
                    id: None
                });
                2
            ])
        );
    }

    #[test]
    fn a_user_id_again_in_its_batch_is_an_update() {
        let body = r#"{"people":[
            {"id":"1","external_id":"a","created_at":"t1","updated_at":"t1"},
            {"id":"1","external_id":"a","created_at":"t1","updated_at":"t1"}
        ],"created_count":1,"updated_count":1}"#;
        assert_eq!(
            verdict(200, body, &["a", "a"]),
            Verdict::Stored(vec![
                stored(Outcome::Created, "1"),
                stored(Outcome::Updated, "1")
            ])
        );
    }

    #[test]
    fn refusals_name_their_items_in_every_dialect() {
        let docs = r#"{"error":"Bad Request","message":"Invalid","details":[{"field":"people[1].email","message":"Invalid email format"}]}"#;
        let standard = r#"{"success":false,"error":{"type":"VALIDATION_ERROR","message":"Invalid","details":{"people.1.email":"Invalid email format"}}}"#;
        let fields = r#"{"error":{"code":"validation_error","message":"Invalid","details":{"fields":{"/people/1/email":"Invalid email format"}}}}"#;
        for body in [docs, standard, fields] {
            assert_eq!(
                verdict(422, body, &["a", "b", "c"]),
                Verdict::Refused(vec![
                    None,
                    Some(vec![ItemProblem {
                        pointer: Some("/email".into()),
                        message: "Invalid email format".into()
                    }]),
                    None
                ]),
                "{body}"
            );
        }
        let Verdict::RefusedWhole(problems) =
            verdict(400, r#"{"error":"Bad","message":"Too many"}"#, &["a", "b"])
        else {
            panic!("refused as a whole");
        };
        assert!(problems[0].message.contains("Too many"), "{problems:?}");
    }

    #[test]
    fn field_paths_of_items() {
        assert_eq!(
            item_field("people[12].traits.age"),
            Some((12, "/traits/age".into()))
        );
        assert_eq!(item_field("people.0"), Some((0, String::new())));
        assert_eq!(
            item_field("/people/3/traits/tags/0"),
            Some((3, "/traits/tags/0".into()))
        );
        assert_eq!(item_field("people[2].tags[1]"), Some((2, "/tags/1".into())));
        assert_eq!(item_field("email"), None);
        assert_eq!(item_field("people"), None);
        assert_eq!(item_field("peoplex.1"), None);
    }

    #[test]
    fn statuses_decide_what_happens_next() {
        let headers = [("Retry-After", "7")];
        assert_eq!(
            judge(&answer(429, &headers, ""), &[Some("a")], SystemTime::now()),
            Verdict::RateLimited {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert!(matches!(
            verdict(503, "", &["a"]),
            Verdict::Retry {
                unreachable: false,
                ..
            }
        ));
        assert_eq!(verdict(413, "", &["a"]), Verdict::TooLarge);
        assert!(matches!(verdict(401, "", &["a"]), Verdict::Stop(_)));
        assert!(
            matches!(verdict(200, "<html>Welcome</html>", &["a"]), Verdict::Stop(m) if m.contains("<html>Welcome"))
        );
        assert!(matches!(verdict(200, "{}", &["a"]), Verdict::Stop(_)));
        let unavailable = r#"{"error":"Unavailable","message":"Down for a minute"}"#;
        assert_eq!(
            judge(
                &answer(503, &headers, unavailable),
                &[Some("a")],
                SystemTime::now()
            ),
            Verdict::Retry {
                reason: "the server answered 503 Reason (Down for a minute)".to_owned(),
                unreachable: false,
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert!(matches!(verdict(404, "", &["a"]), Verdict::Stop(_)));
        let refused = Err(TransportError::classify("Connection refused"));
        assert!(matches!(
            judge(&refused, &[Some("a")], SystemTime::now()),
            Verdict::Retry {
                unreachable: true,
                ..
            }
        ));
        let reset = Err(TransportError::classify("connection reset"));
        assert!(matches!(
            judge(&reset, &[Some("a")], SystemTime::now()),
            Verdict::Retry {
                unreachable: false,
                ..
            }
        ));
    }
}
