import Testing
@testable import DrillKit

@Suite struct CheckFactoryTests {
    static func spec(_ kind: CheckKind) -> CheckSpec {
        CheckSpec(index: 3, location: SourceLocation(line: 12, column: 5), kind: kind)
    }

    @Test func buildsEveryCheck() throws {
        let rowCounts = try #require(makeCheck(Self.spec(.rowCounts(RowCountsCheckSpec(tables: ["orders", "customers"])))))
        #expect(rowCounts is RowCountsCheck)
        #expect(rowCounts.displayName == "row counts: orders, customers")
        #expect(rowCounts.spec.path == "checks[3].row_counts")

        #expect(makeCheck(Self.spec(.money(MoneyCheckSpec(columns: [])))) is MoneyCheck)
        #expect(makeCheck(Self.spec(.invoiceSequence(InvoiceSequenceCheckSpec(table: "invoices", column: "number"))))
                is InvoiceSequenceCheck)
        #expect(makeCheck(Self.spec(.sql(SQLCheckSpec(name: "x", query: "SELECT 1", expect: Comparison(op: .equal, operand: "1")))))
                is SQLCheck)
        #expect(makeCheck(Self.spec(.canary(CanaryCheckSpec(query: "SELECT 1", value: .environment("X"))))) is CanaryCheck)
        #expect(makeCheck(Self.spec(.sequences(SequencesCheckSpec()))) is SequencesCheck)

        #expect(makeCheck(Self.spec(.http(HTTPCheckSpec(url: "http://localhost/")))) is HTTPCheck)
        #expect(makeCheck(Self.spec(.command(CommandCheckSpec(run: ["true"])))) is CommandCheck)
        #expect(makeCheck(Self.spec(.totpLogin(TOTPLoginCheckSpec(url: "u", email: "e", password: .environment("P"),
                                                                   secret: .environment("S"))))) is TOTPLoginCheck)
        #expect(makeCheck(Self.spec(.secretDecrypt(SecretDecryptCheckSpec(sql: "SELECT 1", secret: .environment("S")))))
                is SecretDecryptCheck)
    }
}
