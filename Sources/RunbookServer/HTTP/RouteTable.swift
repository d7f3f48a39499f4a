import Hummingbird

/// The API's routes by path pattern and method, recorded as they are registered, so a request
/// for a known path with the wrong method gets 405 and the methods it allows, not 404.
public final class RouteTable: Sendable {
    private let routes: [(pattern: [Substring], methods: [HTTPRequest.Method])]

    init(_ routes: [(String, [HTTPRequest.Method])]) {
        self.routes = routes.map { (Self.segments($0.0), $0.1) }
    }

    /// The methods registered for a path matching `path`, if any; `{name}` segments match any one segment.
    func methods(for path: String) -> [HTTPRequest.Method]? {
        let segments = Self.segments(path)
        let matching = routes.filter { route in
            route.pattern.count == segments.count
                && zip(route.pattern, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        return matching.isEmpty ? nil : matching.flatMap(\.methods)
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/") } ?? []
    }
}

/// The router, as route groups see it, noting each route's full path and method for a ``RouteTable``.
final class RouteRecorder: RouterMethods {
    typealias Context = ServerContext
    private(set) var routes: [(String, [HTTPRequest.Method])] = []
    let router: Router<ServerContext>

    init(router: Router<ServerContext>) {
        self.router = router
    }

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == ServerContext {
        router.on(path, method: method, responder: responder)
        let text = path.description
        if let index = routes.firstIndex(where: { $0.0 == text }) {
            routes[index].1.append(method)
        } else {
            routes.append((text, [method]))
        }
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, ServerContext>) -> Self {
        router.add(middleware: middleware)
        return self
    }

    var table: RouteTable { RouteTable(routes) }
}
