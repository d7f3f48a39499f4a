import Executor
import Foundation
import Hummingbird
import ITIL
import RunbookAPI
import Runbooks
import Telemetry

/// Telemetry intake: InfluxDB line protocol, Prometheus text and OTLP/HTTP JSON. Every sample is
/// scored by its series' detector; an anomaly becomes an alert (`alertname="AnomalyDetected"`)
/// through the same intake as any other, deduplicated per series while its incident is open.
struct TelemetryController: Sendable {
    let pipeline: TelemetryPipeline
    let intake: AlertIntake
    let settings: ServerSettings
    let metrics: ServerMetrics

    /// The paths are the ones agents already post to (InfluxDB's, OTLP's), not under `/api/v1`.
    func register(on router: some RouterMethods<ServerContext>) {
        router.group(role: .responder)
            .post("write") { request, context in try await lineProtocol(request, context, partialStatus: 400) }
            .post("api/v2/write") { request, context in try await lineProtocol(request, context, partialStatus: 422) }
            .post("api/v1/import/prometheus") { request, context in try await prometheus(request, context) }
            .post("v1/metrics") { request, context in try await otlp(request, context) }
    }

    // MARK: - Formats

    /// See ``answer(_:code:partialStatus:)``: InfluxDB 1.x answers a partial write with 400, 2.x with 422.
    private func lineProtocol(_ request: Request, _ context: ServerContext, partialStatus: Int) async throws -> Response {
        let principal = try context.actor()
        let precisionText = request.uri.queryParameters["precision"].map(String.init) ?? "ns"
        guard let precision = TimestampPrecision(queryValue: precisionText) else {
            throw APIError.badRequest("precision must be ns, us, ms or s, not '\(precisionText)'", field: "precision", code: "invalid_parameter")
        }
        let body = try await plainBody(request)
        let batch = body.withUnsafeReadableBytes { LineProtocolParser(precision: precision).parse($0, options: options) }
        try await take(batch, format: "influx", actor: principal.name)
        return try Self.answer(batch, code: "invalid_line_protocol", partialStatus: partialStatus)
    }

    private func prometheus(_ request: Request, _ context: ServerContext) async throws -> Response {
        let principal = try context.actor()
        let body = try await plainBody(request)
        let batch = body.withUnsafeReadableBytes { PrometheusTextParser().parse($0, options: options) }
        try await take(batch, format: "prometheus", actor: principal.name)
        return try Self.answer(batch, code: "invalid_exposition", partialStatus: 400)
    }

    /// 204 when every point was taken in; 400 naming the first bad line (the good ones are kept, as InfluxDB does);
    /// when every line was good but points were dropped for their time, a partial write naming how many and the
    /// first (`partialStatus`), so a gap in someone's graph is never a silent 204.
    private static func answer(_ batch: IngestBatch, code: String, partialStatus: Int) throws -> Response {
        if let error = batch.firstError {
            throw APIError.badRequest(error.description, field: field(error), code: code)
        }
        let dropped = batch.rejections.outOfWindow
        if dropped > 0, let first = batch.firstDrop {
            let points = dropped == 1 ? "1 point" : "\(dropped) points"
            throw APIError(partialStatus, code: "partial_write", "partial write: \(points) dropped; the first: \(first)", field: field(first))
        }
        return Response(status: .noContent)
    }

    /// 200 with `{}`, or with `partialSuccess` when some data points were rejected; 400 with an
    /// OTLP `Status` (`{"code": 3, "message": ...}`) for a body that is not OTLP JSON.
    private func otlp(_ request: Request, _ context: ServerContext) async throws -> Response {
        let principal = try context.actor()
        let body = try await plainBody(request)
        let batch: IngestBatch
        do {
            batch = try body.withUnsafeReadableBytes { bytes throws(IngestError) in try OTLPMetricsParser().parse(bytes, options: options) }
        } catch {
            return try JSONBody.response(OTLPStatus(code: 3, message: error.description), status: .badRequest)
        }
        try await take(batch, format: "otlp", actor: principal.name)
        let rejected = batch.rejections.rejected
        guard rejected > 0 else { return try JSONBody.response([String: String]()) }
        // The first real reason, with its JSON path: an error, else the first point dropped for its time, value or type.
        let first = batch.firstError ?? batch.firstDrop
        let message = "\(rejected) data points were not taken in; the first: " + (first?.description ?? "unknown")
        return try JSONBody.response(OTLPPartial(partialSuccess: .init(rejectedDataPoints: rejected, errorMessage: message)))
    }

    struct OTLPStatus: Encodable {
        let code: Int
        let message: String
    }

    struct OTLPPartial: Encodable {
        struct Partial: Encodable {
            let rejectedDataPoints: Int
            let errorMessage: String
        }
        let partialSuccess: Partial
    }

    // MARK: - Scoring and alerts

    /// Scores the batch and raises an alert for every anomaly, waiting until their incidents are committed.
    private func take(_ batch: IngestBatch, format: String, actor: String) async throws {
        let outcome = await pipeline.ingest(batch)
        metrics.recordSamples(format: format, accepted: outcome.counters.accepted,
                              rejected: batch.rejections.rejected + outcome.counters.outOfOrder + outcome.counters.duplicates)
        guard !outcome.anomalies.isEmpty else { return }
        metrics.recordAnomalies(outcome.anomalies.count)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for anomaly in outcome.anomalies {
                group.addTask { _ = try await intake.fire(Self.alert(for: anomaly), actor: actor, countingRepeats: false) }
            }
            try await group.waitForAll()
        }
    }

    /// The alert for an anomaly: the series' labels plus `alertname` and `metric`, and the annotations of
    /// ``ServerAlert/anomaly``: the score, the value, the range the detector expected before the sample, which view
    /// fired, since when the series had behaved normally, and the host (the series' `host` label, as Telegraf sends
    /// it, else its `instance`, as Prometheus labels it).
    static func alert(for anomaly: TelemetryPipeline.Anomaly) -> AlertTrigger {
        var labels: [String: String] = [:]
        for label in anomaly.series.labels { labels[label.name] = label.value }
        let host = labels["host"] ?? labels["instance"]
        labels["alertname"] = ServerAlert.anomaly.alertname
        labels["metric"] = anomaly.series.metric
        let score = anomaly.score
        let observed = Self.time(anomaly.sample.timestampMilliseconds)
        let normalSince = score.normalSince.map(Self.time)
        let shown = ReadableRange(lower: score.lower, upper: score.upper)
        var summary = "Anomaly in \(anomaly.series): \(shown.format(score.value)) outside the expected \(shown.format(score.lower)) to "
            + "\(shown.format(score.upper))"
        if let view = score.view { summary += " (\(view.phrase))" }
        if let normalSince { summary += "; normal since \(normalSince)" }
        var annotations = [
            "summary": summary,
            "anomaly_score": String(format: "%.3f", score.score),
            "value": Self.number(score.value),
            "expected_lower": Self.number(score.lower),
            "expected_upper": Self.number(score.upper),
            "observed_at": observed,
        ]
        annotations["view"] = score.view?.rawValue
        annotations["normal_since"] = normalSince
        annotations["host"] = host
        assert(Set(annotations.keys).isSubset(of: ServerAlert.anomaly.annotations), "ServerAlert.anomaly lists every annotation")
        return AlertTrigger(labels: labels, annotations: annotations, source: "telemetry", key: anomaly.series.description)
    }

    private static func number(_ value: Double) -> String {
        String(format: "%.6g", value)
    }

    private static func time(_ milliseconds: Int64) -> String {
        Timestamp.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    // MARK: - Bodies

    private var options: IngestOptions {
        IngestOptions(ingestTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
    }

    /// The body, refusing compressed ones: decompressing is left to a proxy in front (and a gzip
    /// bomb with it), which the 415 says.
    private func plainBody(_ request: Request) async throws -> ByteBuffer {
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "identity" {
            throw APIError(415, code: "unsupported_encoding",
                           "Content-Encoding \(encoding) is not accepted; send the body uncompressed")
        }
        return try await JSONBody.bytes(of: request, limit: settings.telemetryBodyLimit)
    }

    private static func field(_ error: IngestError) -> String? {
        switch error.location {
        case .line(let number): "line \(number)"
        case .path(let path): path
        case .body: nil
        }
    }
}
