/// A step's process could not be started: a missing interpreter or directory, or an environment that a
/// process cannot carry. Once the process has started, everything else is a `StepOutcome`, not an error.
public struct StepLaunchError: Error, Sendable, CustomStringConvertible {
    /// The program that was to run.
    public var executable: String
    /// Why it could not run, e.g. `No such file or directory`, in words a work note can carry as is.
    public var reason: String
    /// The C function that failed, when one did (e.g. `posix_spawn`).
    public var call: String?
    /// The `errno` the call failed with, when one did.
    public var errorNumber: Int32?

    /// An error for `executable` with `reason`, and the failed call and its errno if a system call failed.
    public init(executable: String, reason: String, call: String? = nil, errorNumber: Int32? = nil) {
        self.executable = executable
        self.reason = reason
        self.call = call
        self.errorNumber = errorNumber
    }

    /// `cannot run /usr/bin/python3: No such file or directory`.
    public var description: String { "cannot run \(executable): \(reason)" }
}
