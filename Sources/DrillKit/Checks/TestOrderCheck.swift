import Foundation

/// `test_order`: the upgrade guide's "place a test order", through the restored app. Logs in
/// with the drill account, places the scenario's order, and checks that its invoice carries
/// the next gapless number after production's latest (from the manifest) and that its total
/// reads back in the same integer cents from the API (and the database, with `total_sql`).
///
/// It writes, so the drill runs it after every read-only check has finished.
public struct TestOrderCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: TestOrderCheckSpec

    public init(spec: CheckSpec, settings: TestOrderCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "place a test order through the app" }
    public var writes: Bool { true }
    public var secretsRead: [SecretReference] { [settings.password, settings.secret] }
    public var urlTemplates: [String] { (settings.flow.map { $0.steps.map(\.url) } ?? [settings.loginURL]) + [settings.ordersURL] }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        guard let app = context.app else {
            transcript.cannotVerify("the app is not running (see the app step), so no order could be placed")
            return transcript.outcome(passing: "")
        }
        guard let manifest = context.manifest else {
            transcript.cannotVerify("a test order's invoice number is judged against production's latest, "
                                    + "but this drill has no manifest (set backup.manifest)")
            return transcript.outcome(passing: "")
        }
        guard let client = await logIn(app: app, context: context, transcript: transcript) else { return transcript.outcome(passing: "") }

        let ordersURL = app.url(settings.ordersURL)
        let placed: [String: Any]
        do {
            let answer = try await client.send("POST", ordersURL, json: settings.order)
            guard answer.status == 201 || answer.status == 200, let object = answer.json as? [String: Any] else {
                // Redacted whole, then cut: a secret across the cut would otherwise leave its first part.
                let body = String(context.secrets.redact(String(decoding: answer.body, as: UTF8.self)).prefix(300))
                transcript.fail("POST \(ordersURL) answered \(answer.status), not 201: \(body)")
                transcript.observe("POST \(ordersURL)", expected: "201", actual: String(answer.status), ok: false)
                return transcript.outcome(passing: "")
            }
            placed = object
        } catch {
            transcript.cannotVerify("POST \(ordersURL) got no answer: \(error)")
            return transcript.outcome(passing: "")
        }
        guard let id = Self.integer(placed["id"]), let cents = Self.integer(placed["total_cents"]),
              let invoice = placed["invoice"] as? [String: Any], let series = invoice["series"].map({ "\($0)" }),
              let number = Self.integer(invoice["number"]) else {
            transcript.fail("the order answer lacks id, total_cents or invoice {series, number}; the app's API changed")
            return transcript.outcome(passing: "")
        }

        var summary: [String] = []
        let keys = ExpectationKeys.candidates(settings.invoiceNumber)
        let latest = ExpectationKeys.lookup(manifest.invoiceLatest, keys)?[series] ?? 0
        let expected = latest + 1
        transcript.observe("invoice number (series \(series))", expected: String(expected), actual: String(number), ok: number == expected)
        if number == expected {
            summary.append("invoice \(series)/\(number) follows \(manifest.ownerPossessive) latest \(latest)")
        } else {
            transcript.fail("the test order's invoice is \(series)/\(number), but \(manifest.ownerPossessive) latest in series \(series) was \(latest): "
                            + "the next gapless number is \(expected)"
                            + (number > expected ? " (the counter is ahead: numbers \(expected)–\(number - 1) would be missing)"
                                                 : " (the counter is behind: \(number) was already issued)"))
        }

        do {
            let answer = try await client.send("GET", ordersURL + "/\(id)")
            let readBack = (answer.json as? [String: Any]).flatMap { Self.integer($0["total_cents"]) }
            transcript.observe("total_cents read back", expected: String(cents), actual: readBack.map(String.init) ?? "none",
                               ok: readBack == cents)
            if readBack != cents {
                transcript.fail("the order was placed at \(cents) cents but reads back as \(readBack.map(String.init) ?? "nothing") (\(answer.status))")
            }
        } catch {
            transcript.cannotVerify("GET \(ordersURL)/\(id) got no answer: \(error)")
        }
        if let totalSQL = settings.totalSQL {
            do {
                let stored = try await transcript.query(totalSQL, [String(id)]).scalar
                transcript.observe("total_cents stored", expected: String(cents), actual: stored ?? "none", ok: stored == String(cents))
                if stored != String(cents) {
                    transcript.fail("the database holds \(stored ?? "no total") for order \(id), the API said \(cents) cents")
                }
            } catch {
                transcript.record(error, while: "read the test order's stored total")
            }
        }
        summary.append("total \(cents) cents round-trips")
        return transcript.outcome(passing: "order \(id) placed; " + summary.joined(separator: "; "))
    }

    /// The drill account logged in, through the scenario's flow or the one-request login; nil
    /// (with the transcript told why) when it could not.
    private func logIn(app: AppAddress, context: CheckContext, transcript: CheckTranscript) async -> AppClient? {
        if let flow = settings.flow {
            var run = LoginFlowRun(flow: flow, app: app, secrets: context.secrets)
            guard await run.logIn(email: settings.email, password: settings.password, secret: settings.secret, into: transcript,
                                  failurePrefix: "the drill account could not log in to place the order: ") else { return nil }
            return AppClient(session: run.session, bearer: run.captured["token"])
        }
        let login: AppLogin.Answer
        do {
            login = try await AppLogin.attempt(url: settings.loginURL, email: settings.email, password: settings.password,
                                               secret: settings.secret, app: app, secrets: context.secrets)
        } catch {
            transcript.cannotVerify(error.description)
            return nil
        }
        guard login.status == 200, let token = login.token else {
            transcript.fail("the drill account could not log in (\(login.status)) to place the order: " + AppLogin.refusedExplanation)
            return nil
        }
        return AppClient(session: HTTPSession(followsRedirects: true), bearer: token)
    }

    private static func integer(_ value: Any?) -> Int64? {
        switch value {
        case let number as NSNumber: Int64(exactly: number.doubleValue)
        case let text as String: Int64(text)
        default: nil
        }
    }
}
