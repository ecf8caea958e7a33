import Foundation

/// The full record as JSON: the machine-readable report and the drill history's format.
public enum JSONReport {
    /// Pretty-printed with sorted keys (`JSONEncoder.drill`) so two runs diff cleanly.
    public static func render(_ record: DrillRecord) throws -> String {
        String(decoding: try JSONEncoder.drill.encode(record), as: UTF8.self) + "\n"
    }
}
