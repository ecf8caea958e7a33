import DrillKit
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import RefStoreKit
import Testing

/// The master key and the sealed TOTP secret, without a server.
@Suite struct RefStoreSecretsTests {
    static let key = try! MasterKey(bytes: (0..<32).map { UInt8(($0 * 7 + 3) % 251) })
    static let otherKey = try! MasterKey(bytes: (0..<32).map { UInt8(($0 * 11 + 5) % 251) })

    @Test func aSealedSecretOpensWithItsKeyOnlyAndNamesTheTagWhenItDoesNot() throws {
        let sealed = try SecretBox.seal("JBSWY3DPEHPK3PXP", with: Self.key)
        #expect(sealed.hasPrefix("v1:"))
        #expect(!sealed.contains("JBSWY3DPEHPK3PXP"))
        // 12-byte nonce + 16 plaintext bytes + 16-byte tag, in standard base64.
        #expect(Data(base64Encoded: String(sealed.dropFirst(3)))?.count == 12 + 16 + 16)
        #expect(try SecretBox.open(sealed, with: Self.key) == "JBSWY3DPEHPK3PXP")
        #expect(throws: SecretBox.Failure.authenticationFailed) { try SecretBox.open(sealed, with: Self.otherKey) }
        #expect(throws: SecretBox.Failure.notSealed) { try SecretBox.open("JBSWY3DPEHPK3PXP", with: Self.key) }
        // Two seals of one secret differ: a fresh nonce each time.
        #expect(try SecretBox.seal("JBSWY3DPEHPK3PXP", with: Self.key) != sealed)
    }

    @Test func thePasswordHashIsScryptAndVerifiesOnlyTheRightPassword() throws {
        let stored = try PasswordHash.make("correct horse")
        #expect(stored.hasPrefix("$scrypt$ln=15,r=8,p=1$"))
        #expect(PasswordHash.verify("correct horse", against: stored))
        #expect(!PasswordHash.verify("correct horse ", against: stored))
        #expect(!PasswordHash.verify("correct horse", against: "correct horse"))
    }

    @Test func productionRefusesMissingMalformedShortZeroAndPlaceholderKeysWithoutShowingThem() throws {
        let good = Data((0..<32).map { UInt8(($0 * 7 + 3) % 251) }).base64EncodedString()
        func load(_ value: String?, production: Bool = true) -> MasterKeyError? {
            do {
                _ = try MasterKey.load(environment: value.map { ["MASTER_KEY": $0] } ?? [:], file: "/nonexistent/master.key",
                                       production: production)
                return nil
            } catch { return error }
        }
        #expect(load(good) == nil)
        #expect(load(nil) == .missing(file: "/nonexistent/master.key"))
        #expect(load("not base64!") == .notBase64(source: "the environment"))
        #expect(load(Data(count: 16).base64EncodedString()) == .wrongLength(16, source: "the environment"))
        #expect(load(Data(count: 32).base64EncodedString()) == .allZero(source: "the environment"))
        #expect(load(Data("0123456789abcdef0123456789abcdef".utf8).base64EncodedString()) == .knownDefault(source: "the environment"))
        #expect(load(Data(count: 32).base64EncodedString(), production: false) == nil)
        let zero = Data(count: 32).base64EncodedString()
        #expect(!(load(zero)?.description.contains(zero) ?? true))
    }

    @Test func amountsAreWrittenWithTheirCurrencysMinorUnits() {
        #expect(CurrencyAmount.format(29297, currency: "EUR") == "292.97 EUR")
        #expect(CurrencyAmount.format(5, currency: "USD") == "0.05 USD")
        #expect(CurrencyAmount.format(1234, currency: "JPY") == "1234 JPY")
        #expect(CurrencyAmount.format(1234, currency: "KWD") == "1.234 KWD")
    }
}

/// `refstore serve` on a real PostgreSQL, over real HTTP.
@Suite(.timeLimit(.minutes(10))) struct RefStoreServeTests {
    static let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    static let password = "correct horse battery"

    final class LogLines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    struct Response {
        var status: Int
        var json: [String: Any]
    }

    static func request(_ method: String, _ url: String, json: [String: Any]? = nil, token: String? = nil) async throws -> Response {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let json { request.httpBody = try JSONSerialization.data(withJSONObject: json) }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, json: object)
    }

    /// A seeded shop with the drill account sealed under `RefStoreSecretsTests.key`, served
    /// with `servingKey`; the server stops when `body` ends.
    func withServer(servingKey: MasterKey = RefStoreSecretsTests.key, databaseReachable: Bool = true,
                    _ body: (String, TestPostgres, LogLines) async throws -> Void) async throws {
        try await withTestPostgres { postgres in
            let connection = try await postgres.connect()
            defer { connection.close() }
            _ = try await RefStore.migrate(on: connection)
            let account = try DrillAccount.fromEnvironment(
                [DrillAccount.passwordVariable: Self.password, DrillAccount.secretVariable: Self.secret]) { RefStoreSecretsTests.key }
            _ = try await RefStore.seed(on: connection, orders: 100, account: account)

            var parameters = postgres.parameters
            if !databaseReachable { parameters.port = 1 }
            let reach = parameters
            let logs = LogLines()
            let server = RefStoreServer(port: 0, masterKey: servingKey,
                                        connect: { try await PostgresConnection.connect(reach) }, log: logs.append)
            let (ports, continuation) = AsyncStream.makeStream(of: UInt16.self)
            let serving = Task { try await server.run { continuation.yield($0) } }
            defer { serving.cancel() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body("http://127.0.0.1:\(port)", postgres, logs)
        }
    }

    func currentCode() throws -> String {
        try TOTP.code(secret: try TOTP.decodeBase32(Self.secret), at: Date())
    }

    @Test func healthLoginAndAnOrderWithTheNextGaplessInvoiceNumber() async throws {
        try await withServer { base, postgres, logs in
            let health = try await Self.request("GET", base + "/health")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok" && health.json["db"] as? String == "ok")

            let login = try await Self.request("POST", base + "/auth/login", json: [
                "email": DrillAccount.defaultEmail, "password": Self.password, "code": try currentCode()])
            #expect(login.status == 200)
            let token = try #require(login.json["token"] as? String)

            let latest = try await withConnection(to: postgres) { connection in
                try await connection.query("SELECT max(number) FROM invoices WHERE series = to_char(now() AT TIME ZONE 'UTC', 'YYYY')").scalar
            }
            let placed = try await Self.request("POST", base + "/api/orders", json: [
                "customer_id": 1, "currency": "EUR", "lines": [["product_id": 1, "quantity": 3]]], token: token)
            #expect(placed.status == 201, "\(placed.json)")
            let invoice = try #require(placed.json["invoice"] as? [String: Any])
            #expect((invoice["number"] as? Int).map(String.init) == String((Int(latest ?? "0") ?? 0) + 1))
            let orderID = try #require(placed.json["id"] as? Int)
            let cents = try #require(placed.json["total_cents"] as? Int)

            let read = try await Self.request("GET", base + "/api/orders/\(orderID)", token: token)
            #expect(read.status == 200)
            #expect(read.json["total_cents"] as? Int == cents)
            #expect(read.json["total"] as? String == CurrencyAmount.format(Int64(cents), currency: "EUR"))

            // The storefront's catalog needs no login; a product that is not there is a 404.
            let product = try await Self.request("GET", base + "/api/products/1")
            #expect(product.status == 200 && product.json["id"] as? Int == 1 && product.json["price_cents"] is Int, "\(product.json)")
            #expect(try await Self.request("GET", base + "/api/products/987654").status == 404)
            #expect(!logs.all.joined().contains(Self.secret))
        }
    }

    @Test func everyWrongFactorGetsTheSame401() async throws {
        try await withServer { base, _, logs in
            let code = try currentCode()
            let wrongCode = String(format: "%06d", (Int(code)! + 1) % 1_000_000)
            let attempts: [[String: Any]] = [
                ["email": DrillAccount.defaultEmail, "password": "wrong", "code": code],
                ["email": DrillAccount.defaultEmail, "password": Self.password, "code": wrongCode],
                ["email": "nobody@example.test", "password": Self.password, "code": code],
            ]
            for attempt in attempts {
                let response = try await Self.request("POST", base + "/auth/login", json: attempt)
                #expect(response.status == 401)
                #expect(response.json as NSDictionary == ["error": "invalid credentials"] as NSDictionary)
            }
            let order = try await Self.request("POST", base + "/api/orders", json: ["customer_id": 1], token: "forged")
            #expect(order.status == 401)
            #expect(logs.all.contains("login refused: wrong password"))
            #expect(logs.all.contains("login refused: wrong TOTP code"))
        }
    }

    /// The restore kept the rows but the key is not the one they were sealed with: the app
    /// boots and is healthy, yet nobody can log in; its log says why.
    @Test func aWrongMasterKeyBootsButRefusesTheLoginAndLogsTheTag() async throws {
        try await withServer(servingKey: RefStoreSecretsTests.otherKey) { base, _, logs in
            #expect(try await Self.request("GET", base + "/health").status == 200)
            let login = try await Self.request("POST", base + "/auth/login", json: [
                "email": DrillAccount.defaultEmail, "password": Self.password, "code": try currentCode()])
            #expect(login.status == 401)
            #expect(logs.all.contains { $0.contains("does not decrypt with this master key") })
        }
    }

    @Test func healthSays503AndDbDownWhenTheDatabaseIsUnreachable() async throws {
        try await withServer(databaseReachable: false) { base, _, _ in
            let health = try await Self.request("GET", base + "/health")
            #expect(health.status == 503)
            #expect(health.json["db"] as? String == "down")
        }
    }
}
