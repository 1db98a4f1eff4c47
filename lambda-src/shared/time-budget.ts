/**
 * One deadline per invocation for every AWS call a handler makes. Amazon Connect stops waiting for a flow's Lambda
 * after the block's InvocationTimeLimitSeconds (at most 8 s), and the construct gives each flow function exactly
 * that as its timeout. Bounding each SDK call on its own (sdk-bounds.ts) keeps one call short, but a cancel makes
 * several in a row; so every call of an invocation shares one AbortSignal that fires a safety margin before the
 * function's own time runs out. What is left when it fires goes back as an explicit reply the flow can branch on,
 * instead of Connect giving up on a function that is still working.
 */

/**
 * Kept back from the remaining time: the reply still has to be built and returned, and Connect's clock started
 * before Lambda's (the invoke round trip, and on a cold start the init phase, count for Connect only).
 */
export const SAFETY_MARGIN_MS = 1000;

/** The part of the Lambda context the budget reads. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

export class InvocationBudget {
  private controller?: AbortController;
  private timer?: NodeJS.Timeout;

  /** Starts the invocation's deadline; without a usable context (a test calling the handler) there is none. */
  public start(context: Partial<RemainingTime> | undefined): void {
    this.finish();
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
    if (remaining === undefined || !Number.isFinite(remaining)) return;
    const controller = new AbortController();
    this.controller = controller;
    this.timer = setTimeout(() => controller.abort(), Math.max(0, remaining - SAFETY_MARGIN_MS));
    // A deadline must never keep a finished invocation's process alive.
    this.timer.unref?.();
  }

  /** What every SDK call of this invocation passes as its abortSignal. */
  public get signal(): AbortSignal | undefined {
    return this.controller?.signal;
  }

  public get expired(): boolean {
    return this.controller?.signal.aborted ?? false;
  }

  public finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.controller = undefined;
  }

  /** Runs `work` inside the invocation's deadline, and always clears it afterwards. */
  public async run<T>(context: Partial<RemainingTime> | undefined, work: () => Promise<T>): Promise<T> {
    this.start(context);
    try {
      return await work();
    } finally {
      this.finish();
    }
  }
}

/** The SDK's error for a call cut short by the budget. */
export function isBudgetExhausted(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'AbortError';
}
