import ArgumentParser
import Foundation
import ITIL
import Wiki

/// Where incidents live: the wiki's audit branch, with the wiki's SLA policy; commits are signed with the data
/// directory's key and the head anchored there.
struct StoreOptions: ParsableArguments {
    @OptionGroup var wikiOptions: WikiOptions

    @Option(help: ArgumentHelp("The branch incidents are committed to.", valueName: "branch"))
    var auditBranch = "audit"

    @Flag(help: "Start even if some incident records on the audit branch are corrupt (they are skipped and listed).")
    var skipCorrupt = false

    /// The incident store on the chosen wiki, with `config/sla.yaml` from the wiki's revision; `journaling` for a
    /// server, which acknowledges a write once it is in the intake journal (``IncidentStore/journaling``).
    func openStore(journaling: Bool = false) throws -> IncidentStore {
        let repository = try wikiOptions.openRepository()
        let store = try IncidentStore(
            auditLog: AuditSigning.auditLog(repository: repository, branch: auditBranch), policy: slaPolicy(in: repository),
            skippingCorrupt: skipCorrupt, journaling: journaling)
        for problem in store.skipped { Console.note("skipped: \(problem)") }
        return store
    }

    /// The wiki's SLA policy; the standard one when the wiki has no `config/sla.yaml`.
    private func slaPolicy(in repository: Repository) throws -> SLAPolicy {
        guard let commit = try? wikiOptions.commit(in: repository) else { return .standard }
        do {
            let data = try repository.readFile(SLAPolicy.configPath, at: commit)
            return try SLAPolicy(yaml: String(decoding: data, as: UTF8.self))
        } catch WikiError.fileNotFound {
            return .standard
        }
    }
}

/// Who is acting, as recorded in the audit trail.
struct ActorOption: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("Who is acting (default: $RUNBOOK_ACTOR, else $USER).", valueName: "name"))
    var name: String?

    /// The actor's name.
    var actor: String {
        let environment = ProcessInfo.processInfo.environment
        return [name, environment["RUNBOOK_ACTOR"], environment["USER"]].compactMap { $0 }.first { !$0.isEmpty } ?? "cli"
    }
}
