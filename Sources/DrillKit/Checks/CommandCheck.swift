import Foundation

/// `command`: runs a program against the restored drill (an app's own CLI, a plugin list, a
/// script) with a timeout, and compares its exit code and standard output with what the
/// scenario expects. What it printed reaches the report bounded and redacted.
public struct CommandCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: CommandCheckSpec

    /// How much of the output a message or observation quotes.
    static let quotedLines = 12
    static let quotedBytes = 2000

    public init(spec: CheckSpec, settings: CommandCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    /// An app's CLI or a script may change what the other checks count: it runs after them.
    public var writes: Bool { true }

    public var displayName: String {
        "command: " + settings.run.joined(separator: " ") + (settings.service.map { " (in \($0))" } ?? "")
    }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        let line = settings.run.joined(separator: " ")
        guard let place = context.commands else {
            transcript.cannotVerify("could not run `\(line)`: this drill has no target to run it on")
            return transcript.outcome(passing: "")
        }
        let command: Command
        do {
            command = try place.checkCommand(settings.run, service: settings.service)
        } catch {
            transcript.cannotVerify("could not run `\(line)`: \(error)")
            return transcript.outcome(passing: "")
        }
        let expectedOutput: String?
        do {
            expectedOutput = try expectedText(manifest: context.manifest)
        } catch {
            transcript.cannotVerify("\(error)")
            return transcript.outcome(passing: "")
        }
        let output: CommandOutput
        switch await Self.run(command, timeoutSeconds: settings.timeoutSeconds) {
        case .finished(let finished): output = finished
        case .timedOut:
            transcript.fail("`\(line)` did not finish within \(DurationText.formatObjective(settings.timeoutSeconds)) (timeout); it was stopped")
            return transcript.outcome(passing: "")
        case .failedToStart(let error):
            transcript.cannotVerify("could not start `\(line)`: \(error)")
            return transcript.outcome(passing: "")
        case .interrupted:
            transcript.cannotVerify("`\(line)` was stopped before it finished")
            return transcript.outcome(passing: "")
        }

        // Redacted before anything is cut, so a secret at the cut cannot survive as a fragment.
        let raw = Self.trimmed(output.standardOutput)
        let printed = Self.trimmed(context.secrets.redact(output.standardOutput))
        let printedError = context.secrets.redact(output.standardError)
        let status = output.exitCode.map { "exit code \($0)" } ?? output.statusDescription
        var outputWord = ""
        transcript.observe("exit code", expected: String(settings.exitCode), actual: output.exitCode.map(String.init) ?? status,
                           ok: output.exitCode == settings.exitCode)
        if output.exitCode != settings.exitCode {
            let said = Self.quote(printedError.isEmpty ? printed : printedError)
            transcript.fail("`\(line)` ended with \(status), expected exit code \(settings.exitCode)" + (said.isEmpty ? "" : "; it said:\n" + said))
        }
        if let expectation = settings.output {
            // Judged on what it printed; quoted (bounded) only once redacted.
            let judged = Self.judge(raw, against: expectation, expectedText: expectedOutput, allow: settings.allow,
                                    redact: context.secrets.redact)
            transcript.observe("output", expected: judged.expected, actual: Self.quote(printed), ok: judged.ok)
            if let problem = judged.problem { transcript.fail("`\(line)`: " + problem) }
            outputWord = ", output " + (judged.passing ?? "as expected")
        }
        return transcript.outcome(passing: "`\(line)`" + (settings.service.map { " in \($0)" } ?? "")
                                  + " ended with exit code \(settings.exitCode)" + outputWord)
    }

    /// Production's recorded output is compared with the drill's: `restore-drill manifest` runs this command.
    public var manifestNeeds: [ManifestNeed] {
        guard case .recorded(let name)? = settings.output else { return [] }
        return [.commandOutput(name: name, run: settings.run, timeoutSeconds: settings.timeoutSeconds)]
    }

    /// The text an `equals`-like expectation compares with; a baseline file is read now.
    private func expectedText(manifest: Manifest?) throws -> String? {
        switch settings.output {
        case .equalsFile(let path)?:
            do {
                return Self.trimmed(try String(contentsOfFile: path, encoding: .utf8))
            } catch {
                throw ScenarioFileProblem("cannot read the expected output \(path): \(error.localizedDescription)")
            }
        case .recorded(let name)?:
            guard let manifest else {
                throw ScenarioFileProblem("no manifest to compare with what production printed (recorded as \(name)): set backup.manifest")
            }
            guard let recorded = manifest.commandOutputs?[name] else {
                throw ScenarioFileProblem("the manifest of \(ISO8601.string(from: manifest.takenAt)) recorded no output named \(name): take it with "
                                          + "`restore-drill manifest --scenario …`, which runs this check's command against production, "
                                          + "or give production's own with `--record \(name)='…'`")
            }
            return Self.trimmed(recorded.output)
        default:
            return nil
        }
    }

    struct ScenarioFileProblem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    struct Judgement {
        var ok: Bool
        var expected: String
        var problem: String?
        /// The words of a pass when more than "as expected" (the version bumps allowed).
        var passing: String?
    }

    static func judge(_ printed: String, against expectation: CommandOutputExpectation, expectedText: String?,
                      allow: OutputAllowance = .exact, redact: (String) -> String = { $0 }) -> Judgement {
        switch expectation {
        case .equals(let text):
            return compare(printed, trimmed(text), label: quote(trimmed(text)), source: "the expected text", allow: allow, redact: redact)
        case .equalsFile(let path):
            return compare(printed, expectedText ?? "", label: "the text of \(path)", source: path, allow: allow, redact: redact)
        case .recorded(let name):
            return compare(printed, expectedText ?? "", label: "what production printed (recorded as \(name))",
                           source: "what production printed (recorded as \(name))", allow: allow, redact: redact)
        case .contains(let text):
            let ok = printed.contains(text)
            return Judgement(ok: ok, expected: "contains \(quote(text))", problem: ok ? nil : "its output does not contain \(quote(text))")
        case .matches(let pattern):
            let ok = (try? NSRegularExpression(pattern: pattern))?
                .firstMatch(in: printed, range: NSRange(printed.startIndex..., in: printed)) != nil
            return Judgement(ok: ok, expected: "matches /\(pattern)/", problem: ok ? nil : "its output does not match /\(pattern)/")
        }
    }

    /// Equal as `allow` reads them; when not, the first difference and the lines that differ, as a diff.
    private static func compare(_ printed: String, _ wanted: String, label: String, source: String, allow: OutputAllowance,
                                redact: (String) -> String) -> Judgement {
        let got = lines(printed), expected = lines(wanted)
        let expectedLabel = label + (allow == .versionBumps ? ", up to version bumps" : "")
        if got.map(allow.normalized) == expected.map(allow.normalized) {
            let bumps = UpgradeCommandOutputs.bumps(wanted, printed)
            let passing = bumps.isEmpty ? nil
                : "equal to \(label) up to \(CheckWording.count(Int64(bumps.count), "version bump")) (\(redact(bumps.prefix(5).joined(separator: "; "))))"
            return Judgement(ok: true, expected: expectedLabel, passing: passing)
        }
        var problem = "its output differs from \(source) " + firstDifference(printed, wanted, allow: allow)
        if let changes = LineDiff.changes(from: expected, to: got, normalize: allow.normalized) {
            let shown = changes.prefix(quotedLines).map(redact).joined(separator: "\n")
            problem += "; " + diffSummary(changes) + ":\n" + shown
                + (changes.count > quotedLines ? "\n[… \(changes.count) changed lines in all, cut]" : "")
        }
        return Judgement(ok: false, expected: expectedLabel, problem: problem)
    }

    /// `1 line gone, 2 new`.
    private static func diffSummary(_ changes: [String]) -> String {
        let gone = changes.filter { $0.hasPrefix("- ") }.count, new = changes.count - gone
        return [gone > 0 ? CheckWording.count(Int64(gone), "line") + " gone" : nil, new > 0 ? "\(new) new" : nil]
            .compactMap { $0 }.joined(separator: ", ")
    }

    private static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Where two outputs part: the first line that differs, or the line one of them lacks.
    static func firstDifference(_ actual: String, _ expected: String, allow: OutputAllowance = .exact) -> String {
        let got = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let wanted = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(got.count, wanted.count) {
            let left = index < got.count ? String(got[index]) : nil
            let right = index < wanted.count ? String(wanted[index]) : nil
            guard left.map(allow.normalized) != right.map(allow.normalized) else { continue }
            return "at line \(index + 1): expected \(right.map { quote($0) } ?? "no line"), got \(left.map { quote($0) } ?? "no line")"
        }
        return ""
    }

    /// Without the trailing newlines every program prints.
    static func trimmed(_ text: String) -> String {
        var text = text
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// At most `quotedLines` lines and `quotedBytes` bytes, in quotes when it is one line.
    static func quote(_ text: String) -> String {
        let text = trimmed(text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var kept = lines.prefix(quotedLines).joined(separator: "\n")
        var cut = lines.count > quotedLines
        if kept.utf8.count > quotedBytes {
            kept = String(decoding: Array(kept.utf8.prefix(quotedBytes)), as: UTF8.self)
            cut = true
        }
        if lines.count <= 1, !cut { return "'\(kept)'" }
        return kept + (cut ? "\n[… \(lines.count) lines in all, cut]" : "")
    }

    enum RunResult: Sendable {
        case finished(CommandOutput)
        case timedOut
        case failedToStart(String)
        /// The drill was stopped while it ran.
        case interrupted
    }

    /// Runs `command`, stopping it (SIGTERM, then SIGKILL) when the timeout strikes first.
    static func run(_ command: Command, timeoutSeconds: Double, captureLimit: Int = 1 << 20) async -> RunResult {
        await withTaskGroup(of: RunResult?.self) { group in
            group.addTask {
                do {
                    // Its own session, so a timeout stops what it started too (a script's children).
                    return .finished(try await CommandRunner.run(command, captureLimit: captureLimit, ownSession: true))
                } catch is CancellationError {
                    return nil
                } catch {
                    return Task.isCancelled ? nil : .failedToStart("\(error)")
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int64(timeoutSeconds * 1000)))
                return Task.isCancelled ? nil : .timedOut
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .interrupted
        }
    }
}
