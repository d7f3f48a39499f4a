import Crypto
import Foundation

/// The audit writer's private key: Ed25519, kept in an unencrypted OpenSSH key file (mode 0600) in the data
/// directory, so `ssh-keygen -y -f FILE` prints its public half and `ssh-keygen -Y sign` could sign with it.
public struct SSHSigningKey: Sendable, CommitSigner {
    /// The private key, made once: deriving it from its seed for every commit would double a signature's cost.
    private let key: Immutable
    /// The public half, as published in the wiki's `config/audit-signers`.
    public let publicKey: SSHPublicKey
    /// The key file's comment (who holds the key).
    public let comment: String

    static let label = "OPENSSH PRIVATE KEY"
    static let fileMagic = Array("openssh-key-v1\0".utf8)

    /// A new random key.
    public init(comment: String) {
        self.init(key: Curve25519.Signing.PrivateKey(), comment: comment)
    }

    private init(key: Curve25519.Signing.PrivateKey, comment: String) {
        self.key = Immutable(value: key)
        // 32 bytes by construction.
        publicKey = try! SSHPublicKey(raw: Array(key.publicKey.rawRepresentation))
        self.comment = comment
    }

    /// Reads an OpenSSH private key file's text (unencrypted, one Ed25519 key).
    public init(openSSH text: String) throws {
        var reader = SSHWireReader(try SSHArmor.unwrap(text, label: Self.label), what: "OpenSSH private key")
        guard try reader.raw(Self.fileMagic.count) == Self.fileMagic else { throw SSHKeyError.malformed("not an OpenSSH private key") }
        let cipher = try reader.text()
        _ = try reader.text()  // kdf name
        _ = try reader.string()  // kdf options
        guard cipher == "none" else { throw SSHKeyError.unsupported("the key is encrypted (\(cipher)); the server needs it unencrypted") }
        guard try reader.uint32() == 1 else { throw SSHKeyError.unsupported("the file holds several keys") }
        _ = try reader.string()  // public key, repeated in the private section
        var secret = SSHWireReader(try reader.string(), what: "OpenSSH private key")
        guard try secret.uint32() == secret.uint32() else { throw SSHKeyError.malformed("the private section's check numbers differ") }
        let type = try secret.text()
        guard type == SSHPublicKey.type else { throw SSHKeyError.unsupported("key type '\(type)': only ssh-ed25519 keys sign audit commits") }
        _ = try secret.string()
        let pair = try secret.string()
        guard pair.count == 64 else { throw SSHKeyError.malformed("an Ed25519 private key has 64 bytes, not \(pair.count)") }
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: pair.prefix(32))
        self.init(key: key, comment: try secret.text())
    }

    /// The OpenSSH private key file's text.
    public var openSSH: String {
        var wire = SSHWire()
        wire.raw(Self.fileMagic)
        wire.string("none")
        wire.string("none")
        wire.string([UInt8]())
        wire.uint32(1)
        wire.string(publicKey.blob)
        var secret = SSHWire()
        let check = UInt32.random(in: .min ... .max)
        secret.uint32(check)
        secret.uint32(check)
        secret.string(SSHPublicKey.type)
        secret.string(publicKey.raw)
        secret.string(Array(key.value.rawRepresentation) + publicKey.raw)
        secret.string(comment)
        var pad: UInt8 = 1
        while secret.bytes.count % 8 != 0 {
            secret.raw([pad])
            pad += 1
        }
        wire.string(secret.bytes)
        return SSHArmor.wrap(wire.bytes, label: Self.label)
    }

    /// The `.pub` line: the public key and the comment.
    public var publicLine: String {
        comment.isEmpty ? publicKey.line : "\(publicKey.line) \(comment)"
    }

    /// Signs `message` for `namespace`.
    public func sign(_ message: some DataProtocol, namespace: String) throws -> SSHSignature {
        try SSHSignature.sign(message, with: key.value, namespace: namespace)
    }

    /// Signs a commit's content for git (namespace `git`), armoured as git stores it.
    public func signCommit(_ content: UnsafeRawBufferPointer) throws -> String {
        try sign(content, namespace: "git").armored
    }
}

/// Crypto's private key, which is not declared `Sendable` though it is an immutable value (its bytes are copied in
/// and never changed), so one can be shared by the writers of an audit log.
private struct Immutable: @unchecked Sendable {
    let value: Curve25519.Signing.PrivateKey
}
