import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Delivers one notification over one channel, with retries, and reports what happened.
///
/// One `Notifier` serves the whole server: it holds one `HTTPClient` whose connections the HTTP channels share.
/// Each `deliver` call is independent of every other: a receiver that hangs costs only its own call
/// `RetryPolicy.attemptTimeout` per attempt. Call `shutdown()` once when the server stops: the HTTP client
/// refuses to be released while open (a debug build stops on it).
public final class Notifier: Sendable {
    /// How often and how patiently each delivery is tried.
    public let retryPolicy: RetryPolicy
    let httpClient: HTTPClient
    let logger: Logger

    /// Creates a notifier with its own HTTP client.
    ///
    /// - Parameters:
    ///   - retryPolicy: attempts, backoff and the per-attempt timeout.
    ///   - logger: deliveries log at debug, failed attempts at notice, with `incident` and `channel` metadata.
    public init(retryPolicy: RetryPolicy = RetryPolicy(), logger: Logger) {
        self.retryPolicy = retryPolicy
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: TimeAmount(retryPolicy.attemptTimeout))
        // Our own loop retries with backoff; the client's own retrying of refused connections would hold a request
        // until the connect timeout, so a closed port would fail slowly instead of at once.
        configuration.connectionPool.retryConnectionEstablishment = false
        // A receiver's redirect must not send a signed body somewhere else.
        configuration.redirectConfiguration = .disallow
        self.httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Delivers `message` to `destination`, retrying transient failures with exponential backoff.
    ///
    /// Never throws: every failure, a bad setting included, is an outcome with `succeeded == false` and a detail a
    /// person can act on. A cancelled task stops retrying and reports the last failure.
    public func deliver(_ message: NotificationMessage, to destination: Destination) async -> DeliveryOutcome {
        var logger = self.logger
        logger[metadataKey: "incident"] = "\(message.incident)"
        logger[metadataKey: "channel"] = "\(destination.channelName)"
        let outcome = await withRetries(logger: logger) { [self] in
            await attempt(message, to: destination)
        }
        logger.debug("notification delivered", metadata: [
            "succeeded": "\(outcome.succeeded)", "detail": "\(outcome.detail)", "attempts": "\(outcome.attempts)",
        ])
        return outcome
    }

    /// Closes the HTTP client's connections; call once, after the last `deliver` has returned.
    public func shutdown() async {
        do {
            try await httpClient.shutdown()
        } catch {
            logger.notice("HTTP client shutdown failed", metadata: ["error": "\(error)"])
        }
    }

    /// One attempt over the destination's channel.
    private func attempt(_ message: NotificationMessage, to destination: Destination) async -> AttemptResult {
        switch destination {
        case .webhook(let url, let key, let template):
            let request = WebhookRequest(message: message, url: url, signingKey: key, bodyTemplate: template)
            return await post(request.httpRequest(sentAt: Date()))
        case .slack(let url):
            return await post(SlackPayload(message: message).httpRequest(url: url))
        case .ntfy(let url, let token):
            return await post(NtfyRequest(message: message, url: url, token: token).httpRequest())
        case .email(let address, let settings):
            return await SMTPDelivery(settings: settings, logger: logger).send(message, to: address)
        case .spoken(let settings):
            return await SpokenDelivery(settings: settings).announce(message)
        }
    }
}
