import Testing
@testable import Runbooks

/// Patterns that would backtrack exponentially on a crafted label are refused; ordinary ones are not.
@Suite struct NestedRepetitionTests {
    @Test(arguments: ["(a+)+", "(a*)*", "(\\w+\\s?)+$", "(?:x|y+){2,}", "((ab)*c)+", "([^,]+,?)*"])
    func refused(pattern: String) {
        #expect(NestedRepetition.find(in: pattern) != nil, "\(pattern)")
    }

    @Test(arguments: [
        "PostgresqlReplicationLag|PostgresReplicationLag", "^[A-Za-z0-9][A-Za-z0-9.-]{0,252}(:[0-9]{1,5})?$",
        "^/[A-Za-z0-9._-]{0,64}(/[A-Za-z0-9._-]{1,64}){0,7}$", "db-.*", "(a+)?", "[(+]+", "\\(a+\\)+", "(ab)+c*", "^(true|false)$",
    ])
    func accepted(pattern: String) {
        #expect(NestedRepetition.find(in: pattern) == nil, "\(pattern)")
    }
}
