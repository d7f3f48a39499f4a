import Foundation
import Testing

/// The dashboard in a real browser: `Tests/Browser/dashboard.py` drives a headless Chromium (Selenium, from Debian's
/// `/usr/bin/python3`) against `runbook serve`, fed by a real Alertmanager. A responder logs in, sees an alert appear
/// on the incidents page without a reload, approves the waiting step and watches its output arrive line by line,
/// acknowledges and resolves; a viewer gets no buttons and the server refuses the actions posted by hand; hostile
/// labels, annotations, runbook text and step output (`<script>`, attribute breaks, `javascript:` links, a megabyte,
/// bytes that are not UTF-8) show as text on every page and nothing of them runs. The script says each step it
/// checked, and on failure what failed and the end of the daemons' logs.
@Suite
struct DashboardBrowserTests {
    static let python = URL(fileURLWithPath: "/usr/bin/python3")
    static let chromium = executableOnPath("chromium")
    static let chromedriver = executableOnPath("chromedriver")
    static let alertmanager = executableOnPath("prometheus-alertmanager")

    /// Debian's python3-selenium is importable only from Debian's own interpreter, not from any `python3` on PATH.
    static let seleniumInstalled: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return false }
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", "import selenium"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// All the tools are there (`scripts/setup --integration` installs them).
    static var toolsInstalled: Bool { chromium != nil && chromedriver != nil && alertmanager != nil && seleniumInstalled }

    /// On CI (`CI` set) the test runs even without the tools, and fails saying so: a silent skip there would hide the
    /// only test of the dashboard's script, of its CSP in a real browser, and of what a person sees.
    static var mustRun: Bool { toolsInstalled || ProcessInfo.processInfo.environment["CI"] != nil }

    /// The pages the script saves, as `docs/screenshots/` has them.
    static let screenshots = ["login", "incidents", "incidents-dark", "incident", "runbook", "oncall", "audit", "audit-commit"]

    @Test(.timeLimit(.minutes(3)),
          .enabled(if: mustRun, "needs chromium, chromedriver, prometheus-alertmanager and python3-selenium (scripts/setup --integration)"))
    func aResponderWorksAnIncidentInChromiumAndNothingHostileRuns() async throws {
        let missing = "CI must have chromium, chromium-driver, prometheus-alertmanager and python3-selenium (scripts/setup --integration)"
        try #require(Self.seleniumInstalled, "\(missing)")
        let chromium = try #require(Self.chromium, "\(missing)")
        let chromedriver = try #require(Self.chromedriver, "\(missing)")
        let alertmanager = try #require(Self.alertmanager, "\(missing)")
        let cli = try CLI()
        defer { cli.cleanUp() }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Browser/dashboard.py").standardized
        let began = ContinuousClock.now
        let (status, output) = try await Self.run(script, [
            "--runbook", CLI.executable.path, "--scratch", cli.path("browser"), "--screenshots", cli.path("screenshots"),
            "--chromium", chromium.path, "--chromedriver", chromedriver.path, "--alertmanager", alertmanager.path,
        ], log: cli.directory.appendingPathComponent("dashboard.log"))
        try #require(status == 0, "Tests/Browser/dashboard.py exited with \(status):\n\(output)")
        #expect(output.contains("all held"), "\(output)")
        for name in Self.screenshots {
            let size = Self.pngSize(cli.directory.appendingPathComponent("screenshots/\(name).png"))
            #expect(size == "1280x900", "the screenshot \(name).png is \(size ?? "missing or not a PNG")")
        }
        let (seconds, attoseconds) = (ContinuousClock.now - began).components
        print("DashboardBrowser: the scenario took \(String(format: "%.1f s", Double(seconds) + Double(attoseconds) / 1e18))")
    }

    /// Runs the script to its end and returns its status and what it printed, waited for as an event (its exit) rather
    /// than by blocking a thread of the cooperative pool for the half minute it takes; its output goes to `log`, a file
    /// no pipe can fill up.
    private static func run(_ script: URL, _ arguments: [String], log: URL) async throws -> (Int32, String) {
        try Data().write(to: log)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = python
        process.arguments = ["-u", script.path] + arguments
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try output.close()
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// `WIDTHxHEIGHT` from a PNG's header, nil when `file` is not a PNG.
    private static func pngSize(_ file: URL) -> String? {
        guard let data = try? Data(contentsOf: file), data.count > 24,
              data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
        let number = { (offset: Int) in data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        return "\(number(16))x\(number(20))"
    }
}
