/// The backup as the prepare step found it, for the steps after it.
enum PreparedBackup: Sendable {
    case dump(PreparedDump)
    case recovery(RecoverySetup)
}

/// A dump that was found, measured and inspected.
struct PreparedDump: Sendable {
    var spec: DumpSpec
    var path: String
    var sha256: String
    var inspection: ArchiveInspection
}
