/// What is wrong in the SLA config file, and where: the file, the line and the key.
public struct SLAConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file as named to the parser, normally `config/sla.yaml`.
    public var path: String
    /// The 1-based line, when the YAML parser knows it.
    public var line: Int?
    /// The dotted key that is wrong (`priorities.2.response`); empty for the file as a whole.
    public var key: String
    /// What is wrong and what is accepted.
    public var message: String

    /// An error at `line` of `path`, about `key`.
    public init(path: String, line: Int?, key: String, message: String) {
        self.path = path
        self.line = line
        self.key = key
        self.message = message
    }

    /// `config/sla.yaml:4: priorities.2.response: '1x' is not a duration (use e.g. 15m, 4h, 3d)`.
    public var description: String {
        let place = line.map { "\(path):\($0)" } ?? path
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}
