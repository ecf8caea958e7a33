import Foundation

/// The app step: migrate (optional), start the app, wait until every ready probe answers
/// as expected, and refuse a boot whose log shows a forbidden line.
enum AppBoot {
    /// When the app does not come up after a restore, the key usually did not make it.
    static let keyHint = "a boot failure after a restore usually means the master key did not make it onto the host: check master_key.source and master_key.install"
    static let quotedLines = 8

    static func quote(_ lines: [String], secrets: SecretStore) -> String {
        let tail = lines.suffix(quotedLines).map { secrets.redact($0) }
        return tail.isEmpty ? "(the app printed nothing)" : tail.map { "| " + $0 }.joined(separator: "\n")
    }

    static func migrate(_ command: Command, secrets: SecretStore) async throws -> String {
        let output: CommandOutput
        do {
            output = try await CommandRunner.run(command)
        } catch {
            throw StepFailure(.error, "the migrate command could not start: \(secrets.redact("\(error)"))")
        }
        let lines = (output.standardOutput + output.standardError).split(separator: "\n").map(String.init)
        guard output.succeeded else {
            throw StepFailure(.error, "the migrate command failed (\(output.statusDescription)); its last lines:\n"
                              + quote(lines, secrets: secrets))
        }
        return "migrate: \(secrets.redact(command.displayLine)) (\(output.statusDescription))"
    }

    /// Returns once every probe passed; throws a step failure quoting the app's last lines.
    static func waitUntilReady(_ app: any BootingApp, probes: [ReadyProbe], address: AppAddress, secrets: SecretStore,
                               subject: (ReadyProbe) -> String = { _ in "the app" }) async throws -> [String] {
        var evidence: [String] = []
        let clock = ContinuousClock()
        let started = clock.now
        for probe in probes {
            let url = address.url(probe.http.url)
            let subject = subject(probe)
            let deadline = clock.now + .milliseconds(Int(probe.timeoutSeconds * 1000))
            var pause = Duration.milliseconds(100)
            var lastAnswer = "no answer yet"
            // An app that answers says why itself (`{"ok":false,"db":"down"}`): the key hint is for one that never does.
            var answered = false
            while true {
                if let exit = await app.exitDescription() {
                    throw StepFailure(.error, "\(await app.endedPart() ?? subject) exited (\(exit)) before \(url) answered; \(keyHint). Its last lines:\n"
                                      + quote(await app.recentLines(), secrets: secrets))
                }
                do {
                    let answer = try await HTTPExchange.send("GET", url, timeout: 5)
                    if answer.status == probe.http.status, probe.http.json.map(answer.matches) ?? true {
                        evidence.append("ready: GET \(url) → \(answer.status) after \(DurationText.format((clock.now - started).seconds))")
                        break
                    }
                    let body = String(decoding: answer.body.prefix(200), as: UTF8.self)
                    lastAnswer = "\(answer.status) \(secrets.redact(body))"
                    answered = true
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    lastAnswer = "\(error)"
                }
                try Task.checkCancellation()
                guard clock.now < deadline else {
                    throw StepFailure(.error, "\(subject) did not become healthy within \(DurationText.formatObjective(probe.timeoutSeconds)): "
                                      + "GET \(url) wanted \(probe.http.status)"
                                      + (probe.http.json == nil ? "" : " and the expected JSON")
                                      + ", last answer: \(lastAnswer)" + (answered ? "" : "; \(keyHint)") + ". Its last lines:\n"
                                      + quote(await app.recentLines(), secrets: secrets))
                }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(2))
            }
        }
        return evidence
    }

    /// Who a probe of an app of several parts waits for: `the process admin` when its URL is
    /// `{{admin:3001}}`; `naming` is nil for an app of one part.
    static func subject(of probe: ReadyProbe, naming: String?) -> String {
        guard let naming, let service = AppAddress.placeholders(in: [probe.http.url]).first?.service else { return "the app" }
        return "the \(naming) \(service)"
    }

    /// The boot step's word on the probes.
    static func probesPassed(_ spec: AppSpec) -> String {
        spec.ready.isEmpty ? "no ready probe configured" : CheckWording.count(Int64(spec.ready.count), "ready probe") + " passed"
    }

    /// A hit fails the boot step: the app came up, but said what it must not.
    static func checkLogs(_ app: any BootingApp, secrets: SecretStore) async throws {
        guard let hit = await app.forbiddenHit() else { return }
        throw StepFailure(.fail, "the app's log contains \"\(secrets.redact(hit.pattern))\" (logs.must_not_contain): "
                          + secrets.redact(hit.line))
    }
}
