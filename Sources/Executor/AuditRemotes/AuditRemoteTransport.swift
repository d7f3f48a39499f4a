import Foundation
import Runbooks

/// Pushes the audit branch to a remote and fetches it back, with the `git` program (its transports: SSH, HTTP, the
/// git protocol, files), never forcing.
///
/// git runs with no system or global configuration and never prompts, so nothing on the machine changes what it
/// does. SSH goes through the inventory's generated client configuration: an SSH remote's host is an inventory
/// host, reached with its key and pinned host key like a remote step. An HTTP remote's token, if the secret
/// `audit-remote-NAME` exists, is sent as basic authentication in the environment, never on a command line.
public struct AuditRemoteTransport: Sendable {
    /// What a push came to.
    public enum PushOutcome: Sendable, Equatable {
        /// The remote has the branch at our head now.
        case accepted
        /// The remote refused a fast-forward: its branch has commits ours does not.
        case rejected(String)
        /// Anything else: unreachable, refused by a hook, timed out.
        case failed(String)
    }

    public let remote: AuditRemote
    private let gitDirectory: String
    private let environment: [String: String]

    /// How long one push or fetch may take.
    static let timeout: Duration = .seconds(120)

    /// A transport for `remote` from the repository at `gitDirectory`; `inventory` resolves SSH hosts.
    ///
    /// - Throws: ``AuditRemoteError`` for an SSH host that is not in the inventory, or an unreadable token.
    public init(remote: AuditRemote, gitDirectory: String, inventory: Inventory, dataDirectory: String) throws {
        self.remote = remote
        self.gitDirectory = gitDirectory
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": dataDirectory, "LANG": "C", "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_ASKPASS": "/bin/false",
            "SSH_ASKPASS": "/bin/false",
        ]
        switch try remote.transport {
        case .ssh(let host):
            guard inventory.hosts[host] != nil else {
                throw AuditRemoteError.invalid(
                    "audit remote \(remote.name): '\(host)' is not a host of config/inventory.yaml; an SSH remote is reached as an "
                        + "inventory host, so its host key is pinned in config/known_hosts and its key is a secret")
            }
            let configuration = try SSHConfiguration(inventory: inventory, dataDirectory: dataDirectory, connectTimeout: .seconds(10),
                                                     persist: .seconds(60))
            // git runs this through the shell: the path is quoted (it holds no quote, being under the data directory).
            environment["GIT_SSH_COMMAND"] = "ssh -F '\(configuration.path)'"
            environment["GIT_SSH_VARIANT"] = "ssh"
        case .http:
            if let token = try SecretStore(dataDirectory: dataDirectory).value(of: remote.tokenSecret) {
                let user = URLComponents(string: remote.url)?.user ?? "runbook"
                let credentials = Data("\(user):\(token.trimmingCharacters(in: .whitespacesAndNewlines))".utf8).base64EncodedString()
                environment["GIT_CONFIG_COUNT"] = "1"
                environment["GIT_CONFIG_KEY_0"] = "http.extraHeader"
                environment["GIT_CONFIG_VALUE_0"] = "Authorization: Basic \(credentials)"
            }
        case .git, .file:
            break
        }
        self.environment = environment
    }

    /// Pushes `branch` to the same branch on the remote, as a fast-forward only.
    public func push(branch: String) async -> PushOutcome {
        let reference = "refs/heads/\(branch)"
        let outcome: StepOutcome
        do {
            outcome = try await git(["push", "--porcelain", "--", remote.url, "\(reference):\(reference)"])
        } catch {
            return .failed("cannot start git: \(error)")
        }
        if outcome.succeeded { return .accepted }
        // Porcelain: `!<TAB>from:to<TAB>[rejected] (non-fast-forward)`; a hook's refusal is `[remote rejected]`.
        let lines = Self.lines(outcome.log)
        if let refused = lines.first(where: { $0.hasPrefix("!\t") && $0.contains("[rejected]") }) {
            return .rejected(refused.split(separator: "\t").last.map(String.init) ?? refused)
        }
        return .failed(credentialsProblem(lines) ?? Self.summary(lines, outcome: outcome))
    }

    /// What to do when git's failure is about credentials, which git words as if it could have asked someone.
    private func credentialsProblem(_ lines: [String]) -> String? {
        if lines.contains(where: { $0.contains("could not read Username") || $0.contains("could not read Password") }) {
            return "the remote asks for credentials: set the secret \(remote.tokenSecret) to a token (`runbook secrets set \(remote.tokenSecret)`)"
        }
        if lines.contains(where: { $0.contains("Authentication failed") }) {
            return "the remote refused the token of the secret \(remote.tokenSecret)"
        }
        return nil
    }

    /// Fetches the remote's `branch` into `reference` (a reference of our own, overwritten); false when the remote has
    /// no such branch.
    ///
    /// - Throws: ``AuditRemoteError`` when the remote cannot be read.
    public func fetch(branch: String, into reference: String) async throws -> Bool {
        let outcome = try await git(["fetch", "--no-tags", "--no-write-fetch-head", "--", remote.url, "+refs/heads/\(branch):\(reference)"])
        if outcome.succeeded { return true }
        let lines = Self.lines(outcome.log)
        if lines.contains(where: { $0.contains("couldn't find remote ref") }) { return false }
        let why = credentialsProblem(lines) ?? Self.summary(lines, outcome: outcome)
        throw AuditRemoteError.invalid("cannot fetch \(branch) from audit remote \(remote.name) (\(remote.displayURL)): \(why)")
    }

    private func git(_ arguments: [String]) async throws -> StepOutcome {
        try await StepProcess.run(
            StepCommand(executable: "/usr/bin/git", arguments: ["--git-dir", gitDirectory] + arguments, environment: environment,
                        workingDirectory: "/"),
            limits: StepLimits(timeout: Self.timeout, outputCap: 256 << 10))
    }

    /// The log's lines without the executor's time prefixes (`[   0.012s] `, ``StepLog/prefix(_:)``).
    private static func lines(_ log: String) -> [String] {
        log.split(separator: "\n").map { line in
            guard line.hasPrefix("["), let end = line.firstIndex(of: "]") else { return String(line) }
            return String(line[line.index(after: end)...].dropFirst())
        }
    }

    /// The lines that say why git failed, for a person.
    private static func summary(_ lines: [String], outcome: StepOutcome) -> String {
        let said = lines.filter { $0.hasPrefix("fatal:") || $0.hasPrefix("error:") || $0.hasPrefix("!") || $0.contains("denied") }
        let text = (said.isEmpty ? Array(lines.suffix(2)) : said).joined(separator: "; ")
        return text.isEmpty ? "git ended with \(outcome.termination)" : String(text.prefix(500))
    }
}
