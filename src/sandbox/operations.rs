//! Behaviour is code, one function per operation: each operationId of the contract is handled by
//! the function below that does what its docs say, on a call whose values the contract has
//! already checked. The shape of what comes back is the contract's (tests hold every answer to
//! the documented schema of its status).

use serde_json::Value;

use super::call::Call;
use super::rejection::{Rejection, RejectionKind};
use super::store::World;
use super::{campaigns, devices, events, messaging, people};

/// A success answer: its status and JSON body (`None` for no body at all).
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Option<Value>,
}

impl Answer {
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
        }
    }

    pub fn empty(status: u16) -> Self {
        Self { status, body: None }
    }
}

/// What handling a call gives: the answer, or the rejection to write in the dialect.
pub type Outcome = Result<Answer, Rejection>;

/// The page size of a list when the call gives no `limit`: the docs give none, the sandbox uses
/// 50.
pub const DEFAULT_PAGE_SIZE: usize = 50;

/// Handles `call` with the function of its operation.
pub fn handle(call: &Call, world: &mut World) -> Outcome {
    match call.operation.id.as_str() {
        "createPerson" | "createWorkspacePerson" => people::create(call, world),
        "listPeople" | "listWorkspacePeople" => people::list(call, world),
        "getPerson" | "getWorkspacePerson" => people::get(call, world),
        "updatePerson" | "updateWorkspacePerson" => people::update(call, world),
        "deletePerson" => people::delete(call, world),
        "batchPeople" | "batchWorkspacePeople" => people::batch(call, world),
        "searchWorkspacePeople" => people::search(call, world),
        "upsertWorkspacePerson" => people::upsert(call, world),
        "trackEvent" => events::track(call, world),
        "createWorkspaceEvent" => events::create(call, world),
        "listWorkspaceEvents" => events::list(call, world),
        "registerDevice" => devices::register(call, world),
        "listWorkspaceDevices" => devices::list(call, world),
        "sendPush" => messaging::send_push(call, world),
        "sendWorkspaceTransactional" => messaging::send_transactional(call, world),
        "createWorkspaceCampaign" => campaigns::create(call, world),
        "triggerWorkspaceCampaign" => campaigns::trigger(call, world),
        other => Err(Rejection::new(
            RejectionKind::Internal,
            format!("The sandbox does not implement {other} yet"),
            Vec::new(),
        )),
    }
}

/// A new id: `prefix` and 32 hexadecimal digits, as the docs show event and campaign ids.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// The page size a call asks for (its `limit`, already checked to be 1 to 100).
pub fn page_size(call: &Call) -> usize {
    call.query("limit")
        .and_then(|limit| limit.parse().ok())
        .unwrap_or(DEFAULT_PAGE_SIZE)
}

/// How many matches a call skips, and the offset to echo: any whole number is an offset (the
/// contract sets no maximum), echoed exactly as it was asked for.
pub fn offset(call: &Call) -> (usize, Value) {
    match call.query("offset") {
        None => (0, Value::from(0)),
        Some(text) => (
            text.parse::<usize>().unwrap_or(usize::MAX),
            text.parse::<serde_json::Number>()
                .map_or(Value::from(usize::MAX), Value::Number),
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use super::*;
    use crate::contract::IdentifierKind;
    use crate::sandbox::DEFAULT_WORKSPACE;
    use crate::sandbox::call::Sent;
    use crate::sandbox::settings::OnDuplicate;

    #[test]
    fn every_operation_of_the_contract_has_a_behaviour() {
        for operation in crate::contract::embedded().unwrap().operations() {
            // The contract's own example values: a call every operation takes.
            let path = operation
                .path_params
                .iter()
                .map(|param| {
                    let value = match param.identifier {
                        IdentifierKind::WorkspaceId => DEFAULT_WORKSPACE,
                        _ => "someone",
                    };
                    (param.name.clone(), value.to_owned())
                })
                .collect();
            let example = operation
                .body
                .as_ref()
                .and_then(|body| body.example.as_ref())
                .map(Value::to_string)
                .unwrap_or_default();
            let sent = Sent {
                path,
                query: None,
                content_type: Some("application/json"),
                body: Ok(example.into()),
            };
            let call = Call::prepare(operation, sent, String::new(), OnDuplicate::Update)
                .unwrap_or_else(|rejection| panic!("{}: {rejection:?}", operation.id));
            // Nobody is in an empty world: a 404 is a behaviour, the internal error is none.
            if let Err(rejection) = handle(&call, &mut World::default()) {
                assert_eq!(rejection.kind, RejectionKind::NotFound, "{}", operation.id);
            }
        }
    }
}
