import Yams

/// A YAML node together with where an operator finds it: its dotted path
/// (`checks[2].row_counts.tolerance`) and the position of the key that introduced it.
struct ScenarioValue {
    var node: Node
    /// Empty for the document itself.
    var path: String
    /// The key this value belongs to; nil for list elements and the document.
    var keyLocation: SourceLocation?

    /// Where the value itself starts.
    var location: SourceLocation {
        guard let mark = node.mark else { return keyLocation ?? SourceLocation(line: 1, column: 1) }
        return SourceLocation(line: mark.line, column: mark.column)
    }

    /// Where to point when talking about the entry as a whole (a key missing inside it, an
    /// empty value): the key, which is on the line the operator will look for.
    var entryLocation: SourceLocation { keyLocation ?? location }

    /// `under checks[2].row_counts` or `at the top level`, for messages about keys inside.
    var placeDescription: String { path.isEmpty ? "at the top level" : "under \(path)" }

    /// The path of this value, or a readable stand-in for the document.
    var displayPath: String { path.isEmpty ? "the top level" : path }

    func child(_ key: String, keyLocation: SourceLocation, node: Node) -> ScenarioValue {
        ScenarioValue(node: node, path: path.isEmpty ? key : "\(path).\(key)", keyLocation: keyLocation)
    }

    func element(_ index: Int, node: Node) -> ScenarioValue {
        ScenarioValue(node: node, path: "\(path)[\(index)]", keyLocation: nil)
    }

    var scalar: Node.Scalar? { node.scalar }

    /// The YAML type the operator wrote, as a message names it (`found a list`).
    var typeDescription: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch tagName {
            case Tag.Name.null.rawValue: return isEmpty ? "an empty value" : "null"
            case Tag.Name.bool.rawValue: return "a boolean"
            case Tag.Name.int.rawValue: return "an integer"
            case Tag.Name.float.rawValue: return "a number"
            case Tag.Name.timestamp.rawValue: return "a timestamp"
            default: return "a string"
            }
        }
    }

    /// The resolved YAML tag: quoted text is always a string, `42` an integer, `yes` a boolean.
    var tagName: String { node.tag.rawValue }

    var isNull: Bool { scalar != nil && tagName == Tag.Name.null.rawValue }

    var isString: Bool { scalar != nil && tagName == Tag.Name.str.rawValue }

    var isBoolean: Bool { scalar != nil && tagName == Tag.Name.bool.rawValue }

    var isInteger: Bool { scalar != nil && tagName == Tag.Name.int.rawValue }

    /// `key:` with nothing after it.
    var isEmpty: Bool { isNull && scalar?.string.isEmpty == true }

    /// Where a type error points: the key for an empty value (the value has no text to point at).
    var problemLocation: SourceLocation { isEmpty ? entryLocation : location }
}
