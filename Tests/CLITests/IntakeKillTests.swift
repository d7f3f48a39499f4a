import Foundation
import Testing

/// `runbook serve` killed with SIGKILL five times during an alert storm, twice with `git gc` running beside it: every
/// alert answered 2xx is on the audit branch after the restart, incident numbers have no gap and no repeat, and the
/// repository and its audit trail check clean.
@Suite("Intake across kill -9", .timeLimit(.minutes(3)))
struct IntakeKillTests {
    /// An Alertmanager webhook body of `count` firing alerts, each its own incident (its own `instance`).
    private static func body(_ instances: [String]) -> Data {
        let alerts = instances.map { instance in
            """
            {"status":"firing","labels":{"alertname":"Storm","instance":"\(instance)","severity":"warning"},\
            "annotations":{"summary":"storm on \(instance)"},"startsAt":"2026-12-04T01:00:00Z","fingerprint":"\(instance)"}
            """
        }
        return Data("""
            {"version":"4","status":"firing","receiver":"runbook","groupLabels":{},"commonLabels":{},"commonAnnotations":{},\
            "externalURL":"http://alertmanager.example.com","alerts":[\(alerts.joined(separator: ","))]}
            """.utf8)
    }

    /// What the clients were told: each acknowledged alert's instance and incident number.
    private actor Acknowledged {
        var incidents: [String: String] = [:]
        func add(_ reply: [String: String]) { incidents.merge(reply) { $1 } }
    }

    /// Four clients send requests of ten alerts until the server stops answering; every alert of a 2xx reply is
    /// recorded with its incident.
    private static func storm(_ url: String, token: String, round: Int, into acknowledged: Acknowledged) async {
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<4 {
                group.addTask {
                    for request in 0... {
                        let instances = (0..<10).map { "r\(round)-c\(client)-q\(request)-a\($0)" }
                        guard let reply = try? await LoopbackHTTP.request(url + "/api/v1/alerts/alertmanager", method: "POST", token: token,
                                                                          body: body(instances)),
                              (200..<300).contains(reply.status),
                              let object = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any],
                              let alerts = object["alerts"] as? [[String: Any]] else { return }
                        var told: [String: String] = [:]
                        for alert in alerts {
                            if let fingerprint = alert["fingerprint"] as? String, let incident = alert["incident"] as? String {
                                told[fingerprint] = incident
                            }
                        }
                        await acknowledged.add(told)
                    }
                }
            }
        }
    }

    /// `git gc` in `repository`, as someone might run it beside the server; its outcome does not matter here.
    private static func gitGC(in repository: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", repository, "gc", "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
    }

    @Test("kill -9 five times during a storm, twice beside git gc: nothing acknowledged is lost")
    func killedFiveTimes() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.wiki(runbooks: [:])
        let wiki = cli.path(".runbook/wiki")
        let acknowledged = Acknowledged()
        var served = try cli.serve()
        let token = served.token
        for round in 1...5 {
            let url = served.url
            let storm = Task { await Self.storm(url, token: token, round: round, into: acknowledged) }
            let gc = round >= 4 ? Task.detached { Self.gitGC(in: wiki) } : nil
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...900)))
            served.kill9()
            await storm.value
            _ = await gc?.value
            served = try cli.serve(token: token)
        }
        defer { served.stop() }

        let told = await acknowledged.incidents
        #expect(told.count >= 100, "the storms were acknowledged: \(told.count) alerts")
        #expect(Set(told.values).count == told.count, "two alerts were told the same incident")
        // Every acknowledged alert's incident is on the audit branch, with that alert's labels.
        let records = try cli.git(wiki, ["ls-tree", "-r", "--name-only", "audit", "incidents"]).split(separator: "\n")
            .filter { $0.hasSuffix("/record.md") }
        let numbers = Set(records.compactMap { $0.split(separator: "/").dropLast().last.flatMap { Int($0.dropFirst(3)) } })
        let lost = told.filter { !numbers.contains(Int($0.value.dropFirst(3)) ?? 0) }
        #expect(lost.isEmpty, "acknowledged but not on the audit branch: \(lost.prefix(5))")
        #expect(numbers == Set(1...(numbers.max() ?? 0)), "incident numbers have gaps")
        for (instance, incident) in told.shuffled().prefix(20) {
            let number = String(incident.dropFirst(3))
            let path = "incidents/\(number.dropLast(4))/\(number.dropLast(2).suffix(2))/\(incident)/record.md"
            #expect(try cli.git(wiki, ["show", "audit:\(path)"]).contains("\"\(instance)\""), "\(incident) is not \(instance)")
        }
        _ = try cli.git(wiki, ["fsck", "--strict", "--no-dangling"])
        let verified = try cli.run(["audit", "verify", "--full"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        let objects = try cli.git(wiki, ["rev-parse", "--git-path", "objects/pack"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let packs = try FileManager.default.contentsOfDirectory(atPath: objects.hasPrefix("/") ? objects : wiki + "/" + objects)
            .filter { $0.hasSuffix(".idx") }
        #expect(packs.count < 60, "\(packs.count) packs after five restarts")
    }
}
