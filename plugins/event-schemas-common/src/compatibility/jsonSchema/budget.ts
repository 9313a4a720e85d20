/** Thrown when a comparison would take longer than the budget allows. */
export class BudgetExceeded extends Error {
  constructor(readonly limit: number) {
    super(`compatibility check exceeded ${limit} steps`);
    this.name = 'BudgetExceeded';
  }
}

/**
 * Counts the steps of one comparison. Subschema checks branch on anyOf,
 * oneOf and if/then/else and can blow up on adversarial schemas, so every
 * step is paid for and the comparison gives up, saying so, past the limit.
 */
export class Budget {
  private steps = 0;
  depth = 0;

  constructor(readonly limit: number) {}

  tick(): void {
    this.steps += 1;
    if (this.steps > this.limit) {
      throw new BudgetExceeded(this.limit);
    }
  }
}
