import Foundation
import Runbooks

/// The API's JSON form: `{"id", "matchers": ["service=\"db\""], "starts_at", "ends_at", "created_by", "comment"}`.
///
/// Matchers are written in Alertmanager syntax and times as ISO 8601 strings whatever the coder's date strategy,
/// so the JSON reads the same as the YAML in git. Decoding rejects an empty matcher list (it would silence
/// everything) and an end that is not after the start.
extension Silence: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, matchers, comment
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case createdBy = "created_by"
    }

    /// Decodes and validates the API form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let texts = try container.decode([String].self, forKey: .matchers)
        guard !texts.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .matchers, in: container, debugDescription: "a silence needs at least one matcher")
        }
        var matchers: [Matcher] = []
        for text in texts {
            do {
                matchers.append(try Matcher(parsing: text))
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .matchers, in: container, debugDescription: "'\(text)': \(error.message)")
            }
        }
        let startsAt = try Self.date(container, .startsAt)
        let endsAt = try Self.date(container, .endsAt)
        guard startsAt < endsAt else {
            throw DecodingError.dataCorruptedError(forKey: .endsAt, in: container, debugDescription: "ends_at must be after starts_at")
        }
        self.init(
            id: try container.decode(String.self, forKey: .id), matchers: matchers, startsAt: startsAt, endsAt: endsAt,
            createdBy: try container.decode(String.self, forKey: .createdBy),
            comment: try container.decodeIfPresent(String.self, forKey: .comment) ?? ""
        )
    }

    /// Encodes the API form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(matchers.map(\.description), forKey: .matchers)
        try container.encode(Self.text(startsAt), forKey: .startsAt)
        try container.encode(Self.text(endsAt), forKey: .endsAt)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(comment, forKey: .comment)
    }

    private static func date(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date {
        let text = try container.decode(String.self, forKey: key)
        guard let date = LocalDateTime(parsing: text)?.date(in: nil) else {
            let message = "'\(text)' is not an ISO 8601 time with Z or an offset"
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: message)
        }
        return date
    }

    private static func text(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
