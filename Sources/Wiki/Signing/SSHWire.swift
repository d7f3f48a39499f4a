import Foundation

/// SSH's wire encoding (RFC 4251 §5): big-endian `uint32`s and length-prefixed strings, the format of
/// SSH keys, OpenSSH key files and SSH signatures.
struct SSHWire {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    mutating func uint32(_ value: UInt32) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    mutating func string<Bytes: Collection>(_ value: Bytes) where Bytes.Element == UInt8 {
        uint32(UInt32(value.count))
        bytes += value
    }

    mutating func string(_ value: String) {
        string(Array(value.utf8))
    }

    mutating func raw<Bytes: Collection>(_ value: Bytes) where Bytes.Element == UInt8 {
        bytes += value
    }
}

/// Reads SSH's wire encoding; every read throws ``SSHKeyError/malformed(_:)`` past the end.
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0
    /// What is being read, for errors ("SSH signature", "OpenSSH private key").
    private let what: String

    init<Bytes: Collection>(_ bytes: Bytes, what: String) where Bytes.Element == UInt8 {
        self.bytes = Array(bytes)
        self.what = what
    }

    /// Whether everything was read.
    var atEnd: Bool { offset == bytes.count }

    mutating func raw(_ count: Int) throws -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw SSHKeyError.malformed("\(what) ends too soon") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func uint32() throws -> UInt32 {
        try raw(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func string() throws -> [UInt8] {
        try raw(Int(uint32()))
    }

    mutating func text() throws -> String {
        String(decoding: try string(), as: UTF8.self)
    }
}

/// PEM-like armour: a `-----BEGIN LABEL-----` line, base64 in lines of 70 characters, an END line.
enum SSHArmor {
    static func wrap(_ bytes: [UInt8], label: String) -> String {
        let base64 = Data(bytes).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(70)))
            rest = rest.dropFirst(70)
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    static func unwrap(_ text: String, label: String) throws -> [UInt8] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN \(label)-----"),
              let end = lines.firstIndex(of: "-----END \(label)-----"), begin < end else {
            throw SSHKeyError.malformed("no '-----BEGIN \(label)-----' … '-----END \(label)-----' block")
        }
        guard let data = Data(base64Encoded: lines[(begin + 1)..<end].joined()) else {
            throw SSHKeyError.malformed("the \(label) block is not base64")
        }
        return Array(data)
    }
}
