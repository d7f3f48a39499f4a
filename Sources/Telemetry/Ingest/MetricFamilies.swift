/// What one Prometheus text body has said about its metric families so far, checked as the reference parser
/// (prometheus/common `expfmt`) checks it: at most one `# HELP` and one `# TYPE` per family, the TYPE before the
/// family's samples, a type it knows. A histogram's or summary's `_bucket`, `_sum` and `_count` samples belong to the
/// family their TYPE line named.
struct MetricFamilies {
    enum MetricType: String {
        case counter, gauge, histogram, summary, untyped
        case gaugeHistogram = "gaugehistogram"
    }

    /// Which sample of its family a line is.
    enum Part { case whole, count, sum, bucket }

    /// The family a name belongs to.
    struct Resolved {
        var name: String
        var type: MetricType?
        var part: Part
    }

    private struct Family {
        var help = false
        var type: MetricType?
    }

    private var families: [String: Family] = [:]
    /// The last sample's name and family: exposition bodies list a family's samples together, so most lines look up
    /// nothing.
    private var last: (name: [UInt8], family: Resolved)?

    /// The family of a sample's (or a comment's) metric name; a sample fixes an untyped family's type.
    mutating func family(of name: ArraySlice<UInt8>, sample: Bool) -> Resolved {
        if sample, let last, last.name.elementsEqual(name) { return last.family }
        var resolved = resolve(String(decoding: name, as: UTF8.self))
        if sample {
            if resolved.type == nil {
                resolved.type = .untyped
                families[resolved.name, default: Family()].type = .untyped
            }
            last = (Array(name), resolved)
        }
        return resolved
    }

    mutating func setHelp(of name: ArraySlice<UInt8>) throws(LineError) {
        let family = self.family(of: name, sample: false)
        guard families[family.name]?.help != true else { throw LineError("second # HELP for metric \"\(family.name)\"") }
        families[family.name, default: Family()].help = true
        last = nil
    }

    mutating func setType(_ text: String, of name: ArraySlice<UInt8>) throws(LineError) {
        let family = self.family(of: name, sample: false)
        guard family.type == nil else {
            throw LineError("second # TYPE for metric \"\(family.name)\", or a # TYPE after its samples")
        }
        // Prometheus 3 writes `gaugehistogram`; the older protobuf enum name is GAUGE_HISTOGRAM.
        guard let type = MetricType(rawValue: text.lowercased() == "gauge_histogram" ? "gaugehistogram" : text.lowercased()) else {
            throw LineError("unknown metric type \"\(text)\" (counter, gauge, histogram, gaugehistogram, summary or untyped)")
        }
        families[family.name, default: Family()].type = type
        last = nil
    }

    /// The name's own family if there is one, else the summary or histogram its suffix points to, else a new one.
    private func resolve(_ name: String) -> Resolved {
        if let family = families[name] { return Resolved(name: name, type: family.type, part: .whole) }
        for (suffix, part) in [("_count", Part.count), ("_sum", .sum), ("_bucket", .bucket)] where name.hasSuffix(suffix) && name.count > suffix.count {
            let base = String(name.dropLast(suffix.count))
            let type = families[base]?.type
            if type == .histogram || (type == .summary && part != .bucket) { return Resolved(name: base, type: type, part: part) }
        }
        return Resolved(name: name, type: nil, part: .whole)
    }
}
