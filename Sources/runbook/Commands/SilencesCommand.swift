import ArgumentParser
import Escalation
import Foundation
import ITIL
import OnCall
import RunbookAPI
import Runbooks
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `runbook silences ...`: maintenance windows in which matching alerts page nobody and run no runbook.
struct SilencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silences",
        abstract: "List, add and expire silences: while one is active, matching alerts page nobody and run no runbook.",
        discussion: """
            In this process, silences live in silences.json in the data directory ($RUNBOOK_HOME), which a server on \
            the same data directory reads as it changes. With --server (or $RUNBOOK_SERVER) they go through that \
            server's API, and the token's name is the author. Silences written in the wiki (config/oncall.yaml) are \
            listed too; they end with a commit, not with `expire`.
            """,
        subcommands: [List.self, Add.self, Expire.self]
    )

    /// `runbook silences list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List silences: the wiki's first, then those made here or through the API.")

        @OptionGroup var place: SilenceOptions

        @Flag(help: "Only those in force now.")
        var active = false

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await ClientCall.run {
                let silences = try await place.keeper().list(activeAt: active ? Date() : nil)
                if json { return try Console.json(silences) }
                if silences.isEmpty { return Console.note(active ? "no silence is active" : "no silences") }
                Console.out(SilenceText.table(silences, now: Date()))
            }
        }
    }

    /// `runbook silences add`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Silence alerts whose labels match every MATCHER, from now for --duration or until --until.",
            discussion: """
                Matchers are written as in Alertmanager: service="db", env!=staging, instance=~"db[0-9]+". Quote them \
                for the shell: runbook silences add 'service="db"' --duration 2h --comment "db migration".
                """
        )

        @OptionGroup var place: SilenceOptions

        @Argument(help: ArgumentHelp("Label matchers, all of which must hold (name=value, !=, =~, !~).", valueName: "matcher"))
        var matchers: [String]

        @Option(help: ArgumentHelp("How long from now: 30m, 2h, 1d, 1h30m.", valueName: "duration"))
        var duration: SilenceDuration?

        @Option(help: ArgumentHelp(
            "When it ends instead: ISO 8601 (2026-12-24T18:00:00Z); without an offset, on this machine's wall clock.", valueName: "time"))
        var until: TimeArgument?

        @Option(help: ArgumentHelp("Why: shown to whoever wonders why nobody was paged.", valueName: "text"))
        var comment: String

        @Option(help: ArgumentHelp("Who made it (default: $RUNBOOK_ACTOR, else $USER); against a server, the token's name.", valueName: "name"))
        var author: String?

        @Flag(help: "Print the silence as JSON.")
        var json = false

        func validate() throws {
            guard !matchers.isEmpty else { throw ValidationError("give at least one matcher, e.g. 'service=\"db\"'") }
            _ = try Self.parse(matchers)
            guard (duration == nil) != (until == nil) else {
                throw ValidationError("give --duration (e.g. 2h) or --until (an ISO 8601 time), one of them")
            }
            guard !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("say why: --comment must not be empty")
            }
        }

        func run() async throws {
            let now = Date()
            let ends = try until.map { try $0.date(in: .current) } ?? now + (duration?.seconds ?? 0)
            guard ends > now else { throw CLIError("--until is not in the future") }
            let request = SilenceRequest(matchers: try Self.parse(matchers), endsAt: ends, comment: comment, author: author ?? Self.defaultAuthor)
            try await ClientCall.run {
                let keeper = try place.keeper()
                if author != nil, keeper is RemoteSilences { Console.note("--author is ignored against a server: the token's name is the author") }
                let silence = try await keeper.add(request)
                if json { return try Console.json(silence) }
                Console.out("added \(silence.id) until \(OnCallText.both(silence.endsAt, .current)): "
                    + Console.printable(silence.matchers.map(\.description).joined(separator: ", ")))
            }
        }

        /// `$RUNBOOK_ACTOR`, else `$USER`, as for `--as` of the incident commands.
        private static var defaultAuthor: String {
            let environment = ProcessInfo.processInfo.environment
            return [environment["RUNBOOK_ACTOR"], environment["USER"]].compactMap { $0 }.first { !$0.isEmpty } ?? "cli"
        }

        /// The matchers, or an error naming the argument that is wrong and why.
        static func parse(_ texts: [String]) throws -> [Matcher] {
            try texts.enumerated().map { index, text in
                do {
                    return try Matcher(parsing: text)
                } catch let error as MatcherError {
                    throw ValidationError("matcher \(index + 1) of \(texts.count), '\(Console.printable(text))': \(error.message)")
                }
            }
        }
    }

    /// `runbook silences expire`.
    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a silence now (it stays listed, ended, for a week); a wiki silence ends with a commit instead.")

        @OptionGroup var place: SilenceOptions

        @Argument(help: ArgumentHelp("The silence's id, as `silences list` shows it.", valueName: "id"))
        var id: String

        func run() async throws {
            try await ClientCall.run {
                let silence = try await place.keeper().expire(id)
                Console.out("expired \(silence.id) at \(OnCallText.both(silence.endsAt, .current))")
            }
        }
    }
}

/// Where silences are kept: the data directory in this process, or a server with `--server`.
struct SilenceOptions: ParsableArguments {
    @OptionGroup var wikiOptions: WikiOptions
    @OptionGroup var server: ServerOptions

    /// The keeper: the server's API when one is given, else this process on the data directory and the wiki.
    func keeper() throws -> any SilenceKeeper {
        if let http = try server.httpClient() { return RemoteSilences(http: http) }
        return LocalSilences(wikiOptions: wikiOptions, path: (DataDirectory.current.path as NSString).appendingPathComponent("silences.json"))
    }
}

/// A new silence as the command line gives it; it starts now.
struct SilenceRequest: Sendable {
    var matchers: [Matcher]
    var endsAt: Date
    var comment: String
    var author: String
}

/// Lists and changes silences; written once for both places they can be kept.
protocol SilenceKeeper: Sendable {
    /// Every silence, the wiki's first; with a date, only those in force then.
    func list(activeAt date: Date?) async throws -> [Silence]
    /// Makes a silence and returns it with its id.
    func add(_ request: SilenceRequest) async throws -> Silence
    /// Ends a silence now and returns it.
    func expire(_ id: String) async throws -> Silence
}

/// Silences in this process: the data directory's `silences.json`, with the wiki's silences beside them.
struct LocalSilences: SilenceKeeper {
    let wikiOptions: WikiOptions
    let path: String

    func list(activeAt date: Date?) async throws -> [Silence] {
        try book().all(activeAt: date)
    }

    func add(_ request: SilenceRequest) async throws -> Silence {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let silence = Silence(id: "cli-" + UUID().uuidString.prefix(8).lowercased(), matchers: request.matchers, startsAt: Date(),
                              endsAt: request.endsAt, createdBy: request.author, comment: request.comment)
        try SilenceBook(path: path).add(silence)
        return silence
    }

    func expire(_ id: String) async throws -> Silence {
        // The wiki's silences are deployed first, so that expiring one says it needs a commit rather than "no silence".
        let book = try book()
        return try book.expire(id, at: Date())
    }

    private func book() throws -> SilenceBook {
        let book = try SilenceBook(path: path)
        book.deploy(try wikiOptions.onCallConfig().silences)
        return book
    }
}

/// Silences through a server's `/api/v1/silences`.
struct RemoteSilences: SilenceKeeper {
    let http: HTTPClient

    /// `GET /api/v1/silences`'s reply.
    private struct SilenceList: Decodable {
        var silences: [Silence]
    }

    /// `POST /api/v1/silences`'s body. The length goes as a duration: the server reads `ends_at` as a JSON date.
    private struct NewSilence: Encodable {
        var matchers: [String]
        var duration: String
        var comment: String
    }

    func list(activeAt date: Date?) async throws -> [Silence] {
        let silences = try await http.get(SilenceList.self, "/api/v1/silences", query: ["active": date == nil ? nil : "true"]).silences
        // The server answers for its own now; a time other than now is filtered here.
        return date.map { date in silences.filter { $0.isActive(at: date) } } ?? silences
    }

    func add(_ request: SilenceRequest) async throws -> Silence {
        let seconds = max(1, request.endsAt.timeIntervalSinceNow.rounded(.up))
        let body = NewSilence(matchers: request.matchers.map(\.description), duration: "\(Int(seconds))s", comment: request.comment)
        return try await send("POST", "/api/v1/silences", body: try JSONEncoder().encode(body))
    }

    func expire(_ id: String) async throws -> Silence {
        try await send("DELETE", "/api/v1/silences/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)", body: nil)
    }

    /// Sends a request with the token; an error status becomes the server's ``APIError``.
    private func send(_ method: String, _ path: String, body: Data?) async throws -> Silence {
        var request = URLRequest(url: http.url(path))
        request.httpMethod = method
        request.setValue("Bearer \(http.token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CLIError("cannot reach \(http.baseURL): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw APIError.read(status: status, body: data) ?? APIError(status, code: "http_error", String(decoding: data.prefix(200), as: UTF8.self))
        }
        do {
            return try JSONDecoder().decode(Silence.self, from: data)
        } catch {
            throw CLIError("\(http.url(path)) answered with something that is not a silence: \(error)")
        }
    }
}

/// A silence's length on the command line: `30m`, `2h`, `1d`, `1h30m`.
struct SilenceDuration: ExpressibleByArgument {
    let seconds: TimeInterval

    init?(argument: String) {
        guard let seconds = DurationText.parse(argument), seconds > 0 else { return nil }
        self.seconds = seconds
    }
}

/// `silences list`'s table.
enum SilenceText {
    static func table(_ silences: [Silence], now: Date) -> String {
        let rows = silences.map { silence in
            [silence.id, state(of: silence, now: now), time(silence.startsAt), time(silence.endsAt), source(of: silence),
             Console.printable(silence.createdBy), Console.printable(silence.matchers.map(\.description).joined(separator: ",")),
             Console.printable(silence.comment)]
        }
        return TextTable.columns([["ID", "STATE", "STARTS", "ENDS", "FROM", "BY", "MATCHERS", "COMMENT"]] + rows)
    }

    /// `active`, `pending` (starts later) or `ended`.
    static func state(of silence: Silence, now: Date) -> String {
        silence.isActive(at: now) ? "active" : silence.startsAt > now ? "pending" : "ended"
    }

    /// The wiki's silences have content ids (`git-…`); the others were made through the API or the CLI.
    private static func source(of silence: Silence) -> String {
        silence.id.hasPrefix("git-") ? "wiki" : "made"
    }

    private static func time(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
