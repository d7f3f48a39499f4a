/// The JSON spelling of a parameter's source: `{"label": "instance"}`, `{"annotation": "summary"}` or `{"secret": "db-password"}`.
///
/// Written by hand because the synthesized coding of an enum with an associated value is
/// `{"label": {"_0": "instance"}}`: Swift's internals on the wire, which an API client should not have to know.
extension ParameterSource {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case label, annotation, secret
    }

    /// Decodes an object with exactly one of `label`, `annotation` and `secret`, whose value is a valid name.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let present = CodingKeys.allCases.filter(container.contains)
        guard present.count == 1, let key = present.first else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "a parameter source is an object with one key, label, annotation or secret, naming where the value comes from"))
        }
        let name = try container.decode(String.self, forKey: key)
        switch key {
        case .secret where SecretName.isValid(name): self = .secret(name)
        case .label where Matcher.isValidLabelName(name): self = .label(name)
        case .annotation where Matcher.isValidLabelName(name): self = .annotation(name)
        default:
            let rule = key == .secret ? SecretName.rule : "use letters, digits and '_'"
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "invalid \(key.stringValue) name '\(name)': \(rule)")
        }
    }

    /// Encodes `{"label": NAME}`, `{"annotation": NAME}` or `{"secret": NAME}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .label(let name): try container.encode(name, forKey: .label)
        case .annotation(let name): try container.encode(name, forKey: .annotation)
        case .secret(let name): try container.encode(name, forKey: .secret)
        }
    }
}
