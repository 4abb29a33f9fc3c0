//! The raw HTTP/1.1 request, exactly as the app's HTTP client writes it on the wire.

use crate::model::HttpRequest;

/// The request line, headers and body, with CRLF line ends as sent. The wire test checks that
/// what arrives at a server is byte for byte this text.
pub fn render(request: &HttpRequest) -> String {
    let mut text = format!("{} {} HTTP/1.1\r\n", request.method, request.target());
    for (name, value) in request.wire_headers() {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(&String::from_utf8_lossy(&request.body));
    text
}
