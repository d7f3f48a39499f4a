import Synchronization

/// A switch that stops a running step: its process group gets SIGTERM, the grace period, then SIGKILL.
///
/// One cancellation may be shared by every step of a run; once canceled it stays canceled, and a step
/// started with a canceled cancellation does not start its process at all. A running step notices a
/// cancel within 50 ms.
public final class StepCancellation: Sendable {
    private let canceled = Atomic<Bool>(false)

    /// A cancellation that has not been canceled.
    public init() {}

    /// Stops the step (or steps) using this cancellation. Safe to call from any thread, any number of times.
    public func cancel() {
        canceled.store(true, ordering: .releasing)
    }

    /// Whether `cancel()` has been called.
    public var isCanceled: Bool {
        canceled.load(ordering: .acquiring)
    }
}
