import type { Reporter, SerializedError, TestModule } from "vitest/node";

// Vitest's own summary is not a line CI tools parse; this adds the plain `N passed, N failed` one.
// A file that fails outside its tests (a failing beforeAll, an import error) counts as one failure.
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const count = { passed: 0, failed: unhandledErrors.length, skipped: 0, pending: 0 };
    for (const module of testModules) {
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        count[state]++;
        if (state === "failed") failedTests++;
      }
      if (failedTests === 0 && module.state() === "failed") count.failed++;
    }
    process.stdout.write(
      `\ntests: ${count.passed} passed, ${count.failed} failed, ${count.skipped + count.pending} skipped\n`,
    );
  }
}
