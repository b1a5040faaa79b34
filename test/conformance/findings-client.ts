import { client, v2 } from '@datadog/datadog-api-client';

/** The official client pointed at a test server (plain http), retries off, the findings operations enabled. */
export function findingsApi(server: { url: string; apiKey: string; appKey: string }): v2.SecurityMonitoringApi {
  const configuration = client.createConfiguration({
    authMethods: { apiKeyAuth: server.apiKey, appKeyAuth: server.appKey },
    baseServer: new client.BaseServerConfiguration(server.url, {}),
    enableRetry: false,
  });
  configuration.unstableOperations['v2.listFindings'] = true;
  configuration.unstableOperations['v2.getFinding'] = true;
  return new v2.SecurityMonitoringApi(configuration);
}
