/// Whether a column's declared type can hold money as integer cents, and if not, why not
/// in words an operator can act on.
enum MoneyColumnType {
    static let integerTypes: Set<String> = ["int2", "int4", "int8"]

    /// nil when the type is acceptable. `numeric` with scale 0 is accepted: it is exact and
    /// cannot hold a fraction of a cent, which is all "integer cents" promises.
    static func problem(baseType: String?, numericScale: Int?) -> String? {
        guard let baseType else { return "its type could not be read" }
        if integerTypes.contains(baseType) { return nil }
        switch baseType {
        case "numeric":
            guard let scale = numericScale else { return "numeric without a declared scale can hold fractions of a cent" }
            if scale == 0 { return nil }
            return scale > 0 ? "a scale of \(scale) stores decimal fractions (amounts in units with decimals, or fractions of a cent), not whole cents"
                : "a negative scale rounds amounts to whole tens of cents or more"
        case "float4", "float8":
            return "a float is a corruption signal (binary fractions cannot hold every amount exactly)"
        case "money":
            return "the money type follows the server's lc_monetary setting, so its meaning changes with the server"
        default:
            return "it is not a number type"
        }
    }
}
