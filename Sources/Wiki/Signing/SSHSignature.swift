import Crypto
import Foundation

/// An SSH signature (OpenSSH's `SSHSIG` format, `PROTOCOL.sshsig`), as `ssh-keygen -Y sign` makes it and git
/// stores it in a commit's `gpgsig` header when `gpg.format=ssh`.
///
/// What is signed is not the message itself but a blob naming the namespace (`git` for commits) and the
/// message's SHA-512, so a signature made for one purpose cannot be replayed for another.
public struct SSHSignature: Sendable, Equatable {
    /// The key that made the signature (it is carried inside it).
    public let key: SSHPublicKey
    /// What the signature is for: `git` for commits.
    public let namespace: String
    let hashAlgorithm: String
    let signature: [UInt8]

    static let magic = Array("SSHSIG".utf8)
    static let label = "SSH SIGNATURE"

    /// Signs `message` with `key` for `namespace`.
    static func sign(_ message: some DataProtocol, with key: Curve25519.Signing.PrivateKey, namespace: String) throws -> SSHSignature {
        let publicKey = try SSHPublicKey(raw: Array(key.publicKey.rawRepresentation))
        let digest = Array(SHA512.hash(data: message))
        let signature = try key.signature(for: signedBlob(namespace: namespace, hashAlgorithm: "sha512", digest: digest))
        return SSHSignature(key: publicKey, namespace: namespace, hashAlgorithm: "sha512", signature: Array(signature))
    }

    /// Reads an armoured signature (`-----BEGIN SSH SIGNATURE-----` …).
    public init(armored text: String) throws {
        var reader = SSHWireReader(try SSHArmor.unwrap(text, label: Self.label), what: "SSH signature")
        guard try reader.raw(6) == Self.magic else { throw SSHKeyError.malformed("not an SSH signature (no SSHSIG magic)") }
        let version = try reader.uint32()
        guard version == 1 else { throw SSHKeyError.unsupported("SSH signature version \(version)") }
        key = try SSHPublicKey(blob: reader.string())
        namespace = try reader.text()
        _ = try reader.string()  // reserved
        hashAlgorithm = try reader.text()
        var inner = SSHWireReader(try reader.string(), what: "SSH signature")
        let type = try inner.text()
        guard type == SSHPublicKey.type else { throw SSHKeyError.unsupported("signature type '\(type)'") }
        signature = try inner.string()
    }

    private init(key: SSHPublicKey, namespace: String, hashAlgorithm: String, signature: [UInt8]) {
        self.key = key
        self.namespace = namespace
        self.hashAlgorithm = hashAlgorithm
        self.signature = signature
    }

    /// The armoured text, ending in a newline.
    public var armored: String {
        var wire = SSHWire()
        wire.raw(Self.magic)
        wire.uint32(1)
        wire.string(key.blob)
        wire.string(namespace)
        wire.string([UInt8]())
        wire.string(hashAlgorithm)
        var inner = SSHWire()
        inner.string(SSHPublicKey.type)
        inner.string(signature)
        wire.string(inner.bytes)
        return SSHArmor.wrap(wire.bytes, label: Self.label)
    }

    /// Checks that this is ``key``'s signature of `message` for `namespace`.
    ///
    /// - Throws: ``SSHKeyError/badSignature(_:)`` when it is not.
    public func verify(_ message: some DataProtocol, namespace expected: String) throws {
        guard namespace == expected else {
            throw SSHKeyError.badSignature("signed for namespace '\(namespace)', not '\(expected)'")
        }
        let digest: [UInt8]
        switch hashAlgorithm {
        case "sha512": digest = Array(SHA512.hash(data: message))
        case "sha256": digest = Array(SHA256.hash(data: message))
        default: throw SSHKeyError.unsupported("hash algorithm '\(hashAlgorithm)'")
        }
        let blob = Self.signedBlob(namespace: namespace, hashAlgorithm: hashAlgorithm, digest: digest)
        guard key.isValid(signature, for: blob) else {
            throw SSHKeyError.badSignature("the signature by \(key.fingerprint) does not match the signed content")
        }
    }

    /// What the key signs: the magic, the namespace and the message's digest.
    private static func signedBlob(namespace: String, hashAlgorithm: String, digest: [UInt8]) -> [UInt8] {
        var wire = SSHWire()
        wire.raw(magic)
        wire.string(namespace)
        wire.string([UInt8]())
        wire.string(hashAlgorithm)
        wire.string(digest)
        return wire.bytes
    }
}
