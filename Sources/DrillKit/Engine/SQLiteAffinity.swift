/// The type affinity SQLite gives a column from its declared type (the rules of SQLite's
/// "Datatypes In SQLite", section 3.1, applied in their order).
enum SQLiteAffinity: String, Sendable {
    case integer, text, blob, real, numeric

    init(declaredType: String) {
        let type = declaredType.uppercased()
        if type.contains("INT") { self = .integer }
        else if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") { self = .text }
        else if type.contains("BLOB") || type.isEmpty { self = .blob }
        else if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { self = .real }
        else { self = .numeric }
    }

    /// The PostgreSQL base type the money rules judge it as.
    var standInBaseType: String {
        switch self {
        case .integer: "int8"
        case .real: "float8"
        case .numeric: "numeric"
        case .text: "text"
        case .blob: "blob"
        }
    }

    /// The scale of `DECIMAL(10,2)` / `NUMERIC(12, 0)`; nil without one.
    static func scale(of declaredType: String) -> Int? {
        guard SQLiteAffinity(declaredType: declaredType) == .numeric,
              let open = declaredType.firstIndex(of: "("), let close = declaredType.lastIndex(of: ")"), open < close else { return nil }
        let parts = declaredType[declaredType.index(after: open)..<close].split(separator: ",")
        guard parts.count == 2 else { return parts.count == 1 ? 0 : nil }
        return Int(parts[1].trimmingCharacters(in: .whitespaces))
    }
}
