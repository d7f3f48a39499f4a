import Foundation
import Testing

/// `runbook serve` behind the real Prometheus and Alertmanager (Debian's packages), all on loopback: what a user
/// running the usual monitoring stack sees, with no hand-written webhook bodies in between.
///
/// Prometheus evaluates two always-firing rules every second. `AlwaysFiring` has a runbook (two quick steps,
/// `resolve: never`); `AlwaysFiringNoRunbook` has none. Removing both rules makes Alertmanager send the resolved
/// notifications, which the two incidents take differently.
///
/// Prometheus also scrapes the server's `/metrics` with the rules we ship (`contrib/prometheus/runbook-rules.yml`):
/// a P1 incident whose response target is 5 minutes away fires `RunbookIncidentResponseDueSoon`, and acknowledging
/// it resolves the alert. Alertmanager routes the shipped rules' alerts to a receiver of their own, as a team would:
/// the pager's own alerts do not go through the pager.
@Suite
struct AlertmanagerIntegrationTests {
    /// Found on PATH as `scripts/setup` looks for them; Debian installs them in /usr/bin.
    static let prometheus = executableOnPath("prometheus")
    static let alertmanager = executableOnPath("prometheus-alertmanager")

    /// Both daemons are installed (`scripts/setup --integration` installs them).
    static var toolsInstalled: Bool { prometheus != nil && alertmanager != nil }

    /// On CI (`CI` set) the test runs even without the daemons, and fails saying so: a silent skip there would hide the
    /// only test of the real Alertmanager contract.
    static var mustRun: Bool { toolsInstalled || ProcessInfo.processInfo.environment["CI"] != nil }

    /// `AlwaysFiring`'s incident and `AlwaysFiringNoRunbook`'s.
    private typealias IncidentPair = (APIReader.Incident, APIReader.Incident)

    @Test(.timeLimit(.minutes(3)),
          .enabled(if: mustRun, "needs prometheus and prometheus-alertmanager on PATH (scripts/setup --integration installs them)"))
    func prometheusAlertsOpenIncidentsRunTheRunbookAndTheirResolutionReachesTheIncidents() async throws {
        let tools = try #require(Self.prometheus.flatMap { prometheus in Self.alertmanager.map { (prometheus, $0) } },
                                 "CI must have prometheus and prometheus-alertmanager on PATH: scripts/setup --integration installs them")
        let clock = ContinuousClock()
        let began = clock.now
        let cli = try CLI()
        defer { cli.cleanUp() }
        let children = ChildProcesses(logDirectory: cli.directory)
        defer { children.stopAll() }

        let token = try Self.responderToken(cli)
        let serverURL = try await Self.startServer(cli, children)
        let prometheusURL = try Self.startMonitoring(tools, cli, children, serverURL: serverURL, token: token)
        let server = APIReader(baseURL: serverURL, token: token)

        // Firing: one incident per alert, however often Prometheus re-sends them (every second here).
        let (handled, unhandled) = try await children.eventually("an incident for each firing alert") { () async throws -> IncidentPair? in
            let byAlert = try await server.incidentsByAlertName()
            return byAlert["AlwaysFiring"].flatMap { handled in byAlert["AlwaysFiringNoRunbook"].map { (handled, $0) } }
        }
        let fired = clock.now - began
        #expect(unhandled.state == "new", "no runbook matches, so nothing works on it")

        let run = try await children.eventually("the runbook's run to finish") {
            try await server.runs(of: handled.number).first { !["queued", "running", "awaiting-approval"].contains($0.state) }
        }
        #expect(run.state == "succeeded")
        #expect(run.steps.map(\.id) == ["say", "check"])
        #expect(run.steps.map(\.state) == ["succeeded", "succeeded"])
        let worked = try await children.eventually("the run's summary on its incident") {
            let incident = try await server.incident(handled.number)
            return incident.workNotes.contains { $0.text.contains("leaves resolving to a person") } ? incident : nil
        }
        #expect(worked.state == "in-progress", "resolve: never keeps a successful run from resolving it")

        // The deadline, watched by the team's own Prometheus with the shipped rules.
        let urgent = try await server.open(#"{"short_description": "Checkout down", "service": "checkout", "impact": 1, "urgency": 1}"#)
        let dueSoon = try await children.eventually("RunbookIncidentResponseDueSoon to fire for \(urgent)") {
            try await Self.firingAlerts(prometheusURL).first { $0["alertname"] == "RunbookIncidentResponseDueSoon" && $0["number"] == urgent }
        }
        #expect(dueSoon["priority"] == "1" && dueSoon["service"] == "checkout" && dueSoon["severity"] == "critical")
        _ = try await server.acknowledge(urgent)
        _ = try await children.eventually("RunbookIncidentResponseDueSoon to resolve once acknowledged") { () async throws -> Bool? in
            try await Self.firingAlerts(prometheusURL).contains { $0["alertname"] == "RunbookIncidentResponseDueSoon" } ? nil : true
        }
        let scraped = try await Self.query(prometheusURL, #"up{job="runbook"}"#)
        #expect(scraped == 1, "Prometheus scrapes the server: RunbookServerDown would fire when it stops answering")

        // Resolved: with the rules gone Prometheus stops re-sending the alerts, Alertmanager lets them lapse at their
        // endsAt (4 x the 1 s resend delay) and sends the resolved notification at the next group interval.
        try "groups: []\n".write(toFile: cli.path("rules.yml"), atomically: true, encoding: .utf8)
        let reload = try await LoopbackHTTP.request(prometheusURL + "/-/reload", method: "POST")
        try #require(reload.status == 200, "Prometheus refused the reload: \(reload.text)")
        let removed = clock.now - began
        let resolvedNote = "alertmanager: the alert AlwaysFiring resolved at "
        let (stillOpen, resolved) = try await children.eventually("both resolved notifications") { () async throws -> IncidentPair? in
            let first = try await server.incident(handled.number)
            let second = try await server.incident(unhandled.number)
            guard first.workNotes.contains(where: { $0.text.hasPrefix(resolvedNote) }), second.state == "resolved" else { return nil }
            return (first, second)
        }
        let cleared = clock.now - began

        // The runbook says a person resolves it: the notification only adds a work note.
        let note = try #require(stillOpen.workNotes.last(where: { $0.text.hasPrefix(resolvedNote) }))
        #expect(note.author == "alertmanager", "the token's name is the actor")
        #expect(note.text.hasSuffix("The runbook always-firing leaves resolving to a person."), "\(note.text)")
        #expect(stillOpen.state == "in-progress")
        #expect(stillOpen.closeCode == nil)
        // Nothing ran for the other one: the notification resolves it, as the caller's doing.
        #expect(resolved.closeCode == "resolved-by-caller")
        #expect(resolved.workNotes.contains { $0.text.hasPrefix("alertmanager: the alert AlwaysFiringNoRunbook resolved at ") })
        let all = try await server.incidents()
        // Resends and resolved notifications open nothing new (the third is the P1 opened by hand), and the deadline
        // alert did not come back through the pager.
        #expect(all.count == 3, "\(all.map(\.number))")

        print("AlertmanagerIntegration: fired after \(seconds(fired)), rules removed at \(seconds(removed)), "
              + "resolved at \(seconds(cleared))")

        // `runbook serve --help` promises that SIGTERM stops it, as a service manager stops it; the monitoring daemons
        // stop first, so nothing is still being sent to it.
        let killed = children.stopAll()
        #expect(killed.isEmpty, "ignored SIGTERM for 5 s and were killed: \(killed)")
    }

    /// `7.3 s`, for the timings the test prints.
    private func seconds(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        return String(format: "%.1f s", Double(whole) + Double(fraction) / 1e18)
    }

    // MARK: - The server

    /// A responder token made beforehand with the CLI, as an operator would make one for Alertmanager; the server then
    /// finds a non-empty token file and creates no admin token.
    private static func responderToken(_ cli: CLI) throws -> String {
        let made = try cli.run(["tokens", "add", "alertmanager", "--role", "responder", "--token-file", cli.path("tokens")])
        try #require(made.status == 0, "\(made.stderr)")
        let secret = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!secret.isEmpty && !secret.contains("\n"), "expected only the secret: \(made.stdout)")
        return secret
    }

    /// A committed wiki with the one runbook, served on a free port; returns the server's URL once it says where it listens.
    private static func startServer(_ cli: CLI, _ children: ChildProcesses) async throws -> String {
        let wiki = cli.path("wiki")
        let initialized = try cli.run(["init", wiki])
        try #require(initialized.status == 0, "\(initialized.stderr)")
        try alwaysFiringRunbook.write(toFile: wiki + "/runbooks/always-firing.md", atomically: true, encoding: .utf8)
        // P1 must be acknowledged within 5 minutes, so it is within the shipped rule's 10 minutes at once.
        try "priorities:\n  1: { response: 5m, resolution: 4h }\n".write(toFile: wiki + "/config/sla.yaml", atomically: true, encoding: .utf8)
        _ = try cli.git(wiki, ["add", "-A"])
        _ = try cli.git(wiki, ["-c", "user.name=Test", "-c", "user.email=t@example.com", "commit", "-q", "-m", "Add the always-firing runbook"])

        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RUNBOOK_") }
        environment["RUNBOOK_HOME"] = cli.path(".runbook")
        environment["RUNBOOK_WIKI"] = wiki
        environment["RUNBOOK_ADDRESS"] = "127.0.0.1"
        environment["RUNBOOK_PORT"] = "0"
        environment["RUNBOOK_TOKEN_FILE"] = cli.path("tokens")
        let server = try children.start("runbook serve", CLI.executable, ["serve"], environment: environment)
        let port = try await children.eventually("runbook serve to listen") { listeningPort(in: server.log) }
        return "http://127.0.0.1:\(port)"
    }

    /// The port of the `listening on http://127.0.0.1:PORT (...)` line, once the server has printed it.
    private static func listeningPort(in log: String) -> Int? {
        let marker = "listening on http://127.0.0.1:"
        guard let line = log.split(separator: "\n").first(where: { $0.hasPrefix(marker) }) else { return nil }
        return Int(line.dropFirst(marker.count).prefix { $0.isNumber })
    }

    /// Matched by `alertname` alone; both steps succeed at once. `resolve: never` so that the run leaves the incident
    /// open and the resolved notification is what the test sees arrive.
    private static let alwaysFiringRunbook = """
        ---
        title: Always firing (integration test)
        match:
          - alertname="AlwaysFiring"
        resolve: never
        ---
        # Always firing

        Prometheus fires this on every evaluation; the steps only look.

        ```sh {id=say timeout=10s}
        echo "AlwaysFiring came through Prometheus and Alertmanager"
        ```

        ```sh {id=check timeout=10s}
        true
        ```

        """

    // MARK: - Prometheus and Alertmanager

    /// Alertmanager posting to the server with the token, then Prometheus alerting to it; returns Prometheus's URL.
    private static func startMonitoring(_ tools: (prometheus: URL, alertmanager: URL), _ cli: CLI, _ children: ChildProcesses,
                                        serverURL: String, token: String) throws -> String {
        let alertmanagerPort = try LoopbackHTTP.freePort()
        let prometheusPort = try LoopbackHTTP.freePort()
        // The secret stays out of the configuration file, as in production (`credentials_file`).
        try token.write(toFile: cli.path("alertmanager.token"), atomically: true, encoding: .utf8)
        try alertmanagerConfig(webhook: serverURL + "/api/v1/alerts/alertmanager", tokenFile: cli.path("alertmanager.token"))
            .write(toFile: cli.path("alertmanager.yml"), atomically: true, encoding: .utf8)
        let server = try #require(URL(string: serverURL).flatMap { url in url.port.map { "127.0.0.1:\($0)" } })
        try prometheusConfig(rules: [cli.path("rules.yml"), shippedRules], alertmanagerPort: alertmanagerPort, server: server)
            .write(toFile: cli.path("prometheus.yml"), atomically: true, encoding: .utf8)
        try alwaysFiringRules.write(toFile: cli.path("rules.yml"), atomically: true, encoding: .utf8)

        let environment = ProcessInfo.processInfo.environment
        try children.start("alertmanager", tools.alertmanager, [
            "--config.file=" + cli.path("alertmanager.yml"),
            "--storage.path=" + cli.path("alertmanager-data"),
            "--web.listen-address=127.0.0.1:\(alertmanagerPort)",
            // No gossip: a lone instance, and no port 9094 to collide with other builds.
            "--cluster.listen-address=",
            "--log.level=debug",
        ], environment: environment)
        try children.start("prometheus", tools.prometheus, [
            "--config.file=" + cli.path("prometheus.yml"),
            "--storage.tsdb.path=" + cli.path("prometheus-data"),
            "--web.listen-address=127.0.0.1:\(prometheusPort)",
            // For POST /-/reload.
            "--web.enable-lifecycle",
            // Firing alerts go out with endsAt = 4 x max(resend delay, evaluation interval): 4 s here, not 4 min, so an
            // alert whose rule is gone lapses in seconds.
            "--rules.alert.resend-delay=1s",
        ], environment: environment)
        return "http://127.0.0.1:\(prometheusPort)"
    }

    /// Two rules true on every evaluation (`vector(1)`), firing at once (`for: 0s`).
    private static let alwaysFiringRules = """
        groups:
          - name: integration
            rules:
              - alert: AlwaysFiring
                expr: vector(1)
                for: 0s
                labels: { severity: warning }
                annotations: { summary: "always firing, for the integration test" }
              - alert: AlwaysFiringNoRunbook
                expr: vector(1)
                for: 0s
                labels: { severity: warning }

        """

    /// The rules we ship, as a user would load them.
    static let shippedRules = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../contrib/prometheus/runbook-rules.yml").standardized.path

    /// Evaluates and scrapes the server (job `runbook`, as the shipped rules expect) every second.
    private static func prometheusConfig(rules: [String], alertmanagerPort: Int, server: String) -> String {
        """
        global:
          evaluation_interval: 1s
        rule_files: [\(rules.map { "\"\($0)\"" }.joined(separator: ", "))]
        scrape_configs:
          - job_name: runbook
            scrape_interval: 1s
            static_configs:
              - targets: ["\(server)"]
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ["127.0.0.1:\(alertmanagerPort)"]

        """
    }

    /// The alerts Prometheus has firing now, as their label sets.
    static func firingAlerts(_ prometheusURL: String) async throws -> [[String: String]] {
        let reply = try await LoopbackHTTP.request(prometheusURL + "/api/v1/alerts")
        let json = try JSONSerialization.jsonObject(with: reply.body) as? [String: Any]
        let alerts = (json?["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
        return alerts.filter { $0["state"] as? String == "firing" }.compactMap { $0["labels"] as? [String: String] }
    }

    /// The value of an instant query with one result.
    static func query(_ prometheusURL: String, _ expression: String) async throws -> Double? {
        let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
        let reply = try await LoopbackHTTP.request(prometheusURL + "/api/v1/query?query=" + encoded)
        let json = try JSONSerialization.jsonObject(with: reply.body) as? [String: Any]
        let result = ((json?["data"] as? [String: Any])?["result"] as? [[String: Any]])?.first
        return (result?["value"] as? [Any])?.last.flatMap { ($0 as? String).flatMap(Double.init) }
    }

    /// One group per alert name, sent after a second and again a second after any change; no repeats within the test.
    /// The shipped rules' alerts (`Runbook...`) go to a receiver of their own: a team routes them to a channel that
    /// does not depend on this server (README, "Watching the pager").
    private static func alertmanagerConfig(webhook: String, tokenFile: String) -> String {
        """
        route:
          receiver: runbook
          group_by: [alertname]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
          routes:
            - matchers: ['alertname=~"Runbook.*"']
              receiver: watchers
        receivers:
          - name: watchers
          - name: runbook
            webhook_configs:
              - url: "\(webhook)"
                send_resolved: true
                http_config:
                  authorization:
                    type: Bearer
                    credentials_file: "\(tokenFile)"

        """
    }
}

/// Reads incidents and runs from the server's REST API as the test's token.
private struct APIReader {
    let baseURL: String
    let token: String

    struct IncidentList: Decodable {
        let incidents: [Entry]

        struct Entry: Decodable {
            let number: String
        }
    }

    /// The fields of `GET /api/v1/incidents/{number}` the test looks at.
    struct Incident: Decodable {
        let number: String
        let state: String
        let closeCode: String?
        let labels: [String: String]
        let workNotes: [Note]

        struct Note: Decodable {
            let author: String
            let text: String
        }

        enum CodingKeys: String, CodingKey {
            case number, state, labels
            case closeCode = "close_code"
            case workNotes = "work_notes"
        }
    }

    struct RunList: Decodable {
        let runs: [Run]

        struct Run: Decodable {
            let id: String
            let state: String
            let steps: [Step]
        }

        struct Step: Decodable {
            let id: String
            let state: String
        }
    }

    /// Every incident's full record, newest first.
    func incidents() async throws -> [Incident] {
        var records: [Incident] = []
        for entry in try await get(IncidentList.self, "/api/v1/incidents").incidents {
            records.append(try await incident(entry.number))
        }
        return records
    }

    /// Every incident keyed by its `alertname` label; the newest when there are several.
    func incidentsByAlertName() async throws -> [String: Incident] {
        Dictionary(try await incidents().map { ($0.labels["alertname"] ?? "", $0) }) { newest, _ in newest }
    }

    /// Opens an incident with `POST /api/v1/incidents`; returns its number.
    func open(_ json: String) async throws -> String {
        let reply = try await LoopbackHTTP.request(baseURL + "/api/v1/incidents", method: "POST", token: token, body: Data(json.utf8))
        guard reply.status == 201 else { throw UnexpectedReply(path: "/api/v1/incidents", reply: reply) }
        return try JSONDecoder().decode(IncidentList.Entry.self, from: reply.body).number
    }

    func acknowledge(_ number: String) async throws -> Incident {
        let path = "/api/v1/incidents/\(number)/acknowledge"
        let reply = try await LoopbackHTTP.request(baseURL + path, method: "POST", token: token)
        guard reply.status == 200 else { throw UnexpectedReply(path: path, reply: reply) }
        return try JSONDecoder().decode(Incident.self, from: reply.body)
    }

    func incident(_ number: String) async throws -> Incident {
        try await get(Incident.self, "/api/v1/incidents/\(number)")
    }

    func runs(of incident: String) async throws -> [RunList.Run] {
        try await get(RunList.self, "/api/v1/runs?incident=\(incident)").runs
    }

    private func get<Body: Decodable>(_ type: Body.Type, _ path: String) async throws -> Body {
        let reply = try await LoopbackHTTP.request(baseURL + path, token: token)
        guard reply.status == 200 else { throw UnexpectedReply(path: path, reply: reply) }
        return try JSONDecoder().decode(type, from: reply.body)
    }

    struct UnexpectedReply: Error, CustomStringConvertible {
        let path: String
        let reply: LoopbackHTTP.Reply

        var description: String { "GET \(path): \(reply.status) \(reply.text)" }
    }
}
