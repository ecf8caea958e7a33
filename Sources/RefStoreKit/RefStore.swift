import DrillKit
