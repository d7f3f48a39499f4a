import Escalation
import Foundation
import Hummingbird
import ITIL
import Notify
import RunbookAPI

/// `/links/INC0000042/TOKEN`: the signed links of notifications, which need no token. `GET` only shows what the link
/// would do, so a chat app's link preview cannot acknowledge anything; the page's button `POST`s, which acts.
/// Acting twice answers the same and records nothing new.
struct LinkController: Sendable {
    let store: IncidentStore
    let key: LinkKey

    func register(on router: some RouterMethods<ServerContext>) {
        router.group("\(LinkMaker.linkPath)/{number}/{token}")
            .get { request, context in
                do {
                    let (link, incident) = try verify(context)
                    return Self.html(200, LinkPage.confirm(link, incident: incident, path: request.uri.path))
                } catch let refusal as LinkRefusal {
                    return Self.html(refusal.status, LinkPage.refused(refusal.message))
                }
            }
            .post { request, context in
                do {
                    let (link, incident) = try verify(context)
                    let form = try await Self.form(request)
                    let done = try await act(link, on: incident, form: form)
                    return Self.html(200, LinkPage.done(done))
                } catch let refusal as LinkRefusal {
                    return Self.html(refusal.status, LinkPage.refused(refusal.message))
                }
            }
    }

    private struct LinkRefusal: Error {
        let status: Int
        let message: String
    }

    private func verify(_ context: ServerContext) throws -> (SignedLink, Incident) {
        guard let number = IncidentNumber(parsing: context.path("number")) else {
            throw LinkRefusal(status: 404, message: "This link names no incident.")
        }
        let link: SignedLink
        do {
            link = try SignedLink.verify(context.path("token"), incident: number.value, key: key)
        } catch {
            throw LinkRefusal(status: 403, message: "This link cannot be used: \(error).")
        }
        guard let incident = try? store.incident(number) else { throw LinkRefusal(status: 404, message: "There is no \(number).") }
        return (link, incident)
    }

    /// Acknowledges, snoozes or withdraws, as the link's person; says what happened.
    /// What the confirmation page's form sends: a snooze's length.
    private struct LinkForm: Decodable {
        var minutes: Int?
    }

    private func act(_ link: SignedLink, on incident: Incident, form: LinkForm) async throws -> String {
        let number = incident.number
        guard incident.state.isOpen else { return "\(number) is \(incident.state.title): nothing to do." }
        do {
            switch link.action {
            case .acknowledge:
                if incident.acknowledgedBy == link.person, incident.snoozedUntil == nil { return "\(number) was already acknowledged by you." }
                _ = try await store.apply(.acknowledged, to: number, actor: link.person)
                return "\(number) is acknowledged by \(link.person): escalation stopped."
            case .snooze:
                let minutes = form.minutes ?? 60
                guard (1...1440).contains(minutes) else { throw LinkRefusal(status: 400, message: "A snooze is 1 to 1440 minutes.") }
                let updated = try await store.apply(.snoozed(until: Date() + Double(minutes) * 60), to: number, actor: link.person)
                return "\(number) is snoozed until \(updated.snoozedUntil.map(Timestamp.format) ?? "?")."
            case .unacknowledge:
                guard incident.acknowledgedBy != nil else { return "\(number) is not acknowledged." }
                _ = try await store.apply(.unacknowledged, to: number, actor: link.person)
                return "\(number) is no longer acknowledged: escalation starts over."
            }
        } catch let error as IncidentError {
            throw LinkRefusal(status: 409, message: error.description)
        }
    }

    /// The form, in Hummingbird's own URL-encoded decoder; a form it cannot read counts as empty (the defaults).
    private static func form(_ request: Request) async throws -> LinkForm {
        let body = try await request.body.collect(upTo: 4096)
        return (try? URLEncodedFormDecoder().decode(LinkForm.self, from: String(buffer: body))) ?? LinkForm()
    }

    private static func html(_ status: Int, _ page: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
