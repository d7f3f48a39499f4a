import Glibc

/// Glibc functions that Swift's Glibc module does not show, because they are declared only under
/// `_GNU_SOURCE` or in headers it does not include; they are looked up by name once.
enum GNUFunctions {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32

    /// `pipe2(2)` (glibc 2.9): a pipe whose ends are close-on-exec from the start, so a process spawned by
    /// another thread at the same moment cannot inherit them and hold the step's output open.
    static let pipe2: Pipe2? = symbol("pipe2", as: Pipe2.self)

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29): the child changes directory, not the parent,
    /// whose working directory is shared by every thread.
    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34): the child closes every descriptor from a
    /// number up, including ones this process inherited without close-on-exec from whoever started it.
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)

    /// `pidfd_open(2)` (glibc 2.36, Linux 5.3): a descriptor that poll() reports readable when the process
    /// exits, so the end of a step is seen at once rather than at the next 50 ms tick.
    static let pidfdOpen: PidfdOpen? = symbol("pidfd_open", as: PidfdOpen.self)

    /// `prctl(2)`, which is variadic and so not imported; called with its five integer arguments, which
    /// is how the variadic convention passes them on x86-64 and arm64 Linux.
    static let prctl: Prctl? = symbol("prctl", as: Prctl.self)

    private static func symbol<Function>(_ name: String, as type: Function.Type) -> Function? {
        guard let address = dlsym(dlopen(nil, RTLD_NOW), name) else { return nil }
        return unsafeBitCast(address, to: type)
    }
}
