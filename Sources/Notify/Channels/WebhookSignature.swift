import Crypto
import Foundation

/// The generic webhook's signature: `sha256=<hex HMAC-SHA256 over "<timestamp>.<body>">`.
///
/// The timestamp (unix seconds, also sent as `X-Runbook-Timestamp`) is inside the MAC so a receiver can reject a
/// replayed request whose timestamp is old, as Slack's and GitHub's receivers do.
public enum WebhookSignature {
    /// The header carrying the signature.
    public static let signatureHeader = "X-Runbook-Signature"
    /// The header carrying the unix timestamp the signature covers.
    public static let timestampHeader = "X-Runbook-Timestamp"

    /// The `X-Runbook-Signature` value for `body` sent at `timestamp`.
    public static func sign(body: [UInt8], timestamp: Int, key: [UInt8]) -> String {
        "sha256=" + hex(mac(body: body, timestamp: timestamp, key: key))
    }

    /// Whether `signature` (a header value) is `body`'s signature at `timestamp`; compares in constant time.
    public static func isValid(_ signature: String, body: [UInt8], timestamp: Int, key: [UInt8]) -> Bool {
        guard signature.hasPrefix("sha256="), let code = bytes(fromHex: String(signature.dropFirst(7))) else { return false }
        var signed = Array("\(timestamp).".utf8)
        signed += body
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: signed, using: SymmetricKey(data: key))
    }

    private static func mac(body: [UInt8], timestamp: Int, key: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key))
        hmac.update(data: Array("\(timestamp).".utf8))
        hmac.update(data: body)
        return Array(hmac.finalize())
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func bytes(fromHex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let pair = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            result.append(pair)
        }
        return result
    }
}
