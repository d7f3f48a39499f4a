import ArgumentParser
import Foundation
import ITIL
import Wiki

/// `runbook audit verify|key`: checks on the audit branch, where every incident event is a commit.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit branch that records every incident event.",
        subcommands: [Verify.self, Key.self]
    )

    /// `runbook audit key`.
    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the audit signing key's line for the wiki's config/audit-signers (creating the key if there is none).",
            discussion: """
                Every audit commit is signed with the data directory's key ($RUNBOOK_HOME/audit/signing-key). \
                Publish it by a reviewed commit: `runbook audit key >> config/audit-signers`. git itself then \
                checks the signatures: `git -c gpg.ssh.allowedSignersFile=config/audit-signers log --show-signature audit`.
                """
        )

        func run() throws {
            Console.out(AuditSigning.signersLine(for: try AuditSigning.key()))
        }
    }

    /// `runbook audit verify`.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify that the audit branch is intact and was not rewritten since the last verification.",
            discussion: """
                Every commit must be one event of one incident: Incident, Event, Actor, State and Priority \
                trailers, exactly that incident's record changed, a record that parses and agrees with the \
                trailers (who acted included), the actor as the commit's author; incident numbers are opened in \
                order without gaps or duplicates. Every commit from the first signed one on must be signed by a \
                key of the wiki's config/audit-signers or the data directory's own. The head must contain every \
                anchor: refs/runbook/verified/<branch>, the heads recorded in the data directory \
                ($RUNBOOK_HOME/audit/anchors) and those the audit remotes last accepted. After a clean run the \
                head is recorded in the mark and the data directory; later runs check only newer commits unless \
                --full is given. Exits 1 and names the first bad commit, or every anchor that disagrees.
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
            let repository = try options.openRepository()
            let verifier = AuditVerifier(
                repository: repository, branch: branch,
                signers: try AuditSigning.trustedSigners(in: repository, at: try? repository.resolve("HEAD")),
                anchor: AuditAnchor(dataDirectory: DataDirectory.current.path, repository: repository, branch: branch))
            let report = try verifier.verify(full: full, progressInterval: Self.progressInterval) { count in
                Console.note("audit verify: \(count) commits checked")
            }
            if json {
                try Console.json(VerifyReport(report))
            } else if report.succeeded {
                Console.out(Self.summary(report))
                Console.out(Self.signatures(report))
                if !report.anchors.isEmpty { Console.out("anchors: \(report.anchors.map(\.name).joined(separator: ", ")): all in the history") }
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

        /// `signatures: 1234 signed by trusted keys (12 unsigned from before signing began)`.
        static func signatures(_ report: AuditVerification) -> String {
            guard report.signaturesChecked else {
                return "signatures: not checked (no \(AllowedSigners.path) in the wiki and no signing key in the data directory)"
            }
            let before = report.unsignedBeforeSigning == 0 ? "" : " (\(report.unsignedBeforeSigning) unsigned from before signing began)"
            return "signatures: \(report.signed) signed by trusted keys\(before)"
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
    let signaturesChecked: Bool
    let signed: Int
    let unsignedBeforeSigning: Int
    let anchors: [String]
    let failure: Failure?

    init(_ report: AuditVerification) {
        branch = report.branch
        ok = report.succeeded
        head = report.head?.hex
        since = report.since?.hex
        commitsChecked = report.commitsChecked
        incidents = report.incidents
        jobs = report.jobs
        signaturesChecked = report.signaturesChecked
        signed = report.signed
        unsignedBeforeSigning = report.unsignedBeforeSigning
        anchors = report.anchors.map(\.name)
        failure = report.failure.map { Failure(commit: $0.commit?.hex, subject: $0.subject, problem: $0.problem.description) }
    }
}
