import Foundation
import Testing
import Wiki

/// Signed audit commits, checked by git itself: what `git verify-commit` and `git log --show-signature` accept is
/// the contract, not our own reading of it.
@Suite struct SigningTests {
    private func entry(_ name: String) -> AuditEntry {
        AuditEntry(changes: [.write(path: "events/\(name).md", contents: Data(name.utf8))], message: "Event \(name)",
                   trailers: [Trailer("Event", name)], author: People.alice)
    }

    @Test func gitVerifiesTheCommitsTheAuditLogSigns() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"))
        let (key, created) = try SSHSigningKey.loadOrCreate(at: scratch.path("data/audit/signing-key"), comment: "runbook-audit")
        #expect(created)
        let mode = try FileManager.default.attributesOfItem(atPath: scratch.path("data/audit/signing-key"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // ssh-keygen reads the key file we wrote, and derives the same public key.
        let derived = try Shell.output("/usr/bin/ssh-keygen", ["-y", "-f", scratch.path("data/audit/signing-key")])
        #expect(derived.hasPrefix(key.publicKey.line))
        let log = try AuditLog(repository: repository, signer: key)
        let commits = try log.append { _ in ([entry("one"), entry("two")], ()) }.commits
        let signers = scratch.path("allowed-signers")
        try "runbook-audit namespaces=\"git\" \(key.publicKey.line)\n".write(toFile: signers, atomically: true, encoding: .utf8)
        for commit in commits {
            try GitCLI.run(["-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(signers)", "verify-commit", commit.hex],
                           in: repository.gitDirectory)
        }
        let shown = try GitCLI.run(["-c", "gpg.ssh.allowedSignersFile=\(signers)", "log", "--format=%G? %GS %GF", "audit"],
                                   in: repository.gitDirectory)
        #expect(shown == "G runbook-audit \(key.publicKey.fingerprint)\nG runbook-audit \(key.publicKey.fingerprint)\n")
        // Our own reading agrees, and a signature over other content does not verify.
        let (armored, content) = try #require(try repository.commitSignature(commits[1]))
        let signature = try SSHSignature(armored: armored)
        #expect(signature.key == key.publicKey)
        try signature.verify(content, namespace: "git")
        #expect(throws: SSHKeyError.self) { try signature.verify(content + Data("x".utf8), namespace: "git") }
        #expect(throws: SSHKeyError.self) { try signature.verify(content, namespace: "file") }
        // A second start reads the same key back.
        let again = try SSHSigningKey.loadOrCreate(at: scratch.path("data/audit/signing-key"), comment: "runbook-audit")
        #expect(!again.created && again.key.publicKey == key.publicKey)
    }

    @Test func aKeyFileOthersCanReadIsRefused() throws {
        let scratch = try Scratch()
        let path = scratch.path("data/audit/signing-key")
        _ = try SSHSigningKey.loadOrCreate(at: path, comment: "x")
        chmod(path, 0o644)
        #expect(throws: SSHKeyError.self) { try SSHSigningKey.loadOrCreate(at: path, comment: "x") }
    }

    @Test func allowedSignersLinesAreReadAsSSHReadsThemWithLineNumbers() throws {
        let key = SSHSigningKey(comment: "a").publicKey
        let old = SSHSigningKey(comment: "b").publicKey
        let signers = try AllowedSigners(text: """
            # the server's key, and the one it replaced
            runbook-audit namespaces="git" \(key.line) current
            runbook-audit namespaces="git,file",valid-before="20261201Z" \(old.line)
            """)
        #expect(signers.signers.map(\.line) == [2, 3])
        let december = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z
        #expect(signers.allows(old, at: december - 1))
        #expect(!signers.allows(old, at: december))
        #expect(signers.allows(key, at: december))
        let bad: [(String, String)] = [
            ("a ssh-rsa AAAAB3NzaC1yc2E=", "only ssh-ed25519"),
            ("a namespaces=\"file\" \(key.line)", "does not include git"),
            ("a valid-after=\"yesterday\" \(key.line)", "valid-after"),
            ("a cert-authority \(key.line)", "cert-authority"),
            ("a", "expected"),
        ]
        for (line, reason) in bad {
            #expect {
                try AllowedSigners(text: "\n\(line)\n")
            } throws: { error in
                guard let error = error as? AllowedSigners.LineError else { return false }
                return error.line == 2 && error.reason.contains(reason)
            }
        }
    }
}

/// Runs a program and returns its standard output.
enum Shell {
    static func output(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
