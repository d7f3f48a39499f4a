import Foundation
import Testing

/// `runbook serve` with its data on a small file system of the test's own (a tmpfs, mounted as root) that fills up:
/// alerts are refused with a 503 that says why, nothing acknowledged before is lost, and once there is space again
/// the next alert is taken with the next number.
@Suite("Intake on a full disk", .timeLimit(.minutes(2)), .enabled(if: getuid() == 0, "mounting a file system needs root"))
struct FullDiskTests {
    private static func alert(_ instance: String) -> Data {
        Data("""
            {"version":"4","status":"firing","receiver":"runbook","groupLabels":{},"commonLabels":{},"commonAnnotations":{},\
            "externalURL":"http://alertmanager.example.com","alerts":[{"status":"firing","labels":{"alertname":"Full",\
            "instance":"\(instance)"},"annotations":{"summary":"on \(instance)"},"startsAt":"2026-12-04T01:00:00Z","fingerprint":"\(instance)"}]}
            """.utf8)
    }

    private static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Writes zeros to `path` until the file system refuses more.
    private static func fill(_ path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0, count: 64 << 10)
        var size = chunk.count
        while size >= 512 {
            if chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, size) }) < 0 { size /= 2 }
        }
        fsync(descriptor)
    }

    @Test func aFullDiskIsA503AndNothingAcknowledgedIsLost() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let home = cli.path(".runbook")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try #require(try Self.run(["/usr/bin/mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", home]) == 0)
        defer { _ = try? Self.run(["/usr/bin/umount", "-l", home]) }
        try cli.wiki(runbooks: [:])
        let served = try cli.serve()
        defer { served.stop() }
        let endpoint = served.url + "/api/v1/alerts/alertmanager"

        var acknowledged: [String] = []
        for index in 1...10 {
            let reply = try await LoopbackHTTP.request(endpoint, method: "POST", token: served.token, body: Self.alert("before-\(index)"))
            try #require(reply.status == 200, "\(reply.text)")
            acknowledged.append("before-\(index)")
        }

        Self.fill(home + "/filler")
        var refusals = 0
        for index in 1...5 {
            let reply = try await LoopbackHTTP.request(endpoint, method: "POST", token: served.token, body: Self.alert("full-\(index)"))
            if reply.status == 200 { continue }  // what fit in the last free bytes
            refusals += 1
            #expect(reply.status == 503, "\(reply.text)")
            #expect(reply.text.contains("storage_full") && reply.text.contains("no space left"), "\(reply.text)")
        }
        #expect(refusals >= 3, "the full file system refused alerts")
        // Reads still work while writes are refused.
        let one = try await LoopbackHTTP.request(served.url + "/api/v1/incidents/INC0000001", token: served.token)
        #expect(one.status == 200)

        try FileManager.default.removeItem(atPath: home + "/filler")
        let after = try await LoopbackHTTP.request(endpoint, method: "POST", token: served.token, body: Self.alert("after"))
        #expect(after.status == 200, "\(after.text)")
        let wiki = cli.path(".runbook/wiki")
        #expect(try served.auditCommitted(cli, wiki: wiki), "the journal was committed once space returned")
        let records = try cli.git(wiki, ["ls-tree", "-r", "--name-only", "audit", "incidents"]).split(separator: "\n")
            .filter { $0.hasSuffix("/record.md") }
        let numbers = records.compactMap { $0.split(separator: "/").dropLast().last.flatMap { Int($0.dropFirst(3)) } }.sorted()
        #expect(numbers == Array(1...numbers.count), "no gap in the numbers: \(numbers)")
        let log = try cli.git(wiki, ["log", "-p", "audit", "--", "incidents"])
        for instance in acknowledged + ["after"] {
            #expect(log.contains("\"\(instance)\""), "\(instance) was acknowledged but is not on the audit branch")
        }
        _ = try cli.git(wiki, ["fsck", "--strict", "--no-dangling"])
        let verified = try cli.run(["audit", "verify", "--full"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }
}
