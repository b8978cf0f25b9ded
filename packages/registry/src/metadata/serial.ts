/**
 * Runs one task at a time, in call order. The SQLite adapter shares one connection: a query
 * sent while another caller's interactive transaction is open would run inside it, so every
 * SQLite operation takes its turn here (better-sqlite3 is synchronous anyway).
 */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
