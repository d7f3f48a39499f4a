import ArgumentParser
import Executor
import Foundation
import ITIL
import Logging
import RunbookServer
import Runbooks

/// `runbook serve`: the HTTP server on the wiki, with intake, the REST API and the runs.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server: alert intake (Alertmanager, PagerDuty, Grafana, REST), the REST API and /metrics.",
        discussion: """
            With no options it serves the wiki the other commands use (the git work tree you are in if \
            it has runbooks/, else the embedded wiki under RUNBOOK_HOME, default ./.runbook) on \
            http://127.0.0.1:8080. On first start it creates an admin token, prints it once and stores \
            only its hash (in RUNBOOK_HOME/tokens unless --token-file says otherwise). Every option can \
            also be set by the environment variable named in its help. SIGTERM or SIGINT stops accepting \
            requests, lets running steps go on for --shutdown-grace seconds, then interrupts the rest.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var executor: ExecutorOptions

    @Option(help: ArgumentHelp("The data directory: the embedded wiki, the token file, run work directories ($RUNBOOK_HOME, default ./.runbook).",
                               valueName: "path"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Most series the anomaly detector watches; the least recently updated go first ($RUNBOOK_MAX_SERIES, default 100000).",
                               valueName: "count"))
    var maxSeries: Int?

    @Option(help: ArgumentHelp("Most open incidents with their own deadline series on /metrics, the soonest first ($RUNBOOK_METRICS_INCIDENT_LIMIT, default 500).",
                               valueName: "count"))
    var metricsIncidentLimit: Int?

    @Option(help: ArgumentHelp("Address to listen on ($RUNBOOK_ADDRESS, default 127.0.0.1).", valueName: "address"))
    var address: String?

    @Option(help: ArgumentHelp("Port to listen on, 0 for any free one ($RUNBOOK_PORT, default 8080).", valueName: "port"))
    var port: Int?

    @OptionGroup var tokenFile: TokensCommand.FileOption

    @Option(help: ArgumentHelp("Largest request body in bytes ($RUNBOOK_BODY_LIMIT, default 1 MiB).", valueName: "bytes"))
    var bodyLimit: Int?

    @Option(help: ArgumentHelp("Seconds running steps get on shutdown before their runs are interrupted ($RUNBOOK_SHUTDOWN_GRACE, default 10).",
                               valueName: "seconds"))
    var shutdownGrace: Double?

    @Option(help: ArgumentHelp("The server's address as people reach it, for the links in notifications ($RUNBOOK_PUBLIC_URL, "
                               + "default http://ADDRESS:PORT).", valueName: "url"))
    var publicURL: String?

    @Option(help: ArgumentHelp("A PEM certificate chain to serve HTTPS with, with --tls-key ($RUNBOOK_TLS_CERT).", valueName: "path"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-cert ($RUNBOOK_TLS_KEY).", valueName: "path"))
    var tlsKey: String?

    @Option(name: .customLong("audit-remote"),
            help: ArgumentHelp("A git server that keeps a copy of the audit branch, pushed after every batch (repeat for more; "
                               + "also audit_remotes: in $RUNBOOK_HOME/config.yaml).", valueName: "name=url"),
            transform: { text in
                do { return try AuditRemote(parsing: text) } catch { throw ValidationError("--audit-remote: \(error)") }
            })
    var auditRemotes: [AuditRemote] = []

    @Option(help: ArgumentHelp("How much the server logs ($RUNBOOK_LOG_LEVEL, default info).", valueName: "level"))
    var logLevel: Logger.Level?

    func run() async throws {
        // Everything that finds the data directory reads RUNBOOK_HOME, so the flag sets it first.
        if let dataDir { setenv("RUNBOOK_HOME", dataDir, 1) }
        let environment = ProcessInfo.processInfo.environment
        let level = try logLevel ?? environment["RUNBOOK_LOG_LEVEL"].map(Self.level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "runbook")
        logger.logLevel = level

        var settings = ServerSettings()
        settings.host = address ?? environment["RUNBOOK_ADDRESS"] ?? settings.host
        settings.port = try port ?? Self.integer(environment["RUNBOOK_PORT"], "RUNBOOK_PORT") ?? settings.port
        settings.bodyLimit = try bodyLimit ?? Self.integer(environment["RUNBOOK_BODY_LIMIT"], "RUNBOOK_BODY_LIMIT") ?? settings.bodyLimit
        if let grace = try shutdownGrace ?? environment["RUNBOOK_SHUTDOWN_GRACE"].map({ try Self.seconds($0) }) {
            settings.shutdownGrace = .milliseconds(Int64(grace * 1000))
        }
        settings.maximumSeries = try maxSeries ?? Self.integer(environment["RUNBOOK_MAX_SERIES"], "RUNBOOK_MAX_SERIES") ?? settings.maximumSeries
        guard settings.maximumSeries >= 1 else { throw ValidationError("the series limit must be at least 1") }
        settings.metricsIncidentLimit = try metricsIncidentLimit
            ?? Self.integer(environment["RUNBOOK_METRICS_INCIDENT_LIMIT"], "RUNBOOK_METRICS_INCIDENT_LIMIT") ?? settings.metricsIncidentLimit
        guard settings.metricsIncidentLimit >= 0 else { throw ValidationError("the metrics incident limit must be 0 or more") }
        guard (0...65535).contains(settings.port) else { throw ValidationError("the port must be 0 to 65535, not \(settings.port)") }
        guard settings.bodyLimit >= 1024 else { throw ValidationError("the body limit must be at least 1024 bytes") }
        switch (tlsCert ?? environment["RUNBOOK_TLS_CERT"], tlsKey ?? environment["RUNBOOK_TLS_KEY"]) {
        case (nil, nil): break
        case (let certificate?, let key?):
            do { try settings.useTLS(certificate: certificate, key: key) } catch { throw ValidationError("\(error)") }
        default: throw ValidationError("--tls-cert and --tls-key go together: give both or neither")
        }

        settings.auditRemotes = try DataDirectory.current.auditRemotes(adding: auditRemotes)

        // After RUNBOOK_HOME is set from --data-dir, so the default file is inside it.
        let tokens = try tokenFile.open()
        if tokens.entries.isEmpty {
            let secret = try tokens.add(name: "admin", role: .admin)
            Console.out("created the admin token (shown once, stored only as a hash in \(tokens.path)):\n  \(secret)")
        }

        // Alerts are acknowledged once in the intake journal; what a killed server left there is committed first.
        let incidents = try store.openStore(journaling: true)
        // Packs earlier servers wrote and never merged (one killed mid-storm leaves dozens) join this one's merges.
        do { try incidents.auditLog.repository.mergePacksOnDisk() } catch { Console.note("packs on disk are not merged: \(error)") }
        let wikiRepository = try store.wikiOptions.openRepository()
        // Says so on stderr when the signing key is not published in the wiki yet.
        _ = try? AuditSigning.trustedSigners(in: wikiRepository, at: try? wikiRepository.resolve("HEAD"))
        // A remote that cannot be reached as configured (an SSH host not in the inventory) is a mistake to say now.
        let inventory = try Inventory.atHead(of: wikiRepository)
        for remote in settings.auditRemotes {
            do {
                _ = try AuditRemoteTransport(remote: remote, gitDirectory: incidents.auditLog.repository.gitDirectory, inventory: inventory,
                                             dataDirectory: DataDirectory.current.path)
            } catch {
                throw ValidationError("\(error)")
            }
            logger.info("copying the audit branch to a remote", metadata: ["remote": "\(remote.name)", "url": "\(remote.displayURL)"])
        }
        let onCall = try OnCallSetup.load(dataDirectory: DataDirectory.current.path, publicURL: try publicAddress(settings, environment))
        let server = try RunbookApplication(
            wiki: wikiRepository, store: incidents, executorSettings: executor.settings(for: incidents),
            tokens: tokens, settings: settings, onCall: onCall, logger: logger)
        await server.restoreDetectors()
        let (resumed, interrupted) = try await server.takeOverRuns()
        for run in interrupted {
            logger.warning("run was interrupted earlier", metadata: ["run": "\(run.id)", "outcome": "\(run.outcome ?? "")"])
        }
        if !resumed.isEmpty { logger.notice("resumed runs left waiting", metadata: ["runs": "\(resumed.map(\.id.description))"]) }
        let library = await server.wiki.library
        let (host, configuredPort, scheme) = (settings.host, settings.port, settings.tls == nil ? "http" : "https")
        let app = try server.application { channel in
            let port = channel.localAddress?.port ?? configuredPort
            Console.out("listening on \(scheme)://\(host):\(port) (wiki \(library.commit.short), \(library.runbooks.count) runbooks)")
        }
        try await app.runService()
        await incidents.drainJournal()
        logger.notice("stopped")
    }

    /// Where people reach the server: `--public-url`, else the address it listens on.
    private func publicAddress(_ settings: ServerSettings, _ environment: [String: String]) throws -> URL {
        let text = publicURL ?? environment["RUNBOOK_PUBLIC_URL"] ?? "\(settings.tls == nil ? "http" : "https")://\(settings.host):\(settings.port)"
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("the public URL must be an http(s) address such as https://oncall.example.com, not '\(text)'")
        }
        return url
    }

    /// `$RUNBOOK_LOG_LEVEL`, read as `--log-level` is.
    private static func level(_ text: String) throws -> Logger.Level {
        guard let level = Logger.Level(argument: text) else {
            let levels = Logger.Level.allValueStrings.joined(separator: ", ")
            throw ValidationError("unknown log level '\(text)' in RUNBOOK_LOG_LEVEL; use one of: \(levels)")
        }
        return level
    }

    private static func integer(_ text: String?, _ name: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(name) must be a whole number, not '\(text)'") }
        return value
    }

    private static func seconds(_ text: String) throws -> Double {
        guard let value = Double(text), value >= 0 else { throw ValidationError("RUNBOOK_SHUTDOWN_GRACE must be seconds, not '\(text)'") }
        return value
    }
}
