import { createHash, randomBytes, randomUUID } from 'node:crypto';

// Datadog's shapes: an API key is 32 hex characters, an application key 40.
export function newApiKey(): string {
  return randomBytes(16).toString('hex');
}

export function newAppKey(): string {
  return randomBytes(20).toString('hex');
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function newId(): string {
  return randomUUID();
}
