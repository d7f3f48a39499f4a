import Crypto
import Foundation

/// An Ed25519 public key as SSH writes it (`ssh-ed25519 AAAAC3…`): the key of an audit signer.
public struct SSHPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes of the key.
    public let raw: [UInt8]

    static let type = "ssh-ed25519"

    /// The key of 32 raw bytes.
    public init(raw: [UInt8]) throws {
        guard raw.count == 32 else { throw SSHKeyError.malformed("an Ed25519 public key has 32 bytes, not \(raw.count)") }
        self.raw = raw
    }

    /// Reads the SSH wire blob (`string "ssh-ed25519", string key`).
    init(blob: [UInt8]) throws {
        var reader = SSHWireReader(blob, what: "public key")
        let type = try reader.text()
        guard type == Self.type else { throw SSHKeyError.unsupported("key type '\(type)': only ssh-ed25519 keys sign audit commits") }
        try self.init(raw: reader.string())
    }

    /// Reads `ssh-ed25519 BASE64 [comment]`, the line of a `.pub` file.
    public init(line: String) throws {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2 else { throw SSHKeyError.malformed("expected 'ssh-ed25519 AAAA…', found '\(line.prefix(40))'") }
        guard fields[0] == Self.type else {
            throw SSHKeyError.unsupported("key type '\(fields[0])': only ssh-ed25519 keys sign audit commits")
        }
        guard let blob = Data(base64Encoded: String(fields[1])) else { throw SSHKeyError.malformed("the key is not base64") }
        try self.init(blob: Array(blob))
    }

    /// The SSH wire blob.
    var blob: [UInt8] {
        var wire = SSHWire()
        wire.string(Self.type)
        wire.string(raw)
        return wire.bytes
    }

    /// `ssh-ed25519 AAAA…`, as in a `.pub` or allowed-signers file.
    public var line: String {
        "\(Self.type) \(Data(blob).base64EncodedString())"
    }

    /// `SHA256:…`, as `ssh-keygen -l` and `git log --show-signature` print it.
    public var fingerprint: String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }

    public var description: String { fingerprint }

    /// Whether `signature` is this key's Ed25519 signature of `data`.
    func isValid(_ signature: [UInt8], for data: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: data)
    }
}
