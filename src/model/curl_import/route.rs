//! From a URL to the operation it calls: the contract's path templates matched against the URL's
//! path, the path and query values read back out of it, and the base URL before the path.

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;
use url::Url;

use super::{CurlError, joined, shown};
use crate::contract::{Contract, Operation, ParamPlace, UnknownParam};

/// The operation a URL calls, with its values, and where the API lives.
#[derive(Debug)]
pub(super) struct Route<'c> {
    pub operation: &'c Operation,
    /// The URL is under the contract's server URL: the production API.
    pub production: bool,
    /// The URL before the operation's path, without a final `/`.
    pub base_url: String,
    pub path: BTreeMap<String, String>,
    pub query: BTreeMap<String, String>,
}

/// The operation `method` and `url` call. Under the contract's server URL the path after it must
/// be an operation's path; anywhere else (the sandbox, a staging host) the URL's path must end
/// with one, and what comes before it is the base URL. A template's literal segments win over
/// its `{values}` (`/people/batch` is the batch, not a person called "batch"), and a longer
/// path over a shorter one (`/workspaces/{w}/people/search` is a search in a workspace, not a
/// person called "search" under a base URL ending in `/workspaces/{w}`).
pub(super) fn route<'c>(
    url: &Url,
    method: &str,
    contract: &'c Contract,
) -> Result<Route<'c>, CurlError> {
    let path = url.path();
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    if segments.len() > 1 && segments.last() == Some(&"") {
        return Err(CurlError::new(format!(
            "the URL's path {} ends with /, which no path of the API does: leave out the last /",
            shown(path)
        )));
    }
    let production = production_prefix(url, contract, &segments);
    let (template, offset) = best_template(contract, &segments, production)
        .ok_or_else(|| no_path(contract, &segments, production))?;
    let operation = with_method(contract, template, method)?;
    let base_url = match production {
        Some(_) => contract.server_url().trim_end_matches('/').to_owned(),
        None => segments[..offset].iter().fold(
            url[..url::Position::BeforePath].to_owned(),
            |base, segment| format!("{base}/{segment}"),
        ),
    };
    Ok(Route {
        operation,
        production: production.is_some(),
        base_url,
        path: path_values(operation, &segments[offset..])?,
        query: query_values(operation, url.query())?,
    })
}

/// How many segments of the URL's path are the server URL's, when the URL is under it.
fn production_prefix(url: &Url, contract: &Contract, segments: &[&str]) -> Option<usize> {
    let server = Url::parse(contract.server_url()).ok()?;
    let same_origin = url.scheme() == server.scheme()
        && url.host_str() == server.host_str()
        && url.port_or_known_default() == server.port_or_known_default();
    let server_segments: Vec<&str> = server
        .path()
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    (same_origin
        && segments.len() > server_segments.len()
        && segments.starts_with(&server_segments))
    .then_some(server_segments.len())
}

/// The path template that fits `segments` best, and where in them it starts.
fn best_template<'c>(
    contract: &'c Contract,
    segments: &[&str],
    production: Option<usize>,
) -> Option<(&'c str, usize)> {
    let mut best: Option<((usize, usize), &str, usize)> = None;
    for operation in contract.operations() {
        let template = template_segments(&operation.path);
        let offset = match production {
            Some(prefix) if segments.len() - prefix == template.len() => prefix,
            Some(_) => continue,
            None => match segments.len().checked_sub(template.len()) {
                Some(offset) => offset,
                None => continue,
            },
        };
        let Some(literals) = literals_matched(&template, &segments[offset..]) else {
            continue;
        };
        let score = (template.len(), literals);
        if best.is_none_or(|(best_score, ..)| score > best_score) {
            best = Some((score, &operation.path, offset));
        }
    }
    best.map(|(_, template, offset)| (template, offset))
}

fn template_segments(template: &str) -> Vec<&str> {
    template.trim_start_matches('/').split('/').collect()
}

/// The `{name}` of a template segment that is a value.
fn parameter_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// How many literal segments of `template` `segments` match, if they all match: a literal one
/// by its decoded text, a `{value}` by any segment that is not empty.
fn literals_matched(template: &[&str], segments: &[&str]) -> Option<usize> {
    let mut literals = 0;
    for (expected, segment) in template.iter().zip(segments) {
        if parameter_name(expected).is_some() {
            if segment.is_empty() {
                return None;
            }
        } else if percent_decode_str(segment).decode_utf8().ok()? == *expected {
            literals += 1;
        } else {
            return None;
        }
    }
    Some(literals)
}

/// The operation on `template` with `method`, or what that path takes instead.
fn with_method<'c>(
    contract: &'c Contract,
    template: &str,
    method: &str,
) -> Result<&'c Operation, CurlError> {
    let on_path: Vec<&Operation> = contract
        .operations()
        .iter()
        .filter(|operation| operation.path == template)
        .collect();
    if let Some(operation) = on_path
        .iter()
        .find(|operation| operation.method.as_str() == method)
    {
        return Ok(operation);
    }
    let methods: Vec<String> = on_path
        .iter()
        .map(|operation| format!("{} ({})", operation.method, operation.id))
        .collect();
    Err(CurlError::new(format!(
        "the API has no {} {template}: that path takes {}",
        shown(method),
        joined(&methods, "or")
    )))
}

fn no_path(contract: &Contract, segments: &[&str], production: Option<usize>) -> CurlError {
    let mut starts: Vec<String> = Vec::new();
    for operation in contract.operations() {
        let first = format!("/{}", template_segments(&operation.path)[0]);
        if !starts.contains(&first) {
            starts.push(first);
        }
    }
    let starts = joined(&starts, "or");
    let path = |from: usize| format!("/{}", segments[from..].join("/"));
    CurlError::new(match production {
        Some(prefix) => format!(
            "the API has no path {}: its paths start with {starts}",
            shown(&path(prefix))
        ),
        None => format!(
            "the URL's path {} does not end with a path of the API: its paths start with {starts}",
            shown(&path(0))
        ),
    })
}

/// The operation's path values, decoded, from the segments its template covers.
fn path_values(
    operation: &Operation,
    segments: &[&str],
) -> Result<BTreeMap<String, String>, CurlError> {
    let mut values = BTreeMap::new();
    for (expected, segment) in template_segments(&operation.path).iter().zip(segments) {
        if let Some(name) = parameter_name(expected) {
            let value = percent_decode_str(segment).decode_utf8().map_err(|_| {
                CurlError::new(format!(
                    "the URL's path segment {} is not UTF-8 text once decoded",
                    shown(segment)
                ))
            })?;
            values.insert(name.to_owned(), value.into_owned());
        }
    }
    Ok(values)
}

/// The query's values by name, decoded as servers decode them (`+` and `%20` are spaces), each
/// a parameter of the operation, given once.
fn query_values(
    operation: &Operation,
    query: Option<&str>,
) -> Result<BTreeMap<String, String>, CurlError> {
    let mut values = BTreeMap::new();
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (query_text(name)?, query_text(value)?);
        operation
            .check_param_names(ParamPlace::Query, [name.as_str()])
            .map_err(|unknown| unknown_query(operation, &unknown))?;
        if values.contains_key(&name) {
            return Err(CurlError::new(format!(
                "the URL gives the query parameter {} twice: {} takes one value",
                shown(&name),
                operation.id
            )));
        }
        values.insert(name, value);
    }
    Ok(values)
}

fn query_text(encoded: &str) -> Result<String, CurlError> {
    let spaced = encoded.replace('+', " ");
    match percent_decode_str(&spaced).decode_utf8() {
        Ok(text) => Ok(text.into_owned()),
        Err(_) => Err(CurlError::new(format!(
            "the URL's query holds {}, which is not UTF-8 text once decoded",
            shown(encoded)
        ))),
    }
}

/// Why the URL's query names a value the operation does not take, and what it takes.
fn unknown_query(operation: &Operation, unknown: &UnknownParam<'_>) -> CurlError {
    let name = &unknown.name;
    CurlError::new(if unknown.accepted.is_empty() {
        format!(
            "{} ({} {}) takes no query parameters, but the URL gives {}",
            operation.id,
            operation.method,
            operation.path,
            shown(name)
        )
    } else {
        format!(
            "{} has no query parameter {}: it takes {}",
            operation.id,
            shown(name),
            joined(&unknown.accepted, "or")
        )
    })
}
