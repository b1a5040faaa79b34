/**
 * Exact counts of listings, reused while nothing they read has changed: the key holds the organization, the
 * filters and the instant of the last change, so a hit is always the exact answer. Oldest entries go first.
 */
export class CountCache {
  private readonly entries = new Map<string, number>();
  constructor(public capacity = 2000) {}

  clear(): void {
    this.entries.clear();
  }

  get(key: string): number | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: number): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
