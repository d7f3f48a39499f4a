import Foundation
import ITIL
import Wiki

/// A throwaway wiki repository with an audit branch, removed when the value goes away.
public final class TemporaryAudit: @unchecked Sendable {
    public let path = FileManager.default.temporaryDirectory.appendingPathComponent("itil-store-\(UUID().uuidString)").path
    public let repository: Repository
    public let auditLog: AuditLog

    public init() throws {
        repository = try Repository.create(at: path, bare: true)
        auditLog = try AuditLog(repository: repository)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

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
