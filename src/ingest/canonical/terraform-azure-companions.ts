// A storage account's network rules kept in a resource of their own (azurerm_storage_account_network_rules), matched to
// the account by its id; they are the whole rule set, as the account's own `network_rules` block is.
import { networkRuleSet } from './azure.js';
import type { Fold } from './terraform-fold.js';

export const AZURE_COMPANIONS: Record<string, Fold> = {
  azurerm_storage_account_network_rules(child, find) {
    const account = find('azure_storage_account', 'id', child.storage_account_id);
    if (account) account.configuration.network_rule_set = networkRuleSet(child);
  },
};
