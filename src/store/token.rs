//! The API token in the operating system's keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows). Every call may block (D-Bus), so the window makes them on a
//! background thread. When no keyring answers, the token stays in memory for the session only.

/// Set to `off` to keep the keyring out of it (the token then lives for the session only).
pub const KEYRING_SWITCH: &str = "FLAMEUP_EXPLORER_KEYRING";

/// The keyring entry's service name.
const SERVICE: &str = "flameup-explorer";
const ACCOUNT: &str = "api-token";

/// Whether the user switched the keyring off with [`KEYRING_SWITCH`]; read once, at start.
pub fn switched_off() -> bool {
    std::env::var(KEYRING_SWITCH).is_ok_and(|value| value.eq_ignore_ascii_case("off"))
}

/// Where in the keyring the token is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenStore {
    service: String,
}

impl Default for TokenStore {
    fn default() -> Self {
        Self::named(SERVICE)
    }
}

impl TokenStore {
    /// An entry under another service name, so a test never touches the user's own token.
    pub fn named(service: &str) -> Self {
        Self {
            service: service.to_owned(),
        }
    }

    fn entry(&self) -> Result<keyring::Entry, String> {
        keyring::Entry::new(&self.service, ACCOUNT).map_err(|err| describe(&err))
    }

    /// The saved token, if any.
    pub fn load(&self) -> Result<Option<String>, String> {
        match self.entry()?.get_password() {
            Ok(token) => Ok(Some(token)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(describe(&err)),
        }
    }

    pub fn save(&self, token: &str) -> Result<(), String> {
        self.entry()?
            .set_password(token)
            .map_err(|err| describe(&err))
    }

    pub fn forget(&self) -> Result<(), String> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(describe(&err)),
        }
    }
}

/// A keyring error in a few words. Never includes the token: keyring errors carry no secrets,
/// and this never formats one.
fn describe(error: &keyring::Error) -> String {
    match error {
        keyring::Error::NoDefaultStore => "no keyring is available on this system".to_owned(),
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            "the keyring did not answer".to_owned()
        }
        _ => "the keyring refused the request".to_owned(),
    }
}
