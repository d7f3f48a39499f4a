/// Which inventory hosts a fanned-out step runs on: `hosts=role=db,env=prod` means every host with both labels.
public struct HostSelector: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Label name → required value; a host matches when it has all of them.
    public let requirements: [String: String]

    /// Parses `key=value[,key=value…]`; `nil` when a part is not `key=value` with a valid label name and a value.
    public init?(parsing text: String) {
        var requirements: [String: String] = [:]
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2, Matcher.isValidLabelName(String(pieces[0])), !pieces[1].isEmpty,
                  requirements.updateValue(String(pieces[1]), forKey: String(pieces[0])) == nil else { return nil }
        }
        guard !requirements.isEmpty else { return nil }
        self.requirements = requirements
    }

    /// Whether `host` carries every required label.
    public func matches(_ host: InventoryHost) -> Bool {
        requirements.allSatisfy { host.labels[$0.key] == $0.value }
    }

    /// `env=prod,role=db`, sorted by label name.
    public var description: String {
        requirements.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let selector = HostSelector(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a selector like role=db,env=prod"))
        }
        self = selector
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
