import Foundation

/// The first executable `name` in a PATH directory, as `command -v` finds it: the tools tests drive (Prometheus,
/// Alertmanager, openssl) are Debian's, found where `scripts/setup` looks for them.
func executableOnPath(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}
