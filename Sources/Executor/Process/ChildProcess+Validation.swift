import Glibc

extension ChildProcess {
    /// Refuses, with a reason a work note can show, what a process cannot be given: C strings end at the
    /// first NUL byte, so a value with one would arrive cut short; an environment name with `=` would be
    /// split differently by the child; Linux refuses entries over `maximumEntryBytes`.
    static func validate(_ command: StepCommand) throws(StepLaunchError) {
        func refuse(_ reason: String) -> StepLaunchError { StepLaunchError(executable: command.executable, reason: reason) }

        guard command.executable.hasPrefix("/"), !command.executable.utf8.contains(0) else {
            throw refuse("the executable must be an absolute path without NUL bytes")
        }
        for (index, argument) in command.arguments.enumerated() {
            if argument.utf8.contains(0) { throw refuse("argument \(index + 1) contains a NUL byte, which a process cannot be given") }
            if argument.utf8.count >= maximumEntryBytes {
                throw refuse("argument \(index + 1) is \(argument.utf8.count) bytes long; Linux allows at most \(maximumEntryBytes - 1)")
            }
        }
        for (name, value) in command.environment {
            try validateVariable(name: name, value: value, refuse: refuse)
        }
        try validateWorkingDirectory(command, refuse: refuse)
    }

    private static func validateVariable(name: String, value: String, refuse: (String) -> StepLaunchError) throws(StepLaunchError) {
        guard !name.isEmpty, !name.utf8.contains(UInt8(ascii: "=")), !name.utf8.contains(0) else {
            throw refuse("environment variable name '\(name.debugDescription.dropFirst().dropLast())' is empty or contains '=' or a NUL byte")
        }
        if value.utf8.contains(0) {
            throw refuse("the value of environment variable \(name) contains a NUL byte, which a process environment cannot carry")
        }
        let entryBytes = name.utf8.count + 1 + value.utf8.count + 1
        if entryBytes > maximumEntryBytes {
            let allowed = maximumEntryBytes - name.utf8.count - 2
            throw refuse("environment variable \(name) is \(value.utf8.count) bytes long; Linux allows at most \(allowed) for it")
        }
    }

    /// Checked here, though the spawn would fail anyway, because posix_spawn reports a missing directory
    /// as ENOENT, which reads as a missing interpreter.
    private static func validateWorkingDirectory(_ command: StepCommand, refuse: (String) -> StepLaunchError) throws(StepLaunchError) {
        let directory = command.workingDirectory
        guard !directory.utf8.contains(0) else { throw refuse("the working directory contains a NUL byte") }
        var status = stat()
        guard stat(directory, &status) == 0 else {
            let code = errno
            throw StepLaunchError(executable: command.executable, reason: "working directory \(directory): \(String(cString: strerror(code)))",
                                  call: "stat", errorNumber: code)
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw StepLaunchError(executable: command.executable, reason: "working directory \(directory): Not a directory",
                                  call: "stat", errorNumber: ENOTDIR)
        }
    }
}
