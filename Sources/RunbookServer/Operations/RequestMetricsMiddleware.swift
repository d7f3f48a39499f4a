import Hummingbird

/// Counts every request by method, route pattern (not the raw path, which would make a series
/// per incident) and status, and times it.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code,
                              duration: ContinuousClock.now - started)
        return response
    }
}
