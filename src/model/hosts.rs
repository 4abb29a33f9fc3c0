//! Which hosts a Flameup token is meant for. A command pasted from a colleague or a web page may
//! name any server; the user's own token (from the environment, the keyring or typed for Flameup)
//! should go there only when they know. The command line warns, the window asks: both use
//! [`is_meant_for_the_token`].

use super::draft::PRODUCTION_BASE_URL;

/// Whether `url` goes to the Flameup API or to this machine (loopback or `localhost`), the hosts
/// a Flameup token is meant for.
pub fn is_meant_for_the_token(url: &url::Url) -> bool {
    let loopback = match url.host() {
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    loopback
        || url
            .host_str()
            .is_some_and(|host| Some(host) == production_host().as_deref())
}

/// The Flameup API's host name.
fn production_host() -> Option<String> {
    url::Url::parse(PRODUCTION_BASE_URL)
        .ok()
        .and_then(|production| production.host_str().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meant(url: &str) -> bool {
        is_meant_for_the_token(&url::Url::parse(url).unwrap())
    }

    #[test]
    fn only_flameup_and_this_machine_are_meant_for_the_token() {
        assert!(meant("https://api.flameup.ai/api/v1/people"));
        assert!(meant("http://127.0.0.1:8080/api/v1"));
        assert!(meant("http://127.9.9.9/"));
        assert!(meant("http://[::1]:80/"));
        assert!(meant("http://LOCALHOST:1/"));
        assert!(!meant("http://192.0.2.2:18201/api/v1/people/abc"));
        assert!(!meant("https://api.flameup.ai.example.com/"));
        assert!(!meant("https://evil.example/api.flameup.ai"));
    }
}
