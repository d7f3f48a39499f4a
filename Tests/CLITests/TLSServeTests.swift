import Foundation
import Testing

/// `runbook serve --tls-cert --tls-key`: HTTPS with a certificate a client verifies, the dashboard's session cookie
/// marked Secure, and a clear refusal of a key that is not one. The client is Debian's Python (its `ssl` module
/// verifies the chain and the address), the certificate openssl's; both come with `scripts/setup --integration`.
@Suite(.timeLimit(.minutes(1)))
struct TLSServeTests {
    static var toolsInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") && executableOnPath("openssl") != nil
    }

    /// A self-signed certificate for 127.0.0.1 and its key, in `cli`'s directory.
    private static func certificate(_ cli: CLI) throws -> (certificate: String, key: String) {
        let (certificate, key) = (cli.path("server.crt"), cli.path("server.key"))
        let openssl = Process()
        openssl.executableURL = executableOnPath("openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=runbook-test",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        return (certificate, key)
    }

    /// GETs `url` trusting only `certificate`, then POSTs a login form; prints the status and the Set-Cookie header.
    private static let client = """
        import ssl, sys, urllib.request, urllib.error
        url, ca, token = sys.argv[1], sys.argv[2], sys.argv[3]
        context = ssl.create_default_context(cafile=ca)
        print(urllib.request.urlopen(url + "/healthz", context=context).status)
        class Keep(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args): return None
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), Keep)
        try:
            opener.open(url + "/login", data=("token=" + token).encode())
        except urllib.error.HTTPError as e:
            print(e.code, e.headers["Set-Cookie"])
        """

    @Test(.enabled(if: toolsInstalled || ProcessInfo.processInfo.environment["CI"] != nil,
                   "needs /usr/bin/python3 and openssl (scripts/setup --integration installs them)"))
    func servesHTTPSWithASecureSessionCookie() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let (certificate, key) = try Self.certificate(cli)
        let served = try cli.serve(environment: ["RUNBOOK_TLS_CERT": certificate, "RUNBOOK_TLS_KEY": key])
        defer { served.stop() }
        #expect(served.url.hasPrefix("https://127.0.0.1:"))
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = ["-c", Self.client, served.url, certificate, served.token]
        let output = Pipe()
        python.standardOutput = output
        python.standardError = output
        try python.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        let lines = text.split(separator: "\n")
        #expect(lines.first == "200", "\(text)")
        #expect(lines.dropFirst().first?.hasPrefix("303 runbook_session=") == true, "\(text)")
        #expect(lines.dropFirst().first?.contains("; Secure") == true, "over TLS the session cookie is Secure: \(text)")
    }

    @Test(.enabled(if: toolsInstalled || ProcessInfo.processInfo.environment["CI"] != nil,
                   "needs openssl (scripts/setup --integration installs it)"))
    func aKeyThatIsNotOneIsRefusedByName() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let (certificate, _) = try Self.certificate(cli)
        let refused = try cli.run(["serve", "--tls-cert", certificate, "--tls-key", certificate], environment: ["RUNBOOK_PORT": "0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(certificate) is not a PEM private key"), "\(refused.stderr)")
        let alone = try cli.run(["serve", "--tls-cert", certificate], environment: ["RUNBOOK_PORT": "0"])
        #expect(alone.status != 0)
        #expect(alone.stderr.contains("--tls-cert and --tls-key go together"), "\(alone.stderr)")
        let missing = try cli.run(["serve", "--tls-cert", cli.path("nope.crt"), "--tls-key", certificate], environment: ["RUNBOOK_PORT": "0"])
        #expect(missing.stderr.contains("nope.crt cannot be read"), "\(missing.stderr)")
    }
}
