import Foundation
import Testing

/// What a user sees after a typo on the command line: what was wrong and what would have been right.
@Suite(.timeLimit(.minutes(2)))
struct UsageErrorCLITests {
    @Test func aMistypedCommandIsNamedWithTheNearestOne() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let cases: [([String], String, String)] = [
            (["incident", "list"], "unknown command 'incident'. Did you mean 'incidents'?", "Usage: runbook <subcommand>"),
            (["incidents", "lst"], "unknown command 'lst'. Did you mean 'list'?", "Usage: runbook incidents <subcommand>"),
            (["incidents", "acknowledg", "INC0000001"], "unknown command 'acknowledg'. Did you mean 'acknowledge'?",
             "Usage: runbook incidents <subcommand>"),
            (["frobnicate"], "unknown command 'frobnicate'. The commands are: serve, init, lint,", "Usage: runbook <subcommand>"),
        ]
        for (arguments, message, usage) in cases {
            let result = try cli.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("Error: \(message)"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(usage), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        // Nothing was run, so nothing was created.
        #expect(!FileManager.default.fileExists(atPath: cli.path(".runbook")))
    }
}
