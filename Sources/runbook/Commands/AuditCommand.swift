import ArgumentParser
import Executor
import Foundation
import ITIL
import Runbooks
import Wiki

/// `runbook audit verify|key`: checks on the audit branch, where every incident event is a commit.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit branch that records every incident event.",
        subcommands: [Verify.self, Key.self, Remotes.self]
    )

    /// `runbook audit remotes`.
    struct Remotes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where each audit remote's copy of the audit branch stands.",
            discussion: """
                Lists the remotes of $RUNBOOK_HOME/config.yaml and those a server was started with \
                (--audit-remote), as the server last recorded them: the head the remote accepted, how many \
                commits it lags behind ours, the last push, and the last error. A remote that refused a \
                fast-forward push (its branch holds commits ours does not) is shown as REJECTED.
                """
        )

        @OptionGroup var audit: AuditBranchOptions

        @Flag(help: "Print the remotes as JSON.")
        var json = false

        @Option(help: ArgumentHelp("Remove a remote's recorded state (one no server copies to any more).", valueName: "name"))
        var forget: String?

        struct Row: Encodable {
            let name: String
            let url: String
            let pushed: String?
            /// ISO 8601 times, as elsewhere in the CLI's JSON.
            let pushedAt: String?
            let lastAttemptAt: String?
            let lagCommits: Int?
            let lastError: String?
            let rejected: Bool
            /// Whether the data directory's config.yaml names it (else only a server's --audit-remote did).
            let configured: Bool
        }

        /// One row of the table.
        private static func cells(_ row: Row) -> [String] {
            let status: String
            if row.rejected {
                status = "REJECTED: \(row.lastError ?? "")"
            } else if let error = row.lastError {
                status = "retrying: \(error)"
            } else {
                status = "ok"
            }
            let pushed = row.pushed.map { String($0.prefix(7)) } ?? "-"
            let lag = row.lagCommits.map { String($0) } ?? "?"
            let when = row.pushedAt ?? "never"
            return [row.name + (row.configured ? "" : " *"), row.url, pushed, lag, when, status]
        }

        func run() throws {
            let (repository, branch) = (try audit.openRepository(), audit.branch)
            let data = DataDirectory.current
            if let forget {
                guard AuditRemoteState.forget(forget, inDataDirectory: data.path) else {
                    throw CLIError("no recorded state of an audit remote '\(forget)' in \(AuditRemoteState.folder(inDataDirectory: data.path))")
                }
                return Console.note("forgot the audit remote \(forget)'s state")
            }
            let configured = try data.auditRemotes()
            var states = AuditRemoteState.all(inDataDirectory: data.path, repository: repository, branch: branch)
            for remote in configured where !states.contains(where: { $0.name == remote.name }) {
                states.append(AuditRemoteState(remote: remote, repository: repository, branch: branch))
            }
            guard !states.isEmpty else {
                Console.note("no audit remotes: add them with `runbook serve --audit-remote NAME=URL` or audit_remotes: in \(data.configPath)")
                return
            }
            let head = try repository.branchHead(branch)
            let rows = states.sorted { $0.name < $1.name }.map { state in
                Row(name: state.name, url: state.url, pushed: state.pushed?.hex, pushedAt: state.pushedAt.map(Timestamp.format),
                    lastAttemptAt: state.lastAttemptAt.map(Timestamp.format),
                    lagCommits: head.flatMap { try? repository.commitsAhead(of: state.pushed, to: $0) }, lastError: state.lastError,
                    rejected: state.rejected, configured: configured.contains { $0.name == state.name })
            }
            if json { return try Console.json(rows) }
            let header = ["NAME", "URL", "PUSHED", "LAG", "LAST PUSH", "STATUS"]
            Console.out(TextTable.columns([header] + rows.map(Self.cells)))
            if rows.contains(where: { !$0.configured }) {
                Console.note("* not in \(data.configPath): last copied to by a server started with --audit-remote "
                    + "(`runbook audit remotes --forget NAME` drops one no server uses)")
            }
        }
    }

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
    struct Verify: AsyncParsableCommand {
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

        @OptionGroup var audit: AuditBranchOptions

        @Flag(help: "Check every commit from the root, not only those after the last verified head.")
        var full = false

        @Option(help: ArgumentHelp("Also fetch this audit remote's copy and check that its head is in our history (repeatable): a name "
                                   + "of config.yaml or of a server's --audit-remote, or NAME=URL.", valueName: "name"))
        var remote: [String] = []

        @Flag(help: "Print the report as JSON.")
        var json = false

        /// Commits between two progress notes.
        static let progressInterval = 5_000

        func run() async throws {
            let (repository, branch) = (try audit.openRepository(), audit.branch)
            let data = DataDirectory.current
            let recorded = AuditRemoteState.all(inDataDirectory: data.path, repository: repository, branch: branch)
                .compactMap { state in
                    state.pushed.map { AuditAnchorReading(name: "remote \(state.name) (last push)", commit: $0, time: state.pushedAt) }
                }
            var fetched: [AuditAnchorReading] = []
            for name in remote { fetched.append(try await Self.fetch(name, of: repository, branch: branch, data: data)) }
            let verifier = AuditVerifier(
                repository: repository, branch: branch,
                signers: try AuditSigning.trustedSigners(in: repository, at: try? repository.resolve("HEAD")),
                anchor: AuditAnchor(dataDirectory: data.path, repository: repository, branch: branch), anchors: recorded + fetched)
            let report = try verifier.verify(full: full, progressInterval: Self.progressInterval) { count in
                Console.note("audit verify: \(count) commits checked")
            }
            if json {
                try Console.json(VerifyReport(report))
            } else if report.succeeded {
                Console.out(Self.summary(report))
                if report.head != nil { Console.out(Self.signatures(report)) }
                if !report.anchors.isEmpty { Console.out("anchors: \(report.anchors.map(\.name).joined(separator: ", ")): all in the history") }
                for reading in fetched {
                    let behind = try report.head.map { try repository.commitsAhead(of: reading.commit, to: $0) } ?? 0
                    Console.out("\(reading.name): \(reading.commit.short) is in our history, \(behind) commit\(behind == 1 ? "" : "s") behind")
                }
            }
            if let failure = report.failure {
                Console.error("audit verify: \(failure)")
                throw ExitCode(1)
            }
        }

        /// Fetches remote `name`'s copy of `branch` into `refs/runbook/remotes/NAME/BRANCH`, as an anchor to compare with.
        static func fetch(_ name: String, of repository: Repository, branch: String, data: DataDirectory) async throws -> AuditAnchorReading {
            let known = try data.auditRemotes()
            let recorded = AuditRemoteState.all(inDataDirectory: data.path, repository: repository, branch: branch)
            // NAME=URL: a copy no config names, compared from anywhere.
            let given = name.contains("=") ? try AuditRemote(parsing: name) : nil
            let name = given?.name ?? name
            guard let remote = try given ?? known.first(where: { $0.name == name })
                    ?? recorded.first(where: { $0.name == name }).map({ try AuditRemote(name: $0.name, url: $0.url) }) else {
                let names = Set(known.map(\.name) + recorded.map(\.name)).sorted()
                throw CLIError("no audit remote '\(name)' (known: \(names.isEmpty ? "none" : names.joined(separator: ", "))); "
                    + "name one of \(data.configPath), or give NAME=URL")
            }
            // SSH remotes are inventory hosts; a wiki with no commit yet has none.
            let inventory = try Inventory.atHead(of: repository)
            let transport = try AuditRemoteTransport(remote: remote, gitDirectory: repository.gitDirectory, inventory: inventory,
                                                     dataDirectory: data.path)
            let reference = "refs/runbook/remotes/\(name)/\(branch)"
            Console.note("fetching \(branch) from \(name) (\(remote.displayURL))")
            guard try await transport.fetch(branch: branch, into: reference) else {
                throw CLIError("the audit remote \(name) has no \(branch) branch: its copy is missing")
            }
            return AuditAnchorReading(name: "remote \(name)", commit: try repository.resolve(reference), time: nil)
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
            if report.commitsChecked == 0 { return "signatures: no new commits to check" }
            let before = report.unsignedBeforeSigning == 0 ? "" : " (\(report.unsignedBeforeSigning) unsigned from before signing began)"
            return "signatures: \(report.signed) signed by trusted keys\(before)"
        }
    }
}

/// The wiki and the audit branch an `audit` command reads.
struct AuditBranchOptions: ParsableArguments {
    @Option(help: WikiOptions.wikiHelp)
    var wiki: String?

    @Option(help: ArgumentHelp("The audit branch.", valueName: "branch"))
    var branch = "audit"

    /// The chosen wiki (the embedded one is created on first use).
    func openRepository() throws -> Repository {
        var options = WikiOptions()
        options.wiki = wiki
        return try options.openRepository()
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
