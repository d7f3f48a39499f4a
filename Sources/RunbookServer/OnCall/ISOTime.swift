import Foundation
import RunbookAPI

/// Times in the on-call routes' queries and bodies: ISO 8601, or a 400 naming the field.
enum ISOTime {
    static func parse(_ text: String, field: String, code: String = "invalid_field") throws -> Date {
        guard let date = try? Date(text, strategy: .iso8601) else {
            throw APIError.badRequest("'\(text)' is not an ISO 8601 time (e.g. 2026-12-24T09:00:00Z)", field: field, code: code)
        }
        return date
    }
}
