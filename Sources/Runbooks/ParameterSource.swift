/// Where a parameter's value comes from: the triggering alert (front matter `from: labels.X`) or the data directory's
/// secrets (`from: secret.NAME`).
///
/// In JSON it is an object with one key naming the kind: `{"label": "instance"}`, `{"annotation": "summary"}` or
/// `{"secret": "db-password"}` (the name only; a secret's value never leaves the server's data directory but for the
/// step's environment).
public enum ParameterSource: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// An alert label, such as `labels.instance`.
    case label(String)
    /// An alert annotation, such as `annotations.summary`.
    case annotation(String)
    /// A secret of the data directory, such as `secret.db-password`, given to steps and redacted from everything they print.
    case secret(String)

    /// Parses `labels.X` or `annotations.X`; `nil` for anything else or an invalid name `X`.
    public init?(parsing text: String) {
        if text.hasPrefix("labels.") {
            let name = String(text.dropFirst("labels.".count))
            guard Matcher.isValidLabelName(name) else { return nil }
            self = .label(name)
        } else if text.hasPrefix("annotations.") {
            let name = String(text.dropFirst("annotations.".count))
            guard Matcher.isValidLabelName(name) else { return nil }
            self = .annotation(name)
        } else if text.hasPrefix("secret.") {
            let name = String(text.dropFirst("secret.".count))
            guard SecretName.isValid(name) else { return nil }
            self = .secret(name)
        } else {
            return nil
        }
    }

    /// `labels.instance` or `annotations.summary`, the front-matter spelling.
    public var description: String {
        switch self {
        case .label(let name): "labels.\(name)"
        case .annotation(let name): "annotations.\(name)"
        case .secret(let name): "secret.\(name)"
        }
    }

    /// The value on an alert, if it has one; a secret is never on an alert.
    public func value(labels: [String: String], annotations: [String: String]) -> String? {
        switch self {
        case .label(let name): labels[name]
        case .annotation(let name): annotations[name]
        case .secret: nil
        }
    }
}
