/**
 * Validation of rendered Kubernetes objects against the official object schemas: the
 * OpenAPI schemas of the Kubernetes API, compiled by kubernetes-models, and the Prometheus
 * Operator's CRD schemas (@kubernetes-models/prometheus-operator). A kind with no schema here
 * is reported as such, never validated against something else.
 *
 * What these schemas check: types, required fields, enums and formats. What they do not:
 * unknown fields (the API server rejects those with field validation; there is none here).
 */
import * as admissionregistration from 'kubernetes-models/admissionregistration.k8s.io/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as core from 'kubernetes-models/v1';
import * as monitoring from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { K8sObject } from './kustomize.js';

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: unknown): { validate(): void };
}

const MODELS = new Map<string, ModelClass>();
for (const mod of [
  core,
  apps,
  autoscaling,
  batch,
  networking,
  policy,
  rbac,
  admissionregistration,
  monitoring,
]) {
  for (const value of Object.values(mod) as unknown[]) {
    const c = value as Partial<ModelClass>;
    if (typeof value === 'function' && typeof c.apiVersion === 'string' && typeof c.kind === 'string')
      MODELS.set(`${c.apiVersion}/${c.kind}`, value as ModelClass);
  }
}

/** API groups of the Kubernetes API itself: an object of these must have a schema here. */
const CORE_GROUPS =
  /^(v1|(apps|autoscaling|batch|policy|networking\.k8s\.io|rbac\.authorization\.k8s\.io|admissionregistration\.k8s\.io|storage\.k8s\.io|scheduling\.k8s\.io)\/v\w+)$/;

export type Validation = { status: 'valid' } | { status: 'invalid'; error: string } | { status: 'no-schema' };

export function validateObject(obj: K8sObject): Validation {
  const Model = MODELS.get(`${obj.apiVersion}/${obj.kind}`);
  if (!Model) {
    if (CORE_GROUPS.test(obj.apiVersion))
      return { status: 'invalid', error: `no schema loaded for core kind ${obj.apiVersion} ${obj.kind}` };
    return { status: 'no-schema' };
  }
  try {
    new Model(obj).validate();
    return { status: 'valid' };
  } catch (err) {
    return { status: 'invalid', error: err instanceof Error ? err.message : String(err) };
  }
}
