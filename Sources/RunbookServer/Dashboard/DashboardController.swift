import Escalation
import Executor
import Foundation
import Hummingbird
import ITIL
import RunbookAPI
import Runbooks
import Wiki

/// The dashboard's pages: server-rendered HTML over the same data and the same client (``LocalClient``) as the API,
/// so a page shows what the API answers and an action is refused or done exactly as the API would.
struct DashboardController: Sendable {
    let registry: RunRegistry
    let wiki: WikiWatcher
    let onCall: RunbookApplication.OnCallRuntime?
    let timelines: IncidentTimelines

    func register(on router: RouteRecorder) {
        router.get("/") { _, _ in DashboardHeaders.seeOther("/incidents") }
        router.get("assets/app.css") { _, _ in Self.asset(Stylesheet.text, type: "text/css; charset=utf-8") }
        router.get("assets/app.js") { _, _ in Self.asset(Script.text, type: "text/javascript; charset=utf-8") }
        let pages = router.group("").add(middleware: DashboardPageMiddleware())
        pages.get("incidents") { request, context in try await incidents(request, context) }
        pages.get("incidents/{number}") { request, context in try await incident(request, context) }
        pages.get("runbooks") { _, context in try await runbooks(context) }
        pages.get("runbooks/**") { _, context in try await runbook(context) }
        pages.get("oncall") { _, context in try onCallPage(context) }
        pages.get("audit") { request, context in try await audit(request, context) }
        pages.get("audit/{commit}") { _, context in try await auditCommit(context) }
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300", .xContentTypeOptions: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func viewer(_ context: ServerContext) throws -> Viewer {
        let principal = try context.actor()
        return Viewer(name: principal.name, role: principal.role, csrf: context.session?.value.csrf ?? "")
    }

    private static func layout(_ title: String, _ section: Layout.Section?, _ context: ServerContext) throws -> Layout {
        Layout(title: title, section: section, viewer: try viewer(context))
    }

    /// The page, or only its live part when the script asks for `?fragment=live`.
    private static func respond(_ request: Request, page: () throws -> HTML, live: () -> HTML) rethrows -> Response {
        request.query("fragment") == "live" ? live().response() : try page().response()
    }

    // MARK: - Incidents

    private func incidents(_ request: Request, _ context: ServerContext) async throws -> Response {
        let query = try Self.listQuery(request)
        // Read before the incidents: whatever commits after it reaches the page's stream (see `replayStart`).
        let tip = registry.store.feed.tip
        // Highest priority first, then newest: what to look at first is at the top. The default view (open, perhaps
        // by priority) reads the store's index of open incidents; other filters look at every incident.
        let openOnly = query.states == Set(IncidentState.allCases.filter(\.isOpen))
            && query.service == nil && query.assignedTo == nil && query.words == nil
        let (shown, total) = openOnly
            ? registry.store.openIncidents(priorities: query.priorities, offset: query.paging.offset, count: query.paging.limit)
            : registry.store.page(where: query.matches, by: { ($0.priority.rawValue, $1.number) < ($1.priority.rawValue, $0.number) },
                                  offset: query.paging.offset, count: query.paging.limit)
        var escalation: [IncidentNumber: EscalationState] = [:]
        if let engine = onCall?.engine {
            for incident in shown { escalation[incident.number] = await engine.state(of: incident.number) }
        }
        let page = IncidentListPage(incidents: shown, total: total, query: query, escalation: escalation,
                                    replayAfter: tip?.hex, now: Date())
        return try Self.respond(request, page: { page.page(try Self.layout("Incidents", .incidents, context)) }, live: { page.live })
    }

    /// The list's filters: open incidents unless `state` says otherwise (`state=` for any); an empty field is no
    /// filter; 50 a page, as the API.
    private static func listQuery(_ request: Request) throws -> IncidentQuery {
        try IncidentQuery { name in
            let value = request.query(name)
            if name == "state" { return value == nil ? "open" : value!.isEmpty ? nil : value }
            return value?.isEmpty == true ? nil : value
        }
    }

    private func incident(_ request: Request, _ context: ServerContext) async throws -> Response {
        let viewer = try Self.viewer(context)
        let number = try context.incidentNumber()
        let client = LocalClient(registry: registry, actor: viewer.name)
        let tip = registry.store.feed.tip
        let incident = try await client.incident(number)
        var runs: [Run] = []
        for text in incident.runs {
            if let id = RunID(parsing: text), let run = try? await client.run(id) { runs.append(run) }
        }
        let timeline = try await timeline(of: incident)
        var page = IncidentDetailPage(incident: incident, escalation: await onCall?.engine.state(of: number), runs: runs,
                                      timeline: timeline, viewer: viewer,
                                      replayAfter: Self.replayStart(runs: runs, timeline: timeline, tip: tip)?.description, now: Date())
        if let newest = runs.last { page.outputs[newest.id] = await Self.outputs(of: newest, client) }
        return try Self.respond(request, page: { page.page(try Self.layout(number.description, .incidents, context)) }, live: { page.live })
    }

    /// The last lines shown of a finished step's output.
    static let outputLines = 100

    /// The end of what each finished step of `run` printed, from its committed log; a step whose log cannot be read
    /// is left out (its row still links the log).
    private static func outputs(of run: Run, _ client: LocalClient) async -> [String: String] {
        var outputs: [String: String] = [:]
        for step in run.steps where step.log != nil && ![.pending, .running, .awaitingApproval].contains(step.state) {
            guard let text = try? await client.log(of: run.id, step: step.id) else { continue }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let kept = lines.suffix(outputLines).joined(separator: "\n")
            outputs[step.id] = lines.count > outputLines ? "… \(lines.count - outputLines) lines above (see the log)\n" + kept : kept
        }
        return outputs
    }

    /// Where an incident page's event stream starts (its `last_event_id`). The page is read at one moment and its
    /// stream opens a moment later; what happened in between (a step started by the approval that led here, its first
    /// lines) would otherwise show only with the next event, or never. So the stream replays from the audit tip read
    /// before the incident; and while a run is active, from the incident's commit before that run's first, because
    /// the page holds none of the running step's output and a step prints before its start is committed.
    static func replayStart(runs: [Run], timeline: [AuditEvent], tip: ObjectID?) -> FeedPosition? {
        let active = Set(runs.filter { !$0.state.isFinal }.map(\.id.description))
        guard !active.isEmpty,
              let first = timeline.lastIndex(where: { $0.trailers.value(of: .run).map(active.contains) ?? false }) else {
            return tip.map { FeedPosition(commit: $0, output: nil) }
        }
        return timeline[min(first + 1, timeline.count - 1)].position
    }

    /// The incident's audit commits, newest first (at most 1,000): from the index, or, while it loads, from a walk
    /// of the commits made since the incident opened that mention it.
    private func timeline(of incident: Incident) async throws -> [AuditEvent] {
        let reader = registry.store.reader
        let number = incident.number
        // A batch's commit carries other incidents' events too: only this one's are its timeline.
        let own = { @Sendable (commits: [Commit]) in commits.flatMap(AuditEvent.events(of:)).filter { $0.incident == number } }
        if let ids = timelines.commits(of: number) {
            return try await offThePool { own(try ids.suffix(1000).reversed().map { try reader.commit($0) }) }
        }
        let since = incident.openedAt - 2
        return try await offThePool {
            own(try reader.history("audit", path: IncidentRecordFile.folder(for: number), since: since,
                                   grep: "\(AuditTrailer.incident.rawValue): \(number)", limit: 1000))
        }
    }

    // MARK: - Runbooks

    private func runbooks(_ context: ServerContext) async throws -> Response {
        let library = await wiki.library
        let (recent, _) = try await registry.page(of: nil, in: nil, offset: 0, limit: 500)
        var lastRuns: [String: Run] = [:]
        for run in recent where lastRuns[run.runbook].map({ $0.createdAt < run.createdAt }) ?? true { lastRuns[run.runbook] = run }
        return RunbookListPage(library: library, lastRuns: lastRuns, now: Date()).page(try Self.layout("Runbooks", .runbooks, context)).response()
    }

    private func runbook(_ context: ServerContext) async throws -> Response {
        let id = context.parameters.getCatchAll().joined(separator: "/")
        let library = await wiki.library
        guard let runbook = library.runbook(id) else {
            if let page = library.page(id) {
                let problems = page.errors.map(\.description).joined(separator: "; ")
                throw APIError(404, code: "runbook_has_errors", "runbook '\(id)' does not load at \(library.commit.short): \(problems)")
            }
            throw APIError.notFound("no runbook '\(id)' at wiki commit \(library.commit.short)")
        }
        let repository = wiki.repository
        let markdown = try await offThePool { try repository.readFile(runbook.path, at: library.commit) }
        let body = PageHTML.render(runbook: String(decoding: markdown, as: UTF8.self), steps: runbook.steps)
        return RunbookDetailPage(runbook: runbook, commit: library.commit.hex, body: body)
            .page(try Self.layout(runbook.title, .runbooks, context)).response()
    }

    // MARK: - On call

    private func onCallPage(_ context: ServerContext) throws -> Response {
        let layout = try Self.layout("On call", .oncall, context)
        guard let deployment = onCall?.deployment else {
            return ProblemPage(title: "On call", message: "This server runs without paging (no on-call setup).", back: nil).page(layout).response()
        }
        return OnCallPage(config: deployment.config, commit: deployment.commit?.hex, problems: deployment.diagnostics.map(\.description),
                          now: Date()).page(layout).response()
    }

    // MARK: - Audit

    /// The audit commits on one page of `/audit`.
    static let auditPageSize = 50

    private func audit(_ request: Request, _ context: ServerContext) async throws -> Response {
        let reader = registry.store.reader
        var start = "audit"
        if let before = request.query("before") {
            guard let id = ObjectID(hex: before) else {
                throw APIError.badRequest("'\(before.prefix(80))' is not a commit id", field: "before", code: "invalid_parameter")
            }
            start = id.hex + "~1"
        }
        let revision = start
        let commits = try await offThePool { () throws -> [Commit] in
            do {
                return try reader.history(revision, limit: Self.auditPageSize + 1)
            } catch WikiError.revisionNotFound {
                return []
            }
        }
        let shown = Array(commits.prefix(Self.auditPageSize))
        let more = commits.count > Self.auditPageSize ? shown.last?.id : nil
        return AuditListPage(commits: shown, more: more).page(try Self.layout("Audit", .audit, context)).response()
    }

    private func auditCommit(_ context: ServerContext) async throws -> Response {
        let text = context.path("commit")
        guard let id = ObjectID(hex: text) else {
            throw APIError.badRequest("'\(text.prefix(80))' is not a commit id (40 hex digits)", field: "commit", code: "invalid_parameter")
        }
        let reader = registry.store.reader
        let (commit, changes) = try await offThePool { () throws -> (Commit, [AuditCommitPage.FileChange]) in
            let commit: Commit
            do { commit = try reader.commit(id) } catch { throw APIError.notFound("no commit \(id.hex) in the audit repository") }
            let changed: [ChangedFile]
            if let parent = commit.parents.first {
                changed = try reader.changedFiles(from: parent, to: id)
            } else {
                // The branch's first commit: everything in it is new.
                changed = try reader.files(at: id).map { ChangedFile(path: $0.path, blob: $0.blob) }
            }
            let changes = changed.map { file in
                AuditCommitPage.FileChange(
                    path: file.path,
                    before: commit.parents.first.flatMap { try? reader.readFile(file.path, at: $0) }.map { String(decoding: $0, as: UTF8.self) },
                    after: file.blob == nil ? nil : (try? reader.readFile(file.path, at: id)).map { String(decoding: $0, as: UTF8.self) })
            }
            return (commit, changes)
        }
        return AuditCommitPage(commit: commit, changes: changes).page(try Self.layout("Commit \(id.short)", .audit, context)).response()
    }
}
