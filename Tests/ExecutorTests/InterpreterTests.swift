import Executor
import Testing

/// Fence languages map to interpreters found only on the fixed search path.
struct InterpreterTests {
    @Test func shellsAreAtTheirConventionalPaths() {
        #expect(Interpreter.path(for: "sh") == "/bin/sh")
        #expect(Interpreter.path(for: "bash") == "/bin/bash")
    }

    @Test func pythonIsPython3OnTheSearchPath() throws {
        let python3 = try #require(Interpreter.path(for: "python3"))
        #expect(python3.hasSuffix("/python3"))
        let directories = Interpreter.searchPath.split(separator: ":").map(String.init)
        #expect(directories.contains(String(python3.dropLast("/python3".count))))
        #expect(Interpreter.path(for: "python") == python3)
    }

    @Test func unknownLanguagesHaveNoInterpreter() {
        for language in ["", "ruby-not-a-fence", "yaml", "text", "sh; rm -rf /", "../bin/sh"] {
            #expect(Interpreter.path(for: language) == nil, "\(language)")
        }
    }

    @Test func theSearchPathIsFixed() {
        #expect(Interpreter.searchPath == "/usr/local/bin:/usr/bin:/bin")
    }
}
