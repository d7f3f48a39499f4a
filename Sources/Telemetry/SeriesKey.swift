/// The identity of one time series: a metric name plus its labels, sorted by label name.
///
/// Two samples belong to the same series exactly when their keys are equal, whatever order
/// their labels arrived in.
public struct SeriesKey: Hashable, Sendable, CustomStringConvertible {
    /// The metric name (`cpu_usage`, or `measurement_field` for line protocol).
    public let metric: String
    /// Labels sorted by name; names are unique.
    public let labels: [Label]

    /// One label of a series.
    public struct Label: Hashable, Sendable {
        public let name: String
        public let value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Makes a key; labels are sorted by name and, when a name repeats, the last value wins.
    public init(metric: String, labels: [String: String]) {
        self.metric = metric
        self.labels = labels.sorted { $0.key < $1.key }.map { Label(name: $0.key, value: $0.value) }
    }

    /// Makes a key from labels with unique names, without building a dictionary.
    ///
    /// The registry builds a key this way for every new series. Labels already in `String` order
    /// are taken as they are; any other order (byte order differs outside ASCII) is sorted.
    public init(metric: String, sortedLabels: [Label]) {
        self.metric = metric
        if zip(sortedLabels, sortedLabels.dropFirst()).allSatisfy({ $0.name < $1.name }) {
            self.labels = sortedLabels
        } else {
            self.labels = sortedLabels.sorted { $0.name < $1.name }
        }
    }

    /// The Prometheus spelling, `metric{a="1",b="2"}`, used in logs and annotations.
    public var description: String {
        if labels.isEmpty { return metric }
        let inner = labels.map { "\($0.name)=\"\(escaped($0.value))\"" }.joined(separator: ",")
        return "\(metric){\(inner)}"
    }

    private func escaped(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
