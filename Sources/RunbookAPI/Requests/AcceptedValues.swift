/// A closed list of strings a body field takes (`firing`, `resolved`), decoded so that a value outside it is
/// refused with the list: `unknown status 'burning'; use one of: firing, resolved`, the wording of the query
/// parameters and the transition body, with the server naming the field's JSON path.
///
/// The decoding Swift synthesizes says only "Cannot initialize Status from invalid String value burning":
/// a Swift type's name, and nothing about what would have been accepted.
public protocol AcceptedValues: RawRepresentable<String>, CaseIterable, Decodable, Sendable {}

extension AcceptedValues {
    /// The raw values, in declaration order: `firing, resolved`.
    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Decodes a raw value, refusing any other with the accepted ones.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            // `close_code` reads as "close code"; an array's element has no name of its own.
            let key = decoder.codingPath.last.flatMap { $0.intValue == nil ? $0.stringValue : nil }
            let field = key.map { $0.replacingOccurrences(of: "_", with: " ") } ?? "value"
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown \(field) '\(text)'; use one of: \(Self.spellings)")
        }
        self = value
    }
}
