/// Which renderer and file extension each `report.formats` entry stands for.
extension ReportFormat {
    public var fileExtension: String {
        switch self {
        case .junit: "xml"
        case .markdown: "md"
        case .json: "json"
        }
    }

    public func render(_ record: DrillRecord, reference: RecordReference? = nil) throws -> String {
        switch self {
        case .junit: JUnitReport.render(record, reference: reference)
        case .markdown: MarkdownReport.render(record, reference: reference)
        case .json: try JSONReport.render(record)
        }
    }
}
