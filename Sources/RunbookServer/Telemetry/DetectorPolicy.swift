import Telemetry
import Yams

/// The detector settings per metric: a default for every series and overrides by metric name,
/// from the wiki's `config/detector.yaml`, so changing them is a commit like any other:
///
/// ```yaml
/// default: { sensitivity: 1, warm_up: 150, cool_down: 30 }
/// metrics:
///   disk_used_percent: { sensitivity: 0.8 }
///   checkout_latency_seconds: { cool_down: 120 }
/// ```
public struct DetectorPolicy: Sendable, Equatable {
    public var standard: DetectorSettings
    public var perMetric: [String: DetectorSettings]

    /// Where the policy lives in the wiki.
    public static let configPath = "config/detector.yaml"

    public init(standard: DetectorSettings = DetectorSettings(), perMetric: [String: DetectorSettings] = [:]) {
        self.standard = standard
        self.perMetric = perMetric
    }

    /// The settings of series of `metric`.
    public func settings(for metric: String) -> DetectorSettings {
        perMetric[metric] ?? standard
    }

    /// Parses the YAML form; errors name the line and key.
    public init(yaml text: String) throws {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw DetectorPolicyError(line: nil, message: "\(Self.configPath) is not valid YAML: \(error)")
        }
        guard let root = node?.mapping else {
            self.init()
            return
        }
        for (key, _) in root where !["default", "metrics"].contains(key.string ?? "") {
            throw DetectorPolicyError(line: key.mark?.line, message: "unknown key '\(key.string ?? "")'; use default and metrics")
        }
        let standard = try root["default"].map { try Self.settings($0, base: DetectorSettings(), name: "default") } ?? DetectorSettings()
        var perMetric: [String: DetectorSettings] = [:]
        if let metrics = root["metrics"] {
            guard let mapping = metrics.mapping else {
                throw DetectorPolicyError(line: metrics.mark?.line, message: "metrics must map metric names to settings")
            }
            for (name, value) in mapping {
                let metric = name.string ?? ""
                perMetric[metric] = try Self.settings(value, base: standard, name: "metrics.\(metric)")
            }
        }
        self.init(standard: standard, perMetric: perMetric)
    }

    private static func settings(_ node: Node, base: DetectorSettings, name: String) throws -> DetectorSettings {
        guard let mapping = node.mapping else {
            throw DetectorPolicyError(line: node.mark?.line, message: "\(name) must be a mapping of sensitivity, warm_up, cool_down")
        }
        var settings = base
        for (key, value) in mapping {
            let field = key.string ?? ""
            let line = value.mark?.line
            switch field {
            case "sensitivity":
                guard let number = value.float, number > 0, number <= 10 else {
                    throw DetectorPolicyError(line: line, message: "\(name).sensitivity must be a number above 0 (1 is the default)")
                }
                settings.sensitivity = number
            case "warm_up":
                guard let count = value.int, count >= 0 else {
                    throw DetectorPolicyError(line: line, message: "\(name).warm_up must be a whole number of samples")
                }
                settings.warmUpSamples = count
            case "cool_down":
                guard let count = value.int, count >= 0 else {
                    throw DetectorPolicyError(line: line, message: "\(name).cool_down must be a whole number of samples")
                }
                settings.coolDownSamples = count
            default:
                throw DetectorPolicyError(line: key.mark?.line, message: "unknown key '\(name).\(field)'; use sensitivity, warm_up, cool_down")
            }
        }
        return settings
    }
}

/// A problem in `config/detector.yaml`, with its line.
public struct DetectorPolicyError: Error, CustomStringConvertible, Equatable {
    public let line: Int?
    public let message: String

    public var description: String {
        "\(DetectorPolicy.configPath)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
