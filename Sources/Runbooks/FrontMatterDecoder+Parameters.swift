import Yams

extension FrontMatterDecoder {
    /// `params:` is a mapping NAME -> {from, required, default, pattern, description}; order is kept.
    mutating func parameters(_ node: Node) -> [Parameter] {
        guard let mapping = node.mapping else {
            findings.error(line(of: node), "'params' must be a mapping of NAME: {from: labels.x, required: true, ...}")
            return []
        }
        return mapping.compactMap { key, value in parameter(keyNode: key, spec: value) }
    }

    private mutating func parameter(keyNode: Node, spec: Node) -> Parameter? {
        guard let name = keyNode.scalar?.string else {
            findings.error(line(of: keyNode), "parameter names must be plain words")
            return nil
        }
        if let problem = Parameter.problem(withName: name) {
            findings.error(line(of: keyNode), problem)
            return nil
        }
        // `NAME:` with nothing after it declares a parameter supplied only when triggered by hand.
        if let scalar = spec.scalar, ["", "~", "null"].contains(scalar.string), scalar.style == .plain {
            return try? Parameter(name: name)
        }
        guard let fields = spec.mapping else {
            findings.error(line(of: spec), "parameter \(name) must be a mapping: {from: labels.x, required: true, ...}")
            return nil
        }
        var draft = ParameterDraft(name: name)
        for (fieldKey, value) in fields {
            readField(fieldKey, value: value, into: &draft)
        }
        return build(draft)
    }

    private mutating func readField(_ fieldKey: Node, value: Node, into draft: inout ParameterDraft) {
        let field = fieldKey.scalar?.string ?? ""
        switch field {
        case "from": draft.source = source(value, parameter: draft.name)
        case "required": draft.required = bool(value, key: "required") ?? false
        case "default": draft.defaultValue = value.scalar?.string; draft.defaultLine = line(of: value)
        case "pattern": draft.pattern = value.scalar?.string; draft.patternLine = line(of: value)
        case "description": draft.description = value.scalar?.string
        default:
            let hint = Suggestion.hint(for: field, in: Self.parameterKeys)
            findings.error(line(of: fieldKey), "unknown key '\(field)' in parameter \(draft.name)\(hint) "
                + "(known: \(Self.parameterKeys.joined(separator: ", ")))")
        }
        if ["default", "pattern", "description"].contains(field), value.scalar == nil {
            findings.error(line(of: value), "'\(field)' of parameter \(draft.name) must be text")
        }
    }

    private mutating func source(_ node: Node, parameter: String) -> ParameterSource? {
        guard let text = node.scalar?.string, let source = ParameterSource(parsing: text) else {
            findings.error(line(of: node), "invalid from '\(node.scalar?.string ?? "")' for parameter \(parameter): "
                + "use labels.NAME, annotations.NAME or secret.NAME")
            return nil
        }
        if case .annotation(let name) = source { annotationReads.append((parameter, name, line(of: node))) }
        return source
    }

    /// Compiles the pattern and checks the combination of fields.
    private mutating func build(_ draft: ParameterDraft) -> Parameter? {
        if draft.required, draft.defaultValue != nil {
            findings.error(draft.defaultLine, "parameter \(draft.name) is required and has a default; drop one (a default makes it optional)")
        }
        let parameter: Parameter
        do {
            parameter = try Parameter(
                name: draft.name, source: draft.source, required: draft.required, defaultValue: draft.defaultValue,
                pattern: draft.pattern, description: draft.description
            )
        } catch {
            findings.error(draft.patternLine, "invalid pattern '\(draft.pattern ?? "")' for parameter \(draft.name): \(error)")
            return nil
        }
        if let defaultValue = draft.defaultValue, let problem = parameter.validate(defaultValue) {
            findings.error(draft.defaultLine, "default does not pass its own check: \(problem)")
        }
        return parameter
    }
}

/// A parameter's fields as read, with the lines needed for errors that involve more than one field.
struct ParameterDraft {
    var name: String
    var source: ParameterSource?
    var required = false
    var defaultValue: String?
    var defaultLine = 1
    var pattern: String?
    var patternLine = 1
    var description: String?
}
