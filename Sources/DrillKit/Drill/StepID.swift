/// Names a step of a drill, alike in the runner, the record, the reports, history and the
/// timeline. A struct over the text rather than an enum: a record written by another version
/// may name a step this one does not know, and must still read.
public struct StepID: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let plan: StepID = "plan"
    public static let prepare: StepID = "prepare"
    public static let target: StepID = "target"
    public static let restore: StepID = "restore"
    public static let masterKey: StepID = "master_key"
    public static let app: StepID = "app"
    public static let baseline: StepID = "baseline"
    public static let migrate: StepID = "migrate"
    public static let upgradedApp: StepID = "upgraded_app"
    public static let rollback: StepID = "rollback"
    public static let pitrAssertions: StepID = "pitr_assertions"
    public static let teardown: StepID = "teardown"

    public var description: String { rawValue }

    /// Written as the bare text, as records have always held it.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
