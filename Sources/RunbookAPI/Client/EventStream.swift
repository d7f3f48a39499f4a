import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `text/event-stream` response read as it arrives, through URLSession's data delegate: progress
/// must show while the run goes, not when the response ends.
final class EventStream: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked: the session calls the delegate on its own serial queue; the fields below are
    // only touched there after `init`.
    private let continuation: AsyncThrowingStream<ServerEvent, any Error>.Continuation
    private let baseURL: URL
    private var parser = ServerEvent.Parser()
    /// An error response's body, kept to report the API's message.
    private var errorStatus: Int?
    private var errorBody = Data()
    /// Resumed once the response has begun (or failed): the server is subscribed by then.
    private var opening: CheckedContinuation<Void, any Error>?

    private init(continuation: AsyncThrowingStream<ServerEvent, any Error>.Continuation, baseURL: URL) {
        self.continuation = continuation
        self.baseURL = baseURL
    }

    /// Starts `request` and returns once the server has answered it: every event from then on is in the
    /// stream (an error answer is thrown instead). The stream ends when the server ends the response, and
    /// stopping to read it cancels the request.
    static func open(_ request: URLRequest, baseURL: URL) async throws -> AsyncThrowingStream<ServerEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ServerEvent, any Error>.makeStream()
        let delegate = EventStream(continuation: continuation, baseURL: baseURL)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: queue)
        let task = session.dataTask(with: request)
        continuation.onTermination = { _ in
            task.cancel()
            session.invalidateAndCancel()
        }
        try await withCheckedThrowingContinuation { (opening: CheckedContinuation<Void, any Error>) in
            queue.addOperation {
                delegate.opening = opening
                task.resume()
            }
        }
        return stream
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, http.statusCode >= 400 {
            errorStatus = http.statusCode
        } else {
            opening?.resume()
            opening = nil
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        if errorStatus != nil { return errorBody.append(data) }
        for event in parser.feed(data) { continuation.yield(event) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let failure: (any Error)? = if let errorStatus {
            APIError.from(status: errorStatus, body: errorBody)
        } else {
            error.map { TransportError.from($0, url: baseURL) }
        }
        if let opening {
            opening.resume(throwing: failure ?? TransportError.unreadable(baseURL, reason: "the event stream ended before it began"))
            self.opening = nil
        }
        if let failure { continuation.finish(throwing: failure) } else { continuation.finish() }
        session.finishTasksAndInvalidate()
    }
}
