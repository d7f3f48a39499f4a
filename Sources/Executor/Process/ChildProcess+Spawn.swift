import Glibc

extension ChildProcess {
    /// Linux refuses one argument or environment entry longer than this (`MAX_ARG_STRLEN`, 32 pages, with the NUL).
    static let maximumEntryBytes = 32 * 4096

    /// Starts `command` as the leader of a new process group, stdin from /dev/null, stdout and stderr into one
    /// pipe (so their order is kept), in its working directory, with exactly its environment and with every
    /// signal at its default disposition and unblocked.
    static func spawn(_ command: StepCommand) throws(StepLaunchError) -> ChildProcess {
        try validate(command)
        EscapedProcesses.adoptOrphans()
        let argv = CStringArray([command.executable] + command.arguments)
        let envp = CStringArray(command.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        let (readEnd, writeEnd) = try makePipe(for: command)
        let input = try command.input.map { _ throws(StepLaunchError) in try makeInputSocket(for: command) }
        do {
            let pid = try spawnProcess(command, argv: argv, envp: envp, output: writeEnd, input: input?.child)
            close(writeEnd)
            if let input { close(input.child) }
            let notifier = GNUFunctions.pidfdOpen.map { $0(pid, 0) }.flatMap { $0 >= 0 ? $0 : nil }
            return ChildProcess(pid: pid, output: readEnd, exitNotifier: notifier, input: input?.parent)
        } catch {
            close(readEnd)
            close(writeEnd)
            if let input { close(input.child); close(input.parent) }
            throw error
        }
    }

    private static func spawnProcess(_ command: StepCommand, argv: CStringArray, envp: CStringArray,
                                     output: Int32, input: Int32?) throws(StepLaunchError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        try addFileActions(&actions, command, output: output, input: input)
        try setAttributes(&attributes, command)

        var pid: pid_t = 0
        let result = posix_spawn(&pid, command.executable, &actions, &attributes, argv.cArray, envp.cArray)
        try check(result, "posix_spawn", command)
        return pid
    }

    private static func addFileActions(_ actions: inout posix_spawn_file_actions_t, _ command: StepCommand,
                                       output: Int32, input: Int32?) throws(StepLaunchError) {
        guard let addChdir = GNUFunctions.addChdir else {
            let reason = "this C library cannot start a process in another directory (posix_spawn_file_actions_addchdir_np is missing)"
            throw StepLaunchError(executable: command.executable, reason: reason)
        }
        try check(addChdir(&actions, command.workingDirectory), "posix_spawn_file_actions_addchdir_np", command)
        if let input {
            try check(posix_spawn_file_actions_adddup2(&actions, input, 0), "posix_spawn_file_actions_adddup2", command)
        } else {
            try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "posix_spawn_file_actions_addopen", command)
        }
        // dup2 clears close-on-exec on the copies. What this process opened itself is close-on-exec, but a
        // descriptor it inherited without the flag (a pipe of whoever started the server) would pass on
        // to the step and could keep that pipe open after the server is gone: close everything above 2.
        try check(posix_spawn_file_actions_adddup2(&actions, output, 1), "posix_spawn_file_actions_adddup2", command)
        try check(posix_spawn_file_actions_adddup2(&actions, output, 2), "posix_spawn_file_actions_adddup2", command)
        if let addCloseFrom = GNUFunctions.addCloseFrom {
            try check(addCloseFrom(&actions, 3), "posix_spawn_file_actions_addclosefrom_np", command)
        }
    }

    private static func setAttributes(_ attributes: inout posix_spawnattr_t, _ command: StepCommand) throws(StepLaunchError) {
        // A new group, so the whole tree of the step can be signaled at once; a clean signal state, so a step
        // does not inherit this server's ignored SIGPIPE or a blocked mask of the spawning thread.
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        try check(posix_spawnattr_setflags(&attributes, Int16(flags)), "posix_spawnattr_setflags", command)
        try check(posix_spawnattr_setpgroup(&attributes, 0), "posix_spawnattr_setpgroup", command)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        try check(posix_spawnattr_setsigmask(&attributes, &noSignals), "posix_spawnattr_setsigmask", command)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        try check(posix_spawnattr_setsigdefault(&attributes, &allSignals), "posix_spawnattr_setsigdefault", command)
    }

    /// A close-on-exec pipe whose ends are above stdin, stdout and stderr, so the file actions that set up
    /// descriptors 0 to 2 in the child cannot overwrite them (a server may run with those closed).
    private static func makePipe(for command: StepCommand) throws(StepLaunchError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        let result = ends.withUnsafeMutableBufferPointer { buffer in
            if let pipe2 = GNUFunctions.pipe2 { return pipe2(buffer.baseAddress, O_CLOEXEC) }
            guard pipe(buffer.baseAddress!) == 0 else { return -1 }
            _ = fcntl(buffer[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(buffer[1], F_SETFD, FD_CLOEXEC)
            return 0
        }
        if result != 0 { try check(errno, "pipe2", command) }
        return (aboveStandardDescriptors(ends[0]), aboveStandardDescriptors(ends[1]))
    }

    /// A close-on-exec socket pair for the child's standard input: a socket rather than a pipe so that writing to a
    /// child that stopped reading fails with EPIPE (`MSG_NOSIGNAL`) instead of raising SIGPIPE in this process.
    private static func makeInputSocket(for command: StepCommand) throws(StepLaunchError) -> (parent: Int32, child: Int32) {
        var ends: [Int32] = [-1, -1]
        let result = ends.withUnsafeMutableBufferPointer { socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, $0.baseAddress) }
        if result != 0 { try check(errno, "socketpair", command) }
        let parent = aboveStandardDescriptors(ends[0])
        _ = fcntl(parent, F_SETFL, fcntl(parent, F_GETFL) | O_NONBLOCK)
        // The child only reads: shutting our reading side tells it nothing, but its writes would go nowhere.
        shutdown(ends[1], Int32(SHUT_WR))
        return (parent, aboveStandardDescriptors(ends[1]))
    }

    private static func aboveStandardDescriptors(_ descriptor: Int32) -> Int32 {
        guard descriptor <= 2 else { return descriptor }
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 3)
        guard copy >= 0 else { return descriptor }
        close(descriptor)
        return copy
    }

    private static func check(_ result: Int32, _ call: String, _ command: StepCommand) throws(StepLaunchError) {
        guard result != 0 else { return }
        let reason = result == E2BIG ? "its arguments and environment are too large for one process (E2BIG)" : String(cString: strerror(result))
        throw StepLaunchError(executable: command.executable, reason: reason, call: call, errorNumber: result)
    }
}
