import Hummingbird

/// `limit` (default 50, at most 500) and `offset` of a list endpoint, which shows newest first.
struct Paging: Sendable {
    let limit: Int
    let offset: Int

    /// Reads the two parameters; a bad one is a 400 naming it.
    init(_ query: Parameters) throws {
        limit = try Self.integer(query["limit"], name: "limit", default: 50, range: 1...500)
        offset = try Self.integer(query["offset"], name: "offset", default: 0, range: 0...Int.max)
    }

    /// This page of `items`, which are oldest first.
    func page<Item>(of items: [Item]) -> [Item] {
        Array(items.reversed().dropFirst(offset).prefix(limit))
    }

    private static func integer(_ text: Substring?, name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.badRequest("\(name) must be a whole number from \(range.lowerBound)"
                                      + (range.upperBound == Int.max ? " up" : " to \(range.upperBound)"), field: name,
                                      code: "invalid_parameter")
        }
        return value
    }
}
