/// How long the texts of an incident may be. A summary is one line people scan in a queue, and every text is
/// written into the record file each event rewrites: a megabyte of summary made every commit of its incident a
/// megabyte, and `incidents list` print a megabyte line.
public enum TextLimits {
    /// The short description (ServiceNow keeps 160; alerting tools' summaries run longer).
    public static let shortDescription = 1024
    /// The description, a note, close notes.
    public static let text = 65_536
    /// A label's name and its value.
    public static let label = 4096

    /// `text` cut to `limit` characters, saying how much was cut: for texts that come from an alert, which is
    /// taken in rather than refused for a long annotation.
    public static func cut(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        let marker = " … (cut: \(text.count - limit + 40) more characters)"
        return String(text.prefix(max(0, limit - 40))) + marker
    }
}
