import ArgumentParser

@main
struct RestoreDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore-drill",
        abstract: "Prove that a PostgreSQL backup restores, and that what it restores is right.",
        discussion: """
            A scenario file (YAML) describes one drill: where the dump is, what production reported \
            when it was taken (a manifest), and what to check. `run` restores it into a throwaway \
            target that the harness alone creates, verifies it, tears everything down and writes \
            JUnit, Markdown and JSON reports with the measured RTO and RPO.

            Exit codes: 0 every check passed and both objectives were met; 1 the drill ran and \
            something failed; 2 the drill could not be carried out.
            """,
        version: "0.1.0",
        subcommands: [RunCommand.self, ValidateCommand.self, ManifestCommand.self, GCCommand.self, KeygenCommand.self,
                      VerifyReportCommand.self, HistoryCommand.self, ControlsCommand.self]
    )
}
