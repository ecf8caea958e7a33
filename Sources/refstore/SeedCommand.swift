import ArgumentParser
import DrillCommandLine
import DrillKit
import Foundation
import RefStoreKit

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Fill an empty, migrated database with a deterministic data set.",
        discussion: """
            The same size (and --ending) always produces identical rows. If DRILL_CANARY is set, its value is \
            stored in drill_canary (and never printed). If DRILL_PASSWORD and DRILL_TOTP_SECRET \
            (base32) are set, the drill account drill-2fa@example.test is enrolled with them, \
            its TOTP secret sealed under the master key (MASTER_KEY, or the key file).
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Number of orders to generate (1–\(SeedPlan.maximumOrderCount)).")
    var orders: Int?

    @Option(help: "A named size: \(SeedSize.allCases.map { "\($0.rawValue) (\($0.orderCount) orders)" }.joined(separator: ", ")). Default: small.")
    var size: SeedSize?

    @Flag(help: "Wipe existing data first instead of refusing to seed a non-empty database.")
    var reset = false

    @Option(help: "Key file read when MASTER_KEY is unset, to seal the drill account's TOTP secret.")
    var masterKeyFile = MasterKey.defaultFile

    @Option(help: ArgumentHelp(
        "When the two years of data end: `now` (a live store's freshness), or a UTC time such as 2026-07-01T00:00:00Z (the default).",
        valueName: "TIME"))
    var ending: String?

    /// The window's end, to the whole second so equal arguments mean equal data.
    private var windowEnd: Date {
        get throws {
            guard let ending else { return SeedPlan.defaultWindowEnd }
            if ending == "now" { return Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }
            guard let date = ISO8601.date(from: ending) else {
                throw ValidationError("--ending must be `now` or a UTC time such as 2026-07-01T00:00:00Z, not '\(ending)'")
            }
            return date
        }
    }

    func validate() throws {
        if orders != nil, size != nil {
            throw ValidationError("pass either --orders or --size, not both")
        }
        if let orders, !(1...SeedPlan.maximumOrderCount).contains(orders) {
            throw ValidationError("--orders must be between 1 and \(SeedPlan.maximumOrderCount)")
        }
        _ = try windowEnd
    }

    func run() async throws {
        let orderCount = orders ?? (size ?? .small).orderCount
        let environment = ProcessInfo.processInfo.environment
        let canary = environment["DRILL_CANARY"]
        let account = try DrillAccount.fromEnvironment(environment) {
            try MasterKey.load(environment: environment, file: masterKeyFile, production: false)
        }
        let database = try await connection.connect(applicationName: "refstore")
        defer { database.close() }
        print("seeding \(orderCount) orders\(reset ? " (resetting existing data)" : "")")
        let summary = try await RefStore.seed(on: database, orders: orderCount, reset: reset, canary: canary,
                                               account: account, endingAt: try windowEnd) { timing in
            print("  \(timing.step.rawValue): \(DurationText.format(timing.seconds))")
            // Progress is only useful as it happens, also when stdout is a pipe to a CI log.
            fflush(nil)
        }
        summary.reportLines.forEach { print($0) }
    }
}

extension SeedSize: ExpressibleByArgument {}
