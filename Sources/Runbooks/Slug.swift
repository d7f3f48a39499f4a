import Foundation

/// Step ids derived from headings: lowercase ASCII letters, digits and single dashes.
enum Slug {
    /// `"Remove rotated logs!"` -> `remove-rotated-logs`; accents are folded (`Prüfen` -> `prufen`) so
    /// ids stay readable for non-English headings; `""` when nothing usable is left.
    static func make(from title: String) -> String {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var slug = ""
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") {
            slug.removeLast()
        }
        return slug
    }

    /// Whether `id` is a valid step id: `^[a-z0-9][a-z0-9._-]*$`.
    static func isValidStepID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, isLowerAlphanumeric(first) else { return false }
        return id.unicodeScalars.allSatisfy { isLowerAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    private static func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
