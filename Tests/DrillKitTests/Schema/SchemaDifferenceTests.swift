@testable import DrillKit
import Testing

/// What a person reads when two catalogs differ: the cause, not every consequence.
@Suite struct SchemaDifferenceTests {
    static let invoices = SchemaObject(kind: .table, name: "public.invoices", schema: "public", definition: "table")
    static let number = SchemaObject(kind: .column, name: "public.invoices.number", table: "public.invoices", schema: "public", definition: "bigint not null")
    static let trigger = SchemaObject(kind: .trigger, name: "invoices_immutable", table: "public.invoices", schema: "public",
                                      definition: "CREATE TRIGGER invoices_immutable BEFORE DELETE OR UPDATE ON public.invoices FOR EACH ROW EXECUTE FUNCTION public.refuse()")
    static let orders = SchemaObject(kind: .table, name: "public.orders", schema: "public", definition: "table")
    static let total = SchemaObject(kind: .column, name: "public.orders.total_cents", table: "public.orders", schema: "public", definition: "bigint not null")
    static let vector = SchemaObject(kind: .extension, name: "vector", definition: "")

    @Test func equalCatalogsHaveNoDifferenceAndEqualFingerprints() {
        let one = SchemaFingerprint(objects: [Self.orders, Self.total, Self.invoices, Self.trigger])
        let other = SchemaFingerprint(objects: [Self.trigger, Self.invoices, Self.total, Self.orders])
        #expect(SchemaDifference(reference: one, restored: other).isEmpty)
        #expect(one.sha256 == other.sha256, "the order objects come in does not matter")
    }

    @Test func aMissingTriggerAChangedColumnAndAnAddedExtensionAreNamed() {
        var float = Self.total
        float.definition = "double precision not null"
        let reference = SchemaFingerprint(objects: [Self.orders, Self.total, Self.invoices, Self.trigger])
        let restored = SchemaFingerprint(objects: [Self.orders, float, Self.invoices, Self.vector])
        let difference = SchemaDifference(reference: reference, restored: restored)
        #expect(difference.missing.map(\.object.described) == ["trigger invoices_immutable on public.invoices"])
        #expect(difference.changed.map { "\($0.reference.definition) → \($0.restored.definition)" } == ["bigint not null → double precision not null"])
        #expect(difference.added.map(\.object.described) == ["extension vector"])
        #expect(reference.sha256 != restored.sha256)
    }

    @Test func aMissingTableCarriesItsColumnsAndTriggers() {
        let reference = SchemaFingerprint(objects: [Self.orders, Self.total, Self.invoices, Self.number, Self.trigger])
        let restored = SchemaFingerprint(objects: [Self.orders, Self.total])
        let missing = SchemaDifference(reference: reference, restored: restored).missing
        #expect(missing.map(\.object.described) == ["table public.invoices"])
        #expect(missing.map(\.dependents) == [2])
    }

    @Test func aTriggerIsKnownByItsTable() {
        var other = Self.trigger
        other.table = "public.orders"
        let reference = SchemaFingerprint(objects: [Self.trigger, other])
        let restored = SchemaFingerprint(objects: [other])
        #expect(SchemaDifference(reference: reference, restored: restored).missing.map(\.object.described)
            == ["trigger invoices_immutable on public.invoices"])
    }

    @Test func limitingToSchemasKeepsExtensions() {
        var sales = Self.orders
        sales.name = "sales.orders"
        sales.schema = "sales"
        let fingerprint = SchemaFingerprint(objects: [Self.orders, sales, Self.vector]).limited(to: ["sales"])
        #expect(fingerprint.objects.map(\.name) == ["sales.orders", "vector"])
    }

    @Test func theBaselineIsTheMedian() {
        #expect(VolumeCheck.median([3]) == 3)
        #expect(VolumeCheck.median([2000, 20, 1990]) == 1990)
        #expect(VolumeCheck.median([10, 20]) == 15)
    }
}
