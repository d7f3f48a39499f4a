import Foundation
import Synchronization

/// The dashboard's sessions, kept in a file of the data directory (mode 0600) so a restart does not log everyone
/// out in the middle of an incident. The file holds the SHA-256 of each session id, never the id itself, like the
/// token file: reading it does not let anyone in.
///
/// ```
/// # sha256-of-session-id token-name csrf-token expires-unix-seconds
/// ```
final class SessionBook: Sendable {
    let path: String
    private let sessions: Mutex<[String: Session]>

    /// Reads `path`; a missing or unreadable file holds no sessions (everyone logs in again).
    init(path: String) {
        self.path = path
        sessions = Mutex(Self.read(path))
    }

    /// A new session for the token named `tokenName`, and its id (the cookie's value).
    func open(for tokenName: String, now: Date = Date()) throws -> (id: String, session: Session) {
        let id = Self.random()
        let session = Session(tokenName: tokenName, csrf: Self.random(), expires: now + Session.lifetime)
        let snapshot = sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            sessions[Self.hash(id)] = session
            return sessions
        }
        try write(snapshot)
        return (id, session)
    }

    /// The live session with cookie value `id`, if any.
    func session(_ id: String, now: Date = Date()) -> Session? {
        guard let session = sessions.withLock({ $0[Self.hash(id)] }), session.expires > now else { return nil }
        return session
    }

    /// Ends the session with cookie value `id`.
    func close(_ id: String) throws {
        let snapshot = sessions.withLock { sessions in
            sessions[Self.hash(id)] = nil
            return sessions
        }
        try write(snapshot)
    }

    // MARK: - File

    private static func read(_ path: String) -> [String: Session] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var sessions: [String: Session] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            guard fields.count == 4, let expires = Double(fields[3]) else { continue }
            sessions[String(fields[0])] = Session(tokenName: String(fields[1]), csrf: String(fields[2]),
                                                  expires: Date(timeIntervalSince1970: expires))
        }
        return sessions
    }

    private func write(_ sessions: [String: Session]) throws {
        let text = "# runbook dashboard sessions: sha256-of-session-id token-name csrf-token expires-unix-seconds\n"
            + sessions.map { "\($0.key) \($0.value.tokenName) \($0.value.csrf) \(Int($0.value.expires.timeIntervalSince1970))\n" }.joined()
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]),
              rename(temporary, path) == 0 else {
            throw SessionBookError(path: path)
        }
    }

    /// 32 random bytes in hex (the system generator is a CSPRNG).
    private static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// Like a token's: a session id is 32 random bytes, so an unsalted SHA-256 protects it at rest.
    private static func hash(_ id: String) -> String { TokenFile.hash(id) }
}

/// The sessions file could not be written.
struct SessionBookError: Error, CustomStringConvertible {
    let path: String
    var description: String { "could not write the sessions file \(path)" }
}
