import Testing
import Runbooks

@Suite struct StepRulesTests {
    @Test func fencesInListItemsAreStepsAndQuotesWarn() throws {
        let text = """
        # Fix

        1. Look first:

           ```bash
           uptime
           ```

        > ```sh
        > rm -rf /tmp/x
        > ```

            indented code is never a step
        """
        let result = parse(text)
        let runbook = try #require(result.runbook)
        #expect(runbook.steps.map(\.code) == ["uptime\n"])
        #expect(runbook.steps.first?.line == 5)
        #expect(runbook.steps.first?.description == "Look first:")
        #expect(result.warnings.map(\.line) == [9])
        #expect(result.warnings.first?.message.contains("{run=false}") == true)
    }

    @Test func idsDefaultToSlugsWithSuffixesAndRespectExplicitOnes() throws {
        let text = """
        ```sh
        a
        ```
        ## Restart the `api` Service!

        ```sh
        b
        ```

        ```python3 {id=restart-the-api-service-2}
        c
        ```

        ```perl
        d
        ```
        """
        let runbook = try #require(parse(text).runbook)
        #expect(runbook.steps.map(\.id) == ["step-1", "restart-the-api-service", "restart-the-api-service-2", "restart-the-api-service-3"])
        #expect(runbook.steps.map(\.title) == ["Step 1", "Restart the api Service!", "Restart the api Service!", "Restart the api Service!"])
        #expect(runbook.title == "test")
    }

    @Test func runFalseAndOtherLanguagesAreDocumentation() throws {
        let result = parse("# T\n\n```sh {run=false}\nrm -rf /\n```\n\n```shell {timeout=5s}\nls\n```\n\n```sh\nok\n```\n")
        let runbook = try #require(result.runbook)
        #expect(runbook.steps.map(\.code) == ["ok\n"])
        #expect(result.warnings.map(\.line) == [7])
        #expect(result.warnings.first?.message.contains("'shell' is not executable") == true)
    }

    @Test func summaryAndDescriptionOverride() throws {
        let text = "# Title\n\nFirst `para`.\n\nSecond\nline.\n\n## Step\n\nAbout.\n\n```sh\nx\n```\n"
        let runbook = try #require(parse(text).runbook)
        #expect(runbook.summary == "First para.\n\nSecond line.")
        let overridden = try #require(parse("---\ndescription: Longer text.\n---\n" + text).runbook)
        #expect(overridden.summary == "Longer text.")
        #expect(overridden.steps.first?.line == 15)
    }

    @Test func quotedAttributeValuesAndNoStepsWarning() throws {
        let runbook = try #require(parse(withFence(#"sh {id="a" host='db-1.example' timeout="1m"}"#)).runbook)
        #expect(runbook.steps.first?.host == "db-1.example")
        #expect(runbook.steps.first?.timeout?.seconds == 60)
        #expect(parse("# Just prose\n").warnings.count == 1)
        #expect(parse("# Just prose\n").runbook != nil)
    }
}
