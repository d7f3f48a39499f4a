import Foundation

/// One server-sent event: its name (`step-started`, `output` ...), its `data` (one line of JSON) and its id.
public struct ServerEvent: Sendable, Equatable {
    public let name: String
    public let data: String
    /// The `id:` field, which a reconnecting reader sends back as `Last-Event-ID`.
    public let id: String?

    /// Collects `text/event-stream` lines into events, as the stream's bytes arrive in chunks of any size.
    struct Parser {
        private var pending = Data()
        private var name = ""
        private var data: [String] = []
        private var id: String?

        /// The events completed by `chunk`.
        mutating func feed(_ chunk: Data) -> [ServerEvent] {
            pending.append(chunk)
            var events: [ServerEvent] = []
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.hasSuffix("\r") { line.removeLast() }
                if let event = take(line) { events.append(event) }
            }
            return events
        }

        /// One line; a blank line ends the event being collected.
        private mutating func take(_ line: String) -> ServerEvent? {
            if line.isEmpty {
                defer { (name, data, id) = ("", [], nil) }
                return data.isEmpty ? nil : ServerEvent(name: name.isEmpty ? "message" : name, data: data.joined(separator: "\n"), id: id)
            }
            if line.hasPrefix(":") { return nil }
            let (field, value) = Self.split(line)
            switch field {
            case "event": name = value
            case "data": data.append(value)
            case "id": id = value
            default: break
            }
            return nil
        }

        /// `field: value`, with the one optional space after the colon removed.
        private static func split(_ line: String) -> (String, String) {
            guard let colon = line.firstIndex(of: ":") else { return (line, "") }
            var value = line[line.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
            return (String(line[..<colon]), String(value))
        }
    }
}
