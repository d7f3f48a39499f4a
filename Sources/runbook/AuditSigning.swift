import Foundation
import ITIL
import Wiki

/// The data directory's part in the audit branch's evidence: the key every audit commit is signed with
/// (`DATA/audit/signing-key`) and the anchors that record the branch's head outside the repository.
enum AuditSigning {
    /// The principal the key is published under in `config/audit-signers`.
    static let principal = "runbook-audit"

    /// The signing key, created (with a note saying where to publish it) when the data directory has none.
    /// `seeding`: the caller publishes it in the wiki it is creating, so the note says so instead.
    static func key(in data: DataDirectory = .current, seeding: Bool = false) throws -> SSHSigningKey {
        let path = SSHSigningKey.path(inDataDirectory: data.path)
        let host = ProcessInfo.processInfo.hostName
        let (key, created) = try SSHSigningKey.loadOrCreate(at: path, comment: "\(principal)@\(host)")
        if created {
            let publish = seeding
                ? "published in the new wiki's \(AllowedSigners.path)"
                : "publish it in the wiki's \(AllowedSigners.path): `runbook audit key >> \(AllowedSigners.path)`"
            Console.note("created the audit signing key \(path) (\(key.publicKey.fingerprint)); \(publish)")
        }
        return key
    }

    /// The key's line for `config/audit-signers`.
    static func signersLine(for key: SSHSigningKey) -> String {
        "\(principal) namespaces=\"git\" \(key.publicLine)"
    }

    /// The existing signing key's public half, without creating one (for commands that only read).
    static func existingPublicKey(in data: DataDirectory = .current) throws -> SSHPublicKey? {
        let path = SSHSigningKey.path(inDataDirectory: data.path)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try SSHSigningKey.loadOrCreate(at: path, comment: "").key.publicKey
    }

    /// The wiki's `config/audit-signers` at `commit`; nil when the wiki has none.
    ///
    /// - Throws: ``CLIError`` naming the file and line of a line that is not a valid signer.
    static func publishedSigners(in repository: Repository, at commit: ObjectID) throws -> AllowedSigners? {
        let data: Data
        do {
            data = try repository.readFile(AllowedSigners.path, at: commit)
        } catch WikiError.fileNotFound {
            return nil
        }
        do {
            return try AllowedSigners(text: String(decoding: data, as: UTF8.self))
        } catch {
            throw CLIError("\(AllowedSigners.path):\(error.line): \(error.reason)")
        }
    }

    /// The keys `audit verify` trusts: those the wiki publishes and the data directory's own; nil when there are
    /// none (signatures cannot be checked then).
    static func trustedSigners(in repository: Repository, at commit: ObjectID?, data: DataDirectory = .current) throws -> AllowedSigners? {
        let published = try commit.flatMap { try publishedSigners(in: repository, at: $0) }
        let own = try existingPublicKey(in: data)
        if let own, published?.lists(own) != true {
            Console.note("the data directory's audit signing key \(own.fingerprint) is not in the wiki's \(AllowedSigners.path): "
                + "publish it with `runbook audit key >> \(AllowedSigners.path)` and commit")
        }
        let signers = (published?.signers ?? []) + (own.map { [AllowedSigners.Signer(principals: principal, key: $0)] } ?? [])
        return signers.isEmpty ? nil : AllowedSigners(signers: signers)
    }

    /// The audit log of `branch` in `repository`, signing with the data directory's key and anchoring there.
    static func auditLog(repository: Repository, branch: String, data: DataDirectory = .current) throws -> AuditLog {
        try AuditLog(repository: repository, branch: branch, signer: key(in: data),
                     anchor: AuditAnchor(dataDirectory: data.path, repository: repository, branch: branch),
                     grouping: AuditBatch.commits(for:))
    }
}
