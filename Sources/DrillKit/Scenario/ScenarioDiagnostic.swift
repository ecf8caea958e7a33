/// One problem found in a scenario file, pointing at the text the operator wrote.
///
/// Renders as `FILE:LINE:COLUMN: message (did you mean 'x'?)`, the form editors and CI logs
/// turn into clickable locations. Line and column are 1-based; a problem with the file as a
/// whole (it cannot be read) has line and column 0 and renders as `FILE: message`.
public struct ScenarioDiagnostic: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The scenario path as the caller gave it, so the rendered line matches what they typed.
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    /// A likely intended spelling (a key or value allowed at that place).
    public var suggestion: String?

    public init(file: String, line: Int, column: Int, message: String, suggestion: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.suggestion = suggestion
    }

    public init(file: String, location: SourceLocation, message: String, suggestion: String? = nil) {
        self.init(file: file, line: location.line, column: location.column, message: message, suggestion: suggestion)
    }

    public var location: SourceLocation { SourceLocation(line: line, column: column) }

    /// The message with the suggestion appended, without the position.
    public var fullMessage: String {
        guard let suggestion else { return message }
        return "\(message) (did you mean '\(suggestion)'?)"
    }

    public var description: String {
        guard line > 0 else { return "\(file): \(fullMessage)" }
        return "\(file):\(line):\(column): \(fullMessage)"
    }
}
