import NIOCore

/// Splits the server's bytes into replies: lines "250-..." continue a reply, "250 ..." ends it.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// RFC 5321 allows 512 bytes per reply line; more is a broken or hostile server.
    private static let maximumLineLength = 4096
    private static let maximumLines = 100
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength { throw SMTPError.malformedReply("reply line too long") }
            return .needMoreData
        }
        let length = newline - view.startIndex + 1
        var line = buffer.readString(length: length) ?? ""
        while line.last == "\n" || line.last == "\r" || line.last == "\r\n" { line.removeLast() }
        guard line.utf8.count >= 3, let code = Int(line.prefix(3)), (200...599).contains(code) else {
            throw SMTPError.malformedReply(String(line.prefix(80)))
        }
        let rest = line.dropFirst(3)
        lines.append(String(rest.dropFirst()))
        if rest.first == "-" {
            guard lines.count < Self.maximumLines else { throw SMTPError.malformedReply("reply too long") }
            return .continue
        }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: lines)))
        lines = []
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
