import ArgumentParser

/// `--label KEY=VALUE` arguments as a label set.
enum LabelArguments {
    /// The labels; a malformed one or a key given twice is an error, as it would be in an alert.
    static func parse(_ arguments: [String], option: String = "--label") throws -> [String: String] {
        var result: [String: String] = [:]
        for label in arguments {
            guard let equals = label.firstIndex(of: "="), equals != label.startIndex else {
                throw ValidationError("\(option) '\(label)' is not KEY=VALUE")
            }
            let key = String(label[..<equals])
            guard key.wholeMatch(of: /[a-zA-Z_][a-zA-Z0-9_]*/) != nil else {
                throw ValidationError("\(option) '\(label)': '\(key)' is not a valid name ([a-zA-Z_][a-zA-Z0-9_]*)")
            }
            guard result.updateValue(String(label[label.index(after: equals)...]), forKey: key) == nil else {
                throw ValidationError("\(option) '\(key)' is given twice")
            }
        }
        return result
    }
}
