/// The JSON spelling of a parameter's source: `{"label": "instance"}` or `{"annotation": "summary"}`.
///
/// Written by hand because the synthesized coding of an enum with an associated value is
/// `{"label": {"_0": "instance"}}`: Swift's internals on the wire, which an API client should not have to know.
extension ParameterSource {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case label, annotation
    }

    /// Decodes an object with exactly one of `label` and `annotation`, whose value is a valid label name.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let present = CodingKeys.allCases.filter(container.contains)
        guard present.count == 1, let key = present.first else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "a parameter source is an object with one key, label or annotation, naming the alert's label or annotation"))
        }
        let name = try container.decode(String.self, forKey: key)
        guard Matcher.isValidLabelName(name) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                   debugDescription: "invalid \(key.stringValue) name '\(name)': use letters, digits and '_'")
        }
        self = key == .label ? .label(name) : .annotation(name)
    }

    /// Encodes `{"label": NAME}` or `{"annotation": NAME}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .label(let name): try container.encode(name, forKey: .label)
        case .annotation(let name): try container.encode(name, forKey: .annotation)
        }
    }
}
