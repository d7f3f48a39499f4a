import Foundation
import HummingbirdTLS
import NIOSSL

extension ServerSettings {
    /// Serves HTTPS with a PEM certificate chain and private key (swift-nio-ssl, through Hummingbird's TLS support).
    ///
    /// - Throws: ``TLSFileError`` naming the file and what is wrong with it, before the server starts.
    public mutating func useTLS(certificate: String, key: String) throws(TLSFileError) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw TLSFileError(path: certificate, problem: Self.problem(certificate, error, expected: "a PEM certificate chain"))
        }
        guard !chain.isEmpty else { throw TLSFileError(path: certificate, problem: "holds no PEM certificate") }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw TLSFileError(path: key, problem: Self.problem(key, error, expected: "a PEM private key"))
        }
        tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    }

    private static func problem(_ path: String, _ error: any Error, expected: String) -> String {
        FileManager.default.isReadableFile(atPath: path) ? "is not \(expected) (\(error))" : "cannot be read"
    }
}

/// A certificate or key file `serve --tls-cert --tls-key` cannot use.
public struct TLSFileError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "\(path) \(problem)" }
}
