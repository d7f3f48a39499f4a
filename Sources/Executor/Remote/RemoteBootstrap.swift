/// How a step reaches a host: a fixed bash program as ssh's remote command, and the step's script and parameters
/// as data on its standard input.
///
/// Nothing of a step, its parameters or an alert is ever part of the command text the remote shell parses. The
/// command is this file's literal plus the interpreter's name (from a fixed table) and the grace period (a number).
/// The input is:
///
///     runbook-step-1
///     NAME=escaped value          one line per variable
///                                 an empty line
///     escaped script
///
/// where escaping turns `\` into `\\` and a newline into `\n` and leaves every other byte as it is; `printf %b`
/// turns it back, byte for byte (a NUL is refused before this point). Bash reads its input one byte at a time,
/// so it never takes more than its lines.
///
/// The step then runs in a process group of its own, with /dev/null as input, while a watcher keeps reading the
/// connection: when it ends (the step timed out or was canceled here, and `ssh` was stopped, or the connection was
/// lost), the watcher sends SIGTERM to the step's group, waits the grace period, and sends SIGKILL. So stopping a
/// remote step stops what it started on the host, not only the local `ssh`.
enum RemoteBootstrap {
    /// The first line of the input, naming this protocol's version.
    static let header = "runbook-step-1"

    /// The bash program; it holds no single quote, so it can travel inside one.
    static let program = """
        IFS= read -r magic && [ "$magic" = \(header) ] || { echo "[runbook] the step input is not \(header)" >&2; exit 254; }
        while IFS= read -r line && [ -n "$line" ]; do
          name=${line%%=*}
          case $name in ""|[0-9]*|*[!A-Za-z0-9_]*) echo "[runbook] bad variable name in the step input" >&2; exit 254;; esac
          printf -v "$name" %b "${line#*=}" && export "$name"
        done
        IFS= read -r code
        printf -v code %b "$code"
        exec 3<&0 0</dev/null
        set -m
        "$1" "$2" "$code" runbook-step &
        step=$!
        set +m
        { while read -r _; do :; done; kill -TERM -- -"$step"; sleep "$3"; kill -KILL -- -"$step"; } <&3 >/dev/null 2>&1 &
        watcher=$!
        exec 3<&-
        wait "$step"
        status=$?
        kill "$watcher" 2>/dev/null
        exit "$status"
        """

    /// How each step language's interpreter takes a program as an argument.
    static let interpreters: [String: (program: String, flag: String)] = [
        "sh": ("sh", "-c"), "bash": ("bash", "-c"), "python3": ("python3", "-c"), "python": ("python3", "-c"), "perl": ("perl", "-e"),
    ]

    /// The remote command for a step in `language`, with `grace` between SIGTERM and SIGKILL; nil for an unknown language.
    ///
    /// sshd hands the command to the user's login shell. When that is bash (the usual case), it runs the program
    /// itself; any other POSIX shell starts bash for it. Starting that second bash on every step cost 2.2 ms of a
    /// 23 ms step (`bench/remote.sh`), a third of what ours costs over a bare `ssh … true`.
    static func command(language: String, grace: Duration) -> String? {
        guard let interpreter = interpreters[language] else { return nil }
        let seconds = max(0, Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18)
        let arguments = "\(interpreter.program) \(interpreter.flag) \(String(format: "%.3f", seconds))"
        return "case ${BASH_VERSION-} in \"\") exec bash -c '\(program)' runbook-step \(arguments);; esac\nset -- \(arguments)\n\(program)"
    }

    /// The step's input: the header, each variable, an empty line, the script.
    static func input(environment: [String: String], code: String) -> [UInt8] {
        var bytes = Array((header + "\n").utf8)
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            bytes += Array(name.utf8) + [UInt8(ascii: "=")] + escaped(value) + [UInt8(ascii: "\n")]
        }
        bytes.append(UInt8(ascii: "\n"))
        bytes += escaped(code) + [UInt8(ascii: "\n")]
        return bytes
    }

    /// `\` → `\\`, newline → `\n`; all else as it is.
    private static func escaped(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            default: bytes.append(byte)
            }
        }
        return bytes
    }
}
