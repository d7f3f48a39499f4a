import Executor
import Foundation
import Hummingbird
import HummingbirdTesting
import ITIL
import Logging
import OnCall
import RunbookServer
import Testing
import Wiki

/// One test's server: a temporary wiki (runbooks on `main`, incidents on `audit`), a token per
/// role, and a ``RunbookServer`` on them. Removed when the value goes away.
final class ServerSandbox: @unchecked Sendable {
    let path: String
    let repository: Repository
    let store: IncidentStore
    let tokens: TokenFile
    let server: RunbookApplication
    /// A secret per role, named after the role (`viewer`, `responder`, `approver`, `admin`).
    let secrets: [Role: String]

    /// A sandbox whose wiki holds `pages` (name without `.md` → Markdown) under `runbooks/`.
    ///
    /// - Parameters:
    ///   - files: other wiki files by path (the on-call configuration).
    ///   - onCall: paging's setup, as `runbook serve` makes it; nil for a server that pages nobody.
    init(pages: [String: String] = [:], files: [String: String] = [:], settings: ServerSettings = ServerSettings(), feedMemory: Int = 16_384,
         workers: Int = 4, onCall: ((String) throws -> OnCallSetup)? = nil, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("server-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        repository = try Repository.create(at: path + "/wiki.git", bare: true)
        try Self.commit(pages, files: files, to: repository)
        tokens = try TokenFile(path: path + "/tokens")
        var secrets: [Role: String] = [:]
        for role in Role.allCases { secrets[role] = try tokens.add(name: role.rawValue, role: role) }
        self.secrets = secrets
        (store, server) = try Self.serve(path: path, repository: repository, tokens: tokens, settings: settings, feedMemory: feedMemory,
                                         workers: workers, onCall: try onCall?(path), clock: clock)
        owner = true
    }

    /// The same wiki, audit branch and tokens under a new store and server: a restart (the first is not stopped here).
    init(restarting earlier: ServerSandbox, settings: ServerSettings = ServerSettings(), clock: @escaping @Sendable () -> Date = { Date() }) throws {
        (path, repository, tokens, secrets) = (earlier.path, earlier.repository, earlier.tokens, earlier.secrets)
        (store, server) = try Self.serve(path: path, repository: repository, tokens: tokens, settings: settings, feedMemory: 16_384,
                                         workers: 4, onCall: nil, clock: clock)
        owner = false
    }

    private static func serve(path: String, repository: Repository, tokens: TokenFile, settings: ServerSettings, feedMemory: Int,
                              workers: Int, onCall: OnCallSetup?, clock: @escaping @Sendable () -> Date) throws
        -> (IncidentStore, RunbookApplication) {
        let store = try IncidentStore(auditLog: AuditLog(repository: repository), feedMemory: feedMemory)
        // A data directory only where audit remotes need one (their state, SSH configuration and secrets).
        let executorSettings = ExecutorSettings(
            workRoot: path + "/work", stateDirectory: path + "/state", workers: workers, gracePeriod: .milliseconds(200),
            owner: "test:\(getpid())", dataDirectory: settings.auditRemotes.isEmpty ? nil : dataDirectory(path))
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = try RunbookApplication(wiki: repository, store: store, executorSettings: executorSettings, tokens: tokens,
                                            settings: settings, onCall: onCall, logger: logger, clock: clock)
        return (store, server)
    }

    /// The data directory of a server with audit remotes.
    static func dataDirectory(_ path: String) -> String { path + "/data" }
    var dataDirectory: String { Self.dataDirectory(path) }

    /// Whether this sandbox made the folder (and removes it).
    private let owner: Bool

    deinit { if owner { try? FileManager.default.removeItem(atPath: path) } }

    /// Commits `pages` under `runbooks/` on `main` (a deployment, when a server is watching).
    static func commit(_ pages: [String: String], files: [String: String] = [:], to repository: Repository) throws {
        var changes: [FileChange] = pages.isEmpty && files.isEmpty
            ? [.write(path: "README.md", contents: Data("wiki\n".utf8))]
            : pages.map { .write(path: "runbooks/\($0.key).md", contents: Data($0.value.utf8)) }
        changes += files.map { .write(path: $0.key, contents: Data($0.value.utf8)) }
        _ = try repository.commit(changes: changes, to: "main", expectedParent: try repository.branchHead("main"),
                                  author: Signature(name: "Alice", email: "alice@example.com"), message: "Runbooks")
    }

    /// Runs `test` against the router (no sockets).
    func test(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await server.application().test(.router) { client in try await test(client) }
    }

    /// Headers with the bearer token of `role`.
    func auth(_ role: Role) -> HTTPFields {
        [.authorization: "Bearer \(secrets[role]!)", .contentType: "application/json"]
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// The API error's code, when the body is one.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
    var text: String { String(buffer: body) }
}

/// A body from JSON text.
func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// Waits until `condition` holds, up to `timeout`.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return false
}

/// Runbook pages for the tests.
enum Pages {
    static let quick = """
        ---
        title: Quick fix
        match:
          - alertname="QuickFix"
        params:
          HOST: { from: labels.instance, default: "localhost", pattern: '^[a-z0-9.-]+$' }
        ---
        # Quick fix

        ## Say hello

        ```sh
        echo "hello $HOST"
        ```
        """

    static let gated = """
        ---
        title: Gated fix
        match:
          - alertname="Gated"
        ---
        # Gated fix

        ## Check

        ```sh
        echo checking
        ```

        ## Restart

        ```sh {approve=true}
        echo restarting
        ```
        """

    static let manual = """
        ---
        title: Manual
        match:
          - alertname="Manual"
        resolve: never
        ---
        # Manual

        ## Look

        ```sh
        echo looking
        ```
        """
}
