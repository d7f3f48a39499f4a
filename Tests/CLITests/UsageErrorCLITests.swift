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

    @Test func aValueOutsideAFixedSetIsRefusedWithTheChoices() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let cases: [([String], String)] = [
            (["incidents", "list", "--state", "pending"],
             "The value 'pending' is invalid for '--state <state>'. Please provide one of the following:\n  - open\n  - new\n  - in-progress\n"),
            (["incidents", "transition", "INC0000001", "--to", "done"], "The value 'done' is invalid for '--to <to>'"),
            (["incidents", "transition", "INC0000001", "--to", "on-hold", "--reason", "lunch"],
             "one of 'awaiting-caller', 'awaiting-change', 'awaiting-problem' or 'awaiting-vendor'."),
            (["incidents", "transition", "INC0000001", "--to", "resolved", "--code", "fixed"], "  - solution-provided\n"),
            (["runs", "list", "--state", "paused"], "  - awaiting-approval\n"),
            (["tokens", "add", "ci", "--role", "root"], "Please provide one of 'viewer', 'responder', 'approver' or 'admin'."),
            (["serve", "--log-level", "loud"], "  - critical\n"),
        ]
        for (arguments, message) in cases {
            let result = try cli.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.path(".runbook")), "a refused command touched nothing")
    }

    @Test func helpListsTheChoices() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let transition = try cli.run(["incidents", "transition", "--help"])
        #expect(transition.status == 0)
        let help = transition.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        #expect(help.contains("values: new, in-progress, on-hold, resolved, closed, canceled"), "\(transition.stdout)")
        #expect(help.contains("values: awaiting-caller, awaiting-change, awaiting-problem, awaiting-vendor"), "\(transition.stdout)")
        let tokens = try cli.run(["tokens", "add", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(tokens.contains("values: viewer, responder, approver, admin; default: responder"), "\(tokens)")
    }

    @Test func theSpellingsPeopleTypeAreStillAccepted() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["incidents", "open", "--summary", "Disk full", "--impact", "1", "--urgency", "3"]).status == 0)
        let held = try cli.run(["incidents", "transition", "INC0000001", "--to", "On Hold", "--reason", "vendor"])
        #expect(held.stdout == "INC0000001 is now On Hold\n", "\(held.stderr)")
        let resolved = try cli.run(["incidents", "transition", "INC0000001", "--to", "6", "--code", "Solution provided", "--notes", "freed"])
        #expect(resolved.stdout == "INC0000001 is now Resolved\n", "\(resolved.stderr)")
        let list = try cli.run(["incidents", "list", "--state", "resolved,closed", "--priority", "3"])
        #expect(list.status == 0 && list.stdout.contains("INC0000001"), "\(list.stdout)\(list.stderr)")
    }
}
