import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Why a call never got an answer from the API: the server could not be reached, or what it sent
/// back cannot be read. (An answer that is an error is an ``APIError``.)
public enum TransportError: Error, CustomStringConvertible, Sendable {
    /// The server could not be reached (refused, unknown host, timed out).
    case unreachable(URL, reason: String)
    /// The server answered with something this client cannot read.
    case unreadable(URL, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason):
            "cannot reach the server at \(url.absoluteString): \(reason)"
        case .unreadable(let url, let reason):
            "the server's answer to \(url.absoluteString) cannot be read: \(reason)"
        }
    }

    /// The failure for a transport error: says which URL could not be reached and why.
    static func from(_ error: any Error, url: URL) -> TransportError {
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

extension APIError {
    /// The error for an error response: the API's `{"error": {"code", "message", "field"}}` when the body is one,
    /// else the status with the body's text.
    static func from(status: Int, body: Data) -> APIError {
        if let error = read(status: status, body: body) { return error }
        let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = HTTPURLResponse.localizedString(forStatusCode: status).lowercased().replacingOccurrences(of: " ", with: "_")
        return APIError(status, code: reason, text.isEmpty ? "no detail in the response" : text)
    }
}
