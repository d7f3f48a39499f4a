import Escalation
import Foundation
import Hummingbird
import ITIL
import OnCall
import RunbookAPI
import Runbooks

/// `/api/v1/silences`: maintenance windows made without a wiki commit, with author and comment (the token's name is
/// the author). The wiki's silences are listed too, and ended only by a commit.
struct SilenceController: Sendable {
    let silences: SilenceBook
    let settings: ServerSettings

    /// `POST /api/v1/silences`.
    struct NewSilence: Decodable {
        var matchers: [String]
        var startsAt: String?
        var endsAt: String?
        var duration: String?
        var comment: String

        enum CodingKeys: String, CodingKey {
            case matchers, duration, comment
            case startsAt = "starts_at"
            case endsAt = "ends_at"
        }
    }

    struct SilenceList: ResponseEncodable {
        var silences: [Silence]
    }

    func register(on api: RouterGroup<ServerContext>) {
        api.group("silences", role: .viewer)
            .get { request, _ in
                SilenceList(silences: silences.all(activeAt: request.query("active") == "true" ? Date() : nil))
            }
        api.group("silences", role: .responder)
            .post { request, context in
                let body = try await JSONBody.decode(NewSilence.self, from: request, limit: settings.bodyLimit)
                let silence = try make(body, by: try context.actor().name)
                try change { try silences.add(silence) }
                return EditedResponse(status: .created, response: silence)
            }
            .delete("{id}") { _, context in
                try change { try silences.expire(context.path("id"), at: Date()) }
            }
    }

    private func make(_ body: NewSilence, by author: String) throws -> Silence {
        guard !body.matchers.isEmpty else {
            throw APIError.badRequest("a silence needs at least one matcher", field: "matchers", code: "invalid_field")
        }
        var matchers: [Matcher] = []
        for (index, text) in body.matchers.enumerated() {
            do {
                matchers.append(try Matcher(parsing: text))
            } catch {
                throw APIError.badRequest("\(error)", field: "matchers[\(index)]", code: "invalid_field")
            }
        }
        guard !body.comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("say why: a silence needs a comment", field: "comment", code: "invalid_field")
        }
        let starts = try body.startsAt.map { try ISOTime.parse($0, field: "starts_at") } ?? Date()
        let ends: Date
        if let endsAt = body.endsAt {
            ends = try ISOTime.parse(endsAt, field: "ends_at")
        } else if let text = body.duration {
            guard let seconds = DurationText.parse(text), seconds > 0 else {
                throw APIError.badRequest("'\(text)' is not a duration (e.g. 2h)", field: "duration", code: "invalid_field")
            }
            ends = starts + seconds
        } else {
            throw APIError.badRequest("give ends_at or duration", field: "ends_at", code: "invalid_field")
        }
        guard starts < ends else { throw APIError.badRequest("ends_at must be after starts_at", field: "ends_at", code: "invalid_field") }
        return Silence(id: "api-" + UUID().uuidString.prefix(8).lowercased(), matchers: matchers, startsAt: starts, endsAt: ends,
                       createdBy: author, comment: body.comment)
    }


    private func change<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SilenceBookError {
            switch error {
            case .unknown: throw APIError(404, code: "not_found", error.description)
            case .duplicate, .inWiki: throw APIError(409, code: "conflict", error.description)
            case .unwritable, .corrupt: throw APIError(500, code: "silences_unavailable", error.description)
            }
        }
    }
}

extension Silence: ResponseEncodable {}
