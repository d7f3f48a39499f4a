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
        let path = repository.canonicalGitDirectory
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
        // A read that met a write half done sees a line that does not parse; the write takes microseconds, so the
        // next read sees it whole.
        for _ in 0..<3 {
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            let fields = String(decoding: data, as: UTF8.self).split(separator: " ")
            if fields.count >= 2, let commit = ObjectID(hex: String(fields[0])), let seconds = TimeInterval(fields[1]) {
                return Head(commit: commit, time: Date(timeIntervalSince1970: seconds))
            }
        }
        throw WikiError.unreadableAnchor(path: path, reason: "expected 'COMMIT SECONDS …'")
    }

    /// Records `commit` as the head of `kind`.
    ///
    /// Written in place, one `pwrite` of a line whose length never changes for an anchor: a reader sees the old line
    /// or the new one. Not synced to disk: an anchor that a crash leaves one batch behind still names a commit of the
    /// history. (Foundation's file writing syncs, and replacing the file by a rename makes ext4 flush it: 0.6 and
    /// 0.3 ms a batch, measured with `ExecutorBench sign`.)
    public func record(_ commit: ObjectID, as kind: Kind, at time: Date = Date()) throws {
        let line = Array("\(commit.hex) \(String(format: "%012d", Int(time.timeIntervalSince1970))) \(repository) \(branch)\n".utf8)
        let path = path(kind)
        var descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor < 0 && errno == ENOENT {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else { throw failure(path) }
        defer { close(descriptor) }
        let written = line.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        guard written == line.count, ftruncate(descriptor, off_t(line.count)) == 0 else { throw failure(path) }
    }

    private func failure(_ path: String) -> WikiError {
        .unreadableAnchor(path: path, reason: "cannot be written: \(String(cString: strerror(errno)))")
    }
}
