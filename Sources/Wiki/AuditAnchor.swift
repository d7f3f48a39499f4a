import Crypto
import Foundation

/// The audit branch's head recorded outside the repository (in the data directory), so that someone who can
/// write to the repository cannot rewrite its history and move every record of where it stood.
///
/// Two heads are kept, each in a file of its own so their writers never race: the last one this data
/// directory's writers committed (updated after every batch, under the writer lock) and the last one
/// `runbook audit verify` passed. Both must stay in the branch's history; a head that is not is a rewrite.
///
/// Files: `DATA/audit/anchors/<id>.written` and `.verified`, where `<id>` is derived from the repository's
/// path and the branch, one line each: the commit, the time, the repository and the branch.
public struct AuditAnchor: Sendable {
    /// A head as recorded.
    public struct Head: Sendable, Equatable {
        public let commit: ObjectID
        public let time: Date
    }

    /// Which of the two heads.
    public enum Kind: String, Sendable, CaseIterable {
        case written
        case verified
    }

    /// The folder holding the anchors.
    public let folder: String
    /// The anchor's name: a hash of the repository's path and the branch.
    public let id: String
    let repository: String
    let branch: String

    /// The anchor of `branch` in `repository` kept in `dataDirectory`.
    public init(dataDirectory: String, repository: Repository, branch: String) {
        folder = (dataDirectory as NSString).appendingPathComponent("audit/anchors")
        let path = URL(fileURLWithPath: repository.gitDirectory).resolvingSymlinksInPath().standardizedFileURL.path
        self.repository = path
        self.branch = branch
        let digest = SHA256.hash(data: Data("\(path)\n\(branch)".utf8))
        id = digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The file of `kind`.
    public func path(_ kind: Kind) -> String {
        (folder as NSString).appendingPathComponent("\(id).\(kind.rawValue)")
    }

    /// The recorded head of `kind`; nil when none was recorded yet.
    ///
    /// - Throws: ``WikiError/unreadableAnchor(path:reason:)`` when the file exists but does not hold a head.
    public func head(_ kind: Kind) throws -> Head? {
        let path = path(kind)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let fields = String(decoding: data, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let commit = ObjectID(hex: String(fields[0])), let seconds = TimeInterval(fields[1]) else {
            throw WikiError.unreadableAnchor(path: path, reason: "expected 'COMMIT SECONDS …'")
        }
        return Head(commit: commit, time: Date(timeIntervalSince1970: seconds))
    }

    /// Records `commit` as the head of `kind`, atomically (a reader sees the old line or the new one).
    ///
    /// Not synced to disk: an anchor that a crash leaves one batch behind still names a commit of the history.
    public func record(_ commit: ObjectID, as kind: Kind, at time: Date = Date()) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let line = "\(commit.hex) \(Int(time.timeIntervalSince1970)) \(repository) \(branch)\n"
        let path = path(kind)
        let temporary = path + ".tmp\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(line.utf8)) else {
            throw WikiError.unreadableAnchor(path: temporary, reason: "cannot be written: \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WikiError.unreadableAnchor(path: path, reason: "cannot be written: \(reason)")
        }
    }
}
