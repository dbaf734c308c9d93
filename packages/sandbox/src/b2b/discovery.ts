/** The discovery document (`GET /.well-known/configuration`): the public itsme® copy, optionally with policies disabled. */
import discovery from '../data/discovery.json' with { type: 'json' };

export type Discovery = typeof discovery;

export function discoveryDocument(disabledPolicies: readonly string[]): Discovery {
  return {
    ...discovery,
    sign_policy_templates_supported: discovery.sign_policy_templates_supported.map((p) =>
      disabledPolicies.includes(p.ref) ? { ...p, status: 'DISABLED' } : p,
    ),
  };
}

/** The served text starts with a space, as the real document does (parsers must not care). */
export function discoveryText(doc: Discovery): string {
  return ` ${JSON.stringify(doc, null, 2)}`;
}
