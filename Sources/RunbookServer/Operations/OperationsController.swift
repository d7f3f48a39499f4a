import Foundation
import Hummingbird
import ITIL
import RunbookAPI
import Wiki

/// `GET /metrics` (Prometheus text), `GET /healthz` (the process answers) and `GET /readyz` (the
/// wiki and the audit branch can be read). None needs a token, so probes and scrapers work as
/// they are; they show counts, never incident content.
struct OperationsController: Sendable {
    let metrics: ServerMetrics
    let store: IncidentStore
    let wiki: WikiWatcher
    let extraGauges: @Sendable () async -> Void
    /// How far the escalation of each of the given (open) incidents went (empty without on-call).
    let paging: @Sendable ([IncidentNumber]) async -> [IncidentNumber: DeadlineMetrics.Paging]
    /// Most incidents with per-incident deadline series.
    let incidentLimit: Int

    func register(on router: some RouterMethods<ServerContext>) {
        router.get("metrics") { _, _ in
            await extraGauges()
            let incidents = store.incidents()
            let paging = await paging(incidents.filter(\.state.isOpen).map(\.number))
            let text = metrics.render(incidents: incidents, paging: paging, incidentLimit: incidentLimit)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("healthz") { _, _ in ["status": "ok"] }
        router.get("readyz") { _, _ in
            do {
                let (reader, branch) = (store.reader, store.auditLog.branch)
                _ = try await offThePool { try reader.branchHead(branch) }
                let library = await wiki.library
                return ["status": "ready", "wiki_commit": library.commit.hex]
            } catch {
                throw APIError(503, code: "not_ready", "the audit branch cannot be read: \(error)")
            }
        }
    }
}
