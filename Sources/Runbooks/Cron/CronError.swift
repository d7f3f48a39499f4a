import Foundation

/// Why a cron schedule could not be parsed; `message` is meant for the runbook author and quotes the offending text,
/// e.g. `cron field 2 (hour) '25': out of range 0-23`.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the field or time zone and quoting the offending text.
    public var message: String

    /// Creates an error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

extension CronError {
    /// A problem with one field, located by its 1-based position and name so the author finds it without counting.
    static func field(_ kind: CronField.Kind, _ text: some StringProtocol, _ problem: String) -> CronError {
        CronError("cron field \(kind.rawValue) (\(kind.name)) '\(text)': \(problem)")
    }

    /// An unknown zone name, with a "did you mean" when a known identifier is close (`Europe/Berln`, `berlin`).
    static func unknownTimeZone(_ name: String) -> CronError {
        let hint = CronSuggestion.timeZone(near: name).map { " (did you mean '\($0)'?)" }
        return CronError("unknown time zone '\(name)'" + (hint ?? " (use an IANA name such as Europe/Berlin or UTC)"))
    }

    /// An `@` word that is not a known macro; `@reboot` gets its own explanation since it is valid elsewhere.
    static func unknownMacro(_ word: String, known: [String]) -> CronError {
        if word.lowercased() == "@reboot" {
            return CronError("cron macro '@reboot' is not supported: runbooks run on a clock schedule, not when the server starts")
        }
        let hint = Suggestion.hint(for: word, in: known)
        return CronError("unknown cron macro '\(word)'\(hint); use one of \(known.joined(separator: " "))")
    }
}

/// "Did you mean" for the error path only, where a linear scan with edit distance costs nothing that matters.
private enum CronSuggestion {
    /// The known IANA identifier an author most likely meant.
    static func timeZone(near name: String) -> String? {
        let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard !wanted.isEmpty else { return nil }
        let known = TimeZone.knownTimeZoneIdentifiers + ["UTC"]
        // Wrong case and a bare city ("berlin") are the most common slips, and edit distance ranks them poorly.
        if let sameIgnoringCase = known.first(where: { $0.lowercased() == wanted }) {
            return sameIgnoringCase
        }
        if !wanted.contains("/"), let city = known.first(where: { $0.lowercased().hasSuffix("/" + wanted) }) {
            return city
        }
        return Suggestion.closest(to: wanted, in: known)
    }
}
