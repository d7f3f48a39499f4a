import Foundation
import Logging
import ServiceLifecycle
import Telemetry
import Wiki

/// Keeps what the detectors learned across restarts: ``restore()`` before the server listens
/// (``RunbookApplication/restoreDetectors()``), then, as a service, a save every ``interval`` and one at shutdown
/// (``DetectorSnapshot``).
struct DetectorSnapshots: Service {
    let telemetry: TelemetryPipeline
    /// `DATA/telemetry/detectors.snapshot`.
    let path: String
    /// How often the snapshot is saved: what a crash (not a shutdown) loses.
    var interval: Duration = .seconds(300)
    /// The most the file may hold; the least recently active series beyond it start afresh after a restart.
    var budget = 256 << 20
    let logger: Logger

    /// The snapshot's place in a data directory.
    static func path(inDataDirectory data: String) -> String { data + "/telemetry/detectors.snapshot" }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await save()
            }
        }
        await save()
    }

    /// Restores the snapshot, reporting one that cannot be used and going on without it.
    func restore() async {
        let telemetry = telemetry, path = path
        do {
            let policy = telemetry.policy
            guard let series = try await offThePool({ try DetectorSnapshot.read(from: path) { policy.settings(for: $0.metric) } }) else { return }
            telemetry.restore(series)
            logger.info("restored the anomaly detectors' state", metadata: ["series": "\(series.count)", "path": "\(path)"])
        } catch {
            logger.warning("\(error)")
        }
    }

    /// Saves the snapshot; a failure is logged and the previous file stays.
    func save() async {
        let series = telemetry.snapshot()
        guard !series.isEmpty else { return }
        let path = path, budget = budget
        do {
            let (saved, leftOut) = try await offThePool { try DetectorSnapshot.write(series, to: path, budget: budget) }
            if leftOut > 0 {
                logger.warning("the detector snapshot holds the most recently active series only",
                               metadata: ["saved": "\(saved)", "left_out": "\(leftOut)", "budget_bytes": "\(budget)"])
            }
        } catch {
            logger.error("cannot save the detector snapshot", metadata: ["path": "\(path)", "error": "\(error.localizedDescription)"])
        }
    }
}
