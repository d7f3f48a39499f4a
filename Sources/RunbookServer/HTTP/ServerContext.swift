import Hummingbird

/// The request context of every route: Hummingbird's core storage, plus who is asking once a
/// route has checked the token.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``Authorization/require(_:_:_:)``.
    public var principal: Principal?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are read with explicit limits per route (``JSONBody``); this is only Hummingbird's own ceiling.
    public var maxUploadSize: Int { 64 << 20 }
}
