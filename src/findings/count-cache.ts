/**
 * Exact counts of listings, reused while nothing they read has changed: the key holds the organization, the
 * filters and the instant of the last change, so a hit is always the exact answer. Oldest entries go first.
 */
export class CountCache {
  private readonly entries = new Map<string, number>();
  constructor(private readonly capacity = 2000) {}

  get(key: string): number | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: number): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
