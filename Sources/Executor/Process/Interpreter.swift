import Glibc

/// Which program runs a step, by the language of its code fence.
public enum Interpreter {
    /// The PATH given to steps, and the only place interpreters are looked for: never the server's own PATH,
    /// so what runs a step does not depend on who started the server.
    public static let searchPath = "/usr/local/bin:/usr/bin:/bin"

    /// The program name for each fence language; `python` is Python 3, as Python 2 is gone.
    private static let programs: [String: String] = ["sh": "sh", "bash": "bash", "python3": "python3", "python": "python3", "perl": "perl"]

    /// Where the shells are by convention, preferred over the search path so `sh` is `/bin/sh` on every system.
    private static let conventionalPaths: [String: String] = ["sh": "/bin/sh", "bash": "/bin/bash"]

    /// The interpreter of a fence language: sh → /bin/sh, bash → /bin/bash, python3 and python → python3, perl → perl,
    /// found on the fixed PATH /usr/local/bin:/usr/bin:/bin; nil when the language is unknown or not installed.
    public static func path(for language: String) -> String? {
        guard let program = programs[language] else { return nil }
        let candidates = [conventionalPaths[program]].compactMap { $0 }
            + searchPath.split(separator: ":").map { "\($0)/\(program)" }
        return candidates.first(where: isExecutableFile)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }
}
