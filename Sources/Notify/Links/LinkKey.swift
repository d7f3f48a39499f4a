import Crypto
import Foundation

/// The secret that signs acknowledge/snooze links: 32 random bytes, kept as base64 in the server's configuration.
public struct LinkKey: Sendable {
    /// Raw bytes, because `SymmetricKey` is not `Sendable`; a `SymmetricKey` is made for each use.
    private let bytes: [UInt8]

    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// A new random key (256 bits from the system's secure generator).
    public static func generate() -> LinkKey {
        LinkKey(checked: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// The key written as base64 (standard alphabet, padded).
    public init(base64: String) throws(LinkKeyError) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .notBase64
        }
        guard data.count >= 32 else { throw .tooShort(bytes: data.count) }
        self.bytes = Array(data)
    }

    /// Uses raw key bytes, at least 32 of them.
    public init(bytes: [UInt8]) throws(LinkKeyError) {
        guard bytes.count >= 32 else { throw .tooShort(bytes: bytes.count) }
        self.bytes = bytes
    }

    private init(checked bytes: [UInt8]) { self.bytes = bytes }

    /// The key as base64, for the configuration file.
    public var base64: String {
        Data(bytes).base64EncodedString()
    }
}

/// Why a configured link key cannot be used.
public enum LinkKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    case notBase64
    case tooShort(bytes: Int)

    public var description: String {
        switch self {
        case .notBase64: "the link key is not base64; generate one with `runbook notify key`"
        case .tooShort(let bytes): "the link key has \(bytes) bytes; it needs at least 32 (generate a new one)"
        }
    }
}
