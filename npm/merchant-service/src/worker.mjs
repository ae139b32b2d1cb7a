// The worker: one per service process. At start the planner's step for every request a
// dead process left in the outbox (Payments.recover, before the service listens); then,
// every `intervalMs`, the status queries whose time has come, a few at a time, never two
// for the same request at once.
export class Worker {
  /**
   * @param {import('./payments.mjs').Payments} payments
   * @param {{ intervalMs?: number, concurrency?: number, log?: (msg: string) => void }} [options]
   */
  constructor(payments, { intervalMs = 200, concurrency = 16, log = () => {} } = {}) {
    this.payments = payments;
    this.intervalMs = intervalMs;
    this.concurrency = concurrency;
    this.log = log;
    this.inFlight = new Map(); // request id → its promise
    this.timer = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    const loop = async () => {
      try {
        await this.tick();
      } catch (e) {
        this.log(`worker: ${e.message}`); // the database is away: try again next time
      }
      if (!this.stopped) this.timer = setTimeout(loop, this.intervalMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Starts the status queries that are due (as many as there is room for). */
  async tick() {
    const room = this.concurrency - this.inFlight.size;
    if (room <= 0) return;
    const due = await this.payments.dueRequests(room, this.inFlight);
    for (const row of due) {
      const run = this.payments
        .queryOne(row)
        .catch((e) => this.log(`worker: request ${row.id}: ${e.message}`))
        .finally(() => this.inFlight.delete(row.id));
      this.inFlight.set(row.id, run);
    }
  }

  /** Stops looking for work and waits for the queries under way. */
  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight.values()]);
  }
}
