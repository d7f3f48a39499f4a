import Crypto
import Foundation

/// A link a person can follow from a notification to act on one incident without logging in, for a limited time.
///
/// The token is `v1.<incident>.<person, base64url>.<action>.<expires, unix>.<HMAC-SHA256, base64url>`, URL-safe
/// as one path segment or query value. The MAC covers everything before its dot, so changing the incident, the
/// person, the action or the expiry makes the token forged; the incident is in the token too so that a token used
/// on another incident's URL is told apart from a forgery.
public struct SignedLink: Sendable, Hashable {
    /// What the link does.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case acknowledge
        case snooze
        case unacknowledge
    }

    /// The incident's number.
    public var incident: Int
    /// Who acts: the on-call person the link was sent to.
    public var person: String
    /// What following the link does.
    public var action: Action
    /// The link stops working at this time (whole seconds).
    public var expires: Date

    /// Creates a link for `person` to do `action` on incident number `incident` until `expires`.
    public init(incident: Int, person: String, action: Action, expires: Date) {
        self.incident = incident
        self.person = person
        self.action = action
        self.expires = Date(timeIntervalSince1970: expires.timeIntervalSince1970.rounded(.down))
    }

    /// The signed token.
    public func token(key: LinkKey) -> String {
        let payload = self.payload
        return payload + "." + Base64URL.encode(Self.mac(payload, key: key))
    }

    /// The person and action a token grants on incident `incident` at `now`.
    ///
    /// - Parameter action: when given, a token for another action is refused with `.wrongAction`.
    /// - Throws: `SignedLinkError` saying which check failed; checks run in the order forged (or malformed),
    ///   other incident, wrong action, expired, so a forged token never reveals anything else.
    public static func verify(
        _ token: String, incident: Int, action: Action? = nil, now: Date = Date(), key: LinkKey
    ) throws(SignedLinkError) -> SignedLink {
        guard token.utf8.count <= 1024, let split = token.lastIndex(of: ".") else { throw .malformed }
        let payload = String(token[..<split])
        guard let code = Base64URL.decode(String(token[token.index(after: split)...])), code.count == SHA256.byteCount else {
            throw .malformed
        }
        // The MAC is checked before the payload is parsed, so nothing unauthenticated is interpreted.
        guard HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Array(payload.utf8), using: key.key) else {
            throw .forged
        }
        let link = try parse(payload)
        guard link.incident == incident else { throw .otherIncident(link.incident) }
        if let action, action != link.action { throw .wrongAction(link.action) }
        guard now < link.expires else { throw .expired(link.expires) }
        return link
    }

    private var payload: String {
        "v1.\(incident).\(Base64URL.encode(Array(person.utf8))).\(action.rawValue).\(Int(expires.timeIntervalSince1970))"
    }

    private static func parse(_ payload: String) throws(SignedLinkError) -> SignedLink {
        let fields = payload.split(separator: ".", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "v1",
            let incident = Int(fields[1]),
            let personBytes = Base64URL.decode(String(fields[2])),
            let person = String(validating: personBytes, as: UTF8.self),
            let action = Action(rawValue: String(fields[3])),
            let expires = Int(fields[4])
        else { throw .malformed }
        return SignedLink(incident: incident, person: person, action: action, expires: Date(timeIntervalSince1970: TimeInterval(expires)))
    }

    private static func mac(_ payload: String, key: LinkKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: key.key))
    }
}

/// Why a signed link was refused.
public enum SignedLinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a token of ours (cut, mangled or another format).
    case malformed
    /// The signature does not match: the token was changed or made without our key.
    case forged
    /// A valid token for another incident.
    case otherIncident(Int)
    /// A valid token for another action.
    case wrongAction(SignedLink.Action)
    /// A valid token whose time has passed.
    case expired(Date)

    public var description: String {
        switch self {
        case .malformed: "the link is not a valid link"
        case .forged: "the link's signature does not match"
        case .otherIncident(let number): "the link is for incident \(number)"
        case .wrongAction(let action): "the link is for \(action.rawValue)"
        case .expired(let date): "the link expired at \(date.formatted(.iso8601))"
        }
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5).
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map(Array.init)
    }
}
