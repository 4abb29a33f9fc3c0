//! curl's command line: which words are options, which take a value, and what each means for the
//! request. Options are written as curl takes them: `-X POST`, `-XPOST`, `-sSL`, `-sXPOST`,
//! `--request POST`; curl has no `--name=value` form.

use super::words::{Word, is_curl};
use super::{CurlError, shown};

/// The command line, read: everything the request is made of, still as curl would read it.
#[derive(Debug, Default)]
pub(super) struct CurlArgs {
    pub url: Option<Word>,
    /// `-X`, as written; the last one counts, as in curl.
    pub method: Option<Word>,
    /// `-I`: a HEAD request.
    pub head: bool,
    /// Each `-H`, as written.
    pub headers: Vec<Word>,
    pub data: Vec<Data>,
    /// `-G`: the data goes into the query instead of the body.
    pub get: bool,
    /// `-g`: `[]{}` in the URL are themselves, not a pattern.
    pub globoff: bool,
    /// `--oauth2-bearer`'s token.
    pub bearer: Option<Word>,
    /// Headers set by options of their own (`-A`, `-e`, `-b`), by name.
    pub header_options: Vec<&'static str>,
    /// Options that change nothing in the request, as written (`-s`, `--compressed`), once each.
    pub ignored: Vec<String>,
}

/// One data option: how its value is read, and the option as written (for messages).
#[derive(Clone, Debug)]
pub(super) struct Data {
    pub kind: DataKind,
    pub option: String,
    pub value: Word,
}

/// How curl reads the value of a data option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DataKind {
    /// `-d`, `--data`, `--data-ascii`: `@FILE` is the file with its line breaks removed.
    Ascii,
    /// `--data-binary`: `@FILE` is the file as it is.
    Binary,
    /// `--data-raw`: the value as it is, `@` too.
    Raw,
    /// `--data-urlencode`: `NAME=TEXT`, `=TEXT`, `TEXT`, `NAME@FILE` or `@FILE`, percent-encoded.
    UrlEncode,
    /// `--json`: like `--data-binary`, and JSON's content type and accept.
    Json,
}

/// What an option means for the import.
#[derive(Clone, Copy, Debug)]
enum Meaning {
    Method,
    Header,
    Data(DataKind),
    Url,
    Get,
    Head,
    Globoff,
    Bearer,
    /// Sets the header of this name.
    HeaderOption(&'static str),
    /// Cannot be honoured, and why.
    Refused(&'static str),
    /// Changes nothing in the request.
    Ignored,
    /// Changes nothing in the request, and takes a value.
    IgnoredWithValue,
}

impl Meaning {
    fn takes_value(self) -> bool {
        !matches!(
            self,
            Self::Get | Self::Head | Self::Globoff | Self::Ignored | Self::Refused(_)
        )
    }
}

struct OptionSpec {
    long: &'static str,
    short: Option<char>,
    meaning: Meaning,
}

const fn option(long: &'static str, short: Option<char>, meaning: Meaning) -> OptionSpec {
    OptionSpec {
        long,
        short,
        meaning,
    }
}

const BASIC_AUTH: &str = "sends a user name and password; the API takes its key as a Bearer token: send -H \"Authorization: Bearer YOUR_API_TOKEN\" instead";
const FORM: &str =
    "uploads a form (multipart/form-data); the API takes a JSON body: send it with -d or --json";
const UPLOAD: &str =
    "uploads a file as it is; the API takes a JSON body: send it with -d @FILE or --json @FILE";
const CONFIG: &str = "reads more options from a file the import cannot see: paste them instead";
const PROXY: &str = "sends the request through a proxy, which the app does not do";
const CERTIFICATE: &str = "sends a client certificate, which the app does not do";
const NEXT: &str = "starts another request: import one request at a time";

/// Every option the import knows. Any other is refused by name: guessing at what it does could
/// import another request than the one the command sends.
const OPTIONS: &[OptionSpec] = &[
    option("request", Some('X'), Meaning::Method),
    option("header", Some('H'), Meaning::Header),
    option("data", Some('d'), Meaning::Data(DataKind::Ascii)),
    option("data-ascii", None, Meaning::Data(DataKind::Ascii)),
    option("data-binary", None, Meaning::Data(DataKind::Binary)),
    option("data-raw", None, Meaning::Data(DataKind::Raw)),
    option("data-urlencode", None, Meaning::Data(DataKind::UrlEncode)),
    option("json", None, Meaning::Data(DataKind::Json)),
    option("url", None, Meaning::Url),
    option("get", Some('G'), Meaning::Get),
    option("head", Some('I'), Meaning::Head),
    option("globoff", Some('g'), Meaning::Globoff),
    option("oauth2-bearer", None, Meaning::Bearer),
    option("user-agent", Some('A'), Meaning::HeaderOption("user-agent")),
    option("referer", Some('e'), Meaning::HeaderOption("referer")),
    option("cookie", Some('b'), Meaning::HeaderOption("cookie")),
    option("user", Some('u'), Meaning::Refused(BASIC_AUTH)),
    option("basic", None, Meaning::Refused(BASIC_AUTH)),
    option("digest", None, Meaning::Refused(BASIC_AUTH)),
    option("ntlm", None, Meaning::Refused(BASIC_AUTH)),
    option("negotiate", None, Meaning::Refused(BASIC_AUTH)),
    option("anyauth", None, Meaning::Refused(BASIC_AUTH)),
    option("netrc", Some('n'), Meaning::Refused(BASIC_AUTH)),
    option("netrc-file", None, Meaning::Refused(BASIC_AUTH)),
    option("netrc-optional", None, Meaning::Refused(BASIC_AUTH)),
    option("form", Some('F'), Meaning::Refused(FORM)),
    option("form-string", None, Meaning::Refused(FORM)),
    option("upload-file", Some('T'), Meaning::Refused(UPLOAD)),
    option("config", Some('K'), Meaning::Refused(CONFIG)),
    option("proxy", Some('x'), Meaning::Refused(PROXY)),
    option("cert", Some('E'), Meaning::Refused(CERTIFICATE)),
    option("key", None, Meaning::Refused(CERTIFICATE)),
    option("next", Some(':'), Meaning::Refused(NEXT)),
    option("silent", Some('s'), Meaning::Ignored),
    option("show-error", Some('S'), Meaning::Ignored),
    option("insecure", Some('k'), Meaning::Ignored),
    option("location", Some('L'), Meaning::Ignored),
    option("location-trusted", None, Meaning::Ignored),
    option("verbose", Some('v'), Meaning::Ignored),
    option("compressed", None, Meaning::Ignored),
    option("include", Some('i'), Meaning::Ignored),
    option("fail", Some('f'), Meaning::Ignored),
    option("fail-with-body", None, Meaning::Ignored),
    option("progress-bar", Some('#'), Meaning::Ignored),
    option("no-progress-meter", None, Meaning::Ignored),
    option("no-buffer", Some('N'), Meaning::Ignored),
    option("no-keepalive", None, Meaning::Ignored),
    option("tcp-nodelay", None, Meaning::Ignored),
    option("http1.1", None, Meaning::Ignored),
    option("http2", None, Meaning::Ignored),
    option("http2-prior-knowledge", None, Meaning::Ignored),
    option("ipv4", Some('4'), Meaning::Ignored),
    option("ipv6", Some('6'), Meaning::Ignored),
    option("ssl-no-revoke", None, Meaning::Ignored),
    option("tlsv1.2", None, Meaning::Ignored),
    option("tlsv1.3", None, Meaning::Ignored),
    option("remote-name", Some('O'), Meaning::Ignored),
    option("remote-header-name", Some('J'), Meaning::Ignored),
    option("disable", Some('q'), Meaning::Ignored),
    option("output", Some('o'), Meaning::IgnoredWithValue),
    option("max-time", Some('m'), Meaning::IgnoredWithValue),
    option("connect-timeout", None, Meaning::IgnoredWithValue),
    option("retry", None, Meaning::IgnoredWithValue),
    option("retry-delay", None, Meaning::IgnoredWithValue),
    option("retry-max-time", None, Meaning::IgnoredWithValue),
    option("write-out", Some('w'), Meaning::IgnoredWithValue),
    option("dump-header", Some('D'), Meaning::IgnoredWithValue),
    option("max-redirs", None, Meaning::IgnoredWithValue),
    option("cookie-jar", Some('c'), Meaning::IgnoredWithValue),
    option("trace", None, Meaning::IgnoredWithValue),
    option("trace-ascii", None, Meaning::IgnoredWithValue),
    option("stderr", None, Meaning::IgnoredWithValue),
    option("limit-rate", None, Meaning::IgnoredWithValue),
    option("cacert", None, Meaning::IgnoredWithValue),
    option("capath", None, Meaning::IgnoredWithValue),
];

/// The command line `words` as curl reads it. The first word runs curl (`$ curl` too, as docs
/// write a prompt before it).
pub(super) fn parse(words: Vec<Word>) -> Result<CurlArgs, CurlError> {
    let mut words = words.into_iter().peekable();
    if words.peek().is_some_and(|word| word.text == "$") {
        words.next();
    }
    match words.next() {
        None => {
            return Err(CurlError::new(
                "there is no command: paste a curl command".to_owned(),
            ));
        }
        Some(first) if !is_curl(&first.text) => {
            return Err(CurlError::new(format!(
                "the command runs {}, not curl: paste a curl command",
                shown(&first.text)
            )));
        }
        Some(_) => {}
    }
    let mut args = CurlArgs::default();
    let mut only_urls = false;
    while let Some(word) = words.next() {
        let text = word.text.as_str();
        if only_urls || !text.starts_with('-') || text == "-" {
            args.set_url(word)?;
        } else if text == "--" {
            only_urls = true;
        } else if let Some(long) = text.strip_prefix("--") {
            let meaning = long_option(long)?;
            let value = value_of(text, meaning, None, &mut words)?;
            args.apply(text, meaning, value)?;
        } else {
            args.short_options(&word, &mut words)?;
        }
    }
    Ok(args)
}

impl CurlArgs {
    /// A cluster of short options (`-sSL`, `-XPOST`, `-HAccept: x`): each letter an option, until
    /// one that takes a value, which is the rest of the word or else the next word.
    fn short_options(
        &mut self,
        word: &Word,
        words: &mut impl Iterator<Item = Word>,
    ) -> Result<(), CurlError> {
        let letters = &word.text[1..];
        for (at, letter) in letters.char_indices() {
            let written = format!("-{letter}");
            let meaning = OPTIONS
                .iter()
                .find(|option| option.short == Some(letter))
                .map(|option| option.meaning)
                .ok_or_else(|| unknown_option(&written, &word.text))?;
            if meaning.takes_value() {
                let rest = &letters[at + letter.len_utf8()..];
                let glued = (!rest.is_empty()).then(|| Word {
                    text: rest.to_owned(),
                    expansions: word.expansions.clone(),
                });
                let value = value_of(&written, meaning, glued, words)?;
                return self.apply(&written, meaning, value);
            }
            self.apply(&written, meaning, None)?;
        }
        Ok(())
    }

    fn apply(
        &mut self,
        written: &str,
        meaning: Meaning,
        value: Option<Word>,
    ) -> Result<(), CurlError> {
        match (meaning, value) {
            (Meaning::Get, _) => self.get = true,
            (Meaning::Head, _) => self.head = true,
            (Meaning::Globoff, _) => self.globoff = true,
            (Meaning::Refused(why), _) => {
                return Err(CurlError::new(format!("the command's {written} {why}")));
            }
            (Meaning::Ignored | Meaning::IgnoredWithValue, _) => {
                if !self.ignored.iter().any(|seen| seen == written) {
                    self.ignored.push(written.to_owned());
                }
            }
            (Meaning::HeaderOption(name), _) => {
                if !self.header_options.contains(&name) {
                    self.header_options.push(name);
                }
            }
            (_, None) => {}
            (Meaning::Method, Some(value)) => self.method = Some(value),
            (Meaning::Header, Some(value)) => self.headers.push(value),
            (Meaning::Data(kind), Some(value)) => self.data.push(Data {
                kind,
                option: written.to_owned(),
                value,
            }),
            (Meaning::Url, Some(value)) => self.set_url(value)?,
            (Meaning::Bearer, Some(value)) => self.bearer = Some(value),
        }
        Ok(())
    }

    fn set_url(&mut self, url: Word) -> Result<(), CurlError> {
        if self.url.is_some() {
            return Err(CurlError::new(format!(
                "the command has a second URL, {}: the import takes one request",
                shown(&url.text)
            )));
        }
        self.url = Some(url);
        Ok(())
    }
}

/// The meaning of the long option `--long`.
fn long_option(long: &str) -> Result<Meaning, CurlError> {
    OPTIONS
        .iter()
        .find(|option| option.long == long)
        .map(|option| option.meaning)
        .ok_or_else(|| {
            let written = format!("--{long}");
            unknown_option(&written, &written)
        })
}

/// The value of an option that takes one: glued to it, or the next word.
fn value_of(
    written: &str,
    meaning: Meaning,
    glued: Option<Word>,
    words: &mut impl Iterator<Item = Word>,
) -> Result<Option<Word>, CurlError> {
    if !meaning.takes_value() {
        return Ok(None);
    }
    match glued.or_else(|| words.next()) {
        Some(value) => Ok(Some(value)),
        None => Err(CurlError::new(format!(
            "the command ends after {written}, which needs a value"
        ))),
    }
}

fn unknown_option(written: &str, word: &str) -> CurlError {
    let within = if written == word {
        String::new()
    } else {
        format!(" (in {})", shown(word))
    };
    CurlError::new(format!(
        "the import does not know curl's option {}{within}: it reads -X, -H, -d, --data-raw, --data-binary, --data-urlencode, --json, --url and -G, and skips options that change nothing in the request such as -s, -S, -k, -L, -v and --compressed",
        shown(written)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(words: &[&str]) -> Result<CurlArgs, String> {
        parse(words.iter().map(|word| Word::plain(word)).collect()).map_err(|err| err.to_string())
    }

    #[test]
    fn options_glued_and_clustered() {
        let args = parsed(&[
            "curl",
            "-sSL",
            "-XPOST",
            "-HAccept: a",
            "-sd@f",
            "--url",
            "u",
            "-G",
            "--compressed",
            "-s",
        ])
        .unwrap();
        assert_eq!(args.ignored, ["-s", "-S", "-L", "--compressed"]);
        assert_eq!(args.method.unwrap().text, "POST");
        assert_eq!(args.headers[0].text, "Accept: a");
        assert_eq!(args.data[0].value.text, "@f");
        assert_eq!(args.data[0].option, "-d");
        assert_eq!(args.url.unwrap().text, "u");
        assert!(args.get);
    }

    #[test]
    fn urls_prompts_and_the_end_of_options() {
        let args = parsed(&["$", "curl", "--", "-u"]).unwrap();
        assert_eq!(args.url.unwrap().text, "-u");
        assert_eq!(
            parsed(&["curl", "a", "--url", "b"]).unwrap_err(),
            "the command has a second URL, b: the import takes one request"
        );
    }

    #[test]
    fn refusals_name_the_option() {
        assert!(
            parsed(&["curl", "-u", "a:b", "u"])
                .unwrap_err()
                .starts_with("the command's -u sends a user name and password")
        );
        assert!(
            parsed(&["curl", "-sF", "a=b", "u"])
                .unwrap_err()
                .starts_with("the command's -F uploads a form")
        );
        assert!(
            parsed(&["curl", "-sZ", "u"])
                .unwrap_err()
                .starts_with("the import does not know curl's option -Z (in -sZ): ")
        );
        assert!(
            parsed(&["curl", "--request=POST", "u"])
                .unwrap_err()
                .starts_with("the import does not know curl's option --request=POST: ")
        );
        assert_eq!(
            parsed(&["curl", "u", "-H"]).unwrap_err(),
            "the command ends after -H, which needs a value"
        );
        assert_eq!(
            parsed(&["wget", "u"]).unwrap_err(),
            "the command runs wget, not curl: paste a curl command"
        );
        assert_eq!(
            parsed(&[]).unwrap_err(),
            "there is no command: paste a curl command"
        );
    }
}
