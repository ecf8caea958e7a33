import Testing
@testable import DrillKit

@Suite struct CheckWordingTests {
    @Test func differencesUseATypographicMinus() {
        #expect(CheckWording.signedDifference(998, from: 1000) == "−2")
        #expect(CheckWording.signedDifference(1003, from: 1000) == "+3")
        #expect(CheckWording.signedDifference(5, from: 5) == "0")
        #expect(CheckWording.signedDifference(Int64.min, from: 1) == "−9223372036854775809")
    }

    @Test func percentagesDropTrailingZeros() {
        #expect(CheckWording.percent(0.005) == "0.5%")
        #expect(CheckWording.percent(-0.01) == "−1%")
        #expect(CheckWording.percent(0.125) == "12.5%")
        #expect(CheckWording.percent(0) == "0%")
    }

    @Test func databaseValuesAreQuotedWhenTheyHoldMoreThanLettersAndDigits() {
        #expect(CheckWording.quotedValue("EUD") == "EUD")
        #expect(CheckWording.quotedValue("EUR ") == "'EUR '")
        #expect(CheckWording.quotedValue(nil) == "NULL")
        #expect(CheckWording.quotedValue("") == "''")
        #expect(CheckWording.quotedValue(String(repeating: "x", count: 30)) == String(repeating: "x", count: 24) + "…")
    }

    @Test func arraysAreSentAsOneQuotedLiteral() {
        #expect(PostgresArrayLiteral.text(["EUR", "a\"b", "c\\d", "x,y"]) == #"{"EUR","a\"b","c\\d","x,y"}"#)
        #expect(PostgresArrayLiteral.text([nil, "orders"]) == #"{NULL,"orders"}"#)
    }

    @Test func theEmbeddedCurrencyListIsISO4217ListOne() {
        #expect(ISO4217.activeCodes.count == 178)
        #expect(Set(ISO4217.activeCodes).count == ISO4217.activeCodes.count)
        #expect(ISO4217.activeCodes.allSatisfy { $0.count == 3 && $0.allSatisfy(\.isUppercase) })
        #expect(ISO4217.acceptedCodes.contains("EUR") && ISO4217.acceptedCodes.contains("HRK"))
        #expect(!ISO4217.acceptedCodes.contains("EUD"))
    }

    @Test func moneyTypesAreJudgedByWhatTheyCanHold() {
        #expect(MoneyColumnType.problem(baseType: "int8", numericScale: nil) == nil)
        #expect(MoneyColumnType.problem(baseType: "numeric", numericScale: 0) == nil)
        #expect(MoneyColumnType.problem(baseType: "numeric", numericScale: nil) != nil)
        #expect(MoneyColumnType.problem(baseType: "numeric", numericScale: 2) == "a scale of 2 stores decimal fractions (amounts in units with decimals, or fractions of a cent), not whole cents")
        #expect(MoneyColumnType.problem(baseType: "float8", numericScale: nil)?.hasPrefix("a float is a corruption signal") == true)
        #expect(MoneyColumnType.problem(baseType: "money", numericScale: nil) != nil)
        #expect(MoneyColumnType.problem(baseType: "text", numericScale: nil) == "it is not a number type")
    }
}
