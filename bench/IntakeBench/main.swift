// The load generator of bench/intake.sh: drives one HTTP endpoint with COUNT distinct alerts in
// requests of BATCH alerts over CONNECTIONS keep-alive connections, one thread per connection with
// blocking sockets, and prints one `name value` line with the throughput and the latency of each
// request (from the first byte written to the last byte of the response read).
//
// Every request is encoded before the clock starts; the threads take the next request from a shared
// counter, so a slow connection does not hold back the others. The alerts are the same for every
// peer: alert i has the labels alertname=BenchAlert, instance=host-i, job=intakebench,
// severity=warning (no bundled runbook matches them) and the same annotations and startsAt.
//
//   IntakeBench webhook      --port P --token T --count N --batch B --connections C   (ours: Alertmanager webhook v4)
//   IntakeBench alertmanager --port P --count N --batch B --connections C             (Alertmanager's POST /api/v2/alerts)
//   IntakeBench get          --port P --path /healthz --count N --connections C       (the generator's ceiling)
import BenchSupport
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var mode = ""
    var port = 0
    var token = ""
    var path = ""
    var count = 10_000
    var batch = 1
    var connections = 8
    var prefix = "host"

    init(_ arguments: [String]) throws {
        guard let mode = arguments.first, ["webhook", "alertmanager", "get"].contains(mode) else {
            throw UsageError("usage: IntakeBench webhook|alertmanager|get --port P [--token T] [--path P] [--count N] [--batch B] [--connections C] [--prefix host]")
        }
        self.mode = mode
        var rest = arguments.dropFirst()
        while let name = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError("\(name) needs a value") }
            func number() throws -> Int {
                guard let n = Int(value), n > 0 || name == "--port" else { throw UsageError("\(name) must be a positive number, not \(value)") }
                return n
            }
            switch name {
            case "--port": port = try number()
            case "--token": token = value
            case "--path": path = value
            case "--count": count = try number()
            case "--batch": batch = try number()
            case "--connections": connections = try number()
            case "--prefix": prefix = value
            default: throw UsageError("unknown option \(name)")
            }
        }
        guard port > 0 else { throw UsageError("--port is required") }
        if mode == "webhook", token.isEmpty { throw UsageError("webhook needs --token") }
        if mode == "get", path.isEmpty { path = "/healthz" }
    }
}

// MARK: - The alerts

/// FNV-1a, 64 bits: a stable 16-hex-digit fingerprint per label set, as Alertmanager sends one.
func fingerprint(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

struct BenchAlert {
    let labels: String        // JSON object, keys sorted
    let annotations: String   // JSON object
    let fingerprint: String

    init(_ index: Int, prefix: String) {
        let pairs = [("alertname", "BenchAlert"), ("instance", "\(prefix)-\(index)"), ("job", "intakebench"), ("severity", "warning")]
        labels = "{" + pairs.map { "\"\($0.0)\":\"\($0.1)\"" }.joined(separator: ",") + "}"
        annotations = "{\"summary\":\"Bench alert \(index) on \(prefix)-\(index)\",\"description\":\"intake benchmark\"}"
        fingerprint = IntakeBench.fingerprint(pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "\u{ff}"))
    }
}

let startsAt: String = {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
}()

/// Alertmanager's webhook v4 body, as it would post the group to a receiver.
func webhookBody(_ alerts: ArraySlice<BenchAlert>, group: Int) -> String {
    let items = alerts.map {
        "{\"status\":\"firing\",\"labels\":\($0.labels),\"annotations\":\($0.annotations),\"startsAt\":\"\(startsAt)\","
            + "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://prometheus.bench/graph\",\"fingerprint\":\"\($0.fingerprint)\"}"
    }
    return "{\"version\":\"4\",\"groupKey\":\"{}:{bench=\\\"\(group)\\\"}\",\"truncatedAlerts\":0,\"status\":\"firing\",\"receiver\":\"runbook\","
        + "\"groupLabels\":{},\"commonLabels\":{\"alertname\":\"BenchAlert\",\"job\":\"intakebench\",\"severity\":\"warning\"},"
        + "\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager.bench\",\"alerts\":[" + items.joined(separator: ",") + "]}"
}

/// Alertmanager's `POST /api/v2/alerts` body: what Prometheus posts. No endsAt: Alertmanager sets
/// it to now + resolve_timeout, as for a firing alert from Prometheus.
func alertmanagerBody(_ alerts: ArraySlice<BenchAlert>) -> String {
    "[" + alerts.map {
        "{\"labels\":\($0.labels),\"annotations\":\($0.annotations),\"startsAt\":\"\(startsAt)\",\"generatorURL\":\"http://prometheus.bench/graph\"}"
    }.joined(separator: ",") + "]"
}

func request(method: String, path: String, port: Int, token: String?, body: String?) -> [UInt8] {
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: IntakeBench\r\nAccept: application/json\r\n"
    if let token { head += "Authorization: Bearer \(token)\r\n" }
    if let body {
        head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        return Array((head + body).utf8)
    }
    return Array((head + "\r\n").utf8)
}

// MARK: - HTTP/1.1 over a blocking socket

struct HTTPFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

final class Connection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65536)

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPFailure("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw HTTPFailure("connect to 127.0.0.1:\(port): \(message)")
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        try bytes.withUnsafeBytes { raw in
            while sent < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw HTTPFailure("send: \(String(cString: strerror(errno)))") }
                sent += n
            }
        }
    }

    private func fill() throws {
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        if n < 0, errno == EINTR { return }
        guard n > 0 else { throw HTTPFailure(n == 0 ? "the server closed the connection" : "recv: \(String(cString: strerror(errno)))") }
        buffer.append(contentsOf: chunk[0..<n])
    }

    private func find(_ needle: [UInt8], from start: Int = 0) -> Int? {
        guard buffer.count >= needle.count + start else { return nil }
        var i = start
        while i <= buffer.count - needle.count {
            if buffer[i] == needle[0], Array(buffer[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    /// Reads one response: its status, body and whether the server keeps the connection open.
    func receive() throws -> (status: Int, body: [UInt8], keepAlive: Bool) {
        let crlf2: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        while true {
            end = find(crlf2)
            if end != nil { break }
            try fill()
        }
        let head = String(decoding: buffer[0..<end!], as: UTF8.self)
        buffer.removeFirst(end! + 4)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HTTPFailure("bad status line: \(lines[0])") }
        var length: Int?
        var chunked = false
        var keepAlive = true
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).lowercased()
            if name == "content-length" { length = Int(value) }
            if name == "transfer-encoding", value.contains("chunked") { chunked = true }
            if name == "connection", value == "close" { keepAlive = false }
        }
        var body: [UInt8] = []
        if chunked {
            while true {
                var lineEnd: Int?
                while true {
                    lineEnd = find([13, 10])
                    if lineEnd != nil { break }
                    try fill()
                }
                let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self).split(separator: ";")[0]
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw HTTPFailure("bad chunk size") }
                buffer.removeFirst(lineEnd! + 2)
                while buffer.count < size + 2 { try fill() }
                body.append(contentsOf: buffer[0..<size])
                buffer.removeFirst(size + 2)
                if size == 0 { break }  // no trailers expected
            }
        } else {
            let length = length ?? 0
            while buffer.count < length { try fill() }
            body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        }
        return (status, body, keepAlive)
    }
}

func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
    guard haystack.count >= needle.count else { return 0 }
    var count = 0
    var i = 0
    while i <= haystack.count - needle.count {
        if haystack[i] == needle[0], Array(haystack[i..<(i + needle.count)]) == needle {
            count += 1
            i += needle.count
        } else {
            i += 1
        }
    }
    return count
}

// MARK: - The run

final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

final class Worker: @unchecked Sendable {
    var latencies: [Double] = []  // ms, one per request
    var ok = 0
    var opened = 0
    var failed = 0
    var firstFailure: String?
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    // Encode every request before the clock starts.
    var requests: [[UInt8]] = []
    var alertsPerRequest: [Int] = []
    switch options.mode {
    case "get":
        requests = Array(repeating: request(method: "GET", path: options.path, port: options.port, token: nil, body: nil), count: options.count)
        alertsPerRequest = Array(repeating: 0, count: options.count)
    default:
        let alerts = (0..<options.count).map { BenchAlert($0, prefix: options.prefix) }
        guard Set(alerts.map(\.fingerprint)).count == alerts.count else { throw UsageError("fingerprint collision") }
        var start = 0
        var group = 0
        while start < alerts.count {
            let slice = alerts[start..<min(start + options.batch, alerts.count)]
            if options.mode == "webhook" {
                requests.append(request(method: "POST", path: "/api/v1/alerts/alertmanager", port: options.port, token: options.token,
                                        body: webhookBody(slice, group: group)))
            } else {
                requests.append(request(method: "POST", path: "/api/v2/alerts", port: options.port, token: nil, body: alertmanagerBody(slice)))
            }
            alertsPerRequest.append(slice.count)
            start += options.batch
            group += 1
        }
    }
    let bodyBytes = requests.reduce(0) { $0 + $1.count }
    let opened: [UInt8] = Array("\"outcome\":\"opened\"".utf8)
    let connections = min(options.connections, requests.count)
    // Connect every connection before the clock starts, too.
    let sockets = try (0..<connections).map { _ in try Connection(port: options.port) }
    let workers = (0..<connections).map { _ in Worker() }
    let next = Counter()
    let group = DispatchGroup()
    let clock = ContinuousClock()
    let started = clock.now
    nonisolated(unsafe) let shared = (requests, sockets, workers)
    for index in 0..<connections {
        group.enter()
        Thread.detachNewThread {
            let (requests, sockets, workers) = shared
            var connection = sockets[index]
            let worker = workers[index]
            worker.latencies.reserveCapacity(requests.count / connections + 16)
            while true {
                let i = next.value.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < requests.count else { break }
                let t0 = clock.now
                do {
                    try connection.send(requests[i])
                    let response = try connection.receive()
                    worker.latencies.append(seconds(clock.now - t0) * 1000)
                    if (200..<300).contains(response.status) {
                        worker.ok += 1
                        worker.opened += occurrences(of: opened, in: response.body)
                    } else {
                        worker.failed += 1
                        if worker.firstFailure == nil {
                            worker.firstFailure = "HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
                        }
                    }
                    if !response.keepAlive { connection = try Connection(port: options.port) }
                } catch {
                    worker.failed += 1
                    if worker.firstFailure == nil { worker.firstFailure = "\(error)" }
                    guard let fresh = try? Connection(port: options.port) else { break }
                    connection = fresh
                }
            }
            group.leave()
        }
    }
    group.wait()
    let elapsed = seconds(clock.now - started)
    let latencies = workers.flatMap(\.latencies).sorted()
    let failed = workers.reduce(0) { $0 + $1.failed }
    let alerts = alertsPerRequest.reduce(0, +)
    if let failure = workers.compactMap(\.firstFailure).first { note("IntakeBench: \(failed) failed requests; the first: \(failure)") }
    let mean = latencies.isEmpty ? 0 : latencies.reduce(0, +) / Double(latencies.count)
    report([
        "mode", options.mode, "connections", "\(connections)", "batch", "\(options.batch)",
        "requests", "\(requests.count)", "alerts", "\(alerts)", "bytes", "\(bodyBytes)", "seconds", format(elapsed, 3),
        "requests_per_second", format(Double(requests.count) / elapsed, 1), "alerts_per_second", format(Double(alerts) / elapsed, 1),
        "p50_ms", format(percentile(latencies, 0.5), 2), "p99_ms", format(percentile(latencies, 0.99), 2),
        "max_ms", format(latencies.last ?? 0, 2), "mean_ms", format(mean, 2),
        "ok", "\(workers.reduce(0) { $0 + $1.ok })",
        "failed", "\(failed)", "opened", "\(workers.reduce(0) { $0 + $1.opened })",
    ].joined(separator: " "))
    exit(failed == 0 ? 0 : 1)
} catch {
    note("IntakeBench: \(error)")
    exit(2)
}
