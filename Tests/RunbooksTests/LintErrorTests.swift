import Foundation
import Testing
import Runbooks

/// Each bad input yields an error at the line to fix, with a message that says what is wrong.
@Suite struct LintErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var line: Int
        var message: String
        var testDescription: String { message }
    }

    static let frontMatterCases: [Case] = [
        Case(text: "---\ntitle: x\n# T\n", line: 1, message: "front matter is not terminated"),
        Case(text: withFrontMatter("title: x\ntittle: y"), line: 3, message: "unknown front-matter key 'tittle' (did you mean 'title'?)"),
        Case(text: withFrontMatter("title: [unclosed"), line: 3, message: "invalid YAML in front matter"),
        Case(text: withFrontMatter("title: x\n  bad: indent"), line: 3, message: "invalid YAML in front matter"),
        Case(text: withFrontMatter("title: x\ntitle: y"), line: 2, message: "'title' appears more than once"),
        Case(text: withFrontMatter("- a\n- b"), line: 2, message: "front matter must be a YAML mapping"),
        Case(text: withFrontMatter("owner: x\nimpact: 0"), line: 3, message: "invalid impact '0'"),
        Case(text: withFrontMatter("impact: 4"), line: 2, message: "invalid impact '4'"),
        Case(text: withFrontMatter("urgency: high"), line: 2, message: "invalid urgency 'high'"),
        Case(text: withFrontMatter("concurrency: 0"), line: 2, message: "invalid concurrency '0'"),
        Case(text: withFrontMatter("timeout: abc"), line: 2, message: "invalid timeout 'abc'"),
        Case(text: withFrontMatter("timeout: 30"), line: 2, message: "(a unit is required)"),
        Case(text: withFrontMatter("resolve: sometimes"), line: 2, message: "invalid resolve 'sometimes': use auto or never"),
        Case(text: withFrontMatter("owner:"), line: 2, message: "'owner' needs a text value"),
        Case(text: withFrontMatter("tags: ops"), line: 2, message: "'tags' must be a list"),
        Case(text: withFrontMatter("match: alertname=\"x\""), line: 2, message: "'match' must be a list"),
        Case(text: withFrontMatter("match:\n  - alertname=\"x\"\n  - severity"), line: 4, message: "missing operator in 'severity'"),
        Case(text: withFrontMatter("match:\n  - 'a=\"x'"), line: 3, message: "unterminated quoted value"),
        Case(text: withFrontMatter("match:\n  - a=~\"(\""), line: 3, message: "invalid regex '('"),
        Case(text: withFrontMatter("match:\n  - instance=~\"(a+)+b\""), line: 3,
             message: "'(a+)+' repeats a group that itself repeats without bound"),
        Case(text: withFrontMatter("params:\n  HOST:\n    pattern: '^([a-z0-9]+\\.?)*$'"), line: 4,
             message: "'([a-z0-9]+\\.?)*' repeats a group that itself repeats without bound"),
        Case(text: withFrontMatter("params:\n  host: {}"), line: 3, message: "invalid parameter name 'host'"),
        Case(text: withFrontMatter("params:\n  PATH: {}"), line: 3, message: "parameter name 'PATH' is reserved"),
        Case(text: withFrontMatter("params:\n  LD_PRELOAD: {}"), line: 3, message: "parameter name 'LD_PRELOAD' is reserved"),
        Case(text: withFrontMatter("params:\n  RUNBOOK_ID: {}"), line: 3, message: "parameter name 'RUNBOOK_ID' is reserved"),
        Case(text: withFrontMatter("params:\n  HOST:\n    from: labels.instance\n    requird: true"), line: 5,
             message: "unknown key 'requird' in parameter HOST (did you mean 'required'?)"),
        Case(text: withFrontMatter("params:\n  HOST:\n    required: true\n    default: x"), line: 5,
             message: "parameter HOST is required and has a default"),
        Case(text: withFrontMatter("params:\n  HOST:\n    from: instance"), line: 4, message: "invalid from 'instance'"),
        Case(text: withFrontMatter("params:\n  HOST:\n    pattern: '[a-'"), line: 4, message: "invalid pattern '[a-' for parameter HOST"),
        Case(text: withFrontMatter("params:\n  HOST:\n    pattern: '^[a-z]+$'\n    default: 'A B'"), line: 5,
             message: "default does not pass its own check"),
        Case(text: withFrontMatter("base: &b x\ntitle: *b"), line: 2, message: "YAML anchors and aliases"),
    ]

    static let bodyCases: [Case] = [
        Case(text: withFence("sh {id=x timout=3s}"), line: 3, message: "unknown fence attribute 'timout' (did you mean 'timeout'?)"),
        Case(text: withFence("sh {HOST=db1}"), line: 3, message: "environment attribute 'HOST' is not allowed: parameters come from front matter"),
        Case(text: withFence("sh --login"), line: 3, message: "unexpected text '--login' after the fence language 'sh'"),
        Case(text: withFence("sh {id=x"), line: 3, message: "unbalanced braces in fence info: missing '}'"),
        Case(text: withFence("sh {id=x}}"), line: 3, message: "unexpected text '}' after '}'"),
        Case(text: withFence("sh {id=\"x}"), line: 3, message: "unterminated quoted value for attribute 'id'"),
        Case(text: withFence("sh {approve}"), line: 3, message: "attribute 'approve' has no value"),
        Case(text: withFence("sh {approve=yes}"), line: 3, message: "invalid approve 'yes': use true or false"),
        Case(text: withFence("sh {retries=11}"), line: 3, message: "invalid retries '11'"),
        Case(text: withFence("sh {timeout=0s}"), line: 3, message: "invalid timeout '0s'"),
        Case(text: withFence("sh {retry-delay=-5s retries=1}"), line: 3, message: "invalid retry-delay '-5s'"),
        Case(text: withFence("sh {on-failure=ignore}"), line: 3, message: "invalid on-failure 'ignore': use stop or continue"),
        Case(text: withFence("sh {id=Check_Usage}"), line: 3, message: "invalid step id 'Check_Usage'"),
        Case(text: withFence("sh {id=a id=b}"), line: 3, message: "attribute 'id' is given more than once"),
        Case(text: "# T\n\n```sh {id=a}\ntrue\n```\n\n```sh {id=a}\ntrue\n```\n", line: 7,
             message: "duplicate step id 'a' (also used by the step at line 3)"),
    ]

    @Test(arguments: frontMatterCases + bodyCases)
    func reportsErrorAtLine(_ testCase: Case) {
        let result = parse(testCase.text)
        #expect(result.runbook == nil)
        let match = result.errors.first { $0.message.contains(testCase.message) }
        #expect(match != nil, "errors were: \(result.errors.map(\.description))")
        #expect(match?.line == testCase.line, "errors were: \(result.errors.map(\.description))")
    }

    @Test func unknownKeyListsKnownKeys() {
        let message = parse(withFrontMatter("tittle: x")).errors.first?.message ?? ""
        #expect(message.contains("(known: title, owner, service"))
    }

    @Test func diagnosticsRenderLikeACompiler() {
        let result = parse(withFrontMatter("impact: 9"))
        #expect(result.errors.first?.description.hasPrefix("runbooks/test.md:2: invalid impact '9'") == true)
        let warning = parse("# Only prose\n").diagnostics.first
        #expect(warning?.description == "runbooks/test.md:1: warning: runbook has no executable steps (fences in bash, perl, python, python3, sh)")
    }

    @Test func errorsAreSortedByLine() {
        let result = parse(withFrontMatter("owner: x\nimpact: 9\ntittle: y") + "\n```sh {bad=1}\ntrue\n```\n")
        #expect(result.errors.map(\.line) == result.errors.map(\.line).sorted())
        #expect(result.errors.count == 3)
    }
}
