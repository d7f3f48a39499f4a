import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP conversation that sends one message to one recipient (RFC 5321, STARTTLS per RFC 3207, AUTH per RFC 4954).
///
/// Every reply is awaited with `SMTPSettings.commandTimeout`: a read-idle timer closes the connection when the server
/// goes quiet, which ends the wait with `SMTPError.timeout`.
struct SMTPSession: Sendable {
    var settings: SMTPSettings

    /// Connects, sends `data` from `from` to `to`, and says QUIT; returns the reply that accepted the message.
    func send(_ data: String, from: MailAddress, to: MailAddress) async throws -> SMTPReply {
        let channel = try await connect()
        return try await channel.executeThenClose { inbound, outbound in
            var dialog = SMTPDialog(replies: inbound.makeAsyncIterator(), outbound: outbound)
            do {
                let accepted = try await converse(&dialog, channel: channel.channel, data: data, from: from, to: to)
                // The message is accepted; a failing QUIT changes nothing.
                _ = try? await dialog.command("QUIT", expect: 221)
                return accepted
            } catch let error as SMTPError {
                // A refusal leaves the server waiting for the next command: end the session as the protocol asks.
                if error.leavesSessionOpen { _ = try? await dialog.command("QUIT", expect: 221) }
                throw error
            }
        }
    }

    private func converse(
        _ dialog: inout SMTPDialog, channel: any Channel, data: String, from: MailAddress, to: MailAddress
    ) async throws -> SMTPReply {
        _ = try await dialog.expect(220, after: "")
        var capabilities = try await dialog.command("EHLO \(settings.heloName)", expect: 250)
        var secure = settings.security == .implicit
        if settings.security == .required || settings.security == .opportunistic {
            if capabilities.extensions.contains("STARTTLS") {
                _ = try await dialog.command("STARTTLS", expect: 220)
                try await startTLS(on: channel)
                secure = true
                capabilities = try await encryptedGreeting(&dialog)
            } else if settings.security == .required {
                throw SMTPError.startTLSUnavailable
            }
        }
        if let credentials = settings.credentials {
            try await authenticate(credentials, mechanisms: capabilities.authMechanisms, secure: secure, dialog: &dialog)
        }
        _ = try await dialog.command("MAIL FROM:<\(from.value)>", expect: 250)
        _ = try await dialog.command("RCPT TO:<\(to.value)>", expect: 250, 251)
        _ = try await dialog.command("DATA", expect: 354)
        return try await dialog.command(Self.dotStuffed(data) + ".", expect: 250, name: "end of data")
    }

    private func connect() async throws -> NIOAsyncChannel<SMTPReply, ByteBuffer> {
        let sslContext = try settings.security == .none ? nil : NIOSSLContext(configuration: tlsConfiguration)
        let implicitTLS = settings.security == .implicit
        let host = settings.host
        let timeout = TimeAmount(settings.commandTimeout)
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .connect(host: host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handlers = channel.pipeline.syncOperations
                    if implicitTLS, let sslContext {
                        try handlers.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: Self.sniName(host)))
                    }
                    try handlers.addHandler(IdleStateHandler(readTimeout: timeout))
                    try handlers.addHandler(ReplyTimeoutHandler())
                    try handlers.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// The EHLO after STARTTLS: the first exchange through TLS, where a failed handshake shows. It shows either as
    /// the TLS error or as the connection closing under the next read, depending on which arrives first; both are
    /// the handshake's failure, and permanent.
    private func encryptedGreeting(_ dialog: inout SMTPDialog) async throws -> SMTPReply {
        do {
            return try await dialog.command("EHLO \(settings.heloName)", expect: 250)
        } catch let error as SMTPError {
            guard case .connectionClosed = error else { throw error }
            throw SMTPError.tlsFailed("the connection closed during the handshake (is the server's certificate trusted?)")
        } catch let error as NIOSSLError {
            throw error
        } catch let error as ChannelError {
            throw SMTPError.tlsFailed("the connection closed during the handshake (is the server's certificate trusted?): \(error)")
        }
    }

    /// Puts TLS in front of every other handler; written bytes wait in the TLS handler until its handshake is done.
    private func startTLS(on channel: any Channel) async throws {
        let context = try NIOSSLContext(configuration: tlsConfiguration)
        let host = settings.host
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: Self.sniName(host))
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }

    private var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = switch settings.certificateVerification {
        case .full: .fullVerification
        case .noHostname: .noHostnameVerification
        case .none: .none
        }
        return configuration
    }

    /// SNI takes a host name, never an IP address.
    private static func sniName(_ host: String) -> String? {
        host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? nil : host
    }

    private func authenticate(
        _ credentials: SMTPSettings.Credentials, mechanisms: Set<String>, secure: Bool, dialog: inout SMTPDialog
    ) async throws {
        guard secure || settings.allowsAuthenticationWithoutTLS else {
            throw SMTPError.authenticationUnavailable("credentials are set but the connection is not encrypted; refusing to send them")
        }
        if mechanisms.contains("PLAIN") {
            let token = Data(([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8))).base64EncodedString()
            _ = try await dialog.command("AUTH PLAIN \(token)", expect: 235, name: "AUTH PLAIN")
        } else if mechanisms.contains("LOGIN") {
            _ = try await dialog.command("AUTH LOGIN", expect: 334)
            _ = try await dialog.command(Data(credentials.username.utf8).base64EncodedString(), expect: 334, name: "AUTH LOGIN user")
            _ = try await dialog.command(Data(credentials.password.utf8).base64EncodedString(), expect: 235, name: "AUTH LOGIN password")
        } else {
            throw SMTPError.authenticationUnavailable("the server offers neither AUTH PLAIN nor AUTH LOGIN")
        }
    }

    /// `data` with CRLF line ends, every line that starts with "." given another (RFC 5321 §4.5.2), ending in CRLF.
    static func dotStuffed(_ data: String) -> String {
        let lines = data.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        var body = lines.map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        if !body.hasSuffix("\r\n") { body += "\r\n" }
        return body
    }
}

/// Commands and their replies, one at a time (no pipelining).
struct SMTPDialog {
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// Sends `line` and awaits a reply with one of `codes`; the name in errors is the command's verb unless given,
    /// so a password never reaches a log.
    mutating func command(_ line: String, expect codes: Int..., name: String? = nil) async throws -> SMTPReply {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        let verb = name ?? String(line.prefix { $0 != " " && $0 != ":" })
        return try await expect(codes, after: verb)
    }

    mutating func expect(_ codes: Int..., after command: String) async throws -> SMTPReply {
        try await expect(codes, after: command)
    }

    mutating func expect(_ codes: [Int], after command: String) async throws -> SMTPReply {
        guard let reply = try await replies.next() else { throw SMTPError.connectionClosed }
        guard codes.contains(reply.code) else { throw SMTPError.rejected(reply, command: command) }
        return reply
    }
}

/// Turns the idle timer's event into `SMTPError.timeout`, which ends the awaited reply, and closes the connection.
final class ReplyTimeoutHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.fireErrorCaught(SMTPError.timeout)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
