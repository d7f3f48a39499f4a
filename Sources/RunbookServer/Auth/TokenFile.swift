import Crypto
import Foundation
import Synchronization

/// The server's API tokens: a text file outside the wiki holding, per line, a token's name, its
/// role and the SHA-256 of its secret. Secrets are shown once, when made, and never stored.
///
/// ```
/// # name role sha256
/// admin admin 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
/// ```
///
/// The file is read again when it changes, so adding or revoking a token needs no restart.
public final class TokenFile: Sendable {
    /// One line of the file.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let role: Role
        public let hash: String
    }

    public let path: String
    private let state = Mutex<(entries: [Entry], modified: Date?, checked: ContinuousClock.Instant?)>(([], nil, nil))
    /// Secrets already checked against the current entries.
    private let verified = Mutex<[String: Principal]>([:])

    /// Reads `path`; a missing file holds no tokens.
    public init(path: String) throws {
        self.path = path
        try reload()
    }

    /// The entries as last read.
    public var entries: [Entry] {
        state.withLock { $0.entries }
    }

    /// Who holds `secret`, if anyone. Reads the file again when it changed (checked at most once a second).
    public func principal(for secret: String) -> Principal? {
        refreshIfChanged()
        // Agents send the same token with every request; hashing it each time was a visible share
        // of a small telemetry batch. The cache is emptied whenever the file is read again.
        if let known = verified.withLock({ $0[secret] }) { return known }
        let hash = Self.hash(secret)
        let entry = state.withLock { state in state.entries.first { Self.constantTimeEqual($0.hash, hash) } }
        guard let principal = entry.map({ Principal(name: $0.name, role: $0.role) }) else { return nil }
        verified.withLock { cache in
            if cache.count >= 1024 { cache.removeAll() }
            cache[secret] = principal
        }
        return principal
    }

    /// Adds a token named `name` with `role` and returns its secret, which is not kept anywhere.
    /// - Throws: ``TokenFileError/duplicateName(_:)`` when the name is taken, ``TokenFileError/invalidName(_:)``.
    @discardableResult
    public func add(name: String, role: Role) throws -> String {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
            throw TokenFileError.invalidName(name)
        }
        try reload()
        guard !entries.contains(where: { $0.name == name }) else { throw TokenFileError.duplicateName(name) }
        let secret = Self.newSecret()
        try write(entries + [Entry(name: name, role: role, hash: Self.hash(secret))])
        return secret
    }

    /// Removes the token named `name`; false when there was none.
    public func remove(name: String) throws -> Bool {
        try reload()
        let kept = entries.filter { $0.name != name }
        guard kept.count != entries.count else { return false }
        try write(kept)
        return true
    }

    // MARK: - File

    /// A new secret: `rbk_` and 32 random bytes in hex (the system generator is a CSPRNG).
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return "rbk_" + String((0..<64).map { _ in digits[Int(generator.next() % 16)] })
    }

    private func reload() throws {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let modified = attributes?[.modificationDate] as? Date
        guard let data = FileManager.default.contents(atPath: path) else {
            state.withLock { $0 = ([], nil, .now) }
            verified.withLock { $0.removeAll() }
            return
        }
        let entries = try Self.parse(String(decoding: data, as: UTF8.self), path: path)
        state.withLock { $0 = (entries, modified, .now) }
        verified.withLock { $0.removeAll() }
    }

    private func refreshIfChanged() {
        let due = state.withLock { state in state.checked.map { ContinuousClock.now - $0 > .seconds(1) } ?? true }
        guard due else { return }
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        if modified != state.withLock({ $0.modified }) {
            // A file broken by hand keeps the tokens last read rather than locking everyone out.
            try? reload()
        }
        state.withLock { $0.checked = .now }
    }

    static func parse(_ text: String, path: String) throws -> [Entry] {
        var entries: [Entry] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 3, let role = Role(rawValue: String(fields[1])), fields[2].count == 64 else {
                throw TokenFileError.malformedLine(path: path, line: index + 1)
            }
            entries.append(Entry(name: String(fields[0]), role: role, hash: String(fields[2])))
        }
        return entries
    }

    private func write(_ entries: [Entry]) throws {
        let text = "# runbook API tokens: name role sha256-of-secret. Manage with `runbook tokens`.\n"
            + entries.map { "\($0.name) \($0.role.rawValue) \($0.hash)\n" }.joined()
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw TokenFileError.unwritable(path)
        }
        guard rename(temporary, path) == 0 else { throw TokenFileError.unwritable(path) }
        try reload()
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// A problem with the token file.
public enum TokenFileError: Error, CustomStringConvertible, Equatable {
    case malformedLine(path: String, line: Int)
    case duplicateName(String)
    case invalidName(String)
    case unwritable(String)

    public var description: String {
        switch self {
        case .malformedLine(let path, let line):
            "\(path):\(line): expected `name role sha256` with a role of viewer, responder, approver or admin"
        case .duplicateName(let name): "a token named '\(name)' exists; remove it first or pick another name"
        case .invalidName(let name): "'\(name)' is not a token name: use letters, digits and - _ . @"
        case .unwritable(let path): "could not write the token file \(path)"
        }
    }
}

extension TokenFile {
    /// The hex SHA-256 of a secret: tokens are 32 random bytes, so a plain (unsalted) hash protects them at rest.
    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
