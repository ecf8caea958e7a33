@testable import DrillKit
import Testing

/// The summary names the root cause in one sentence: the step's words and the last line the
/// program printed, not a dozen lines of traceback.
struct QuotedOutputTests {
    @Test func aTracebackBecomesItsLastLine() {
        let message = """
            the migrations failed (exit code 1); their last lines:
            |   File "/venv/lib/python3.11/site-packages/sqlalchemy/dialects/postgresql/psycopg.py", line 497, in import_dbapi
            |     import psycopg
            | ModuleNotFoundError: No module named 'psycopg'
            """
        #expect(QuotedOutput.sentence(message)
                == "the migrations failed (exit code 1); the last line it printed: ModuleNotFoundError: No module named 'psycopg'")
    }

    @Test func anAppThatPrintedNothingKeepsItsWords() {
        let message = "the app exited (exit code 1) before http://127.0.0.1:5000/health answered; the key. Its last lines:\n(the app printed nothing)"
        #expect(QuotedOutput.sentence(message) == message)
        #expect(QuotedOutput.sentence("one line") == "one line")
    }

    @Test func theSummaryUsesIt() {
        var record = DrillRecord(runId: "r", scenarioName: "s", scenarioFile: "s.yml", startedAt: .now)
        record.steps = [StepRecord(id: .migrate, title: "t", verdict: .fail, durationSeconds: 1,
                                   message: "the migrations failed (exit code 1); their last lines:\n| Traceback\n| KeyError: 'x'")]
        #expect(DrillVerdict.summary(record, interruption: nil)
                == "The migrate step failed: the migrations failed (exit code 1); the last line it printed: KeyError: 'x'.")
        #expect(record.steps[0].message?.contains("| Traceback") == true, "the step keeps every quoted line")
    }
}
