import Foundation

/// One SMTP reply: a three-digit code and its text lines (a multi-line reply has several).
struct SMTPReply: Sendable, Hashable {
    var code: Int
    var lines: [String]

    /// The reply as one line, e.g. "550 5.1.1 no such user".
    var text: String {
        let joined = lines.joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return joined.isEmpty ? String(code) : "\(code) \(joined.prefix(300))"
    }

    /// The EHLO extensions in upper case, one per line after the greeting, e.g. "STARTTLS", "AUTH PLAIN LOGIN".
    var extensions: [String] { lines.dropFirst().map { $0.uppercased() } }

    /// The AUTH mechanisms the EHLO reply lists.
    var authMechanisms: Set<String> {
        let auth = extensions.first { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") } ?? ""
        return Set(auth.dropFirst(5).split(separator: " ").map(String.init))
    }
}
