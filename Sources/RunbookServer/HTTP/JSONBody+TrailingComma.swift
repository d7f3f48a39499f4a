import Foundation

extension JSONBody {
    /// The offset (from 0, in bytes, as Foundation counts its "around character N") of the first comma that
    /// closes an object or array (`{"a": 1,}`, `[1, 2, ]`), outside strings; nil when there is none.
    ///
    /// JSON has no trailing commas, but Foundation's decoder on Linux takes them: a body another server would
    /// refuse must not be one this server takes, or a client's bug shows only when it talks to something else.
    /// In UTF-8 a byte below 0x80 is always the ASCII character it looks like, never part of a longer one,
    /// so the bytes are scanned as they are.
    static func trailingComma(in data: Data) -> Int? {
        data.withUnsafeBytes { bytes in
            var inString = false
            var escaped = false
            var pendingComma: Int?
            for (offset, byte) in bytes.enumerated() {
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    continue
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if let pendingComma { return pendingComma }
                case UInt8(ascii: ","):
                    pendingComma = offset
                    continue
                case UInt8(ascii: "\""):
                    inString = true
                default:
                    break
                }
                pendingComma = nil
            }
            return nil
        }
    }
}
