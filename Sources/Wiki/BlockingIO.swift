import Dispatch

/// Runs `body`, which blocks on git or the disk, on a thread of Dispatch's rather than the
/// cooperative pool's: that pool has a thread per core, and a task blocked in a read holds one
/// away from every other task (two on a two-core server).
public func offThePool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        blockingQueue.async { continuation.resume(with: Result(catching: body)) }
    }
}

private let blockingQueue = DispatchQueue(label: "runbook.blocking-io", attributes: .concurrent)
