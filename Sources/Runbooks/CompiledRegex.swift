import Synchronization

/// A regular expression compiled once at parse time and shared between copies of its owner.
///
/// Swift `Regex` values are immutable once built, so sharing one across tasks is safe; the box only
/// exists so the owning value types can stay `Sendable` and compare by their source text.
final class CompiledRegex: @unchecked Sendable {
    /// Compiled regexes by source. Wikis repeat the same patterns (hostnames, severities) across
    /// hundreds of pages, and compiling a Swift `Regex` costs more than parsing the page's Markdown.
    private static let cache = Mutex<[String: CompiledRegex]>([:])
    /// Bounds the cache; past it, new patterns are compiled but not kept.
    private static let cacheLimit = 4096

    /// The compiled form of `source`, from the cache when it was compiled before.
    static func compile(_ source: String) throws(RegexSyntaxError) -> CompiledRegex {
        if let cached = cache.withLock({ $0[source] }) { return cached }
        let compiled = try CompiledRegex(source)
        cache.withLock { cache in
            if cache.count < cacheLimit { cache[source] = compiled }
        }
        return compiled
    }

    /// The pattern as the author wrote it.
    let source: String
    private let regex: Regex<AnyRegexOutput>

    /// Compiles `source`; the thrown message is the regex parser's (`expected ')'`), or says that
    /// the pattern nests unbounded repeats (see ``NestedRepetition``).
    private init(_ source: String) throws(RegexSyntaxError) {
        self.source = source
        if let problem = NestedRepetition.find(in: source) { throw RegexSyntaxError(message: problem) }
        do {
            // Unicode-scalar semantics are closer to RE2 (Prometheus, Alertmanager) than grapheme clusters.
            regex = try Regex(source).matchingSemantics(.unicodeScalar)
        } catch {
            throw RegexSyntaxError(message: "\(error)")
        }
    }

    /// True if the whole of `text` matches: `^` and `$` semantics without the trailing-newline loophole.
    func wholeMatch(_ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }

    /// True if the pattern matches somewhere in `text`; anchoring is up to the pattern.
    func containsMatch(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}

/// Why a regular expression did not compile.
struct RegexSyntaxError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
