import Foundation

/// The keys trusted to sign audit commits, in the format of OpenSSH's allowed-signers file (`ssh-keygen(1)`,
/// ALLOWED SIGNERS), so the wiki's `config/audit-signers` also serves git itself:
/// `git -c gpg.ssh.allowedSignersFile=config/audit-signers log --show-signature audit`.
///
/// Each line is `PRINCIPALS [OPTIONS] ssh-ed25519 BASE64 [COMMENT]`. Of the options, `namespaces` (which must
/// include `git`), `valid-after` and `valid-before` (`YYYYMMDD[HHMM[SS]][Z]`) are honoured: a rotated key keeps its
/// line with a `valid-before`, so the commits it signed still verify. `cert-authority` is refused.
public struct AllowedSigners: Sendable, Equatable {
    /// One trusted key.
    public struct Signer: Sendable, Equatable {
        /// Who the key belongs to (the line's first field).
        public let principals: String
        public let key: SSHPublicKey
        /// From when the key may sign; nil: always.
        public let validAfter: Date?
        /// Until when the key may sign; nil: always.
        public let validBefore: Date?
        /// The line it was read from (1-based).
        public let line: Int

        /// A signer always valid; `line` 0 when it comes from no file.
        public init(principals: String, key: SSHPublicKey, validAfter: Date? = nil, validBefore: Date? = nil, line: Int = 0) {
            self.principals = principals
            self.key = key
            self.validAfter = validAfter
            self.validBefore = validBefore
            self.line = line
        }

        /// Whether the key may sign a commit made at `time`.
        public func isValid(at time: Date) -> Bool {
            (validAfter.map { time >= $0 } ?? true) && (validBefore.map { time < $0 } ?? true)
        }
    }

    /// A line that could not be read, and why.
    public struct LineError: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// The wiki file it is read from.
    public static let path = "config/audit-signers"

    public let signers: [Signer]

    public init(signers: [Signer]) {
        self.signers = signers
    }

    /// Reads the file's text.
    ///
    /// - Throws: ``LineError`` at the first line that is not a valid Ed25519 signer for git.
    public init(text: String) throws(LineError) {
        var signers: [Signer] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            do {
                signers.append(try Self.signer(line, number: index + 1))
            } catch let error as SSHKeyError {
                throw LineError(line: index + 1, reason: error.description)
            } catch {
                throw error as! LineError
            }
        }
        self.signers = signers
    }

    /// The signers of `key` allowed to sign at `time`.
    public func allows(_ key: SSHPublicKey, at time: Date) -> Bool {
        signers.contains { $0.key == key && $0.isValid(at: time) }
    }

    /// Whether `key` is listed at all (whatever its validity).
    public func lists(_ key: SSHPublicKey) -> Bool {
        signers.contains { $0.key == key }
    }

    private static func signer(_ line: String, number: Int) throws -> Signer {
        var fields = Self.fields(line)
        guard fields.count >= 3 else {
            throw LineError(line: number, reason: "expected 'PRINCIPALS [OPTIONS] ssh-ed25519 AAAA…', found '\(line.prefix(60))'")
        }
        let principals = fields.removeFirst()
        var options: [String: String] = [:]
        if !fields[0].hasPrefix("ssh-"), !fields[0].hasPrefix("ecdsa-"), !fields[0].hasPrefix("sk-") {
            options = try Self.options(fields.removeFirst(), line: number)
        }
        guard fields.count >= 2 else { throw LineError(line: number, reason: "no key after the principals and options") }
        let key = try SSHPublicKey(line: fields[0] + " " + fields[1])
        if options["cert-authority"] != nil {
            throw LineError(line: number, reason: "cert-authority is not supported: list the signing key itself")
        }
        if let namespaces = options["namespaces"], !namespaces.split(separator: ",").contains("git") {
            throw LineError(line: number, reason: "namespaces=\"\(namespaces)\" does not include git: the key could not sign commits")
        }
        return Signer(
            principals: principals, key: key,
            validAfter: try options["valid-after"].map { try Self.time($0, option: "valid-after", line: number) },
            validBefore: try options["valid-before"].map { try Self.time($0, option: "valid-before", line: number) },
            line: number)
    }

    /// Fields split at blanks, a double-quoted part kept whole (options such as `namespaces="git,file"`).
    private static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" { quoted.toggle() }
            if (character == " " || character == "\t") && !quoted {
                if !current.isEmpty { fields.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { fields.append(current) }
        return fields
    }

    /// `a,b="x,y",c` as names and values (quotes removed).
    private static func options(_ text: String, line: Int) throws -> [String: String] {
        var options: [String: String] = [:]
        var current = ""
        var quoted = false
        for character in text + "," {
            if character == "\"" { quoted.toggle(); continue }
            if character == "," && !quoted {
                let parts = current.split(separator: "=", maxSplits: 1)
                if let name = parts.first { options[String(name).lowercased()] = parts.count > 1 ? String(parts[1]) : "" }
                current = ""
            } else {
                current.append(character)
            }
        }
        let known: Set = ["namespaces", "valid-after", "valid-before", "cert-authority"]
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw LineError(line: line, reason: "unknown option '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        return options
    }

    /// `YYYYMMDD[HHMM[SS]][Z]`: UTC with `Z`, else the local time zone, as ssh-keygen reads it.
    private static func time(_ text: String, option: String, line: Int) throws -> Date {
        let utc = text.hasSuffix("Z") || text.hasSuffix("z")
        let digits = utc ? String(text.dropLast()) : text
        let format: String? = switch digits.count {
        case 8: "yyyyMMdd"
        case 12: "yyyyMMddHHmm"
        case 14: "yyyyMMddHHmmss"
        default: nil
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = utc ? TimeZone(identifier: "UTC") : TimeZone.current
        formatter.dateFormat = format ?? ""
        guard format != nil, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let date = formatter.date(from: digits) else {
            throw LineError(line: line, reason: "\(option)=\"\(text)\" is not a time like 20261203 or 202612031200Z")
        }
        return date
    }
}
