import Foundation
import TestReceivers
import Testing
@testable import Notify

/// Email against a real SMTP server: aiosmtpd started by each test, which saves what it receives.
@Suite("Email over SMTP", .timeLimit(.minutes(1)))
final class EmailTests {
    /// Certificates made by this test; Swift Testing makes one instance per test, so `deinit` removes them after it.
    private var certificateFolders: [URL] = []

    deinit {
        for folder in certificateFolders { try? FileManager.default.removeItem(at: folder) }
    }

    /// One message as the SMTP receiver saved it.
    struct ReceivedMail: Decodable {
        struct Part: Decodable {
            var type: String
            var text: String
        }

        var mail_from: String
        var rcpt_tos: [String]
        var headers: [[String]]
        var parts: [Part]
        var tls: Bool
        var authenticated: Bool

        func header(_ name: String) -> String? { headers.first { $0[0].lowercased() == name.lowercased() }?[1] }
        var headerNames: [String] { headers.map { $0[0].lowercased() } }
    }

    private func settings(_ server: ScriptServer, security: SMTPSettings.Security = .none) -> SMTPSettings {
        SMTPSettings(host: "127.0.0.1", port: server.port, from: "oncall@runbook.test", security: security, commandTimeout: .seconds(5))
    }

    private func received(_ server: ScriptServer) throws -> [ReceivedMail] {
        let files = try FileManager.default.contentsOfDirectory(atPath: server.directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { try JSONDecoder().decode(ReceivedMail.self, from: Data(contentsOf: server.directory.appendingPathComponent($0))) }
    }

    @Test("A page arrives as multipart/alternative with text and HTML, the acknowledge link in both")
    func multipartMessage() async throws {
        let server = try await ScriptServer.start(script: smtpReceiverScript)
        defer { server.stop() }
        let notifier = quickNotifier()
        let message = samplePage(labels: ["host": "<b>db1</b> & co"], title: "Festplatte fast voll – db1")
        let outcome = await notifier.deliver(message, to: .email(to: "alice@example.test", smtp: settings(server)))
        await notifier.shutdown()

        #expect(outcome.succeeded, "\(outcome.detail)")
        #expect(outcome.detail == "SMTP 250 2.0.0 Ok queued")
        let mail = try #require(try received(server).first)
        #expect(mail.mail_from == "oncall@runbook.test")
        #expect(mail.rcpt_tos == ["alice@example.test"])
        #expect(mail.header("Subject") == "[P1] INC0000042 Festplatte fast voll – db1")
        #expect(mail.header("Content-Type")?.hasPrefix("multipart/alternative") == true)
        #expect(mail.header("Message-ID") == "<page-42-alice-1@runbook.test>")
        #expect(mail.header("Date") != nil)
        #expect(mail.parts.map(\.type) == ["text/plain", "text/html"])
        let ack = "http://runbook.test/incidents/42/ack?t=abc"
        #expect(mail.parts.allSatisfy { $0.text.contains(ack) })
        #expect(mail.parts[0].text.contains("host=<b>db1</b> & co"))
        #expect(mail.parts[1].text.contains("host=&lt;b&gt;db1&lt;/b&gt; &amp; co"))
        #expect(!mail.parts[1].text.contains("<b>db1"))
    }

    @Test("A title with CR LF cannot add a header or a recipient; an address with CR LF is refused")
    func headerInjection() async throws {
        let server = try await ScriptServer.start(script: smtpReceiverScript)
        defer { server.stop() }
        let notifier = quickNotifier()
        let title = "disk full\r\nBcc: mallory@evil.test\r\nX-Evil: 1"
        let sent = await notifier.deliver(samplePage(title: title), to: .email(to: "alice@example.test", smtp: settings(server)))
        let refused = await notifier.deliver(
            samplePage(), to: .email(to: "alice@example.test>\r\nRCPT TO:<mallory@evil.test", smtp: settings(server)))
        await notifier.shutdown()

        #expect(sent.succeeded, "\(sent.detail)")
        let mail = try #require(try received(server).first)
        #expect(!mail.headerNames.contains("bcc"))
        #expect(!mail.headerNames.contains("x-evil"))
        #expect(mail.rcpt_tos == ["alice@example.test"])
        #expect(mail.header("Subject") == "[P1] INC0000042 disk full Bcc: mallory@evil.test X-Evil: 1")

        #expect(!refused.succeeded)
        #expect(refused.attempts == 1)
        #expect(refused.detail.hasPrefix("invalid email address"))
        #expect(try received(server).count == 1)
    }

    @Test("A rejected recipient is a failed outcome with the server's 550 reply, not retried")
    func rejectedRecipient() async throws {
        let server = try await ScriptServer.start(script: smtpReceiverScript)
        defer { server.stop() }
        let notifier = quickNotifier()
        let outcome = await notifier.deliver(samplePage(), to: .email(to: "reject-bob@example.test", smtp: settings(server)))
        await notifier.shutdown()
        #expect(!outcome.succeeded)
        #expect(outcome.attempts == 1)
        #expect(outcome.detail.hasPrefix("SMTP 550 5.1.1 no such user"), "\(outcome.detail)")
    }

    @Test("AUTH: right credentials are accepted, wrong ones fail with the server's reply")
    func authentication() async throws {
        let server = try await ScriptServer.start(script: smtpReceiverScript, arguments: ["auth"])
        defer { server.stop() }
        let notifier = quickNotifier()
        var good = settings(server)
        good.credentials = .init(username: "alice", password: "s3cret")
        good.allowsAuthenticationWithoutTLS = true
        var bad = good
        bad.credentials = .init(username: "alice", password: "wrong")
        var none = settings(server)
        none.credentials = nil
        var plaintextRefused = good
        plaintextRefused.allowsAuthenticationWithoutTLS = false

        let accepted = await notifier.deliver(samplePage(), to: .email(to: "alice@example.test", smtp: good))
        let rejected = await notifier.deliver(samplePage(), to: .email(to: "alice@example.test", smtp: bad))
        let unauthenticated = await notifier.deliver(samplePage(), to: .email(to: "alice@example.test", smtp: none))
        let notSent = await notifier.deliver(samplePage(), to: .email(to: "alice@example.test", smtp: plaintextRefused))
        await notifier.shutdown()

        #expect(accepted.succeeded, "\(accepted.detail)")
        #expect(try received(server).first?.authenticated == true)
        #expect(!rejected.succeeded)
        #expect(rejected.detail.hasPrefix("SMTP 535"), "\(rejected.detail)")
        #expect(!unauthenticated.succeeded)
        #expect(unauthenticated.detail.hasPrefix("SMTP 530"), "\(unauthenticated.detail)")
        #expect(!notSent.succeeded)
        #expect(notSent.detail.contains("not encrypted"))
    }

    @Test("STARTTLS: required against a server without it fails; with a self-signed certificate it encrypts")
    func startTLS() async throws {
        let plain = try await ScriptServer.start(script: smtpReceiverScript)
        defer { plain.stop() }
        let (certificate, key) = try await selfSignedCertificate()
        let tls = try await ScriptServer.start(script: smtpReceiverScript, arguments: ["tls", certificate.path, key.path])
        defer { tls.stop() }
        let notifier = quickNotifier()

        let missing = await notifier.deliver(samplePage(), to: .email(to: "alice@example.test", smtp: settings(plain, security: .required)))
        var unverified = settings(tls, security: .required)
        unverified.certificateVerification = .none
        let encrypted = await notifier.deliver(samplePage(), to: .email(to: "alice@example.test", smtp: unverified))
        let untrusted = await notifier.deliver(samplePage(), to: .email(to: "alice@example.test", smtp: settings(tls, security: .required)))
        let opportunistic = await notifier.deliver(samplePage(), to: .email(to: "alice@example.test", smtp: settings(plain, security: .opportunistic)))
        await notifier.shutdown()

        #expect(!missing.succeeded)
        #expect(missing.detail == "server does not offer STARTTLS")
        #expect(encrypted.succeeded, "\(encrypted.detail)")
        #expect(try received(tls).first?.tls == true)
        #expect(!untrusted.succeeded, "a self-signed certificate fails full verification")
        #expect(untrusted.detail.contains("TLS"), "\(untrusted.detail)")
        #expect(untrusted.attempts == 1, "a certificate that is not trusted is not tried again")
        #expect(opportunistic.succeeded, "\(opportunistic.detail)")
        #expect(try received(plain).first?.tls == false)
    }

    @Test("Implicit TLS (SMTPS) speaks TLS from the first byte")
    func implicitTLS() async throws {
        let (certificate, key) = try await selfSignedCertificate()
        let server = try await ScriptServer.start(script: smtpReceiverScript, arguments: ["smtps", certificate.path, key.path])
        defer { server.stop() }
        let notifier = quickNotifier()
        var smtps = settings(server, security: .implicit)
        smtps.certificateVerification = .none
        smtps.credentials = .init(username: "alice", password: "s3cret")
        let outcome = await notifier.deliver(samplePage(), to: .email(to: "alice@example.test", smtp: smtps))
        await notifier.shutdown()
        #expect(outcome.succeeded, "\(outcome.detail)")
        let mail = try #require(try received(server).first)
        #expect(mail.authenticated, "credentials may go over implicit TLS")
    }

    @Test("A server that never answers costs the command timeout per attempt, then a failed outcome")
    func silentServer() async throws {
        let silent = """
            import socket, sys, time
            server = socket.socket()
            server.bind(("127.0.0.1", 0))
            server.listen(8)
            print(server.getsockname()[1], flush=True)
            connections = []
            while True:
                connections.append(server.accept())
            """
        let server = try await ScriptServer.start(script: silent)
        defer { server.stop() }
        let notifier = quickNotifier(attempts: 2)
        var settings = settings(server)
        settings.commandTimeout = .milliseconds(500)
        let outcome = await notifier.deliver(samplePage(), to: .email(to: "alice@example.test", smtp: settings))
        await notifier.shutdown()
        #expect(!outcome.succeeded)
        #expect(outcome.detail == "timeout waiting for the SMTP server after 2 attempts")
        // The server never answers: without the timeout this would never end.
        #expect(outcome.duration < .seconds(15))
    }

    @Test("Dot-stuffing doubles a leading dot on every line and ends in CRLF")
    func dotStuffing() {
        #expect(SMTPSession.dotStuffed(".\nline\n..x\r\nend") == "..\r\nline\r\n...x\r\nend\r\n")
    }

    /// A throwaway certificate for CN=localhost made by `openssl req`, in a folder removed when the test ends.
    private func selfSignedCertificate() async throws -> (certificate: URL, key: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notify-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificateFolders.append(directory)
        let certificate = directory.appendingPathComponent("cert.pem")
        let key = directory.appendingPathComponent("key.pem")
        let end = try await ChildProcess(executable: "openssl", arguments: [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key.path, "-out", certificate.path, "-days", "1", "-subj", "/CN=localhost",
        ]).run(input: Data(), timeout: .seconds(20))
        try #require(end.status == 0, "openssl: \(end.standardError)")
        return (certificate, key)
    }
}
