import ArgumentParser
import Foundation
import ITIL
import Wiki

/// `runbook audit verify`: checks on the audit branch, where every incident event is a commit.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit branch that records every incident event.",
        subcommands: [Verify.self]
    )

    /// `runbook audit verify`.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify that the audit branch is intact and was not rewritten since the last verification.",
            discussion: """
                Every commit must be one event of one incident: Incident, Event, Actor, State and Priority \
                trailers, exactly that incident's record changed, a record that parses and agrees with the \
                trailers; incident numbers are opened in order without gaps or duplicates. After a clean run \
                the head is remembered in refs/runbook/verified/<branch>; later runs fail if it is no longer \
                in the branch's history, and check only newer commits unless --full is given. Exits 1 and \
                names the first bad commit when anything is wrong.
                """
        )

        @Option(help: WikiOptions.wikiHelp)
        var wiki: String?

        @Option(help: ArgumentHelp("The audit branch.", valueName: "branch"))
        var branch = "audit"

        @Flag(help: "Check every commit from the root, not only those after the last verified head.")
        var full = false

        @Flag(help: "Print the report as JSON.")
        var json = false

        /// Commits between two progress notes.
        static let progressInterval = 5_000

        func run() throws {
            var options = WikiOptions()
            options.wiki = wiki
            let verifier = AuditVerifier(repository: try options.openRepository(), branch: branch)
            let report = try verifier.verify(full: full, progressInterval: Self.progressInterval) { count in
                Console.note("audit verify: \(count) commits checked")
            }
            if json {
                try Console.json(VerifyReport(report))
            } else if report.succeeded {
                Console.out(Self.summary(report))
            }
            if let failure = report.failure {
                Console.error("audit verify: \(failure)")
                throw ExitCode(1)
            }
        }

        /// `verified 1234 commits, 1000 incidents, 3 jobs, head abc1234` (jobs only when there are any).
        static func summary(_ report: AuditVerification) -> String {
            guard let head = report.head else { return "no \(report.branch) branch yet: nothing to verify" }
            let since = report.since.map { " after \($0.short)" } ?? ""
            let commits = report.commitsChecked == 1 ? "1 commit" : "\(report.commitsChecked) commits"
            let incidents = report.incidents == 1 ? "1 incident" : "\(report.incidents) incidents"
            let jobs = report.jobs == 0 ? "" : report.jobs == 1 ? ", 1 job" : ", \(report.jobs) jobs"
            return "verified \(commits)\(since), \(incidents)\(jobs), head \(head.short)"
        }
    }
}

/// `audit verify --json`.
struct VerifyReport: Encodable {
    struct Failure: Encodable {
        let commit: String?
        let subject: String
        let problem: String
    }

    let branch: String
    let ok: Bool
    let head: String?
    let since: String?
    let commitsChecked: Int
    let incidents: Int
    let jobs: Int
    let failure: Failure?

    init(_ report: AuditVerification) {
        branch = report.branch
        ok = report.succeeded
        head = report.head?.hex
        since = report.since?.hex
        commitsChecked = report.commitsChecked
        incidents = report.incidents
        jobs = report.jobs
        failure = report.failure.map { Failure(commit: $0.commit?.hex, subject: $0.subject, problem: $0.problem.description) }
    }
}
