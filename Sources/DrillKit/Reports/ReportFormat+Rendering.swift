/// Which renderer and file extension each `report.formats` entry stands for.
extension ReportFormat {
    public var fileExtension: String {
        switch self {
        case .junit: "xml"
        case .markdown: "md"
        case .json: "json"
        }
    }

    public func render(_ record: DrillRecord) throws -> String {
        switch self {
        case .junit: JUnitReport.render(record)
        case .markdown: MarkdownReport.render(record)
        case .json: try JSONReport.render(record)
        }
    }
}
