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
            The same size always produces identical rows. If DRILL_CANARY is set, its value is \
            stored in drill_canary (and never printed).
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Number of orders to generate (1–\(SeedPlan.maximumOrderCount)).")
    var orders: Int?

    @Option(help: "A named size: \(SeedSize.allCases.map { "\($0.rawValue) (\($0.orderCount) orders)" }.joined(separator: ", ")). Default: small.")
    var size: SeedSize?

    @Flag(help: "Wipe existing data first instead of refusing to seed a non-empty database.")
    var reset = false

    func validate() throws {
        if orders != nil, size != nil {
            throw ValidationError("pass either --orders or --size, not both")
        }
        if let orders, !(1...SeedPlan.maximumOrderCount).contains(orders) {
            throw ValidationError("--orders must be between 1 and \(SeedPlan.maximumOrderCount)")
        }
    }

    func run() async throws {
        let orderCount = orders ?? (size ?? .small).orderCount
        let canary = ProcessInfo.processInfo.environment["DRILL_CANARY"]
        let database = try await connection.connect(applicationName: "refstore")
        defer { database.close() }
        print("seeding \(orderCount) orders\(reset ? " (resetting existing data)" : "")")
        let summary = try await RefStore.seed(on: database, orders: orderCount, reset: reset, canary: canary) { timing in
            print("  \(timing.step.rawValue): \(DurationText.format(timing.seconds))")
            // Progress is only useful as it happens, also when stdout is a pipe to a CI log.
            fflush(nil)
        }
        summary.reportLines.forEach { print($0) }
    }
}

extension SeedSize: ExpressibleByArgument {}
