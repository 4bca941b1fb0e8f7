/**
 * Which connections a set of Kubernetes NetworkPolicies allows, by the rules of the
 * NetworkPolicy API (networking.k8s.io/v1): a pod selected by no policy of a direction is
 * open in that direction; a selected pod admits only what some rule of those policies
 * allows; a connection needs the source's egress and the destination's ingress. Peers:
 * podSelector alone is the policy's namespace, namespaceSelector alone every pod of the
 * matching namespaces, both together the matching pods of the matching namespaces; ports by
 * number or by the destination container's port name. (ipBlock peers are not used here and
 * are refused, so that a test never passes by ignoring one.)
 *
 *   allows(policies, { from: gatewayPod, to: roomServerPod, port: 7700 }) -> true
 *   admits(...)  the destination's ingress side alone (as if the source had no egress policy)
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}

interface Rule {
  ports?: { protocol?: string; port?: number | string; endPort?: number }[];
  from?: Peer[];
  to?: Peer[];
}

export interface NetworkPolicy {
  metadata: { name: string; namespace?: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    ingress?: Rule[];
    egress?: Rule[];
  };
}

/** A pod as policies see it. Namespaces carry the kubernetes.io/metadata.name label. */
export interface Pod {
  name: string;
  namespace: string;
  namespaceLabels?: Record<string, string>;
  labels: Record<string, string>;
  /** Container port names -> numbers. */
  ports?: Record<string, number>;
}

export function matches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

const namespaceLabels = (pod: Pod) => ({
  ...pod.namespaceLabels,
  'kubernetes.io/metadata.name': pod.namespace,
});

function peerMatches(peer: Peer, policyNamespace: string, pod: Pod): boolean {
  if (peer.ipBlock) throw new Error('ipBlock peers are not evaluated here');
  if (peer.namespaceSelector) {
    if (!matches(peer.namespaceSelector, namespaceLabels(pod))) return false;
  } else if (pod.namespace !== policyNamespace) return false;
  return peer.podSelector ? matches(peer.podSelector, pod.labels) : true;
}

function portMatches(rule: Rule, destination: Pod, port: number, protocol: string): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'number' ? p.port : destination.ports?.[p.port];
    if (number === undefined) return false;
    return p.endPort ? port >= number && port <= p.endPort : port === number;
  });
}

function types(policy: NetworkPolicy): ('Ingress' | 'Egress')[] {
  return policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function direction(
  policies: NetworkPolicy[],
  kind: 'Ingress' | 'Egress',
  subject: Pod,
  other: Pod,
  destination: Pod,
  port: number,
  protocol: string,
): boolean {
  const selecting = policies.filter(
    (p) =>
      (p.metadata.namespace ?? 'default') === subject.namespace &&
      types(p).includes(kind) &&
      matches(p.spec.podSelector, subject.labels),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (kind === 'Ingress' ? p.spec.ingress : p.spec.egress)?.some((rule) => {
      const peers = kind === 'Ingress' ? rule.from : rule.to;
      const peerOk =
        !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, subject.namespace, other));
      return peerOk && portMatches(rule, destination, port, protocol);
    }),
  );
}

/** Whether `from` may open a connection to `to` on `port` under `policies`. */
export function allows(
  policies: NetworkPolicy[],
  c: { from: Pod; to: Pod; port: number; protocol?: string },
): boolean {
  const protocol = c.protocol ?? 'TCP';
  return (
    direction(policies, 'Egress', c.from, c.to, c.to, c.port, protocol) &&
    direction(policies, 'Ingress', c.to, c.from, c.to, c.port, protocol)
  );
}

/** Whether `to`'s ingress policies admit `from` on `port`, whatever `from`'s own egress policies say. */
export function admits(
  policies: NetworkPolicy[],
  c: { from: Pod; to: Pod; port: number; protocol?: string },
): boolean {
  return direction(policies, 'Ingress', c.to, c.from, c.to, c.port, c.protocol ?? 'TCP');
}
