import HTTPTypes
import Hummingbird
import Notify

/// A piece of HTML whose every interpolated `String` is escaped: markup comes only from literals and from other
/// `HTML` values, so a label, a note or a line of step output can never open a tag or end an attribute.
///
/// ```swift
/// let row: HTML = "<td class=\"label\">\(label)</td>"   // label is escaped
/// ```
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup, ready to send.
    private(set) var text: String

    /// Markup that is trusted as it is: literals of this file, cmark's safe-mode output.
    init(trusted text: String) {
        self.text = text
    }

    init(stringLiteral value: String) {
        text = value
    }

    init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
    }

    var description: String { text }

    /// Nothing.
    static let empty = HTML(trusted: "")

    struct Interpolation: StringInterpolationProtocol {
        var text = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        /// Text, escaped for element content and quoted attribute values.
        mutating func appendInterpolation(_ value: String) {
            text += HTMLText.escape(value)
        }

        mutating func appendInterpolation(_ value: String?) {
            if let value { text += HTMLText.escape(value) }
        }

        /// A number, as it is.
        mutating func appendInterpolation<Number: BinaryInteger>(_ value: Number) {
            text += String(value)
        }

        /// Markup, as it is.
        mutating func appendInterpolation(_ html: HTML) {
            text += html.text
        }

        /// Each piece of markup, one after the other.
        mutating func appendInterpolation(_ pieces: [HTML]) {
            for piece in pieces { text += piece.text }
        }
    }
}

extension HTML {
    /// `condition ? html : nothing`.
    static func when(_ condition: Bool, _ html: @autoclosure () -> HTML) -> HTML {
        condition ? html() : .empty
    }

    /// A full page as a response, with the dashboard's security headers.
    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: DashboardHeaders.page, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    /// What the dashboard's scripts send with a request made on the session cookie: the session's CSRF token.
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}

/// The headers of every dashboard response.
enum DashboardHeaders {
    /// No inline script or style anywhere: the page's own files only, so injected markup could not run even if it
    /// got past the escaping. `connect-src 'self'` is the event stream and the fetches of live updates.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let page: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .contentSecurityPolicy: contentSecurityPolicy,
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "same-origin",
        .cacheControl: "no-store",
    ]

    /// A redirect after a form post (or to the login page), so reloading does not post again.
    static func seeOther(_ location: String, cookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }
}
