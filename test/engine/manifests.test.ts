/** Deployables and infrastructure from Kubernetes workloads, Helm values, skaffold and Procfile (workspace/manifests.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverLayout } from '../../server/src/engine/workspace/services';
import { describeWorkspace } from '../../server/src/engine/system/workspace';
import { parseManifest } from '../../server/src/engine/workspace/manifests';
import { removeWorkspace, writeWorkspace } from '../support/workspace';

const pkg = (name: string) => JSON.stringify({ name });

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'acme', private: true }),
  'backend/orders/package.json': pkg('@acme/orders'),
  'backend/orders/src/main.ts': 'export {};\n',
  'backend/auth/package.json': pkg('@acme/auth'),
  'backend/auth/src/main.ts': 'export {};\n',
  'backend/gateway/package.json': pkg('@acme/gateway'),
  'backend/gateway/src/main.ts': 'export {};\n',
  'backend/shared/package.json': pkg('@acme/shared'),
  'jobs/cleanup/package.json': pkg('cleanup'),
  'workers/mailer/package.json': pkg('mailer'),
  'k8s/orders-depl.yaml': [
    'apiVersion: apps/v1', //                       1
    'kind: Deployment', //                          2
    'metadata:', //                                 3
    '  name: orders-depl', //                       4
    'spec:', //                                     5
    '  template:', //                               6
    '    spec:', //                                 7
    '      containers:', //                         8
    '        - name: orders', //                    9
    '          image: acme/orders:1.4.2', //        10
    '---', //                                       11
    'apiVersion: v1', //                            12
    'kind: Service', //                             13
    'metadata:', //                                 14
    '  name: orders-srv', //                        15
    '---', //                                       16
    'apiVersion: apps/v1', //                       17
    'kind: StatefulSet', //                         18
    'metadata:', //                                 19
    '  name: nats-depl', //                         20
    'spec:', //                                     21
    '  template:', //                               22
    '    spec:', //                                 23
    '      containers:', //                         24
    '        - name: nats', //                      25
    '          image: nats-streaming:0.17.0', //    26
  ].join('\n'),
  'k8s/cleanup.yaml': [
    'apiVersion: batch/v1', //                                          1
    'kind: CronJob', //                                                 2
    'metadata:', //                                                     3
    '  name: cleanup-cronjob', //                                       4
    'spec:', //                                                         5
    '  jobTemplate:', //                                                6
    '    spec:', //                                                     7
    '      template:', //                                               8
    '        spec:', //                                                 9
    '          containers:', //                                         10
    '            - image: registry.example.com/acme/cleanup/production', // 11
  ].join('\n'),
  'skaffold.yaml': [
    'apiVersion: skaffold/v2beta29', //  1
    'kind: Config', //                   2
    'build:', //                         3
    '  artifacts:', //                   4
    '    - image: acme/auth', //         5
    '      context: backend/auth', //    6
  ].join('\n'),
  'charts/acme/values.yaml': [
    'mailer:', //                                  1
    '  replicas: 2', //                            2
    '  image:', //                                 3
    '    repository: ghcr.io/acme/mailer', //      4
    '    tag: "{{ .Chart.AppVersion }}"', //       5
    'redis:', //                                   6
    '  image: redis:7', //                         7
  ].join('\n'),
  'Procfile': 'web: node backend/gateway/dist/main.js\nrelease: npm run migrate\n',
};

test('Kubernetes Deployments, StatefulSets and CronJobs, skaffold artifacts, Helm values and Procfile processes make deployables, with evidence', () => {
  const root = writeWorkspace(FILES);
  try {
    const layout = discoverLayout(root, undefined);
    assert.deepEqual(layout.services.map((s) => ({ name: s.name, path: s.paths[0], evidence: s.evidence })), [
      { name: 'auth', path: 'backend/auth', evidence: [{ file: 'skaffold.yaml', line: 5 }] },
      { name: 'cleanup', path: 'jobs/cleanup', evidence: [{ file: 'k8s/cleanup.yaml', line: 11 }] },
      { name: 'gateway', path: 'backend/gateway', evidence: [{ file: 'Procfile', line: 1 }] },
      { name: 'mailer', path: 'workers/mailer', evidence: [{ file: 'charts/acme/values.yaml', line: 4 }] },
      { name: 'orders', path: 'backend/orders', evidence: [{ file: 'k8s/orders-depl.yaml', line: 10 }] },
    ]);
    // Broker and cache images are infrastructure, named after their workload (or the values key holding the image).
    assert.deepEqual(describeWorkspace({ root }).infrastructure, [
      { name: 'nats', kind: 'nats', evidence: [{ file: 'k8s/orders-depl.yaml', line: 26 }] },
      { name: 'redis', kind: 'redis', evidence: [{ file: 'charts/acme/values.yaml', line: 7 }] },
    ]);
  } finally {
    removeWorkspace(root);
  }
});

test('manifests that are not workloads, Helm templates and unparsable YAML give nothing or what they can', () => {
  assert.deepEqual(parseManifest('apiVersion: v1\nkind: ConfigMap\ndata:\n  image: acme/x\n', 'k8s/config.yaml'), []);
  assert.deepEqual(parseManifest('key: [unclosed\n', 'k8s/bad.yaml'), []);
  const templated = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ .Release.Name }}-api',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: api',
    '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
  ].join('\n');
  // A templated image names nothing; the container's name is still the workload's.
  const [w] = parseManifest(templated, 'charts/acme/templates/api.yaml');
  assert.equal(w?.source, 'kubernetes');
  assert.equal(w?.line, 10);
});
