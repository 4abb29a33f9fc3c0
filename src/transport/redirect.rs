//! Redirects. The transport never follows one: a 3xx is an answer, shown with its `Location`,
//! because an explorer shows what the server said. The command line's `--follow` asks this module
//! for the next request, which keeps the method and body where HTTP says so (307, 308) and never
//! carries the token to another origin.

use url::Url;

use crate::model::HttpRequest;
use crate::model::response::HttpResponse;

/// The most redirects `--follow` follows in one send; the next 3xx is the outcome.
pub const MAX_FOLLOWED: usize = 10;

/// Where an answer points, when it is a redirect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redirect {
    /// Not a redirect status (3xx other than 300, 304 and 305), or no `Location` header.
    None,
    /// The `Location` header cannot be followed: the text says why.
    Unfollowable(String),
    /// The `Location`, resolved against the request's URL.
    To(Url),
}

impl Redirect {
    /// The redirect in `response`, an answer to a request sent to `url`.
    pub fn of(url: &Url, response: &HttpResponse) -> Self {
        if !is_redirect(response.status) {
            return Self::None;
        }
        let Some(location) = response.header("location") else {
            return Self::None;
        };
        if location.trim().is_empty() {
            // Joined to the request's URL it would be that URL again, followed in a loop.
            return Self::Unfollowable("its Location is empty, which points nowhere".to_owned());
        }
        match url.join(location.trim()) {
            // A user name or password in a Location would be sent as Basic credentials: the
            // explorer refuses base URLs holding them, and a redirect does not get to add them.
            Ok(target) if !target.username().is_empty() || target.password().is_some() => {
                Self::Unfollowable(
                    "its Location holds a user name or password, which would be sent as credentials"
                        .to_owned(),
                )
            }
            Ok(target) if matches!(target.scheme(), "http" | "https") => Self::To(target),
            Ok(target) => Self::Unfollowable(format!(
                "its Location uses {}:, not http: or https:",
                target.scheme()
            )),
            Err(err) => Self::Unfollowable(format!("its Location is not a URL ({err})")),
        }
    }
}

/// The statuses that send the client elsewhere for the same request.
fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The next request of a followed redirect.
#[derive(Clone, Debug)]
pub struct Hop {
    pub request: HttpRequest,
    /// The `authorization` header was left out because the target is another origin (scheme,
    /// host or port) than the one the user sent the request to.
    pub token_withheld: bool,
}

/// The request that follows a redirect with `status` to `target`. Headers come from `original`,
/// the request the user made, so a token left out for another host comes back only when a later
/// redirect returns to the user's own origin.
pub fn follow(original: &HttpRequest, status: u16, target: Url) -> Hop {
    // 301 and 302 turn a POST into a GET in every client, and 303 says so: the body goes away.
    // 307 and 308 exist to keep the method and the body.
    let keeps_body = matches!(status, 307 | 308);
    let token_withheld = target.origin() != original.url.origin();
    let headers = original
        .headers
        .iter()
        .filter(|(name, _)| keeps_body || !name.eq_ignore_ascii_case("content-type"))
        .filter(|(name, _)| !(token_withheld && name.eq_ignore_ascii_case("authorization")))
        .cloned()
        .collect();
    Hop {
        request: HttpRequest {
            method: if keeps_body { original.method } else { "GET" },
            url: target,
            headers,
            credential: original.credential.clone(),
            body: if keeps_body {
                original.body.clone()
            } else {
                Vec::new()
            },
        },
        token_withheld,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::model::Credential;
    use crate::model::response::BodyView;

    fn create() -> HttpRequest {
        HttpRequest {
            method: "POST",
            url: Url::parse("https://api.example.com/api/v1/people").unwrap(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("authorization".into(), "Bearer secret".into()),
                ("accept".into(), "application/json".into()),
            ],
            credential: Credential::Token("secret".into()),
            body: b"{}".to_vec(),
        }
    }

    fn answer(status: u16, location: Option<&str>) -> HttpResponse {
        HttpResponse {
            status,
            reason: String::new(),
            headers: location
                .map(|to| vec![("location".to_owned(), to.to_owned())])
                .unwrap_or_default(),
            body: Vec::new(),
            elapsed: Duration::ZERO,
            view: BodyView::default(),
            problem: None,
            pending: false,
        }
    }

    fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
        request
            .headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    #[test]
    fn a_location_with_credentials_is_not_followed() {
        let url = Url::parse("http://127.0.0.1:19001/api/v1/people").unwrap();
        for location in [
            "http://127.0.0.1:19001@127.0.0.1:19002/x",
            "http://user:pw@127.0.0.1:19001/x",
        ] {
            assert!(
                matches!(
                    Redirect::of(&url, &answer(307, Some(location))),
                    Redirect::Unfollowable(_)
                ),
                "{location}"
            );
        }
    }

    #[test]
    fn only_redirect_statuses_with_a_location_redirect() {
        let url = create().url;
        assert_eq!(Redirect::of(&url, &answer(200, Some("/x"))), Redirect::None);
        assert_eq!(Redirect::of(&url, &answer(304, Some("/x"))), Redirect::None);
        assert_eq!(Redirect::of(&url, &answer(302, None)), Redirect::None);
        assert_eq!(
            Redirect::of(&url, &answer(302, Some("/v2/people?x=1"))),
            Redirect::To(Url::parse("https://api.example.com/v2/people?x=1").unwrap())
        );
        assert!(matches!(
            Redirect::of(&url, &answer(308, Some("ftp://example.com/"))),
            Redirect::Unfollowable(_)
        ));
        assert!(matches!(
            Redirect::of(&url, &answer(308, Some("http://[::1"))),
            Redirect::Unfollowable(_)
        ));
    }

    #[test]
    fn an_empty_location_is_not_a_redirect_to_follow() {
        let url = create().url;
        for location in ["", "   "] {
            assert_eq!(
                Redirect::of(&url, &answer(302, Some(location))),
                Redirect::Unfollowable("its Location is empty, which points nowhere".to_owned()),
                "{location:?}"
            );
        }
    }

    #[test]
    fn see_other_becomes_a_get_without_body_and_307_keeps_both() {
        let to = Url::parse("https://api.example.com/elsewhere").unwrap();
        for status in [301, 302, 303] {
            let hop = follow(&create(), status, to.clone());
            assert_eq!(hop.request.method, "GET", "{status}");
            assert!(hop.request.body.is_empty());
            assert_eq!(header(&hop.request, "content-type"), None);
            assert_eq!(header(&hop.request, "authorization"), Some("Bearer secret"));
        }
        for status in [307, 308] {
            let hop = follow(&create(), status, to.clone());
            assert_eq!(hop.request.method, "POST", "{status}");
            assert_eq!(hop.request.body, b"{}");
            assert_eq!(
                header(&hop.request, "content-type"),
                Some("application/json")
            );
            assert!(!hop.token_withheld);
        }
    }

    #[test]
    fn the_token_never_goes_to_another_scheme_host_or_port() {
        for other in [
            "https://evil.example.com/people",
            "http://api.example.com/api/v1/people",
            "https://api.example.com:8443/api/v1/people",
        ] {
            let hop = follow(&create(), 307, Url::parse(other).unwrap());
            assert!(hop.token_withheld, "{other}");
            assert_eq!(header(&hop.request, "authorization"), None, "{other}");
            assert_eq!(header(&hop.request, "accept"), Some("application/json"));
        }
        let same = Url::parse("https://api.example.com:443/other").unwrap();
        assert!(!follow(&create(), 307, same).token_withheld);
    }
}
