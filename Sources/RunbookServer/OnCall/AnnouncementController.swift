import Escalation
import Foundation
import Hummingbird
import ITIL
import Notify
import RunbookAPI

/// `GET /api/v1/incidents/{number}/announcement.wav`: the incident read aloud (espeak-ng), as the spoken channel
/// renders it. Open to a viewer's token, or to the `?link=` token of a notification about this incident, so the
/// link in a chat message plays without logging in.
struct AnnouncementController: Sendable {
    let store: IncidentStore
    let links: LinkMaker
    let speech: SpeechSynthesizer

    func register(on api: RouterGroup<ServerContext>) {
        api.get("incidents/{number}/announcement.wav") { request, context in
            let number = try context.incidentNumber()
            if let token = request.query("link") {
                do {
                    _ = try SignedLink.verify(token, incident: number.value, key: links.key)
                } catch {
                    throw APIError(403, code: "forbidden", "the link cannot be used: \(error)")
                }
            } else {
                _ = try context.actor()
            }
            guard let incident = try? store.incident(number) else { throw APIError(404, code: "not_found", "no incident \(number)") }
            let message = links.message(kind: .page, about: incident, for: nil, key: "announcement", recipient: "")
            let wav: Data
            do {
                wav = try await speech.wav(announcing: message)
            } catch {
                throw APIError(503, code: "speech_unavailable", "cannot render the announcement: \(error)")
            }
            return Response(status: .ok, headers: [.contentType: "audio/wav", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: wav)))
        }
    }
}
