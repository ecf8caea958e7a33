import Yams

/// A key that appeared twice in one mapping. The repetition stays in the tree under a
/// placeholder name so the rest of the file can still be checked; readers skip it.
struct DuplicateKey: Equatable {
    var name: String
    var firstLine: Int
    /// Where the repetition is, for reports made without a tree (the file is malformed later on).
    var repeatedAt: SourceLocation

    /// Placeholders are made of private-use scalars, which no scenario key contains.
    static func isPlaceholder(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first else { return false }
        return (0xE000...0xF8FF).contains(first.value)
    }
}

/// The YAML tree of a scenario file, with the duplicate keys found while composing it.
struct ComposedScenarioDocument {
    /// nil when the file holds no document (empty or only comments) or could not be parsed.
    var root: Node?
    /// Placeholder key text → the duplicated key it stands for.
    var duplicateKeys: [String: DuplicateKey] = [:]
    /// Problems after which the tree cannot be trusted (malformed YAML); loading stops there.
    var fatalDiagnostics: [ScenarioDiagnostic] = []
}

/// Runs Yams over a scenario, working around its stop-at-the-first-duplicate-key behaviour.
enum ScenarioDocumentComposer {
    /// Bounds the rename-and-retry loop; a file with more repeated keys than this is not a
    /// scenario anyone is editing by hand.
    private static let maximumDuplicateKeys = 200

    static func compose(_ text: String, file: String) -> ComposedScenarioDocument {
        var locator = DuplicateKeyLocator(text: text)
        var yaml = text
        var document = ComposedScenarioDocument()
        for attempt in 0...maximumDuplicateKeys {
            do {
                document.root = try Yams.compose(yaml: yaml)
                return document
            } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
                let first = context.mark
                guard attempt < maximumDuplicateKeys, let name = duplicates.first,
                      let repeated = locator.secondOccurrence(of: name, firstLine: first.line - 1, firstColumn: first.column - 1)
                else {
                    let name = duplicates.first ?? "?"
                    return failed(document, file: file, at: SourceLocation(line: first.line, column: first.column),
                                  message: "duplicate key '\(name)': it appears more than once in the same mapping")
                }
                let placeholder = placeholderKey(number: attempt, length: repeated.keyColumns.count)
                locator.rename(repeated, to: placeholder)
                yaml = locator.text
                let repeatedAt = SourceLocation(line: repeated.line + 1, column: repeated.keyColumns.lowerBound + 1)
                document.duplicateKeys[String(String.UnicodeScalarView(placeholder))] =
                    DuplicateKey(name: name, firstLine: first.line, repeatedAt: repeatedAt)
            } catch let error as YamlError {
                let (location, message) = describe(error, in: yaml)
                return failed(document, file: file, at: location, message: message)
            } catch {
                return failed(document, file: file, at: SourceLocation(line: 1, column: 1), message: "malformed YAML: \(error)")
            }
        }
        return document
    }

    private static func placeholderKey(number: Int, length: Int) -> [Unicode.Scalar] {
        let first = Unicode.Scalar(UInt32(0xE000 + number))!
        return [first] + Array(repeating: Unicode.Scalar(UInt32(0xE000))!, count: max(0, length - 1))
    }

    /// Without a tree the duplicates found so far cannot be placed under a path; report them
    /// with what is known rather than drop them.
    private static func failed(_ document: ComposedScenarioDocument, file: String, at location: SourceLocation,
                               message: String) -> ComposedScenarioDocument {
        var document = document
        document.root = nil
        let duplicates = document.duplicateKeys.values.sorted {
            ($0.repeatedAt.line, $0.repeatedAt.column) < ($1.repeatedAt.line, $1.repeatedAt.column)
        }
        document.fatalDiagnostics = duplicates.map {
            ScenarioDiagnostic(file: file, location: $0.repeatedAt,
                               message: "duplicate key '\($0.name)' (first defined on line \($0.firstLine))")
        }
        document.fatalDiagnostics.append(ScenarioDiagnostic(file: file, location: location, message: message))
        return document
    }

    private static func describe(_ error: YamlError, in yaml: String) -> (SourceLocation, String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let location = SourceLocation(line: mark.line, column: mark.column)
            if problem == "but found another document" {
                return (location, "malformed YAML: a scenario file holds a single YAML document, but found another one ('---')")
            }
            guard let context else { return (location, "malformed YAML: \(problem)") }
            let place = "line \(context.mark.line), column \(context.mark.column)"
            return (location, "malformed YAML: \(problem) (\(context.text) at \(place))")
        case let .reader(problem, offset, _, _):
            return (location(ofCharacterOffset: offset ?? 0, in: yaml), "malformed YAML: \(problem)")
        default:
            return (SourceLocation(line: 1, column: 1), "malformed YAML: \(error)")
        }
    }

    private static func location(ofCharacterOffset offset: Int, in text: String) -> SourceLocation {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return SourceLocation(line: line, column: column)
    }
}
