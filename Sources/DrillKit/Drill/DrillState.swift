import Foundation

/// What the steps hand to each other during one drill. The target keeps what it created
/// (its cluster or project, the app) itself.
struct DrillState: Sendable {
    var backup: PreparedBackup?
    var manifest: Manifest?
    /// The harness's own connection to the restored database, from the target step on.
    var connection: (any DatabaseConnection)?
    var recoveryOutcome: RecoveryOutcome?
    /// When the backup's data stops, and what says so: the dump's creation time, or the last
    /// transaction a recovery replayed. Freshness compares the newest data with it.
    var dataCutoff: (at: Date, basis: String)?
    var masterKey: InstalledMasterKey?
    var appAddress: AppAddress?
    /// Set once the app answered its ready probes; app checks need it.
    var appReady = false
    /// The RTO clock: from the start of target creation to the end of the last check.
    var rtoStart: ContinuousClock.Instant?
    var rtoEnd: ContinuousClock.Instant?
    /// What the app applied and reported as it started (`app.migrations`, `app.version`).
    var appStart: AppStartRecord?
    /// The upgrade gate's two sides: through the current version, and under the new one.
    var upgradeBefore: UpgradeFigures?
    var upgradeAfter: UpgradeFigures?
    /// The migrations table once the migrate command ran, before the new version started.
    var upgradeMigrations: [String]?
    /// When the drill stopped working on the target (before teardown), for an RTO not met.
    var stoppedAt: ContinuousClock.Instant?
}
