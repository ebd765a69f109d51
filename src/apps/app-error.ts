// Every problem found in a template, collected so one run reports them all, before anything changes.
export class AppError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? (problems[0] ?? '') : `${problems.length} problems:\n  ${problems.join('\n  ')}`);
    this.name = 'AppError';
    this.problems = problems;
  }
}

/** Collects problems while a template is read; `check()` throws them all at once. */
export class Problems {
  readonly #list: string[] = [];

  add(message: string): void {
    this.#list.push(message);
  }

  check(): void {
    if (this.#list.length > 0) throw new AppError(this.#list);
  }
}
