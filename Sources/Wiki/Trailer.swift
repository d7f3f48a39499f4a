internal import CLibGit2

/// A `Key: value` line in the last paragraph of a commit message (like `Signed-off-by:`), used to attach
/// machine-readable facts (incident id, event type, …) to commits.
///
/// When writing, keys must be letters, digits and `-`; values must be one line without leading or trailing
/// whitespace, so that what is written is exactly what ``Commit/trailers`` reads back.
public struct Trailer: Sendable, Equatable, Codable {
    /// The key, e.g. `Incident`.
    public var key: String
    /// The value, e.g. `INC-42`.
    public var value: String

    /// Creates a trailer; nothing is validated until it is committed.
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

extension Trailer {
    /// Parses the trailers of a full commit message with libgit2 (the same rules as `git interpret-trailers`).
    static func parse(_ message: String) throws(GitError) -> [Trailer] {
        var array = git_message_trailer_array()
        try check(git_message_trailers(&array, message), "git_message_trailers")
        defer { git_message_trailer_array_free(&array) }
        return (0..<array.count).map { index in
            let trailer = array.trailers[index]
            return Trailer(String(cString: trailer.key), String(cString: trailer.value))
        }
    }

    /// Throws unless this trailer can be written and read back unchanged.
    func validate() throws(WikiError) {
        guard !key.isEmpty, key.unicodeScalars.allSatisfy(Self.isKeyCharacter) else {
            throw WikiError.invalidCommitMessage(reason: "trailer key '\(key)' must be non-empty letters, digits and '-'")
        }
        guard !value.isEmpty else {
            throw WikiError.invalidCommitMessage(reason: "trailer '\(key)' has an empty value")
        }
        guard !value.contains(where: \.isNewline) else {
            throw WikiError.invalidCommitMessage(reason: "trailer '\(key)' value must be a single line")
        }
        guard value.first?.isWhitespace == false, value.last?.isWhitespace == false else {
            // git trims the value when parsing, so surrounding whitespace would not round-trip.
            throw WikiError.invalidCommitMessage(reason: "trailer '\(key)' value has leading or trailing whitespace")
        }
    }

    /// The line as written in a commit message.
    var line: String {
        "\(key): \(value)"
    }

    private static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-")
    }
}
