// The official client configured for the automation rule operations (unstable: each is switched on by name), and the
// error an operation answered, for the automation rule conformance tests.
import assert from 'node:assert/strict';
import { client, v2 } from '@datadog/datadog-api-client';

export function automationRulesApi(url: string, keys: { apiKey: string; appKey: string }, operations: string[]): v2.SecurityMonitoringApi {
  const configuration = client.createConfiguration({
    authMethods: { apiKeyAuth: keys.apiKey, appKeyAuth: keys.appKey },
    baseServer: new client.BaseServerConfiguration(url, {}),
    enableRetry: false,
  });
  for (const op of operations) configuration.unstableOperations[`v2.${op}`] = true;
  return new v2.SecurityMonitoringApi(configuration);
}

/** The HTTP code and JSON:API body of an operation that must fail. */
export async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: { errors: Array<Record<string, unknown>> } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof client.ApiException) return { code: error.code, body: error.body as never };
    throw error;
  }
  assert.fail('the operation succeeded');
}
