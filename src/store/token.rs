//! The API token in the operating system's keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows). Every call may block (D-Bus), so the window makes them on a
//! background thread. When no keyring answers, the token stays in memory for the session only.

/// Set to `off` to keep the keyring out of it (the token then lives for the session only).
pub const KEYRING_SWITCH: &str = "FLAMEUP_EXPLORER_KEYRING";

const SERVICE: &str = "flameup-explorer";
const ACCOUNT: &str = "api-token";

fn entry() -> Result<keyring::Entry, String> {
    if std::env::var(KEYRING_SWITCH).is_ok_and(|value| value.eq_ignore_ascii_case("off")) {
        return Err(format!(
            "the keyring is switched off ({KEYRING_SWITCH}=off)"
        ));
    }
    keyring::Entry::new(SERVICE, ACCOUNT).map_err(|err| describe(&err))
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

/// The saved token, if any.
pub fn load() -> Result<Option<String>, String> {
    match entry()?.get_password() {
        Ok(token) => Ok(Some(token)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(err) => Err(describe(&err)),
    }
}

pub fn save(token: &str) -> Result<(), String> {
    entry()?.set_password(token).map_err(|err| describe(&err))
}

pub fn forget() -> Result<(), String> {
    match entry()?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(err) => Err(describe(&err)),
    }
}
