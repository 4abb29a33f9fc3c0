//! Which operation a request calls, from the contract's paths alone: every operation's method
//! and path template, under the sandbox's base path. Pure, so it is tested without a server.
//!
//! Matching follows OpenAPI: the path is matched first — a literal segment beats a template
//! parameter, so `/people/batch` is the batch path even for a GET — and then the method, so a
//! method the matched path does not have is a 405 listing the ones it has. This is what axum's
//! router (matchit) does too; the table is ours so that path values reach the handlers exactly
//! as sent (still percent-encoded) and every refusal is written in the sandbox's dialects.

use crate::contract::{Contract, Method, Operation};

/// The contract's operations by path template.
pub struct Routes {
    base_path: String,
    templates: Vec<Template>,
}

/// One path template and the operations on it, by method.
struct Template {
    segments: Vec<Segment>,
    operations: Vec<&'static Operation>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// A template parameter, by name.
    Parameter(String),
}

/// Where a request goes.
#[derive(Debug)]
pub enum Routed {
    /// An operation, with each path value as sent (percent-encoded), by parameter name.
    Operation {
        operation: &'static Operation,
        values: Vec<(String, String)>,
    },
    /// The path exists, the method does not: the methods it has, in the contract's order.
    WrongMethod(Vec<Method>),
    /// Under the base path, no template matches; or not under the base path at all.
    NoPath,
}

impl Routes {
    /// Every operation of `contract`, served under `base_path` (e.g. `/api/v1`).
    pub fn new(contract: &'static Contract, base_path: &str) -> Self {
        let mut templates: Vec<Template> = Vec::new();
        for operation in contract.operations() {
            let segments = template_segments(&operation.path);
            match templates
                .iter_mut()
                .find(|template| template.segments == segments)
            {
                Some(template) => template.operations.push(operation),
                None => templates.push(Template {
                    segments,
                    operations: vec![operation],
                }),
            }
        }
        Self {
            base_path: base_path.trim_end_matches('/').to_owned(),
            templates,
        }
    }

    /// The operation `method` and `path` (the request's path, without its query) call. HEAD is
    /// answered as the GET of the same path, as HTTP asks of every server.
    pub fn route(&self, method: &str, path: &str) -> Routed {
        let Some(rest) = path
            .strip_prefix(&self.base_path)
            .and_then(|rest| rest.strip_prefix('/'))
        else {
            return Routed::NoPath;
        };
        let sent: Vec<&str> = rest.split('/').collect();
        let Some(template) = self
            .templates
            .iter()
            .filter(|template| template.matches(&sent))
            .max_by_key(|template| template.literal_mask())
        else {
            return Routed::NoPath;
        };
        let method = if method == "HEAD" { "GET" } else { method };
        match template
            .operations
            .iter()
            .find(|operation| operation.method.as_str() == method)
        {
            Some(operation) => Routed::Operation {
                operation,
                values: template.values(&sent),
            },
            None => Routed::WrongMethod(
                template
                    .operations
                    .iter()
                    .map(|operation| operation.method)
                    .collect(),
            ),
        }
    }
}

impl Template {
    fn matches(&self, sent: &[&str]) -> bool {
        self.segments.len() == sent.len()
            && self
                .segments
                .iter()
                .zip(sent)
                .all(|(segment, sent)| match segment {
                    Segment::Literal(literal) => literal == sent,
                    Segment::Parameter(_) => true,
                })
    }

    /// Which segments are literal, first segment most significant: of two templates matching
    /// one path, the one with a literal where the other has a parameter, earliest, wins.
    fn literal_mask(&self) -> Vec<bool> {
        self.segments
            .iter()
            .map(|segment| matches!(segment, Segment::Literal(_)))
            .collect()
    }

    fn values(&self, sent: &[&str]) -> Vec<(String, String)> {
        self.segments
            .iter()
            .zip(sent)
            .filter_map(|(segment, sent)| match segment {
                Segment::Parameter(name) => Some((name.clone(), (*sent).to_owned())),
                Segment::Literal(_) => None,
            })
            .collect()
    }
}

fn template_segments(path: &str) -> Vec<Segment> {
    path.trim_start_matches('/')
        .split('/')
        .map(|segment| {
            match segment
                .strip_prefix('{')
                .and_then(|inner| inner.strip_suffix('}'))
            {
                Some(name) => Segment::Parameter(name.to_owned()),
                None => Segment::Literal(segment.to_owned()),
            }
        })
        .collect()
}

/// The methods for an `Allow` header: `GET, PUT, DELETE`.
pub fn allow_header(methods: &[Method]) -> String {
    methods
        .iter()
        .map(|method| method.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

    use super::*;

    fn routes() -> Routes {
        Routes::new(crate::contract::embedded().unwrap(), "/api/v1")
    }

    fn operation_of(method: &str, path: &str) -> (String, Vec<(String, String)>) {
        match routes().route(method, path) {
            Routed::Operation { operation, values } => (operation.id.clone(), values),
            other => panic!("{method} {path}: {other:?}"),
        }
    }

    fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn every_operation_of_the_contract_is_routed_to_itself() {
        let contract = crate::contract::embedded().unwrap();
        for operation in contract.operations() {
            let path = operation
                .path
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        "v"
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let (id, _) = operation_of(operation.method.as_str(), &format!("/api/v1{path}"));
            assert_eq!(id, operation.id, "{} {}", operation.method, operation.path);
        }
    }

    #[test]
    fn path_values_arrive_as_sent() {
        assert_eq!(
            operation_of("GET", "/api/v1/people/ada%40example.com"),
            ("getPerson".into(), pairs(&[("id", "ada%40example.com")]))
        );
        assert_eq!(
            operation_of(
                "POST",
                "/api/v1/workspaces/ws_sandbox/campaigns/c%2F1/trigger"
            ),
            (
                "triggerWorkspaceCampaign".into(),
                pairs(&[("workspaceId", "ws_sandbox"), ("campaignId", "c%2F1")])
            )
        );
        // An empty value is still a value: the parameter's own check calls it required.
        assert_eq!(
            operation_of("POST", "/api/v1/workspaces//people"),
            (
                "createWorkspacePerson".into(),
                pairs(&[("workspaceId", "")])
            )
        );
    }

    #[test]
    fn a_literal_segment_beats_a_parameter_whatever_the_method() {
        assert_eq!(
            operation_of("GET", "/api/v1/workspaces/w/people/search").0,
            "searchWorkspacePeople"
        );
        assert_eq!(
            operation_of("GET", "/api/v1/workspaces/w/people/0d6f").0,
            "getWorkspacePerson"
        );
        assert_eq!(
            operation_of("POST", "/api/v1/people/batch").0,
            "batchPeople"
        );
        let Routed::WrongMethod(allowed) = routes().route("GET", "/api/v1/people/batch") else {
            panic!("GET on the batch path");
        };
        assert_eq!(allow_header(&allowed), "POST");
    }

    #[test]
    fn a_wrong_method_lists_the_paths_methods_in_contract_order() {
        let Routed::WrongMethod(allowed) = routes().route("PATCH", "/api/v1/people/u1") else {
            panic!("PATCH on a person");
        };
        assert_eq!(allow_header(&allowed), "GET, PUT, DELETE");
        let Routed::WrongMethod(allowed) = routes().route("DELETE", "/api/v1/people") else {
            panic!("DELETE on people");
        };
        assert_eq!(allow_header(&allowed), "POST, GET");
    }

    #[test]
    fn head_is_the_get_of_the_same_path() {
        assert_eq!(operation_of("HEAD", "/api/v1/people").0, "listPeople");
    }

    #[test]
    fn paths_outside_the_contract_are_not_found() {
        for path in [
            "/api/v1/teams",
            "/api/v1",
            "/api/v1/",
            "/api/v2/people",
            "/people",
            "/api/v1/people/u1/devices/extra",
            "/api/v1people",
        ] {
            assert!(
                matches!(routes().route("GET", path), Routed::NoPath),
                "{path}"
            );
        }
    }
}
