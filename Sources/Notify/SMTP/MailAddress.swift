/// A bare email address checked before it reaches an SMTP command or a header.
///
/// Only `local@domain` in printable ASCII without spaces, angle brackets, commas, semicolons, quotes or
/// backslashes: an address can then neither add an SMTP command nor a header nor a second recipient.
struct MailAddress: Sendable, Hashable {
    let value: String

    init(_ text: String) throws(SMTPError) {
        let forbidden: Set<Character> = ["<", ">", ",", ";", "\"", "\\", "(", ")", "[", "]", ":"]
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
            !text.contains(where: forbidden.contains)
        else { throw .invalidAddress(text) }
        value = text
    }

    var domain: String { String(value.split(separator: "@")[1]) }
}
