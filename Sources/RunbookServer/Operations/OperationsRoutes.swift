import Foundation
import Hummingbird
import ITIL

/// `GET /metrics` (Prometheus text), `GET /healthz` (the process answers) and `GET /readyz` (the
/// wiki and the audit branch can be read). None needs a token, so probes and scrapers work as
/// they are; they show counts, never incident content.
struct OperationsRoutes: Sendable {
    let metrics: ServerMetrics
    let store: IncidentStore
    let wiki: WikiWatcher
    let extraGauges: @Sendable () async -> Void

    func register(on routes: RouteRecorder) {
        routes.on("/metrics", .get) { _, _ in
            await extraGauges()
            let text = metrics.render(incidents: await store.incidents())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        routes.on("/healthz", .get) { _, _ in try JSONBody.response(["status": "ok"]) }
        routes.on("/readyz", .get) { _, _ in
            do {
                _ = try store.auditLog.head()
                let library = await wiki.library
                return try JSONBody.response(["status": "ready", "wiki_commit": library.commit.hex])
            } catch {
                throw APIError(.serviceUnavailable, code: "not_ready", "the audit branch cannot be read: \(error)")
            }
        }
    }
}
