import Foundation

/// One request the HTTP receiver recorded.
public struct RecordedRequest: Decodable, Sendable {
    public var path: String
    public var headers: [[String]]
    public var body: String

    public func header(_ name: String) -> String? {
        headers.first { $0[0].lowercased() == name.lowercased() }?[1]
    }

    public var headerNames: [String] { headers.map { $0[0].lowercased() } }
}

extension ScriptServer {
    /// The requests recorded so far, in arrival order.
    public func recordedRequests() throws -> [RecordedRequest] {
        let file = directory.appendingPathComponent("requests.jsonl")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(RecordedRequest.self, from: Data($0.utf8)) }
    }

    public func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    public static func httpReceiver() async throws -> ScriptServer { try await start(script: httpReceiverScript) }
}
