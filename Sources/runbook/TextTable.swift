/// Plain-text layout shared by the CLI's human-readable output.
enum TextTable {
    /// Left-aligned columns, two spaces apart; the last column is not padded.
    static func columns(_ rows: [[String]]) -> String {
        guard let count = rows.map(\.count).max() else { return "" }
        let widths = (0..<count).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in column == row.count - 1 ? cell : pad(cell, widths[column]) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `text` padded with spaces to `width` characters.
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
