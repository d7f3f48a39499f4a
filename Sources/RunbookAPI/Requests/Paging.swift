/// `limit` (default 50, at most 500) and `offset` of a list, which shows newest first.
public struct Paging: Sendable, Equatable {
    public let limit: Int
    public let offset: Int

    public init(limit: Int = 50, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }

    /// Reads the two query parameters; a bad one is a 400 naming it.
    public init(_ parameter: (String) -> String?) throws(APIError) {
        limit = try Self.integer(parameter("limit"), name: "limit", default: 50, range: 1...500)
        offset = try Self.integer(parameter("offset"), name: "offset", default: 0, range: 0...Int.max)
    }

    /// The query parameters that ask for this page.
    public var parameters: [String: String] { ["limit": String(limit), "offset": String(offset)] }

    /// This page of `items`, which are oldest first.
    public func page<Item>(of items: [Item]) -> [Item] {
        Array(items.reversed().dropFirst(offset).prefix(limit))
    }

    private static func integer(_ text: String?, name: String, default fallback: Int, range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.badRequest("\(name) must be a whole number from \(range.lowerBound)"
                                      + (range.upperBound == Int.max ? " up" : " to \(range.upperBound)"), field: name,
                                      code: "invalid_parameter")
        }
        return value
    }
}
