import Foundation
import Yams

/// Reads a composed scenario tree into the model types, collecting every problem it finds
/// instead of stopping at the first: an operator fixing a file wants the whole list.
///
/// Each `read…`/accessor returns nil when its part is unusable, and never without reporting
/// why. That invariant lets optional parts simply be skipped when invalid: the scenario as a
/// whole is only built when no diagnostic was reported. Callers keep going after a failure
/// so that independent parts are still checked.
final class ScenarioReader {
    /// The scenario path as the caller gave it, for diagnostics.
    let file: String
    let pathResolver: ScenarioPathResolver
    /// Where `report.dir` goes by default.
    let currentDirectory: String
    let duplicateKeys: [String: DuplicateKey]
    private(set) var diagnostics: [ScenarioDiagnostic] = []
    /// Set once `backup` is read (it comes before `checks`): whether the drill recovers to a
    /// target, which decides whether a sql check's `asserts` means anything.
    var recoversToATarget: Bool?
    /// Values already reported as inline secrets; the scan for secret-looking text skips them.
    private var reportedSecretValues: Set<Position> = []

    private struct Position: Hashable {
        var line: Int
        var column: Int
        init(_ location: SourceLocation) {
            line = location.line
            column = location.column
        }
    }

    init(file: String, pathResolver: ScenarioPathResolver, currentDirectory: String, duplicateKeys: [String: DuplicateKey]) {
        self.file = file
        self.pathResolver = pathResolver
        self.currentDirectory = currentDirectory
        self.duplicateKeys = duplicateKeys
    }

    func report(_ message: String, at location: SourceLocation, suggestion: String? = nil) {
        diagnostics.append(ScenarioDiagnostic(file: file, location: location, message: message, suggestion: suggestion))
    }

    func reportWrongType(_ value: ScenarioValue, expected: String) {
        var message = "expected \(expected) for \(value.displayPath), found \(value.typeDescription)"
        if value.isBoolean, expected.contains("string") {
            message += "; quote it if you mean the text"
        }
        report(message, at: value.problemLocation)
    }

    // MARK: Mappings

    /// Words that mark a key as holding a secret, for keys that are unknown anyway.
    static let secretWords = ["password", "passwd", "secret", "token", "passphrase", "private_key", "api_key",
                                      "credential"]

    /// The mapping's known keys. Reports unknown keys (with the closest allowed one), and
    /// inline values for `secretSlots`: a slot `password` allows `password_env` and
    /// `password_file`, while `password:` itself is an inline secret.
    func mapping(_ value: ScenarioValue, allowed: [String], secretSlots: [String] = []) -> ScenarioMapping? {
        guard case .mapping(let yamlMapping) = value.node else {
            reportWrongType(value, expected: "a mapping")
            return nil
        }
        let slotKeys = secretSlots.flatMap { ["\($0)_env", "\($0)_file"] }
        let allowedKeys = allowed + slotKeys
        var mapping = ScenarioMapping(value: value)
        for (keyNode, valueNode) in yamlMapping {
            guard let key = keyText(keyNode, in: value) else { continue }
            if DuplicateKey.isPlaceholder(key) { continue }
            let keyLocation = Self.location(of: keyNode) ?? value.location
            let child = value.child(key, keyLocation: keyLocation, node: valueNode)
            if allowedKeys.contains(key) {
                mapping.entries.append((key, child))
            } else if secretSlots.contains(key) {
                report("inline secret '\(key)' \(value.placeDescription): secrets are never written in a scenario; "
                       + "use '\(key)_env: VAR' (an environment variable) or '\(key)_file: PATH' instead", at: keyLocation)
                markReportedSecret(child)
                mapping.inlineSecretSlots.insert(key)
            } else {
                reportUnknownKey(key, at: keyLocation, in: value, allowed: allowedKeys, child: child)
            }
        }
        return mapping
    }

    private func reportUnknownKey(_ key: String, at location: SourceLocation, in parent: ScenarioValue, allowed: [String],
                                  child: ScenarioValue) {
        var message = "unknown key '\(key)' \(parent.placeDescription)"
        let lowered = key.lowercased()
        let isReference = lowered.hasSuffix("_env") || lowered.hasSuffix("_file")
        if !isReference, Self.secretWords.contains(where: lowered.contains) {
            message += "; secrets are never written in a scenario"
            markReportedSecret(child)
        }
        report(message, at: location, suggestion: SpellingSuggestion.closest(to: key, among: allowed))
    }

    /// Keys of data mappings (`where:`, per-table counts): text, in file order, duplicates skipped.
    func dataEntries(_ value: ScenarioValue) -> [(key: String, value: ScenarioValue)]? {
        guard case .mapping(let yamlMapping) = value.node else {
            reportWrongType(value, expected: "a mapping")
            return nil
        }
        return yamlMapping.compactMap { keyNode, valueNode in
            guard let key = keyText(keyNode, in: value), !DuplicateKey.isPlaceholder(key) else { return nil }
            return (key, value.child(key, keyLocation: Self.location(of: keyNode) ?? value.location, node: valueNode))
        }
    }

    private func keyText(_ keyNode: Node, in parent: ScenarioValue) -> String? {
        guard let scalar = keyNode.scalar, !scalar.string.isEmpty else {
            report("keys \(parent.placeDescription) must be plain text", at: Self.location(of: keyNode) ?? parent.location)
            return nil
        }
        return scalar.string
    }

    static func location(of node: Node) -> SourceLocation? {
        node.mark.map { SourceLocation(line: $0.line, column: $0.column) }
    }

    func required(_ key: String, in mapping: ScenarioMapping) -> ScenarioValue? {
        if let value = mapping[key] { return value }
        report("missing required key '\(key)' \(mapping.value.placeDescription)", at: mapping.value.entryLocation)
        return nil
    }

    /// The one key of `keys` the mapping holds. Reports none (when required) and more than
    /// one, pointing at the second: that is the line the operator added last.
    func exactlyOne(of keys: [String], in mapping: ScenarioMapping, required: Bool = true) -> String? {
        let present = mapping.entries.filter { keys.contains($0.key) }
        let alternatives = keys.map { "'\($0)'" }.joined(separator: " or ")
        guard let first = present.first else {
            if required {
                report("missing \(alternatives) \(mapping.value.placeDescription)", at: mapping.value.entryLocation)
            }
            return nil
        }
        for extra in present.dropFirst() {
            report("'\(extra.key)' cannot be combined with '\(first.key)' \(mapping.value.placeDescription): give only one of \(alternatives)",
                   at: extra.value.entryLocation)
        }
        return present.count == 1 ? first.key : nil
    }

    // MARK: Scalars

    /// Text as written. Integers and numbers are accepted (a database named `2024` is text to
    /// us); booleans and empty values are not, since YAML turned what was written into something else.
    func string(_ value: ScenarioValue) -> String? {
        guard let scalar = value.scalar, !value.isNull, value.tagName != Tag.Name.bool.rawValue else {
            reportWrongType(value, expected: "a string")
            return nil
        }
        guard !scalar.string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            report("\(value.displayPath) is empty: expected a string", at: value.problemLocation)
            return nil
        }
        return scalar.string
    }

    func integer(_ value: ScenarioValue) -> Int? {
        guard value.tagName == Tag.Name.int.rawValue, let number = value.node.int else {
            reportWrongType(value, expected: "an integer")
            return nil
        }
        return number
    }

    func boolean(_ value: ScenarioValue) -> Bool? {
        guard value.tagName == Tag.Name.bool.rawValue, let flag = value.node.bool else {
            reportWrongType(value, expected: "a boolean (true or false)")
            return nil
        }
        return flag
    }

    func list(_ value: ScenarioValue) -> [ScenarioValue]? {
        guard case .sequence(let sequence) = value.node else {
            reportWrongType(value, expected: "a list")
            return nil
        }
        return sequence.enumerated().map { value.element($0.offset, node: $0.element) }
    }

    /// A list of strings; `nonEmpty` reports `[]` (and an empty value), for lists that are the
    /// point of their entry (`columns`, `tables`, a command).
    func stringList(_ value: ScenarioValue, nonEmpty: Bool = true) -> [String]? {
        guard let elements = list(value) else { return nil }
        if nonEmpty && elements.isEmpty {
            report("\(value.displayPath) is empty: expected at least one entry", at: value.problemLocation)
            return nil
        }
        let strings = elements.map(string)
        return strings.contains(nil) ? nil : strings.compactMap { $0 }
    }

    func duration(_ value: ScenarioValue) -> Double? {
        guard let text = scalarText(value, expected: "a duration such as 90s or 1h30m") else { return nil }
        guard let seconds = DurationText.parse(text) else {
            report("invalid duration '\(text)' for \(value.displayPath): \(DurationText.hint)", at: value.location)
            return nil
        }
        return seconds
    }

    func size(_ value: ScenarioValue) -> Int64? {
        guard let text = scalarText(value, expected: "a size such as 4KiB or 10MB") else { return nil }
        guard let bytes = SizeText.parse(text) else {
            report("invalid size '\(text)' for \(value.displayPath): \(SizeText.hint)", at: value.location)
            return nil
        }
        return bytes
    }

    /// One of a fixed set of words, suggesting the closest on a typo (`custon` → `custom`).
    func enumeration<Choice: RawRepresentable & CaseIterable>(_ value: ScenarioValue, as _: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        enumeration(value, choices: Array(Choice.allCases))
    }

    /// One of `choices`, listed in messages in the given order.
    func enumeration<Choice: RawRepresentable>(_ value: ScenarioValue, choices allowed: [Choice]) -> Choice?
    where Choice.RawValue == String {
        let choices = allowed.map(\.rawValue)
        guard let text = scalarText(value, expected: "one of \(choices.joined(separator: ", "))") else { return nil }
        guard let choice = Choice(rawValue: text) else {
            report("invalid value '\(text)' for \(value.displayPath): expected one of \(choices.joined(separator: ", "))",
                   at: value.location, suggestion: SpellingSuggestion.closest(to: text, among: choices))
            return nil
        }
        return choice
    }

    /// Any non-empty scalar's text (numbers included), for values with their own syntax.
    func scalarText(_ value: ScenarioValue, expected: String) -> String? {
        guard let scalar = value.scalar, !value.isEmpty else {
            reportWrongType(value, expected: expected)
            return nil
        }
        return scalar.string
    }

    // MARK: Paths and secrets

    /// An absolute path: `${VAR}` expanded, then resolved against the scenario's folder.
    func path(_ value: ScenarioValue) -> String? {
        guard let written = string(value) else { return nil }
        return resolvePath(written, at: value)
    }

    func resolvePath(_ written: String, at value: ScenarioValue) -> String? {
        do {
            return try pathResolver.resolve(written)
        } catch {
            switch error {
            case .unsetVariable(let name):
                report("environment variable '\(name)' is not set (used in the path \(value.displayPath))", at: value.location)
            case .malformedReference(let reference):
                report("malformed variable reference '\(reference)' in \(value.displayPath): write ${NAME}", at: value.location)
            }
            return nil
        }
    }

    func environmentVariableName(_ value: ScenarioValue) -> String? {
        guard let name = string(value) else { return nil }
        guard EnvironmentVariableName.isValid(name) else {
            // Not echoed: a value that fails this check is often the secret itself, pasted here.
            report("\(value.displayPath) must name an environment variable (letters, digits and '_', not starting with a digit)",
                   at: value.location)
            markReportedSecret(value)
            return nil
        }
        return name
    }

    /// Where the secret of `slot` lives: `slot_env: VAR`, `slot_file: PATH`, or (where the
    /// mapping allows it) `slot_file_env: VAR`, a variable holding the file's path.
    func secretReference(_ slot: String, in mapping: ScenarioMapping, required: Bool = true) -> SecretReference? {
        let environmentKey = "\(slot)_env", fileKey = "\(slot)_file", fileEnvironmentKey = "\(slot)_file_env"
        // `_file_env` is offered only where allowed, so it is named in messages only when used.
        let alternatives = [environmentKey, fileKey] + (mapping.contains(fileEnvironmentKey) ? [fileEnvironmentKey] : [])
        let needed = required && !mapping.inlineSecretSlots.contains(slot)
        guard let key = exactlyOne(of: alternatives, in: mapping, required: needed), let value = mapping[key] else { return nil }
        switch key {
        case environmentKey:
            return environmentVariableName(value).map(SecretReference.environment)
        case fileKey:
            return path(value).map(SecretReference.file)
        default:
            guard let variable = environmentVariableName(value) else { return nil }
            return resolvePath("${\(variable)}", at: value).map(SecretReference.file)
        }
    }

    private func markReportedSecret(_ value: ScenarioValue) {
        reportedSecretValues.insert(Position(value.location))
    }

    // MARK: Whole-tree checks

    /// Reports duplicate keys (now that their paths are known) and any text that looks like a
    /// secret, wherever it is: under a known key, an unknown one, or a list.
    func scanForDuplicatesAndSecrets(_ value: ScenarioValue) {
        switch value.node {
        case .mapping(let mapping):
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.scalar?.string else { continue }
                let keyLocation = Self.location(of: keyNode) ?? value.location
                var childKey = key
                if let duplicate = duplicateKeys[key] {
                    childKey = duplicate.name
                    report("duplicate key '\(duplicate.name)' \(value.placeDescription) (first defined on line \(duplicate.firstLine))",
                           at: keyLocation)
                }
                scanForDuplicatesAndSecrets(value.child(childKey, keyLocation: keyLocation, node: valueNode))
            }
        case .sequence(let sequence):
            for (index, element) in sequence.enumerated() {
                scanForDuplicatesAndSecrets(value.element(index, node: element))
            }
        case .scalar(let scalar):
            guard !reportedSecretValues.contains(Position(value.location)),
                  let kind = InlineSecretDetector.kindOfSecret(in: scalar.string)
            else { return }
            report("\(value.displayPath) looks like an inline secret (\(kind)): secrets are never written in a scenario; "
                   + "keep it in an environment variable or a file and reference it with a '*_env: VAR' or '*_file: PATH' key",
                   at: value.location)
        case .alias:
            break
        }
    }
}
