//! Any path value, query value or body builds a request that says exactly that: each path value is
//! one segment of the target that decodes back to the value, the query holds the non-empty values
//! in the contract's order and decodes back to them, the target is plain ASCII no client has a
//! reason to re-encode, and the body is JSON-equal to the draft's (none, and no `content-type`,
//! when the operation has none). Decoding uses the `url` and `percent-encoding` crates, not the
//! app's own code. Pure: nothing is sent.

// Test code throughout, helpers and `mod support` included: a panic is the failure message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod drafts;
mod support;

use drafts::arbitrary::{self, BASE_URLS, Destination};
use flameup_explorer::contract::{self, Operation};
use flameup_explorer::model::{BuildError, Credential, Draft, HttpRequest, build_request};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use serde_json::Value;

/// Where the random drafts go: a custom base URL of every shape.
const DESTINATIONS: [Destination; 4] = [
    Destination::Custom(BASE_URLS[0]),
    Destination::Custom(BASE_URLS[1]),
    Destination::Custom(BASE_URLS[2]),
    Destination::Custom(BASE_URLS[3]),
];

/// The path segments of `request` after those of the draft's base URL, still encoded.
fn operation_segments<'a>(request: &'a HttpRequest, draft: &Draft) -> Vec<&'a str> {
    let base = url::Url::parse(draft.base_url(None).unwrap()).unwrap();
    let base_segments = base
        .path_segments()
        .map_or(0, |segments| segments.filter(|s| !s.is_empty()).count());
    let segments: Vec<&str> = request.url.path_segments().unwrap().collect();
    segments[base_segments..].to_vec()
}

fn decoded(text: &str) -> String {
    percent_decode_str(text)
        .decode_utf8()
        .expect("an escape of UTF-8")
        .into_owned()
}

/// Checks that each path value is its own segment and decodes back to itself.
fn path_parses_back(request: &HttpRequest, draft: &Draft, operation: &Operation) {
    let template: Vec<&str> = operation.path.split('/').skip(1).collect();
    let segments = operation_segments(request, draft);
    assert_eq!(segments.len(), template.len(), "{}", request.url);
    for (segment, part) in segments.iter().zip(template) {
        match part
            .strip_prefix('{')
            .and_then(|part| part.strip_suffix('}'))
        {
            Some(name) => assert_eq!(decoded(segment), draft.values.path[name], "{name}"),
            None => assert_eq!(*segment, part),
        }
    }
}

/// Checks that the query holds exactly the non-empty values, in the contract's order, each
/// decoding back to itself, read both by plain percent-decoding and as a form.
fn query_parses_back(request: &HttpRequest, draft: &Draft, operation: &Operation) {
    let expected: Vec<(String, String)> = operation
        .query_params
        .iter()
        .filter_map(|param| {
            let value = draft.values.query.get(&param.name)?;
            (!value.is_empty()).then(|| (param.name.clone(), value.clone()))
        })
        .collect();
    let query = request.url.query();
    assert_eq!(query.is_some(), !expected.is_empty(), "{}", request.url);
    let pairs: Vec<(String, String)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').expect("name=value");
            (decoded(name), decoded(value))
        })
        .collect();
    assert_eq!(pairs, expected);
    // A form decoder reads `+` as a space: the builder writes a plus as `%2B`, so both agree.
    let as_form: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    assert_eq!(as_form, expected);
}

/// Checks the body against the draft's (and the JSON it was loaded from), or that there is none.
fn body_parses_back(request: &HttpRequest, draft: &Draft, loaded: Option<&Value>) {
    let content_type = request
        .headers
        .iter()
        .find(|(name, _)| name == "content-type");
    match draft.body_json() {
        Some(body) => {
            let sent: Value = serde_json::from_slice(&request.body).expect("a JSON body");
            assert_eq!(sent, body);
            assert_eq!(
                Some(&sent),
                loaded,
                "the form sends the body it was loaded from"
            );
            assert!(content_type.is_some());
        }
        None => {
            assert!(request.body.is_empty());
            assert!(content_type.is_none());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_values_build_a_request_that_parses_back_to_them((draft, body) in arbitrary::draft(&DESTINATIONS)) {
        let operation = draft.operation().unwrap();
        let request = build_request(&draft, None, &Credential::EnvVar).unwrap();
        prop_assert_eq!(request.method, operation.method.as_str());
        prop_assert!(
            request.target().bytes().all(|byte| byte.is_ascii_graphic()),
            "only visible ASCII, which no client re-encodes: {}", request.target()
        );
        path_parses_back(&request, &draft, operation);
        query_parses_back(&request, &draft, operation);
        body_parses_back(&request, &draft, body.as_ref());
    }
}

#[test]
fn a_dot_segment_is_refused_in_every_path_parameter() {
    for dots in [".", ".."] {
        for operation in contract::embedded().unwrap().operations() {
            for refused in &operation.path_params {
                let path: Vec<(&str, &str)> = operation
                    .path_params
                    .iter()
                    .map(|param| {
                        let value = if param.name == refused.name {
                            dots
                        } else {
                            "x"
                        };
                        (param.name.as_str(), value)
                    })
                    .collect();
                let draft = drafts::operation_draft(BASE_URLS[0], &operation.id, &path, &[]);
                assert_eq!(
                    build_request(&draft, None, &Credential::EnvVar),
                    Err(BuildError::DotSegment {
                        name: refused.name.clone(),
                        value: dots.to_owned()
                    }),
                    "{}",
                    operation.id
                );
            }
        }
    }
}
