import Foundation

/// An HTTP POST a channel wants sent: built without I/O so its escaping can be tested on its own.
struct OutgoingRequest: Sendable {
    var url: URL
    /// Header names and values; values are already free of CR, LF and other control characters.
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}
