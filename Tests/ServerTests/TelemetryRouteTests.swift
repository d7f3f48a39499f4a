import Foundation
import Hummingbird
import HummingbirdTesting
import ITIL
import RunbookServer
import Testing

@Suite("Telemetry intake and anomalies", .timeLimit(.minutes(1)))
struct TelemetryRouteTests {
    static let cpuRunbook = """
        ---
        title: CPU anomaly
        match:
          - alertname="AnomalyDetected"
          - metric=~"cpu_.*"
        params:
          HOST: { from: labels.host, pattern: '^[a-z0-9-]+$' }
        ---
        # CPU anomaly

        ## Look

        ```sh
        echo "cpu on $HOST"
        ```
        """

    /// Line protocol for `cpu,host=web-1 usage=...`: `steady` calm minutes ending a minute ago, then a spike now.
    static func cpuSeries(steady: Int = 200, spike: Double = 400) -> String {
        let now = Int(Date().timeIntervalSince1970)
        var lines = (0..<steady).map { index in
            let value = 20 + Double(index % 5) * 0.5
            return "cpu,host=web-1 usage=\(value) \(now - (steady - index) * 60)"
        }
        lines.append("cpu,host=web-1 usage=\(spike) \(now)")
        return lines.joined(separator: "\n")
    }

    @Test("posted telemetry with a spike opens an AnomalyDetected incident that runs the matching runbook, once per episode")
    func anomalyOpensAnIncident() async throws {
        let sandbox = try ServerSandbox(pages: ["cpu": Self.cpuRunbook])
        try await sandbox.test { client in
            let response = try await client.execute(uri: "/write?precision=s", method: .post, headers: sandbox.auth(.responder),
                                                    body: body(Self.cpuSeries()))
            #expect(response.status == .noContent)
            let incidents = sandbox.store.incidents()
            #expect(incidents.count == 1)
            let incident = try #require(incidents.first)
            #expect(incident.labels["alertname"] == "AnomalyDetected")
            #expect(incident.labels["metric"] == "cpu_usage")
            #expect(incident.labels["host"] == "web-1")
            // Read for people: the range before the spike, rounded, which view fired, since when it was calm.
            let summary = incident.annotations["summary"] ?? ""
            #expect(summary.contains("cpu_usage{host=\"web-1\"}: 400 outside the expected "), "\(summary)")
            #expect(Double(incident.annotations["expected_upper"] ?? "") ?? 400 < 30, "\(incident.annotations)")
            #expect(summary.contains("(far from its recent level)") && summary.contains("; normal since "), "\(summary) \(incident.annotations)")
            #expect(incident.annotations["view"] == "level" && incident.annotations["host"] == "web-1")
            let resolved = try await eventually { try sandbox.store.incident(incident.number).state == .resolved }
            #expect(resolved, "the cpu runbook ran and resolved it")
            let runs = try await sandbox.server.registry.runs()
            #expect(runs.first?.parameters["HOST"] == "web-1")
        }
    }

    @Test("a bad line is a 400 naming its line; the good lines are kept")
    func badLine() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let text = "mem,host=a used=1 1700000000\nmem,host=a used=abc\nmem,host=b used=2"
            let response = try await client.execute(uri: "/write", method: .post, headers: sandbox.auth(.responder), body: body(text))
            #expect(response.status == .badRequest)
            #expect(response.errorField == "line 2")
            #expect(sandbox.server.telemetry.seriesCount == 1, "the line with the current time is kept; the 2023 one is out of the window")
            let precision = try await client.execute(uri: "/write?precision=h", method: .post, headers: sandbox.auth(.responder), body: body(text))
            #expect(precision.errorField == "precision")
            var gzip = sandbox.auth(.responder)
            gzip[.contentEncoding] = "gzip"
            let compressed = try await client.execute(uri: "/api/v2/write", method: .post, headers: gzip, body: body(text))
            #expect(compressed.status == .unsupportedMediaType)
            let anonymous = try await client.execute(uri: "/write", method: .post, body: body(text))
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test("a point dropped for its time is a partial write naming how many and the first, never a silent 204")
    func partialWrite() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let now = Int(Date().timeIntervalSince1970)
            let text = "mem,host=a used=1 \(now)\nmem,host=b used=2 \(now - 2 * 365 * 86_400)\nmem,host=c used=3 \(now - 3 * 365 * 86_400)\n"
            // InfluxDB 1.x answers a partial write with 400, 2.x with 422; the good point is kept either way.
            for (uri, status) in [("/write?precision=s", HTTPResponse.Status.badRequest), ("/api/v2/write?precision=s", .unprocessableContent)] {
                let response = try await client.execute(uri: uri, method: .post, headers: sandbox.auth(.responder), body: body(text))
                #expect(response.status == status)
                #expect(response.errorCode == "partial_write")
                #expect(response.errorField == "line 2")
                #expect(response.errorMessage?.hasPrefix("partial write: 2 points dropped; the first: line 2: timestamp \"") == true,
                        "\(String(describing: response.errorMessage))")
                #expect(response.errorMessage?.contains("is outside the accepted window (365 days before to 10 minutes after") == true)
            }
            #expect(sandbox.server.telemetry.seriesCount == 1)
        }
    }

    @Test("OTLP: gauges and histograms are taken in, exponential histograms answered with partialSuccess naming the first, a broken body with an OTLP Status")
    func otlp() async throws {
        let sandbox = try ServerSandbox()
        let now = UInt64(Date().timeIntervalSince1970) * 1_000_000_000
        let export = """
            {"resourceMetrics": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}]},
              "scopeMetrics": [{"metrics": [
                {"name": "queue_depth", "gauge": {"dataPoints": [{"asInt": "12", "timeUnixNano": "\(now)"}]}},
                {"name": "latency", "histogram": {"dataPoints": [{"count": "3", "timeUnixNano": "\(now)"}]}},
                {"name": "size", "exponentialHistogram": {"dataPoints": [{"count": "3", "timeUnixNano": "\(now)"}]}}
              ]}]}]}
            """
        try await sandbox.test { client in
            let partial = try await client.execute(uri: "/v1/metrics", method: .post, headers: sandbox.auth(.responder), body: body(export))
            #expect(partial.status == .ok)
            let success = partial.json["partialSuccess"] as? [String: Any]
            #expect(success?["rejectedDataPoints"] as? Int == 1)
            #expect(success?["errorMessage"] as? String == "1 data points were not taken in; the first: "
                + "resourceMetrics[0].scopeMetrics[0].metrics[2].exponentialHistogram: exponentialHistogram data points are not taken in (gauge, sum, histogram and summary points are)")
            #expect(sandbox.server.telemetry.seriesCount == 2, "queue_depth and latency_count")
            let broken = try await client.execute(uri: "/v1/metrics", method: .post, headers: sandbox.auth(.responder), body: body("{"))
            #expect(broken.status == .badRequest)
            #expect(broken.json["code"] as? Int == 3)
        }
    }

    @Test("Prometheus text: NaN is counted, not stored; the series bound evicts the oldest and /metrics counts it")
    func prometheusAndEviction() async throws {
        var settings = ServerSettings()
        settings.maximumSeries = 2
        settings.telemetryShards = 1
        let sandbox = try ServerSandbox(settings: settings)
        try await sandbox.test { client in
            let text = """
                # TYPE temp gauge
                temp{room="a"} 21
                temp{room="b"} NaN
                temp{room="c"} 22
                temp{room="d"} 23

                """
            let response = try await client.execute(uri: "/api/v1/import/prometheus", method: .post, headers: sandbox.auth(.responder),
                                                    body: body(text))
            #expect(response.status == .noContent)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text.contains("runbook_telemetry_series 2"))
            #expect(metrics.text.contains("runbook_telemetry_series_evicted 1"))
            #expect(metrics.text.contains(#"runbook_telemetry_samples_total{format="prometheus",outcome="rejected"} 1"#))
        }
    }
}
