import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Why a call to the server failed, worded for the person at the terminal: the API's own error
/// (`401 unauthorized: ...`), or the server not being reachable at all.
enum APIFailure: Error, CustomStringConvertible {
    /// The server answered with an error status; `code` and `message` come from its JSON error body
    /// when it sent one.
    case status(Int, code: String, message: String, field: String?)
    /// The server could not be reached (refused, unknown host, timed out).
    case unreachable(URL, reason: String)
    /// The server answered with something this client cannot read.
    case unreadable(URL, reason: String)

    var description: String {
        switch self {
        case .status(let status, let code, let message, let field):
            "\(status) \(code): \(message)" + (field.map { " (\($0))" } ?? "")
        case .unreachable(let url, let reason):
            "cannot reach the server at \(url.absoluteString): \(reason)"
        case .unreadable(let url, let reason):
            "the server's answer to \(url.absoluteString) cannot be read: \(reason)"
        }
    }

    /// The failure for an error response: the API's `{"error": {"code", "message", "field"}}` when
    /// the body is one, else the status with the body's text.
    static func from(status: Int, body: Data) -> APIFailure {
        struct Envelope: Decodable {
            struct Inner: Decodable {
                let code: String
                let message: String
                let field: String?
            }
            let error: Inner
        }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: body) {
            return .status(status, code: envelope.error.code, message: envelope.error.message, field: envelope.error.field)
        }
        let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = HTTPURLResponse.localizedString(forStatusCode: status).lowercased().replacingOccurrences(of: " ", with: "_")
        return .status(status, code: reason, message: text.isEmpty ? "no detail in the response" : text, field: nil)
    }

    /// The failure for a transport error: says which URL could not be reached and why.
    static func from(_ error: any Error, url: URL) -> APIFailure {
        guard let urlError = error as? URLError else { return .unreachable(url, reason: "\(error)") }
        let reason: String = switch urlError.code {
        case .cannotConnectToHost: "connection refused (is `runbook serve` running there?)"
        case .cannotFindHost, .dnsLookupFailed: "unknown host"
        case .timedOut: "timed out"
        case .networkConnectionLost: "the connection was lost"
        case .unsupportedURL, .badURL: "not a URL this client can use (give http://HOST:PORT)"
        default: urlError.localizedDescription
        }
        return .unreachable(url, reason: reason)
    }
}
