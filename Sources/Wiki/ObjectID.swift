internal import CLibGit2

/// The SHA-1 name of a git object (commit, tree or blob), as 40 lowercase hex digits.
///
/// Encodes to and decodes from a plain JSON string (the hex), not an object.
public struct ObjectID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 40 lowercase hex digits.
    public let hex: String

    /// Accepts exactly 40 hex digits (either case); returns nil otherwise. Abbreviated ids need `Repository.resolve`.
    public init?(hex: String) {
        guard hex.utf8.count == 40, hex.utf8.allSatisfy(Self.isHexDigit) else { return nil }
        self.hex = hex.lowercased()
    }

    /// The first 7 hex digits, for display.
    public var short: String {
        String(hex.prefix(7))
    }

    /// The full hex.
    public var description: String {
        hex
    }

    /// Decodes from a single hex string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = ObjectID(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 40-digit hex object id: \(text)")
        }
        self = id
    }

    /// Encodes as a single hex string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
            return true
        default:
            return false
        }
    }
}

extension ObjectID {
    /// Converts a libgit2 object id.
    init(_ oid: git_oid) {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(40)
        withUnsafeBytes(of: oid.id) { raw in
            for byte in raw {
                hex.append(digits[Int(byte >> 4)])
                hex.append(digits[Int(byte & 0x0f)])
            }
        }
        self.hex = String(decoding: hex, as: UTF8.self)
    }

    /// Converts a libgit2 object id that libgit2 handed out by pointer (always non-null for valid objects).
    init(_ oid: UnsafePointer<git_oid>) {
        self.init(oid.pointee)
    }

    /// The libgit2 form. Parsed in Swift because `hex` was validated at construction, so there is no error to report.
    var oid: git_oid {
        var oid = git_oid()
        let digits = Array(hex.utf8)
        withUnsafeMutableBytes(of: &oid.id) { raw in
            for index in raw.indices {
                raw[index] = Self.nibble(digits[2 * index]) << 4 | Self.nibble(digits[2 * index + 1])
            }
        }
        return oid
    }

    /// The 20 raw bytes, as git's file formats store them.
    var bytes: [UInt8] {
        withUnsafeBytes(of: oid.id) { Array($0) }
    }

    /// The id whose raw bytes are `bytes` (20 of them).
    init(bytes: [UInt8]) {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { $0.copyBytes(from: bytes.prefix(20)) }
        self.init(oid)
    }

    private static func nibble(_ digit: UInt8) -> UInt8 {
        digit <= UInt8(ascii: "9") ? digit - UInt8(ascii: "0") : digit - UInt8(ascii: "a") + 10
    }
}
