/// Text placed in HTML (an email's HTML part, a link's confirmation page): every character that could open markup or
/// end an attribute becomes an entity, so a label can never add a tag or a link.
public enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as entities.
    public static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
