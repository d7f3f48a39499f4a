import Foundation
import ITIL
import Wiki

/// A throwaway wiki repository with an audit branch, removed when the value goes away.
public final class TemporaryAudit: @unchecked Sendable {
    public let path = FileManager.default.temporaryDirectory.appendingPathComponent("itil-store-\(UUID().uuidString)").path
    public let repository: Repository
    public let auditLog: AuditLog
    /// The writer's signing key, when it signs.
    public let signingKey: SSHSigningKey?
    /// The data directory's anchor of the branch, when the writer records one.
    public let anchor: AuditAnchor?

    /// A repository whose audit log signs its commits and records its head in a data directory beside it when `signed`.
    public init(signed: Bool = false) throws {
        repository = try Repository.create(at: path, bare: true)
        signingKey = signed ? SSHSigningKey(comment: "runbook-audit") : nil
        anchor = signed ? AuditAnchor(dataDirectory: path + "-data", repository: repository, branch: "audit") : nil
        auditLog = try AuditLog(repository: repository, signer: signingKey, anchor: anchor)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + "-data")
    }

    /// The writer's key as the wiki's `config/audit-signers` would list it.
    public func signers() throws -> AllowedSigners? {
        try signingKey.map { try AllowedSigners(text: "runbook-audit \($0.publicKey.line)\n") }
    }

    /// A store on a second `Repository` instance, as another process would have.
    public func otherStore(clock: @escaping @Sendable () -> Date = { Date() }) throws -> IncidentStore {
        try IncidentStore(auditLog: AuditLog(repository: Repository.open(path)), clock: clock)
    }

    /// Runs the git CLI on the repository.
    @discardableResult
    public func git(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["--git-dir", path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["FILTER_BRANCH_SQUELCH_WARNING"] = "1"
        environment["GIT_AUTHOR_NAME"] = "mallory"
        environment["GIT_AUTHOR_EMAIL"] = "mallory@example.com"
        environment["GIT_COMMITTER_NAME"] = "mallory"
        environment["GIT_COMMITTER_EMAIL"] = "mallory@example.com"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A clock the test moves by hand.
public final class TestClock: @unchecked Sendable {
    public init() {}

    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    public var now: Date { lock.withLock { current } }

    public func advance(_ seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}

extension IncidentRequest {
    /// A request from an alert with this fingerprint.
    public static func alert(_ fingerprint: String, summary: String = "Disk almost full on db1", severity: String = "critical") -> IncidentRequest {
        IncidentRequest(
            shortDescription: summary, severity: severity, labels: ["alertname": "DiskAlmostFull", "instance": "db1"],
            alert: AlertKey(source: "alertmanager", key: fingerprint))
    }
}
