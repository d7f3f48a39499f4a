import Foundation
import Hummingbird
import HummingbirdTesting
import RunbookAPI
import Runbooks
import Testing

@Suite("GET /api/v1/runbooks/{id} speaks the API's JSON", .timeLimit(.minutes(1)))
struct RunbookReplyTests {
    /// Every setting that has a two-word name or an enum with a value: the keys a client would see in camelCase
    /// or as Swift's `_0` if the reply leaked the synthesized coding.
    static let page = """
        ---
        title: Shaped
        assignment_group: Storage On-Call
        match:
          - alertname="Shaped"
          - severity=~"crit.*"
        params:
          HOST: { from: labels.instance, default: "localhost", pattern: '^[a-z0-9.-]+$' }
          WHY: { from: annotations.summary, required: true, description: "what the alert says" }
          MODE: { default: "dry" }
        ---
        # Shaped

        ## Retry

        ```sh {retries=2 retry-delay=5s on-failure=continue timeout=1m}
        echo "$HOST $WHY $MODE"
        ```
        """

    @Test("keys are snake_case and a parameter's source reads {\"label\": NAME}")
    func snakeCaseAndReadableSources() async throws {
        let sandbox = try ServerSandbox(pages: ["shaped": Self.page])
        try await sandbox.test { client in
            let shown = try await client.execute(uri: "/api/v1/runbooks/shaped", method: .get, headers: sandbox.auth(.viewer))
            #expect(shown.status == .ok)
            let runbook = try #require(shown.json["runbook"] as? [String: Any])
            #expect(runbook["assignment_group"] as? String == "Storage On-Call")
            #expect(runbook["assignmentGroup"] == nil)
            let parameters = try #require(runbook["parameters"] as? [[String: Any]])
            let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0["name"] as? String ?? "", $0) })
            #expect(byName["HOST"]?["source"] as? [String: String] == ["label": "instance"])
            #expect(byName["HOST"]?["default_value"] as? String == "localhost")
            #expect(byName["WHY"]?["source"] as? [String: String] == ["annotation": "summary"])
            #expect(byName["MODE"]?["source"] == nil, "a parameter without a source has none")
            let step = try #require((runbook["steps"] as? [[String: Any]])?.first)
            #expect(step["retry_delay"] as? String == "5s")
            #expect(step["on_failure"] as? String == "continue")
            let matchers = try #require(runbook["matchers"] as? [[String: String]])
            #expect(matchers.last == ["name": "severity", "op": "=~", "value": "crit.*"])
            let keys = Self.keys(in: shown.json)
            #expect(keys.filter { $0.contains(where: \.isUppercase) || $0.hasPrefix("_") }.isEmpty, "every key: \(keys.sorted())")
        }
    }

    /// `runbook trigger --server` reads the server's runbooks to say why none matched: what the server writes,
    /// the CLI's decoder reads back as the same runbook.
    @Test func theClientDecodesWhatTheServerWrites() async throws {
        let sandbox = try ServerSandbox(pages: ["shaped": Self.page])
        try await sandbox.test { client in
            let shown = try await client.execute(uri: "/api/v1/runbooks/shaped", method: .get, headers: sandbox.auth(.viewer))
            let decoded = try HTTPClient.decoder.decode(ShownRunbook.self, from: Data(shown.body.readableBytesView))
            let parsed = try #require(RunbookParser.parse(Data(Self.page.utf8), path: "runbooks/shaped.md").runbook)
            #expect(decoded.runbook == parsed)
            #expect(decoded.runbook.parameters.first { $0.name == "HOST" }?.source == .label("instance"))
        }
    }

    /// Every object key in a JSON tree.
    private static func keys(in value: Any) -> Set<String> {
        switch value {
        case let object as [String: Any]: Set(object.keys).union(object.values.flatMap { keys(in: $0) })
        case let array as [Any]: Set(array.flatMap { keys(in: $0) })
        default: []
        }
    }
}
