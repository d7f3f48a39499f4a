/// Where a parameter's value comes from on the triggering alert (front matter `from: labels.X`).
///
/// In JSON it is an object with one key naming the kind: `{"label": "instance"}` or `{"annotation": "summary"}`.
public enum ParameterSource: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// An alert label, such as `labels.instance`.
    case label(String)
    /// An alert annotation, such as `annotations.summary`.
    case annotation(String)

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
        } else {
            return nil
        }
    }

    /// `labels.instance` or `annotations.summary`, the front-matter spelling.
    public var description: String {
        switch self {
        case .label(let name): "labels.\(name)"
        case .annotation(let name): "annotations.\(name)"
        }
    }

    /// The value on an alert, if it has one.
    public func value(labels: [String: String], annotations: [String: String]) -> String? {
        switch self {
        case .label(let name): labels[name]
        case .annotation(let name): annotations[name]
        }
    }
}
