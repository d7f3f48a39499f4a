import ArgumentParser
import ITIL
import Logging
import RunbookAPI
import RunbookServer

// The closed lists that options take, as ArgumentParser values: `--help` lists each option's choices and a value
// outside them is refused with the list ("Please provide one of 'new', 'in-progress', ..."), from the enums
// themselves, instead of strings parsed and lists written out by hand in each command.
//
// The conformances are here, not beside the types, because their modules do not depend on ArgumentParser.

extension IncidentState: ExpressibleByArgument {
    /// Reads what people type, as the API does: "in-progress", "In Progress", "2", "cancelled".
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}

extension HoldReason: ExpressibleByArgument {
    /// Reads "awaiting-caller", "Awaiting Caller" or just "caller".
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}

extension CloseCode: ExpressibleByArgument {
    /// Reads "solution-provided", "Solution provided", "SOLUTION_PROVIDED".
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}

extension Priority: ExpressibleByArgument {}

extension RunState: ExpressibleByArgument {}

extension Role: ExpressibleByArgument {}

extension Logger.Level: @retroactive ExpressibleByArgument {
    /// Reads a level in any case: `debug`, `DEBUG`.
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }
}

extension ExpressibleByArgument where Self: ThreeStepScale {
    /// Reads 1, 2 or 3.
    public init?(argument: String) {
        guard let number = Int(argument), let value = try? Self(number) else { return nil }
        self = value
    }

    public var defaultValueDescription: String { String(value) }

    public static var allValueStrings: [String] { ["1", "2", "3"] }

    public static var allValueDescriptions: [String: String] { ["1": "high", "2": "medium", "3": "low"] }

    public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}

extension Impact: ExpressibleByArgument {}

extension Urgency: ExpressibleByArgument {}

/// `incidents list --state`: states, comma-separated, or `open` for New, In Progress and On Hold, read as the API
/// reads its `state` parameter.
struct IncidentStateFilter: ExpressibleByArgument {
    let states: Set<IncidentState>

    init?(argument: String) {
        guard let states = try? IncidentQuery.states(argument), !states.isEmpty else { return nil }
        self.states = states
    }

    static var allValueStrings: [String] { ["open"] + IncidentState.allValueStrings }

    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
